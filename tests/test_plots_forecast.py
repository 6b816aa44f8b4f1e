"""rnnkit.plots.forecast_figure: history, truth, forecast and band on one time axis; legend off the data."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from plot_checks import assert_legend_clear_of_data, png_shape, points_under_legend

from rnnkit.plots import forecast_figure, to_png
from rnnkit.plots.canvas import DPI


def ramp_forecast(**kwargs):
    history = np.sin(np.arange(40) / 4)
    prediction = np.sin(np.arange(40, 52) / 4) + 0.05
    band = {"lower": prediction - 0.2, "upper": prediction + 0.2}
    return forecast_figure(history, prediction, truth=np.sin(np.arange(40, 52) / 4), **band, **kwargs)


def test_titles_labels_and_legend_say_what_is_shown() -> None:
    figure = ramp_forecast(title="next 12 hours", x_label="time (hours)", y_label="load (MW)")
    ax = figure.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "next 12 hours",
        "time (hours)",
        "load (MW)",
    )
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["prediction interval", "observed", "true values", "forecast", "forecast starts"]
    assert len(ax.get_xticks()) >= 3 and len(ax.get_yticks()) >= 3


def test_series_sit_on_one_time_axis() -> None:
    figure = forecast_figure([1.0, 2.0, 3.0], [4.0, 5.0], truth=[4.5, 5.5], start=10.0, step=0.5)
    observed, truth, forecast, origin = figure.axes[0].get_lines()
    assert observed.get_xdata().tolist() == [10.0, 10.5, 11.0]
    assert forecast.get_xdata().tolist() == [11.5, 12.0] and forecast.get_ydata().tolist() == [4.0, 5.0]
    assert truth.get_xdata().tolist() == [11.5, 12.0] and origin.get_xdata()[0] == 11.5
    rolling = forecast_figure(np.zeros(6), np.ones(3), origin=3)  # one step ahead: history goes on
    assert rolling.axes[0].get_lines()[1].get_xdata().tolist() == [3, 4, 5]


def test_the_legend_covers_no_data() -> None:
    assert_legend_clear_of_data(ramp_forecast())
    long_names = {"history_label": "observed values of a long-named series", "truth_label": "truth " * 6}
    assert_legend_clear_of_data(ramp_forecast(**long_names))


def test_png_size_and_tensor_inputs() -> None:
    history = torch.randn(30, requires_grad=True)
    figure = forecast_figure(history, history[-5:] * 2)
    assert png_shape(to_png(figure)) == (round(4.8 * DPI), 9 * DPI, 4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"truth": [1.0]}, r"truth: expected one value per forecast step \(2\), got 1"),
        ({"lower": [0.0, 0.0]}, "pass both bounds"),
        ({"origin": -1}, "origin: expected a step >= 0"),
    ],
)
def test_bad_inputs_name_the_fix(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        forecast_figure([0.0, 1.0], [2.0, 3.0], **kwargs)
    with pytest.raises(ValueError, match=r"history: expected 1-D values \(N,\), got shape \(2, 1\)"):
        forecast_figure([[0.0], [1.0]], [2.0])


def test_the_legend_check_catches_a_legend_over_the_data() -> None:
    figure = ramp_forecast()
    figure.legends[0].remove()
    figure.legend(*figure.axes[0].get_legend_handles_labels(), loc="center")  # over the middle of the curves
    with pytest.raises(AssertionError, match="overlaps the axes"):
        assert_legend_clear_of_data(figure)
    assert points_under_legend(figure) > 20  # and the data-point test sees the curves it hides
