"""bench/ltsf_linear.py fits the least-squares DLinear on ETTh1 and prints one row per horizon."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import ltsf_linear  # noqa: E402


@pytest.mark.skipif(not os.environ.get("RNNKIT_DATA"), reason="needs the dataset mirror")
def test_ltsf_linear_prints_a_row_per_horizon_near_the_published_dlinear(capsys) -> None:
    assert ltsf_linear.main(["--dataset", "etth1", "--lookback", "336", "--horizons", "96"]) == 0
    row = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 96 |")][0]
    mse = float(row.split("|")[2])
    assert abs(mse - 0.375) < 0.01  # DLinear's published ETTh1-96 figure at L=336
