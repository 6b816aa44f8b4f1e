"""A forecast plot: the observed history, the true future where it is known, the forecast and its band.

All series share one time axis: ``history[i]`` is at step ``i``; ``prediction[j]`` (and ``truth[j]``,
``lower[j]``, ``upper[j]``) at step ``origin + j``; step ``k`` is drawn at ``start + step * k`` (so the
axis can be in hours, days, ...). The legend sits below the axes, never over the data.

Example:
    >>> figure = forecast_figure([0.0, 0.5, 1.0], [1.4, 1.8], truth=[1.5, 2.0], lower=[1.2, 1.5],
    ...                          upper=[1.6, 2.1], title="a ramp")
    >>> figure.axes[0].get_title(), [t.get_text() for t in figure.legends[0].get_texts()]
    ('a ramp', ['prediction interval', 'observed', 'true values', 'forecast', 'forecast starts'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .canvas import as_array, legend_below, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def forecast_figure(
    history: npt.ArrayLike,
    prediction: npt.ArrayLike,
    *,
    truth: npt.ArrayLike | None = None,
    lower: npt.ArrayLike | None = None,
    upper: npt.ArrayLike | None = None,
    origin: int | None = None,
    start: float = 0.0,
    step: float = 1.0,
    title: str = "forecast",
    x_label: str = "time step",
    y_label: str = "value",
    history_label: str = "observed",
    truth_label: str = "true values",
    prediction_label: str = "forecast",
    interval_label: str = "prediction interval",
) -> Figure:
    """Draw a forecast against what was observed and, where known, the truth.

    Args:
        history: the observed values ``(H,)``, at steps ``0 .. H-1``.
        prediction: the forecast ``(P,)``, at steps ``origin .. origin+P-1``.
        truth: the true values at the forecast's steps ``(P,)`` (e.g. the noise-free curve), if known.
        lower, upper: the prediction interval's bounds ``(P,)``; both or neither.
        origin: the step of ``prediction[0]``: by default ``H`` (a forecast after the history); smaller
            for a rolling one-step-ahead forecast, whose inputs go on being observed.
        start, step: step ``k`` is drawn at ``start + step * k`` (say what that unit is in ``x_label``).
        title: what is shown; x_label, y_label: the axes, with units.
        history_label, truth_label, prediction_label, interval_label: the legend's entries.

    Returns:
        The figure (save it with :func:`~rnnkit.plots.to_png`).

    Raises:
        ValueError: a series is not 1-D, lengths disagree, only one bound is given, or ``origin < 0``.
        PlotsUnavailableError: matplotlib is not installed.
    """
    observed = as_array(history, "history", 1)
    forecast = as_array(prediction, "prediction", 1)
    origin = len(observed) if origin is None else origin
    if origin < 0:
        raise ValueError(f"origin: expected a step >= 0, got {origin}.")
    if (lower is None) != (upper is None):
        raise ValueError("lower, upper: pass both bounds of the prediction interval, or neither.")
    extra = {
        name: as_array(values, name, 1)
        for name, values in (("truth", truth), ("lower", lower), ("upper", upper))
        if values is not None
    }
    for name, values in extra.items():
        if len(values) != len(forecast):
            raise ValueError(
                f"{name}: expected one value per forecast step ({len(forecast)}), got {len(values)}; "
                f"{name}[j] is drawn at the step of prediction[j]."
            )
    x_history = start + step * np.arange(len(observed))
    x_forecast = start + step * (origin + np.arange(len(forecast)))

    figure = new_figure(9.0, 4.8)
    ax = figure.add_subplot()
    if "lower" in extra:
        lower_band, upper_band = extra["lower"], extra["upper"]
        ax.fill_between(
            x_forecast, lower_band, upper_band, color="tab:blue", alpha=0.2, lw=0, label=interval_label
        )
    ax.plot(x_history, observed, color="0.55", linewidth=0.8, marker=".", markersize=3.5, label=history_label)
    if "truth" in extra:
        ax.plot(x_forecast, extra["truth"], color="black", linewidth=1.5, label=truth_label)
    ax.plot(x_forecast, forecast, color="tab:blue", linewidth=1.8, label=prediction_label)
    if len(forecast):
        ax.axvline(x_forecast[0], color="tab:red", linestyle=":", linewidth=1.2, label="forecast starts")
    ax.set_title(title)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(alpha=0.3)
    ax.margins(x=0.01)
    handles, labels = ax.get_legend_handles_labels()
    legend_below(figure, handles, labels)
    return figure
