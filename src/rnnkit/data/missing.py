"""Missing values in a time series: which rule fills them, and the mask of what was filled.

A missing value is a NaN in ``values`` (the CSV parsers turn ``NA``, ``N/A``, ``NaN``, ``null`` and empty
fields into NaN). :func:`fill_missing` fills each column on its own, in row order, by one of two rules:

- ``"previous"`` (the default everywhere in rnnkit): carry the last observed value forward,
  ``v_t = v_s`` with ``s`` the last observed row before ``t``. A gap at the very start of a column, where
  there is nothing before it, takes the first observed value (the one place a later value is used; it
  lies in the first rows of the series, so inside the training part of any time-ordered split).
  Causal: a filled value depends only on the past, so a look-back window never sees its own targets
  through a filled input.
- ``"linear"``: straight line between the observed values on either side of a gap,
  ``v_t = v_a + (t - a) / (b - a) * (v_b - v_a)`` for the observed rows ``a < t < b`` (linear in row
  position, which is linear in time for evenly spaced rows); gaps at either end take the nearest observed
  value. Smoother, but not causal: an input filled inside a gap that spans a forecast origin is drawn
  towards the first value after the gap, which may be one of that window's targets.

The returned mask is True where a value was filled, so a metric can leave filled targets out and a
report can count them.

Example:
    >>> filled, mask = fill_missing(np.array([[np.nan], [1.0], [np.nan], [3.0]]), "previous")
    >>> filled.ravel().tolist(), mask.ravel().tolist()
    ([1.0, 1.0, 1.0, 3.0], [True, False, True, False])
    >>> fill_missing(np.array([[np.nan], [1.0], [np.nan], [3.0]]), "linear")[0].ravel().tolist()
    [1.0, 1.0, 2.0, 3.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FILL_METHODS = ("previous", "linear")


def _forward_fill(column: np.ndarray, observed: np.ndarray) -> np.ndarray:
    last = np.where(observed, np.arange(len(column)), -1)
    np.maximum.accumulate(last, out=last)  # the last observed row at or before each row
    last[last < 0] = int(np.argmax(observed))  # the leading gap takes the first observed value
    return column[last]


def fill_missing(
    values: np.ndarray,
    method: str = "previous",
    columns: Sequence[str] | None = None,
    source: str = "",
) -> tuple[np.ndarray, np.ndarray]:
    """Fill the NaNs of a ``(T, C)`` array column by column; return ``(filled, mask)``.

    Args:
        values: ``(T, C)`` float, NaN where a value is missing. Not modified.
        method: ``"previous"`` or ``"linear"`` (the rules in the module docstring).
        columns: the column names, for messages.
        source: the file, for messages.

    Returns:
        ``filled`` ``(T, C)`` float64 with no NaN, and ``mask`` ``(T, C)`` bool, True where filled.

    Raises:
        ValueError: an unknown method, or a column with no observed value at all (nothing to fill from).
    """
    if method not in FILL_METHODS:
        raise ValueError(f"missing-value fill {method!r} is not one of {list(FILL_METHODS)}.")
    values = np.asarray(values, dtype=np.float64)
    mask = np.isnan(values)
    filled = values.copy()
    for c in np.flatnonzero(mask.any(axis=0)).tolist():
        observed = ~mask[:, c]
        if not observed.any():
            name = repr(columns[c]) if columns is not None else str(c)
            where = f"{source}: " if source else ""
            raise ValueError(
                f"{where}column {name} has no value at all ({len(values)} rows, every one missing); "
                "drop the column or fill it in the file."
            )
        if method == "previous":
            filled[:, c] = _forward_fill(values[:, c], observed)
        else:
            rows = np.arange(len(values))
            filled[:, c] = np.interp(rows, rows[observed], values[observed, c])
    return filled, mask
