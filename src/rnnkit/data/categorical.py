"""Categorical columns as one-hot columns named ``col=value``.

A column of labels (PM2.5's wind direction ``cbwd``: ``NE``, ``NW``, ``SE``, ``cv``) becomes one 0/1
column per category, ``cbwd=NE``, ``cbwd=NW``, ... in the order of ``categories``: sorted (Python string
order, so upper case before lower case) unless given.

Where the categories come from: a fixed list when the dataset documents one (PM2.5), else every label in
the whole column, not only the training part. The categories decide which columns exist, not any value in
a row: a row's encoding depends on that row's label alone, so reading the labels of later rows leaks no
number from the future, while fitting them on the training part would leave a label first seen in the
validation or test part with no column. A later file (a new CSV for a trained model) is encoded with the
saved categories, and a label outside them is an error.

Example:
    >>> names, onehot = one_hot(["SE", "cv", "NW", "SE"], "cbwd")
    >>> names
    ('cbwd=NW', 'cbwd=SE', 'cbwd=cv')
    >>> onehot.tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def one_hot(
    labels: Sequence[str],
    column: str,
    categories: Sequence[str] | None = None,
    *,
    source: str = "",
    lines: Sequence[int] | None = None,
) -> tuple[tuple[str, ...], np.ndarray]:
    """One-hot encode ``labels``; return the new column names and a ``(T, K)`` float64 0/1 array.

    Args:
        labels: one label per row (surrounding whitespace is stripped).
        column: the source column's name; the new columns are ``f"{column}={category}"``.
        categories: the categories in column order; default: the sorted distinct labels.
        source: the file, for messages.
        lines: the file line of each row, for messages.

    Raises:
        ValueError: an empty label, or a label outside the given ``categories``.
    """
    stripped = np.array([label.strip() for label in labels], dtype=str)
    where = f"{source}: " if source else ""
    empty = np.flatnonzero(stripped == "")
    if len(empty):
        line = f"line {lines[empty[0]]}" if lines is not None else f"row {empty[0]}"
        raise ValueError(
            f"{where}{line}, column {column!r}: empty label ({len(empty)} in all); a categorical column "
            "needs a label on every row: fill them in the file."
        )
    cats = tuple(sorted(set(stripped.tolist()))) if categories is None else tuple(categories)
    codes = {c: i for i, c in enumerate(cats)}
    index = np.array([codes.get(label, -1) for label in stripped.tolist()], dtype=np.int64)
    unknown = np.flatnonzero(index < 0)
    if len(unknown):
        row = unknown[0]
        line = f"line {lines[row]}" if lines is not None else f"row {row}"
        raise ValueError(
            f"{where}{line}, column {column!r}: label {str(stripped[row])!r} is not one of the categories "
            f"{list(cats)}; the file does not match the data these categories were taken from."
        )
    encoded = np.zeros((len(stripped), len(cats)), dtype=np.float64)
    encoded[np.arange(len(stripped)), index] = 1.0
    return tuple(f"{column}={c}" for c in cats), encoded
