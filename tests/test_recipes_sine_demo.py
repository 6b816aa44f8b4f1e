"""The sine demo learns: after a short run the LSTM beats the no-learning baselines."""

from __future__ import annotations

import json

import torch

from rnnkit.cli import main
from rnnkit.recipes.sine_demo import SineData, make_sine_windows


def test_windows_shapes_and_targets_are_the_next_clean_value():
    x, y = make_sine_windows(SineData(series=8, window=10, noise=0.0), torch.Generator().manual_seed(0))
    assert x.shape == (8, 10, 1) and y.shape == (8, 1, 1)
    assert x.abs().max() <= 1.5 + 1e-6  # amplitudes 1 + 0.5
    # with no noise the target is the clean continuation of the same two sines: close to linear extrapolation
    assert (y[:, 0, 0] - (2 * x[:, -1, 0] - x[:, -2, 0])).abs().max() < 0.1


def test_short_training_beats_the_baselines(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "sine", "--set", "data.series=256", "--set", "train.epochs=12", "--set", "train.seed=1"]
    assert main([*argv, "--out", str(out)]) == 0
    summary = json.loads((out / "test_metrics.json").read_text())
    log = (out / "log.csv").read_text().strip().splitlines()
    header = log[0].split(",")
    losses = [float(row.split(",")[header.index("train_loss")]) for row in log[1:]]
    assert losses[-1] < 0.2 * losses[0]
    assert summary["test_loss"] < summary["baseline_last_value_mse"]
    assert summary["test_loss"] < summary["baseline_linear_mse"]
    assert "beats both baselines" in capsys.readouterr().out
