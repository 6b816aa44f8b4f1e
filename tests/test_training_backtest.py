"""Rolling-origin backtests: the same forecasts as one origin at a time, every window at stride 1."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.data.windows import split_by_rows, window_starts
from rnnkit.models.config import SegRNNConfig
from rnnkit.models.segrnn import SegRNN
from rnnkit.training.backtest import backtest


def model_forecast():
    torch.manual_seed(0)
    model = SegRNN(SegRNNConfig(channels=2, lookback=12, horizon=6, segment=6, hidden_size=8)).double().eval()

    def forecast(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()

    return forecast


@pytest.mark.parametrize("stride", [1, 4, 6])
def test_a_backtest_equals_forecasts_made_one_origin_at_a_time(stride):
    rng = np.random.default_rng(0)
    values = rng.normal(size=(80, 2))
    part = split_by_rows(40, 60, 80, lookback=12).test
    forecast = model_forecast()
    result = backtest(forecast, values, values, part, lookback=12, horizon=6, stride=stride, batch_size=5)
    for origin, y_hat, y in zip(result.origins, result.forecasts, result.targets, strict=True):
        alone = forecast(values[origin - 12 : origin][None])[0]
        assert np.allclose(y_hat, alone, atol=1e-12) and np.array_equal(y, values[origin : origin + 6])
    errors = []
    for origin in result.origins:
        errors.append(forecast(values[origin - 12 : origin][None])[0] - values[origin : origin + 6])
    assert result.mse == pytest.approx(float(np.mean(np.square(errors))), rel=1e-12)
    assert result.mae == pytest.approx(float(np.mean(np.abs(errors))), rel=1e-12)


def test_stride_1_scores_every_window_of_the_part_and_by_horizon_averages_to_the_mse():
    values = np.random.default_rng(1).normal(size=(80, 2))
    part = split_by_rows(40, 60, 80, lookback=12).test
    result = backtest(model_forecast(), values, values, part, lookback=12, horizon=6)
    assert len(result.origins) == len(window_starts(part, 12, 6)) == 20 - 6 + 1
    assert result.origins[0] == 60 and result.origins[-1] + 6 == 80  # first and last target rows of the part
    assert result.by_horizon().mean() == pytest.approx(result.mse, rel=1e-12)


def test_a_forecast_of_the_wrong_shape_is_named():
    values = np.zeros((40, 1))
    part = split_by_rows(20, 30, 40, lookback=4).test
    with pytest.raises(ValueError, match=r"expected \(8, 3, 1\)"):
        backtest(lambda x: np.zeros((len(x), 2, 1)), values, values, part, lookback=4, horizon=3)
    with pytest.raises(ValueError, match="stride"):
        backtest(lambda x: x, values, values, part, lookback=4, horizon=3, stride=0)
