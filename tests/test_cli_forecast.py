"""`rnnkit train forecast --csv` and `rnnkit forecast RUN`: forecasts past the end of a series or of a new
CSV (checked against the run's columns), plots, CSV output, backtests; and every bad input one line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from test_recipes_forecast import TINY, write_sales

from rnnkit.cli import main


@pytest.fixture(scope="module")
def sales_run(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("forecast")
    path = write_sales(folder / "sales.csv")
    out = folder / "run"
    argv = ["train", "forecast", "--csv", str(path), "--target", "sales", "--time", "day", "--out", str(out)]
    assert main([*argv, *TINY, "--set", "report.holt_winters=false"]) == 0
    return path, out


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def one_error(code: int, err: str, *named: str) -> None:
    lines = [line for line in err.splitlines() if line.startswith("rnnkit: error:")]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    for text in named:
        assert text in lines[0], (text, lines[0])


def test_forecast_continues_the_time_stamps_with_intervals(sales_run, capsys) -> None:
    _, run = sales_run
    capsys.readouterr()
    assert main(["forecast", str(run)]) == 0
    table = rows(capsys.readouterr().out)
    assert len(table) == 12 and table[0]["time"] == "2024-08-28" and table[-1]["time"] == "2024-09-08"
    for row in table:
        assert float(row["sales_lower"]) <= float(row["sales"]) <= float(row["sales_upper"])


def test_forecast_of_a_new_csv_with_a_longer_horizon_rolls_out_and_writes_plot_and_csv(
    sales_run, tmp_path, capsys
) -> None:
    _, run = sales_run
    new = write_sales(tmp_path / "new.csv", rows=100, start="2025-01-01")
    out_csv, out_png = tmp_path / "f.csv", tmp_path / "f.png"
    code = main(
        [
            "forecast",
            str(run),
            "--csv",
            str(new),
            "--horizon",
            "20",
            "--output",
            str(out_csv),
            "--plot",
            str(out_png),
        ]
    )
    assert code == 0, capsys.readouterr().err
    table = rows(out_csv.read_text())
    assert len(table) == 20 and table[0]["time"] == "2025-04-11"
    assert table[-1]["sales_lower"] == ""  # past the model's 12 rows the roll-out has no interval
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_forecast_of_a_new_csv_equals_the_model_on_its_last_window(sales_run, tmp_path, capsys) -> None:
    from rnnkit.recipes.forecast_report import model_forecast
    from rnnkit.recipes.runner import open_run

    _, run = sales_run
    new = write_sales(tmp_path / "new.csv", rows=80)
    capsys.readouterr()
    assert main(["forecast", str(run), "--csv", str(new)]) == 0
    ours = np.array([float(r["sales"]) for r in rows(capsys.readouterr().out)])
    trained = open_run(run)
    model, artifacts = trained.load_model()
    values = np.loadtxt(new, delimiter=",", skiprows=1, usecols=2)[-48:].reshape(1, 48, 1)
    z = model_forecast(model, artifacts["scaler"].transform(values))[0][0]
    np.testing.assert_allclose(ours, artifacts["scaler"].inverse_transform(z, ("sales",))[:, 0], rtol=1e-6)


def test_backtest_equals_forecasts_made_one_origin_at_a_time(sales_run, tmp_path, capsys) -> None:
    _, run = sales_run
    new = write_sales(tmp_path / "new.csv", rows=70)
    out = tmp_path / "bt.csv"
    capsys.readouterr()
    assert (
        main(["forecast", str(run), "--csv", str(new), "--backtest", "--stride", "5", "--output", str(out)])
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["origins"] == len(range(48, 70 - 12 + 1, 5)) and summary["model"]["mse"] >= 0
    table = rows(out.read_text())
    lines = new.read_text().splitlines()
    for origin_row in (48, 58):  # the file cut just before the origin, forecast from its end
        cut = tmp_path / f"cut{origin_row}.csv"
        cut.write_text("\n".join(lines[: origin_row + 1]) + "\n")
        assert main(["forecast", str(run), "--csv", str(cut)]) == 0
        single = [float(r["sales"]) for r in rows(capsys.readouterr().out)]
        stamp = lines[origin_row + 1].split(",")[0]
        from_backtest = [float(r["forecast"]) for r in table if r["origin"] == stamp]
        np.testing.assert_allclose(from_backtest, single, rtol=1e-6)


def test_backtest_of_the_runs_own_series_scores_its_test_part(sales_run, capsys) -> None:
    _, run = sales_run
    capsys.readouterr()
    assert main(["forecast", str(run), "--backtest"]) == 0
    summary = json.loads(capsys.readouterr().out)
    metrics = json.loads((run / "test_metrics.json").read_text())
    assert summary["origins"] == metrics["test_examples"]
    assert abs(summary["model"]["mse"] - metrics["test_mse"]) < 1e-5


def test_a_csv_with_other_columns_is_refused_naming_the_file(sales_run, tmp_path, capsys) -> None:
    _, run = sales_run
    other = tmp_path / "other.csv"
    other.write_text("day,revenue\n2024-01-01,1\n")
    code = main(["forecast", str(run), "--csv", str(other)])
    one_error(code, capsys.readouterr().err, str(other), "sales")


def test_a_csv_with_another_step_is_refused(sales_run, tmp_path, capsys) -> None:
    _, run = sales_run
    weekly = tmp_path / "weekly.csv"
    weekly.write_text(
        "day,sales\n" + "".join(f"{np.datetime64('2024-01-01') + 7 * i},{i}\n" for i in range(60))
    )
    one_error(main(["forecast", str(run), "--csv", str(weekly)]), capsys.readouterr().err, str(weekly), "1D")


def test_forecast_refuses_a_run_of_another_task_and_a_bad_horizon(sales_run, tmp_path, capsys) -> None:
    _, run = sales_run
    one_error(main(["forecast", str(run), "--horizon", "0"]), capsys.readouterr().err, "--horizon 0")
    one_error(main(["forecast", str(run), "--plot", "x.jpg"]), capsys.readouterr().err, "x.jpg")
    sine = tmp_path / "sine"
    assert main(["train", "sine", "--quick", "--quiet", "--out", str(sine)]) == 0
    capsys.readouterr()
    one_error(main(["forecast", str(sine)]), capsys.readouterr().err, "'sine' run")


def _bad_csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _series(n: int) -> str:
    return "".join(f"{np.datetime64('2024-01-01') + i},{i % 7}\n" for i in range(n))


BAD_INPUTS = {
    "missing column": ("day,units\n" + _series(200), ["--target", "sales"], ["sales", "units"]),
    "non-numeric": (
        "day,sales\n" + _series(200).replace(",3\n", ",lots\n", 1),
        ["--target", "sales"],
        ["sales", "lots"],
    ),
    "duplicate stamp": (
        "day,sales\n2024-01-01,1\n2024-01-01,2\n",
        ["--target", "sales"],
        ["day", "2024-01-01"],
    ),
    "unsorted stamps": ("day,sales\n2024-01-02,1\n2024-01-01,2\n", ["--target", "sales"], ["day"]),
    "too short": ("day,sales\n" + _series(30), ["--target", "sales"], ["'sales'", "30 rows", "48"]),
    "empty file": ("", ["--target", "sales"], []),
    "horizon 0": (
        "day,sales\n" + _series(200),
        ["--target", "sales", "--set", "data.horizon=0"],
        ["data.horizon"],
    ),
    "no target": ("day,sales\n" + _series(200), [], ["--target"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_csv_input_is_one_line_naming_file_and_column_and_writes_nothing(case, tmp_path, capsys) -> None:
    text, flags, named = BAD_INPUTS[case]
    path = _bad_csv(tmp_path, "bad.csv", text)
    out = tmp_path / "never"
    code = main(
        ["train", "forecast", "--csv", str(path), "--time", "day", *flags, "--out", str(out), "--quiet"]
    )
    err = capsys.readouterr().err
    file_named = [str(path)] if case not in ("horizon 0",) else []
    one_error(code, err, *file_named, *named)
    assert not out.exists()


def test_a_task_flag_of_another_task_is_refused(capsys) -> None:
    one_error(main(["train", "sine", "--csv", "x.csv"]), capsys.readouterr().err, "--csv", "'sine'")


def test_predict_on_a_one_column_run_forecasts_the_horizon(sales_run, capsys) -> None:
    _, run = sales_run
    window = ",".join(str(50 + i % 7) for i in range(48))
    capsys.readouterr()
    assert main(["predict", str(run), window]) == 0
    assert len(capsys.readouterr().out.split("forecast")[1].split(",")) == 12
    one_error(main(["predict", str(run), "1,2,3"]), capsys.readouterr().err, "look-back of 48")
