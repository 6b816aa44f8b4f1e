"""Split-conformal widths (brute force on tiny cases) and the free-running roll-out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnkit.training.intervals import conformal_width, coverage
from rnnkit.training.rollout import roll_forward


@pytest.mark.parametrize("n", [5, 9, 19, 40])
@pytest.mark.parametrize("level", [0.5, 0.8, 0.9])
def test_conformal_width_is_the_ceil_n_plus_1_level_th_smallest_error(n, level) -> None:
    rng = np.random.default_rng(n)
    residuals = rng.standard_normal((n, 3, 2))
    width = conformal_width(residuals, level)
    rank = math.ceil((n + 1) * level)
    for h in range(3):
        for k in range(2):
            errors = sorted(abs(float(r)) for r in residuals[:, h, k])
            expected = errors[rank - 1] if rank <= n else math.inf
            assert width[h, k] == expected


def test_conformal_intervals_cover_the_level_on_average_over_calibration_draws() -> None:
    """With n = 19 and level 0.9 the expected coverage is exactly rank / (n + 1) = 18/20 (exchangeable
    errors); averaged over 300 calibration draws it is within a few thousandths of 0.9."""
    rng = np.random.default_rng(0)
    covered = []
    for _ in range(300):
        width = conformal_width(rng.standard_normal((19, 1, 1)), 0.9)
        covered.append(coverage(-width, width, rng.standard_normal((2000, 1, 1))))
    assert 0.89 < float(np.mean(covered)) < 0.91


def test_conformal_width_refuses_a_level_outside_0_1() -> None:
    with pytest.raises(ValueError, match="level must be in"):
        conformal_width(np.ones((3, 1, 1)), 1.0)


def test_roll_forward_feeds_each_block_back_and_cuts_the_last() -> None:
    calls = []

    def forecast(window: np.ndarray) -> np.ndarray:  # (1, L, C) -> (1, H=3, C): the window's mean + 1
        calls.append(window.copy())
        return np.repeat(window.mean(axis=1, keepdims=True) + 1, 3, axis=1)

    history = np.arange(4.0).reshape(4, 1)
    out = roll_forward(forecast, history, steps=7, lookback=2)
    assert out.shape == (7, 1) and len(calls) == 3
    np.testing.assert_allclose(calls[0][0, :, 0], [2.0, 3.0])
    np.testing.assert_allclose(out[:3, 0], 3.5)
    np.testing.assert_allclose(calls[1][0, :, 0], [3.5, 3.5])  # the last L rows are forecasts now


def test_roll_forward_needs_forecasts_of_every_column() -> None:
    with pytest.raises(ValueError, match="every input column"):
        roll_forward(lambda w: w[:, -1:, :1], np.ones((5, 2)), steps=2, lookback=3)
