"""rnnkit.plots.confusion_figure: true classes in rows, predictions in columns, counts or row fractions."""

from __future__ import annotations

import numpy as np
import pytest
from plot_checks import png_shape

from rnnkit.plots import confusion_figure, to_png

COUNTS = [[8, 2, 0], [1, 9, 0], [0, 0, 0]]
NAMES = ["negative", "positive", "neutral"]


def test_counts_with_labels_annotations_and_accuracy_in_the_title() -> None:
    figure = confusion_figure(COUNTS, NAMES)
    ax, colorbar = figure.axes
    assert ax.get_title() == "confusion matrix: 20 examples, accuracy 0.850"
    assert (ax.get_xlabel(), ax.get_ylabel(), colorbar.get_ylabel()) == (
        "predicted class",
        "true class",
        "examples",
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == NAMES
    assert [t.get_text() for t in ax.texts][:3] == ["8", "2", "0"]
    assert np.array_equal(ax.get_images()[0].get_array(), np.array(COUNTS, dtype=float))
    height, width, _ = png_shape(to_png(figure))
    assert width > height > 300


def test_normalised_rows_are_fractions_of_the_true_class() -> None:
    figure = confusion_figure(COUNTS, NAMES, normalise=True, title="IMDB test split")
    ax = figure.axes[0]
    shown = np.asarray(ax.get_images()[0].get_array())
    assert np.allclose(shown.sum(1), [1.0, 1.0, 0.0])  # a class with no examples stays 0
    assert [t.get_text() for t in ax.texts][:2] == ["0.80", "0.20"] and ax.get_title() == "IMDB test split"
    assert figure.axes[1].get_ylabel() == "fraction of the true class"


def test_many_classes_are_drawn_without_annotations() -> None:
    figure = confusion_figure(np.eye(30) * 5, [f"c{k}" for k in range(30)])
    assert len(figure.axes[0].texts) == 0


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([[1, 2, 3]], r"expected shape \(classes, classes\) = \(3, 3\)"),
        ([[1, 0], [0, 1]], r"= \(3, 3\) for 3 class names, got \(2, 2\)"),
        ([[1, 0, 0], [0, -1, 0], [0, 0, 1]], "expected counts >= 0"),
    ],
)
def test_bad_counts_are_refused(counts, message) -> None:
    with pytest.raises(ValueError, match=message):
        confusion_figure(counts, NAMES)
