"""The sine demo learns: after a short run the LSTM beats the no-learning baselines."""

from __future__ import annotations

import torch

from rnnkit.recipes.sine_demo import SineDemoConfig, make_sine_windows, run


def test_windows_shapes_and_targets_are_the_next_clean_value():
    config = SineDemoConfig(series=8, window=10, noise=0.0)
    x, y = make_sine_windows(config, torch.Generator().manual_seed(0))
    assert x.shape == (8, 10, 1) and y.shape == (8, 1)
    assert x.abs().max() <= 1.5 + 1e-6  # amplitudes 1 + 0.5


def test_short_training_beats_the_baselines():
    result = run(SineDemoConfig(series=256, epochs=12, seed=1))
    assert result.train_losses[-1] < 0.2 * result.train_losses[0]
    assert result.test_mse < result.baseline_last_value_mse
    assert result.test_mse < result.baseline_linear_mse
