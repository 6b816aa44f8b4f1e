"""bench/forecast_recipe.py runs a preset over seeds and prints the table with baselines (smoke size)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import forecast_recipe  # noqa: E402


def test_forecast_recipe_bench_prints_model_and_baselines(capsys) -> None:
    argv = [
        "--preset",
        "sine",
        "--seeds",
        "0",
        "1",
        "--set",
        "train.epochs=1",
        "--set",
        "data.sine_rows=200",
        "--set",
        "report.holt_winters=false",
    ]
    assert forecast_recipe.main(argv) == 0
    out = capsys.readouterr().out
    assert "| model |" in out and "| naive |" in out and "| linear |" in out and "roll-out of 30 rows" in out
    assert "seeds [0, 1]" in out
