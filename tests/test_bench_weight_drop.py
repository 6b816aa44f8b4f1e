"""bench/weight_drop.py at its smoke size: one row per contender, ratios against torch.nn."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "weight_drop.py"


def test_quick_run_prints_a_row_per_contender(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", [str(BENCH), "--quick", "--threads", "1"])
    runpy.run_path(str(BENCH), run_name="__main__")
    rows = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "---" not in line
    ]
    names = [row.split("|")[1].strip() for row in rows[1:]]
    assert names == ["torch.nn (no weight drop)", "weight drop (fused)", "weight drop (loop)"]
    assert rows[1].split("|")[3].strip().startswith("1.00 [1.00, 1.00]")  # torch.nn against itself
