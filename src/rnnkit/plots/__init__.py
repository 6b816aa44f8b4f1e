"""rnnkit.plots: the figures every task draws, as PNG with matplotlib (``pip install 'rnnkit[plots]'``).

Each ``*_figure`` function builds and returns a :class:`matplotlib.figure.Figure` (check it, adjust
it, or save it with :func:`to_png` and :meth:`rnnkit.training.RunFolder.write_png`); :func:`plot_run`
draws what a run folder holds into it. Importing this package does not import matplotlib; the first
drawing does, and raises :class:`PlotsUnavailableError` (one line, with the install command) if it is
missing. pyplot and the user's matplotlib backend are never touched.

Example:
    >>> figure = forecast_figure([0.0, 1.0, 0.0], [-1.0, 0.0], truth=[-1.0, 0.1])
    >>> to_png(figure)[:4]
    b'\\x89PNG'
"""

from .attention import attention_figure
from .canvas import PlotsUnavailableError, to_png
from .confusion import confusion_figure
from .forecast import forecast_figure
from .loss_curves import loss_curves_figure, read_log
from .run import plot_run

__all__ = [
    "PlotsUnavailableError",
    "attention_figure",
    "confusion_figure",
    "forecast_figure",
    "loss_curves_figure",
    "plot_run",
    "read_log",
    "to_png",
]
