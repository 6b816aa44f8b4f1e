"""The built-in demo: an LSTM learns to forecast noisy sine waves, one step ahead.

Data is generated, not downloaded: sums of two sines with random frequencies and phases plus
Gaussian noise, cut into windows. The model reads a window of ``window`` values and predicts the
next one (N vs 1 on real-valued input). The test loss is reported next to two baselines that need
no learning (repeat the last value; linear extrapolation from the last two), so the number means
something.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ..layers.rnn import LSTM


@dataclass(frozen=True)
class SineDemoConfig:
    """Settings of the demo; the defaults finish in well under a minute on 2 CPU cores."""

    series: int = 1024
    window: int = 48
    hidden_size: int = 32
    num_layers: int = 1
    epochs: int = 40
    batch_size: int = 32
    lr: float = 5e-3
    clip_norm: float = 1.0
    noise: float = 0.05
    seed: int = 0


def make_sine_windows(config: SineDemoConfig, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Windows ``(N, window, 1)`` of noisy two-tone sines and their next values ``(N, 1)``."""
    n, w = config.series, config.window
    t = torch.arange(w + 1, dtype=torch.float32)  # (W+1,)
    freq = 0.05 + 0.25 * torch.rand(n, 2, 1, generator=generator)  # (N, 2, 1) radians per step
    phase = 2 * math.pi * torch.rand(n, 2, 1, generator=generator)
    amp = torch.tensor([1.0, 0.5]).view(1, 2, 1)
    clean = (amp * torch.sin(freq * t + phase)).sum(1)  # (N, W+1)
    noisy = clean + config.noise * torch.randn(clean.shape, generator=generator)
    return noisy[:, :w].unsqueeze(-1), clean[:, w:]  # (N, W, 1), (N, 1)


class SineForecaster(nn.Module):
    """LSTM over the window, linear head on the last hidden state: ``y = W_hy h_T + b_y``."""

    def __init__(self, hidden_size: int, num_layers: int) -> None:
        super().__init__()
        self.rnn = LSTM(1, hidden_size, num_layers=num_layers)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: Tensor) -> Tensor:
        out, _ = self.rnn(x)  # (B, T, H)
        return self.head(out[:, -1])  # (B, 1)


@dataclass
class DemoResult:
    test_mse: float
    baseline_last_value_mse: float
    baseline_linear_mse: float
    train_losses: list[float]
    seconds: float
    rolling_truth: list[float]
    rolling_prediction: list[float]


def run(config: SineDemoConfig, on_epoch=None) -> DemoResult:  # noqa: ANN001 - optional callback
    """Train on 70% of the windows for a fixed number of epochs; report MSE on the last 15%."""
    for field in ("series", "window", "hidden_size", "num_layers", "epochs", "batch_size"):
        if getattr(config, field) < 1:
            raise ValueError(f"sine demo: {field} must be >= 1, got {getattr(config, field)}.")
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    x, y = make_sine_windows(config, generator)
    n_train, n_val = int(0.7 * len(x)), int(0.15 * len(x))
    x_train, y_train = x[:n_train], y[:n_train]
    x_test, y_test = x[n_train + n_val :], y[n_train + n_val :]

    model = SineForecaster(config.hidden_size, config.num_layers)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    started = time.perf_counter()
    losses = []
    for epoch in range(config.epochs):
        model.train()
        order = torch.randperm(n_train, generator=generator)
        total = 0.0
        for start in range(0, n_train, config.batch_size):
            idx = order[start : start + config.batch_size]
            loss = nn.functional.mse_loss(model(x_train[idx]), y_train[idx])
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
            optimiser.step()
            total += loss.item() * len(idx)
        losses.append(total / n_train)
        if on_epoch is not None:
            on_epoch(epoch, losses[-1])
    model.eval()
    with torch.no_grad():
        test_mse = nn.functional.mse_loss(model(x_test), y_test).item()
        # One held-out series, predicted one step ahead from each preceding window (for the plot)
        series_config = SineDemoConfig(series=1, window=config.window + 120, noise=config.noise)
        long_x, _ = make_sine_windows(series_config, torch.Generator().manual_seed(config.seed + 1))
        series = long_x[0, :, 0]  # (W + 120,)
        windows = series.unfold(0, config.window, 1)[:-1].unsqueeze(-1)  # (120, W, 1)
        rolling = model(windows)[:, 0]  # (120,)
    last = x_test[:, -1]  # (N, 1)
    linear = 2 * x_test[:, -1] - x_test[:, -2]
    return DemoResult(
        test_mse=test_mse,
        baseline_last_value_mse=nn.functional.mse_loss(last, y_test).item(),
        baseline_linear_mse=nn.functional.mse_loss(linear, y_test).item(),
        train_losses=losses,
        seconds=time.perf_counter() - started,
        rolling_truth=series[config.window :].tolist(),
        rolling_prediction=rolling.tolist(),
    )
