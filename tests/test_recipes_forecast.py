"""The forecast recipe end to end on small series: windows and splits that never leak the future, scaling
from training rows only, every test window scored, the sine preset learning, baselines and intervals in the
report, and the run folder that a forecast on a new CSV checks."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import main
from rnnkit.recipes.registry import build_config, get_recipe

TINY = ["--quiet", "--set", "train.epochs=2", "--set", "model.rnn.hidden_size=8"]
needs_mirror = pytest.mark.skipif(not os.environ.get("RNNKIT_DATA"), reason="needs the dataset mirror")


def write_sales(path: Path, rows: int = 240, start: str = "2024-01-01") -> Path:
    """A daily CSV: day, temp (a feature), sales (the target, weekly season + trend), one NA in temp."""
    days = np.arange(np.datetime64(start), np.datetime64(start) + rows)
    t = np.arange(rows)
    sales = 50 + 0.1 * t + 10 * np.sin(2 * np.pi * t / 7)
    temp = 10 + 5 * np.sin(2 * np.pi * t / 60)
    lines = ["day,temp,sales"]
    for i in range(rows):
        temp_text = "NA" if i == 5 else f"{temp[i]:.3f}"
        lines.append(f"{days[i]},{temp_text},{sales[i]:.3f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def csv_config(path: Path, *sets: str):
    recipe = get_recipe("forecast")
    overrides = [f"data.path={path}", "data.source=csv", "data.target=sales", "data.time=day", *sets]
    return recipe, build_config(recipe, overrides=overrides)


def test_every_window_of_every_part_is_the_brute_force_set_and_targets_stay_in_their_part(tmp_path) -> None:
    recipe, config = csv_config(
        write_sales(tmp_path / "s.csv", rows=100), "data.lookback=7", "data.horizon=3"
    )
    prepared = recipe.prepare(config, None)
    split = prepared.artifacts["split"]
    assert [p.name for p in split] == ["train", "validation", "test"]
    assert split.train.stop == 70 and split.validation.stop == 80 and split.test.stop == 100
    for part, windows in zip(split, (prepared.train, prepared.validation, prepared.test), strict=True):
        # brute force: every start whose look-back reads from context_start on and whose 3 targets lie
        # inside the part
        expected = [
            s
            for s in range(100)
            if s >= part.context_start and part.start <= s + 7 and s + 7 + 3 <= part.stop
        ]
        assert windows.dataset.starts.tolist() == expected
    train_rows = {s + k for s in prepared.train.dataset.starts for k in range(10)}
    assert max(train_rows) == split.train.stop - 1  # training reads no row of validation or test
    # one row further and the last training window's target would be the first validation row
    assert prepared.train.dataset.origins[-1] + 3 == split.validation.start


def test_scaling_uses_the_training_rows_only(tmp_path) -> None:
    path = write_sales(tmp_path / "s.csv")
    recipe, config = csv_config(path, "data.features=temp")
    prepared = recipe.prepare(config, None)
    split, series = prepared.artifacts["split"], prepared.artifacts["series"]
    scaler = prepared.artifacts["scaler"].scaler
    np.testing.assert_allclose(scaler.mean, series.values[split.train.rows].mean(axis=0))
    np.testing.assert_allclose(scaler.std, series.values[split.train.rows].std(axis=0))
    # changing the test rows changes nothing the training part built
    text = path.read_text().splitlines()
    text[-1] = text[-1].rsplit(",", 1)[0] + ",99999"
    path.write_text("\n".join(text) + "\n")
    again = recipe.prepare(config, None).artifacts["scaler"].scaler
    np.testing.assert_array_equal(again.mean, scaler.mean)


def test_missing_values_are_filled_with_the_previous_reading_and_counted(tmp_path) -> None:
    recipe, config = csv_config(write_sales(tmp_path / "s.csv"), "data.features=temp")
    prepared = recipe.prepare(config, None)
    series = prepared.artifacts["series"]
    assert prepared.counts["missing_filled"] == 1
    assert series.values[5, 0] == series.values[4, 0] and series.missing[5, 0]


def test_a_categorical_column_is_refused_by_the_csv_reader_naming_line_and_column(tmp_path, capsys) -> None:
    path = tmp_path / "wind.csv"
    path.write_text("t,wind,y\n0,NE,1\n1,SE,2\n2,NE,3\n")
    code = main(["train", "forecast", "--csv", str(path), "--target", "y", "--features", "wind", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "wind" in err and str(path) in err and "Traceback" not in err


def test_the_sine_preset_learns_far_below_naive_and_rolls_out_30_steps(tmp_path, capsys) -> None:
    out = tmp_path / "sine"
    code = main(
        [
            "train",
            "forecast",
            "--preset",
            "sine",
            "--out",
            str(out),
            "--quiet",
            "--set",
            "data.sine_rows=400",
            "--set",
            "train.epochs=6",
            "--set",
            "report.holt_winters=false",
        ]
    )
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert (
        f"rnnkit forecast {out} --plot {out}/future.png" in printed
    )  # the "Next:" line, runnable as printed
    assert main(["forecast", str(out), "--plot", str(out / "future.png"), "--horizon", "30"]) == 0
    assert (out / "future.png").is_file()
    summary = json.loads((out / "test_metrics.json").read_text())
    naive = summary["baselines"]["naive"]["mse"]
    assert summary["test_mse"] < naive / 5, (summary["test_mse"], naive)
    assert summary["rollout"]["steps"] == 30 and summary["rollout"]["mse"] < naive
    assert (out / "forecast.png").stat().st_size > 1000


def test_the_test_part_is_scored_on_every_window_and_the_report_agrees_with_evaluate(
    tmp_path, capsys
) -> None:
    path = write_sales(tmp_path / "s.csv")
    out = tmp_path / "run"
    argv = ["train", "forecast", "--csv", str(path), "--target", "sales", "--time", "day", "--out", str(out)]
    assert main([*argv, *TINY]) == 0, capsys.readouterr().err
    summary = json.loads((out / "test_metrics.json").read_text())
    n_test = 48 - 12 + 1  # int(0.2 * 240) rows, horizon 12, look-back read from validation (overlap)
    assert summary["test_examples"] == n_test == summary["test_windows_scored"]
    assert math.isclose(summary["model"]["mse"], summary["test_mse"], rel_tol=1e-5)
    assert set(summary["baselines"]) >= {"naive", "seasonal_naive", "drift", "linear", "holt_winters"}
    assert (out / "scaler.json").is_file() and (out / "intervals.json").is_file()
    series = json.loads((out / "series.json").read_text())
    assert series["columns"] == ["sales"] and series["time"] == "day" and series["frequency"] == "1D"
    capsys.readouterr()
    assert main(["evaluate", str(out)]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    assert math.isclose(evaluated["test_mse"], summary["test_mse"], rel_tol=1e-5)


def test_gaussian_head_reports_its_own_coverage(tmp_path, capsys) -> None:
    out = tmp_path / "g"
    argv = [
        "train",
        "forecast",
        "--out",
        str(out),
        *TINY,
        "--set",
        "model.gaussian=true",
        "--set",
        "data.sine_rows=300",
        "--set",
        "report.holt_winters=false",
    ]
    assert main(argv) == 0, capsys.readouterr().err
    intervals = json.loads((out / "test_metrics.json").read_text())["intervals"]
    assert 0.0 <= intervals["gaussian_test_coverage"] <= 1.0 and 0.0 <= intervals["test_coverage"] <= 1.0


@pytest.mark.parametrize("architecture", ["segrnn", "dlinear"])
def test_segrnn_and_dlinear_train_through_the_recipe(tmp_path, capsys, architecture) -> None:
    out = tmp_path / architecture
    sets = [
        "--set",
        f"model.architecture={architecture}",
        "--set",
        "data.lookback=48",
        "--set",
        "data.horizon=24",
        "--set",
        "model.segment=12",
        "--set",
        "data.sine_rows=300",
        "--set",
        "report.holt_winters=false",
    ]
    if architecture == "segrnn":
        sets += ["--set", "model.rnn.cell=gru"]
    assert main(["train", "forecast", "--out", str(out), *TINY, *sets]) == 0, capsys.readouterr().err
    assert json.loads((out / "test_metrics.json").read_text())["test_mse"] > 0


def test_segrnn_lookback_must_be_a_multiple_of_the_segment(capsys) -> None:
    code = main(
        [
            "train",
            "forecast",
            "--set",
            "model.architecture=segrnn",
            "--set",
            "model.rnn.cell=gru",
            "--set",
            "data.lookback=50",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "data.lookback=50 must be a multiple of model.segment=48" in err


@needs_mirror
@pytest.mark.parametrize("preset", ["airline", "sunspots", "pm25", "etth1", "weather"])
def test_every_dataset_preset_prepares_its_protocol(preset) -> None:
    recipe = get_recipe("forecast")
    config = build_config(recipe, preset)
    prepared = recipe.prepare(config, os.environ["RNNKIT_DATA"])
    split = prepared.artifacts["split"]
    if preset == "etth1":
        assert (split.train.stop, split.validation.stop, split.test.stop) == (8640, 11520, 14400)
    if preset == "weather":
        assert (split.train.stop, split.validation.stop, split.test.stop) == (36887, 42157, 52696)
    if preset == "airline":  # test 1959-1960, validation 1958
        assert (split.validation.start, split.test.start, split.test.stop) == (108, 120, 144)
        assert len(prepared.test) == 19
    if preset == "pm25":
        assert prepared.artifacts["series_info"].targets == ("pm2.5",) and prepared.counts["columns"] == 11
        assert prepared.counts["missing_filled"] == 2067
    assert len(prepared.test) == split.test.n_rows - config.data.horizon + 1


@needs_mirror
def test_airline_with_a_log_transform_reports_in_passengers_beside_holt_winters(tmp_path, capsys) -> None:
    pytest.importorskip("statsmodels")
    out = tmp_path / "air"
    argv = [
        "train",
        "forecast",
        "--preset",
        "airline",
        "--out",
        str(out),
        *TINY,
        "--set",
        "data.transform=log",
        "--set",
        "model.highway=0",
    ]
    assert main(argv) == 0, capsys.readouterr().err
    summary = json.loads((out / "test_metrics.json").read_text())
    assert summary["test_windows_scored"] == 19
    assert 0 < summary["baselines"]["holt_winters"]["mape"] < 10  # fitted on 1949-1958, in passengers
    assert summary["model"]["mae_units"] > 0 and "mape_last_step" in summary["model"]
    assert json.loads((out / "series.json").read_text())["log"] is True
    # the validation block scores 1958 in passengers; its seasonal naive, by brute force on the raw file:
    # forecasts from every origin 1957-12 .. 1958-06 of the 6 months after, each the value 12 months before
    raw = (Path(os.environ["RNNKIT_DATA"]) / "timeseries" / "airline-passengers.csv").read_text().split()[1:]
    passengers = [float(line.split(",")[1]) for line in raw]
    first_1958 = 9 * 12
    ape = [
        abs(passengers[t - 12] - passengers[t]) / passengers[t] * 100
        for origin in range(first_1958, first_1958 + 7)
        for t in range(origin, origin + 6)
    ]
    validation = summary["validation"]
    assert validation["windows"] == 7 and validation["model"]["mae_units"] > 0
    assert math.isclose(validation["baselines"]["seasonal_naive"]["mape"], sum(ape) / len(ape), rel_tol=1e-9)
    capsys.readouterr()
    assert main(["forecast", str(out), "--horizon", "3"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1].startswith("1,1961-01,")
