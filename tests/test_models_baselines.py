"""The no-learning forecasts against their definitions, computed element by element."""

from __future__ import annotations

import pytest
import torch

from rnnkit.models.baselines import drift, naive, seasonal_naive


def test_each_baseline_matches_its_definition_step_by_step():
    x = torch.randn(3, 10, 2, dtype=torch.float64)
    horizon, period = 7, 4
    by_naive, by_season, by_drift = naive(x, horizon), seasonal_naive(x, horizon, period), drift(x, horizon)
    length = x.shape[1]
    for h in range(1, horizon + 1):
        assert torch.equal(by_naive[:, h - 1], x[:, -1])
        assert torch.equal(by_season[:, h - 1], x[:, length - period + (h - 1) % period])
        expected = x[:, -1] + h * (x[:, -1] - x[:, 0]) / (length - 1)
        assert torch.allclose(by_drift[:, h - 1], expected, atol=1e-12)


def test_seasonal_naive_is_exact_on_a_periodic_series():
    t = torch.arange(48, dtype=torch.float64)
    series = torch.sin(2 * torch.pi * t / 12).view(1, 48, 1)
    window, future = series[:, :36], series[:, 36:]
    assert torch.allclose(seasonal_naive(window, 12, period=12), future, atol=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x: naive(x, 0), "horizon"),
        (lambda x: seasonal_naive(x, 3, period=11), "period"),
        (lambda x: naive(x[0], 3), "batch, lookback, channels"),
    ],
)
def test_bad_arguments_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call(torch.zeros(1, 10, 1))
