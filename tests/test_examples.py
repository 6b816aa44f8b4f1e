"""Every example runs at its --smoke size and its result makes sense."""

from __future__ import annotations

import importlib.util
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_adding_problem_smoke(capsys):
    results = _load("adding_problem").main(["--smoke"])
    assert "baseline MSE" in capsys.readouterr().out
    # At T=10 every cell learns something: all beat predicting the mean (1/6)
    assert all(mse < 1 / 6 for mse in results.values())
