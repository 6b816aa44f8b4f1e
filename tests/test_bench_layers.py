"""bench/layers.py: the smoke run prints a ratio per backend; the pair statistics are right."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import torch

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "layers.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_layers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_quick_run_prints_a_ratio_per_backend(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    command = [sys.executable, str(SCRIPT), "--quick", "--cells", "lstm", "--json", str(results)]
    # The quick run takes ~10 s on 2 idle cores; the generous timeout only guards against a hang
    # when another job is loading the machine.
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=SCRIPT.parents[1])
    assert done.returncode == 0, done.stderr

    lines = done.stdout.splitlines()
    assert any(line.startswith("torch ") for line in lines)
    assert any(line.startswith("threads ") for line in lines)
    columns = next(line.split() for line in lines if line.split()[:2] == ["cell", "mode"])
    assert "ratio" in columns
    table = [line.split() for line in lines if line.split()[:1] == ["lstm"]]
    backends = {row[columns.index("backend")] for row in table}
    assert backends == {"auto->fused", "loop"}
    for row in table:
        assert float(row[columns.index("ratio")]) > 0

    rows = json.loads(results.read_text())["rows"]
    assert {(r["mode"], r["backend"], r["resolved"]) for r in rows} == {
        ("train", "auto", "fused"),
        ("train", "loop", "loop"),
        ("infer", "auto", "fused"),
        ("infer", "loop", "loop"),
    }
    assert len(rows) == len(table)


def test_ratios_are_taken_pair_by_pair_and_summarised_by_median_and_range() -> None:
    bench = load_bench()
    torch_s = [1.0, 2.0, 3.0, 4.0]
    rnnkit_s = [2.0, 2.0, 2.0, 1.0]
    ratios = bench.pair_ratios(torch_s, rnnkit_s)  # torch.nn time / rnnkit time
    assert ratios == pytest.approx([0.5, 1.0, 1.5, 4.0])

    summary = bench.summarise(ratios)
    assert summary.median == pytest.approx(1.25)  # even count: mean of the middle two
    assert (summary.low, summary.high) == pytest.approx((0.5, 4.0))
    assert bench.summarise([3.0, 1.0, 2.0]).median == pytest.approx(2.0)

    # Per-step overhead: (t_rnnkit - t_torch) / steps, in microseconds, median over pairs.
    overhead = bench.step_overhead_us([1e-3, 1e-3, 1e-3], [2e-3, 3e-3, 5e-3], cell_steps=10)
    assert (overhead.median, overhead.low, overhead.high) == pytest.approx((200.0, 100.0, 400.0))

    with pytest.raises(ValueError, match="no values"):
        bench.summarise([])
    with pytest.raises(ValueError, match="2 torch.nn times but 1 rnnkit"):
        bench.pair_ratios([1.0, 2.0], [1.0])


def test_quick_ragged_run_times_rnnkit_and_the_padded_kernel_against_packing(tmp_path: Path) -> None:
    results = tmp_path / "ragged.json"
    command = [
        sys.executable, str(SCRIPT), "--ragged", "--quick", "--threads", "1", "--cells", "gru,lstm",
        "--json", str(results),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=SCRIPT.parents[1])
    assert done.returncode == 0, done.stderr
    rows = json.loads(results.read_text())["rows"]
    # on the CPU rnnkit trains a ragged GRU through the padded kernel, and packs otherwise
    assert {(r["cell"], r["mode"], r["contender"], r["path"]) for r in rows} == {
        ("gru", "train", "rnnkit", "fused-padded"),
        ("gru", "infer", "rnnkit", "fused-packed"),
        ("lstm", "train", "rnnkit", "fused-packed"),
        ("lstm", "infer", "rnnkit", "fused-packed"),
        *((cell, mode, "rnnkit-bptt", "bptt") for cell in ("gru", "lstm") for mode in ("train", "infer")),
        *((cell, mode, "padded", "torch.nn") for cell in ("gru", "lstm") for mode in ("train", "infer")),
    }
    for row in rows:
        assert len(row["ratios"]) == len(row["packed_s_per_call"]) == len(row["other_s_per_call"]) >= 3
        assert row["ratio"]["low"] <= row["ratio"]["median"] <= row["ratio"]["high"]
        assert max(row["lengths"]) == row["shape"]["time"] > min(row["lengths"])


def test_ragged_lengths_are_seeded_and_span_the_time_axis() -> None:
    bench = load_bench()
    lengths = bench.ragged_lengths(64, 240, seed=0)
    assert lengths.dtype == torch.int64 and lengths.shape == (64,)
    assert int(lengths.max()) == 240 and int(lengths.min()) >= 30
    assert torch.equal(lengths, bench.ragged_lengths(64, 240, seed=0))
    assert not torch.equal(lengths, bench.ragged_lengths(64, 240, seed=1))
