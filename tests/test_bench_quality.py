"""bench/quality.py: one run per seed, and the median [min, max] line docs/results.md records."""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "quality.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_quality", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_spread_is_median_min_max() -> None:
    bench = load_bench()
    values = [0.8912, 0.8871, 0.8950]
    assert bench.spread(values) == f"{statistics.median(values):.4f} [0.8871, 0.8950]"


def test_seeds_run_once_each_and_summarize(tmp_path, capsys) -> None:
    bench = load_bench()
    base = tmp_path / "run"
    argv = ["sine", "--quick", "--set", "data.series=64", "--seeds", "0", "1", "--out", str(base)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    folders = [Path(f"{base}-seed{seed}") for seed in (0, 1)]
    assert all((folder / "test_metrics.json").is_file() for folder in folders)
    assert "seed 0, test loss" in out and "seed 1, test loss" in out
    assert "test loss over 2 seeds: median [min, max] =" in out.strip().splitlines()[-1]
    assert bench.main(["--summarize", *map(str, folders)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == out.strip().splitlines()[-1]
