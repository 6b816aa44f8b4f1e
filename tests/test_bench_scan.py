"""bench/scan.py: the smoke run times every contender against torch.nn.GRU and names the solver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "scan.py"


def test_quick_run_prints_a_row_per_contender() -> None:
    command = [sys.executable, str(SCRIPT), "--quick", "--threads", "1", "--modes", "train"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=SCRIPT.parents[1])
    assert done.returncode == 0, done.stderr
    rows = [line.split("|")[1:-1] for line in done.stdout.splitlines() if line.startswith("| 64 ")]
    solvers = {cells[2].strip(): cells[3].strip() for cells in rows}
    assert solvers == {
        "minGRU scan": "sequential",
        "minGRU log-scan": "log",
        "minLSTM scan": "sequential",
        "minGRU loop": "loop",
        "GRU loop": "loop",
        "torch.nn.LSTM": "fused",
        "torch.nn.GRU": "fused",
    }
    for cells in rows:
        if cells[2].strip() != "torch.nn.GRU":
            assert float(cells[5].strip().strip("*x")) > 0
