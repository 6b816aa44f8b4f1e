"""Forecaster: direct and autoregressive modes learn a tiny series; Gaussian intervals behave."""

from __future__ import annotations

import math

import pytest
import torch

from rnnkit.models.encoder import LAYERS_BY_CELL, RNNConfig
from rnnkit.models.forecaster import Forecaster, ForecasterConfig


def _sine_windows(n: int = 16, window: int = 12, horizon: int = 3):
    t = torch.arange(window + horizon, dtype=torch.float32)
    phase = torch.linspace(0, 2 * math.pi, n).unsqueeze(1)
    series = torch.stack([torch.sin(0.4 * t + phase), torch.cos(0.4 * t + phase)], dim=-1)  # (N, W+k, 2)
    return series[:, :window], series[:, window:]


def _train(model: Forecaster, x, y, steps: int = 250) -> float:
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(steps):
        loss = model.loss(x, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return loss.item()


@pytest.mark.parametrize("cell", sorted(LAYERS_BY_CELL))
@pytest.mark.parametrize("mode", ["direct", "autoregressive"])
def test_overfits_a_tiny_series(cell, mode):
    torch.manual_seed(0)
    x, y = _sine_windows()
    model = Forecaster(
        ForecasterConfig(input_size=2, horizon=3, mode=mode, rnn=RNNConfig(cell=cell, hidden_size=16))
    )
    assert _train(model, x, y) < 2e-3


def test_gaussian_head_learns_the_noise_scale_and_intervals_cover():
    torch.manual_seed(0)
    x, y = _sine_windows(n=64)
    noise = 0.1
    y_noisy = y + noise * torch.randn(y.shape, generator=torch.Generator().manual_seed(1))
    model = Forecaster(
        ForecasterConfig(input_size=2, horizon=3, gaussian=True, rnn=RNNConfig(hidden_size=16))
    )
    _train(model, x, y_noisy, steps=400)
    mean, scale = model(x)
    assert 0.03 < scale.mean().item() < 0.3  # of the order of the noise it saw
    _, low, high = model.predict_interval(x, level=0.9)
    coverage = ((y_noisy >= low) & (y_noisy <= high)).float().mean().item()
    assert 0.75 < coverage <= 1.0
    assert torch.all(high > mean) and torch.all(low < mean)


def test_config_errors():
    with pytest.raises(ValueError, match="output_size must equal input_size"):
        Forecaster(ForecasterConfig(input_size=2, output_size=1, mode="autoregressive"))
    with pytest.raises(ValueError, match="set rnn.bidirectional=False"):
        Forecaster(ForecasterConfig(input_size=2, mode="autoregressive", rnn=RNNConfig(bidirectional=True)))
    with pytest.raises(ValueError, match="mode must be one of"):
        Forecaster(ForecasterConfig(input_size=2, mode="seq2seq"))
    model = Forecaster(ForecasterConfig(input_size=2, horizon=3, rnn=RNNConfig(hidden_size=4)))
    with pytest.raises(ValueError, match=r"x must be \(batch, window, 2\)"):
        model(torch.randn(4, 10))
    with pytest.raises(ValueError, match=r"targets must have shape \(4, 3, 2\)"):
        model.loss(torch.randn(4, 10, 2), torch.randn(4, 2, 2))
    with pytest.raises(ValueError, match="need gaussian=True"):
        model.predict_interval(torch.randn(4, 10, 2))


def test_direct_mode_forecasts_a_subset_of_series():
    model = Forecaster(
        ForecasterConfig(input_size=3, output_size=1, horizon=5, rnn=RNNConfig(cell="gru", hidden_size=4))
    )
    assert model(torch.randn(2, 7, 3)).shape == (2, 5, 1)
