"""bench/ltsf.py at smoke size: one row per seed with the baselines, then the median [min, max] line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from data_mirror import mirror_root

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "ltsf.py"


@pytest.mark.parametrize("model", ["dlinear", "segrnn"])
def test_smoke_run_prints_rows_baselines_and_the_spread(model, capsys):
    mirror_root()  # the ETT file comes from the dataset mirror
    spec = importlib.util.spec_from_file_location("bench_ltsf", SCRIPT)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    args = ["--model", model, "--dataset", "etth1", "--lookback", "96", "--horizon", "48", "--smoke"]
    assert bench.main([*args, "--seeds", "0", "1"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| 0 |") or line.startswith("| 1 |")]
    assert len(rows) == 2 and all(" 64 |" in row for row in rows)  # every (smoke) test window scored
    assert "test mse:" in out and "over seeds [0, 1]" in out and "command:" in out
