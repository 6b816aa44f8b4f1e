"""rnnkit.data.categorical: one-hot columns named col=value, sorted categories, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.data.categorical import one_hot


def test_sorted_categories_and_names() -> None:
    names, encoded = one_hot(["SE", " cv", "NW", "SE", "NE"], "cbwd")
    assert names == ("cbwd=NE", "cbwd=NW", "cbwd=SE", "cbwd=cv")  # Python order: upper case first
    assert encoded.dtype == np.float64 and encoded.shape == (5, 4)
    assert encoded.sum(axis=1).tolist() == [1.0] * 5
    assert encoded.argmax(axis=1).tolist() == [2, 3, 1, 2, 0]


def test_given_categories_fix_the_columns() -> None:
    names, encoded = one_hot(["b", "b"], "k", categories=("c", "b", "a"))
    assert names == ("k=c", "k=b", "k=a")  # the given order, including categories absent here
    assert encoded.tolist() == [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]


def test_unknown_and_empty_labels() -> None:
    with pytest.raises(ValueError, match=r"w\.csv: line 3, column 'cbwd': label 'SW' is not one of"):
        one_hot(["NE", "SW"], "cbwd", ("NE", "NW"), source="w.csv", lines=[2, 3])
    with pytest.raises(ValueError, match=r"line 5, column 'cbwd': empty label \(1 in all\)"):
        one_hot(["NE", " "], "cbwd", lines=[4, 5])
