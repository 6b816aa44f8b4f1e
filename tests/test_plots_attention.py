"""rnnkit.plots.attention_figure: target x source weights, tokens on the axes, a colour bar."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from plot_checks import png_shape

from rnnkit.plots import attention_figure, to_png

SOURCE = ["ein", "Mann", "schläft", "."]
TARGET = ["a", "man", "sleeps"]


def test_cells_are_the_weights_with_tokens_on_the_axes() -> None:
    weights = torch.softmax(torch.randn(3, 4), dim=-1)
    figure = attention_figure(weights, SOURCE, TARGET, title="attention: ein Mann schläft .")
    ax, colorbar = figure.axes
    assert np.allclose(ax.get_images()[0].get_array(), weights.numpy())
    assert [t.get_text() for t in ax.get_xticklabels()] == SOURCE
    assert [t.get_text() for t in ax.get_yticklabels()] == TARGET
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "attention: ein Mann schläft .",
        "source token",
        "target token",
    )
    assert colorbar.get_ylabel() == "attention weight"
    height, width, _ = png_shape(to_png(figure))
    assert width > height > 200


def test_the_figure_grows_with_the_sentences() -> None:
    small = attention_figure(np.eye(3), ["a"] * 3, ["b"] * 3).get_size_inches()
    large = attention_figure(np.ones((20, 30)) / 30, ["a"] * 30, ["b"] * 20).get_size_inches()
    assert (large > small).all()


def test_a_shape_that_disagrees_with_the_tokens_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"expected shape \(target tokens, source tokens\) = \(3, 4\), got \(4, 3\)"
    ):
        attention_figure(np.ones((4, 3)), SOURCE, TARGET)
