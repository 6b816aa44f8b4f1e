"""The drawing surface of :mod:`rnnkit.plots`: matplotlib imported on first use, an Agg canvas, PNG bytes.

matplotlib is optional (``pip install 'rnnkit[plots]'``). It is imported inside these functions, never
when :mod:`rnnkit.plots` is imported, and only through its object-oriented API (a
:class:`matplotlib.figure.Figure` on its own :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg`):
pyplot's global figure state and the backend the user has selected are left alone, so rnnkit draws the
same PNG inside a notebook, a GUI application or a headless server.

Example:
    >>> figure = new_figure(4, 3)
    >>> ax = figure.add_subplot()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> to_png(figure)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

DPI = 120
MISSING_MATPLOTLIB = "matplotlib is not installed: pip install 'rnnkit[plots]'"


class PlotsUnavailableError(ImportError, ValueError):
    """matplotlib is not installed, so rnnkit cannot draw plots.

    An ImportError for what it is, and a ValueError so that the CLI reports it as every user-facing
    error: one red line, exit code 2.
    """


def new_figure(width: float, height: float) -> Figure:
    """An empty figure of ``width`` x ``height`` inches (at :data:`DPI`), laid out by constrained layout.

    Raises:
        PlotsUnavailableError: matplotlib is not installed.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise PlotsUnavailableError(MISSING_MATPLOTLIB, name="matplotlib") from error
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # attaches itself as figure.canvas
    return figure


def legend_below(figure: Figure, handles: list[Artist], labels: list[str]) -> Legend:
    """A figure legend below the axes (outside them: it never covers the data), in as few rows as fit.

    The widest arrangement (all entries in one row, then fewer columns) whose measured width fits the
    figure is kept.
    """
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]  # an Agg canvas (new_figure)

    def legend(columns: int) -> Legend:
        return figure.legend(handles, labels, loc="outside lower center", ncols=columns, frameon=False)

    for columns in range(len(labels), 1, -1):
        attempt = legend(columns)
        if attempt.get_window_extent(renderer).width <= 0.98 * figure.bbox.width:
            return attempt
        attempt.remove()
    return legend(1)


def to_png(figure: Figure) -> bytes:
    """The figure as PNG bytes on a white background (write them with :meth:`RunFolder.write_png`)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, facecolor="white")
    return buffer.getvalue()


def as_array(values: Any, name: str, ndim: int) -> np.ndarray:
    """``values`` (a sequence, NumPy array or tensor on any device) as a float array with ``ndim`` axes."""
    if hasattr(values, "detach"):  # a torch tensor: leave autograd and the device behind
        values = values.detach().cpu()
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: expected numbers, got {type(values).__name__} ({error}).") from None
    if array.ndim != ndim:
        shape = "(N,)" if ndim == 1 else "(rows, columns)"
        raise ValueError(f"{name}: expected {ndim}-D values {shape}, got shape {array.shape}.")
    return array
