"""A confusion matrix: rows are the true classes, columns the predicted ones, each cell a count.

With ``normalise=True`` each row is divided by its total, so a cell is the fraction of that true
class predicted as the column's class (the diagonal is each class's recall). Cells are annotated with
their value up to :data:`MAX_ANNOTATED` classes.

Example:
    >>> figure = confusion_figure([[8, 2], [1, 9]], ["neg", "pos"])
    >>> ax = figure.axes[0]
    >>> ax.get_title(), ax.get_xlabel(), ax.get_ylabel()
    ('confusion matrix: 20 examples, accuracy 0.850', 'predicted class', 'true class')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .canvas import as_array, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

MAX_ANNOTATED = 20


def confusion_figure(
    counts: npt.ArrayLike,
    class_names: Sequence[str],
    *,
    normalise: bool = False,
    title: str | None = None,
) -> Figure:
    """Draw a confusion matrix ``(C, C)``: ``counts[i, j]`` examples of class ``i`` predicted as ``j``.

    Args:
        counts: non-negative counts, true classes in rows and predicted classes in columns.
        class_names: the ``C`` class names, in index order.
        normalise: show each row as fractions of its true class (rows with no examples stay 0).
        title: what is shown; by default the number of examples, the accuracy and the normalisation.

    Returns:
        The figure (save it with :func:`~rnnkit.plots.to_png`).

    Raises:
        ValueError: ``counts`` is not square, disagrees with ``class_names`` or has negative entries.
        PlotsUnavailableError: matplotlib is not installed.
    """
    matrix = as_array(counts, "counts", 2)
    classes = len(class_names)
    if matrix.shape != (classes, classes):
        raise ValueError(
            f"counts: expected shape (classes, classes) = {(classes, classes)} for {classes} class names, "
            f"got {matrix.shape}; rows are true classes, columns predicted classes."
        )
    if (matrix < 0).any():
        raise ValueError("counts: expected counts >= 0, got a negative entry.")
    total = float(matrix.sum())
    if title is None:
        accuracy = float(np.trace(matrix)) / total if total else float("nan")
        title = f"confusion matrix: {total:g} examples, accuracy {accuracy:.3f}"
        if normalise:
            title += " (rows normalised)"
    row_totals = matrix.sum(axis=1, keepdims=True)
    shown = matrix / np.where(row_totals > 0, row_totals, 1.0) if normalise else matrix
    top = 1.0 if normalise else max(float(shown.max()), 1.0)

    side = float(np.clip(2.6 + 0.42 * classes, 4.6, 14.0))
    figure = new_figure(side + 1.2, side)
    ax = figure.add_subplot()
    image = ax.imshow(shown, cmap="Blues", vmin=0.0, vmax=top, interpolation="nearest")
    if classes <= MAX_ANNOTATED:
        for (i, j), value in np.ndenumerate(shown):
            text = f"{value:.2f}" if normalise else f"{value:g}"
            colour = "white" if value > 0.5 * top else "black"
            ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=8 if classes > 10 else 10)
    tilt = any(len(name) > 5 for name in class_names)
    ax.set_xticks(
        range(classes), labels=list(class_names), rotation=45 if tilt else 0, ha="right" if tilt else "center"
    )
    ax.set_yticks(range(classes), labels=list(class_names))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    figure.colorbar(image, ax=ax, label="fraction of the true class" if normalise else "examples")
    return figure
