"""The sine demo learns: after a short run the LSTM beats the no-learning baselines."""

from __future__ import annotations

import builtins
import io
import json

import torch
from matplotlib.image import imread

from rnnkit.cli import main
from rnnkit.models.forecaster import Forecaster
from rnnkit.recipes.sine_demo import SineConfig, SineData, SineRecipe, make_sine_windows
from rnnkit.training import RunFolder


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


def report_of_an_untrained_model(tmp_path):
    recipe, config = SineRecipe(), SineConfig(data=SineData(series=16))
    prepared = recipe.prepare(config, None)
    return recipe, recipe.report(config, Forecaster(config.model), prepared, RunFolder(tmp_path))


def test_the_report_draws_the_forecast_as_png(tmp_path):
    recipe, summary = report_of_an_untrained_model(tmp_path)
    assert summary["plot"] == str(tmp_path / RunFolder.FORECAST_PLOT)
    height, width, _ = imread(io.BytesIO((tmp_path / RunFolder.FORECAST_PLOT).read_bytes())).shape
    assert (width, height) == (1080, 576)


def test_without_matplotlib_the_demo_runs_and_says_how_to_get_the_plot(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    recipe, summary = report_of_an_untrained_model(tmp_path)
    assert "plot" not in summary and not (tmp_path / RunFolder.FORECAST_PLOT).exists()
    summary.update(test_loss=0.1)
    assert "No plot: matplotlib is not installed: pip install 'rnnkit[plots]'." in recipe.verdict(summary)
