"""rnnkit.data.missing: the two fill rules as documented, the mask, and causality of "previous"."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.data.missing import fill_missing

NAN = np.nan


def column(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)[:, None]


def test_previous_carries_the_last_value_forward() -> None:
    raw = column(NAN, NAN, 1.0, NAN, NAN, 4.0, NAN)
    filled, mask = fill_missing(raw, "previous")
    assert filled.ravel().tolist() == [1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0]  # leading gap: first observed value
    assert mask.ravel().tolist() == [True, True, False, True, True, False, True]
    assert np.isnan(raw).sum() == 5  # the input is not modified


def test_linear_draws_a_line_and_takes_the_nearest_value_at_the_ends() -> None:
    raw = column(NAN, 1.0, NAN, NAN, 4.0, NAN, NAN)
    filled, mask = fill_missing(raw, "linear")
    assert filled.ravel().tolist() == [1.0, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0]
    assert mask.sum() == 5


def test_columns_are_filled_on_their_own() -> None:
    raw = np.array([[1.0, NAN], [NAN, 5.0], [3.0, NAN]])
    filled, mask = fill_missing(raw, "linear")
    assert filled.tolist() == [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]
    assert mask.tolist() == [[False, True], [True, False], [False, True]]
    same, none = fill_missing(np.ones((3, 2)), "previous")
    assert np.array_equal(same, np.ones((3, 2))) and not none.any()


def test_previous_is_causal() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(50, 1))
    raw[rng.random(50) < 0.3] = NAN
    raw[0] = 0.5
    filled, _ = fill_missing(raw, "previous")
    later = raw.copy()
    later[30:] = rng.normal(size=(20, 1))  # change everything from row 30 on
    again, _ = fill_missing(later, "previous")
    assert np.array_equal(filled[:30], again[:30])  # no filled value before row 30 moved


def test_errors() -> None:
    with pytest.raises(ValueError, match="'mean' is not one of"):
        fill_missing(column(1.0, NAN), "mean")
    with pytest.raises(ValueError, match=r"data\.csv: column 'pm' has no value at all \(2 rows"):
        fill_missing(np.array([[1.0, NAN], [2.0, NAN]]), "previous", ["t", "pm"], "data.csv")
