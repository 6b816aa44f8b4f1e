"""Quality benchmark: train a task's recipe exactly as `rnnkit train` does and print a results row.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/quality.py mnist
    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/quality.py sentiment --preset seed-simplernn
    .venv/bin/python bench/quality.py mnist --quick          # smoke-size, seconds

It runs ``rnnkit train <task> --preset P --out runs/quality-<task>-<preset>`` in this process, then prints
the Markdown row recorded in docs/results.md: the test metric, the anchor it is compared with, epochs,
wall time, seconds per epoch, the machine (CPU cores, torch threads, GPU if any), the date and the
exact command. Nothing is cached: every figure comes from the run it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch

ANCHORS = {
    ("sentiment", "default"): "target >= 0.890 (issue 4)",
    ("sentiment", "seed-simplernn"): "the textbook Keras SimpleRNN example, same layers and settings",
    ("mnist", "default"): "target >= 0.990 (issue 4)",
    ("mnist", "pixels"): "pixel by pixel (T=784); no target set",
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpu = f", GPU {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ", no GPU"
    threads = torch.get_num_threads()
    return f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} with {threads} threads{gpu}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task")
    parser.add_argument("--preset", default="default")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", help="run folder (default runs/quality-<task>-<preset>)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    from rnnkit.cli import main as rnnkit_main

    out = args.out or f"runs/quality-{args.task}-{args.preset}{'-quick' if args.quick else ''}"
    command = ["train", args.task, "--preset", args.preset, "--out", out]
    command += ["--quick"] if args.quick else []
    for item in args.set:
        command += ["--set", item]
    shown = ["bench/quality.py", args.task, "--preset", args.preset]
    shown += ["--quick"] if args.quick else []
    shown += [f"--set {item}" for item in args.set] + ([f"--threads {args.threads}"] if args.threads else [])
    started = time.perf_counter()
    code = rnnkit_main(command)
    wall = time.perf_counter() - started
    if code != 0:
        return code
    metrics = json.loads((Path(out) / "test_metrics.json").read_text())
    per_epoch = metrics.get("seconds_per_epoch", [])
    row = {
        "task": args.task,
        "preset": args.preset,
        "test_accuracy": round(metrics["test_accuracy"], 4),
        "anchor": ANCHORS.get((args.task, args.preset), "-"),
        "epochs": metrics.get("epochs_run"),
        "best_epoch": metrics.get("best_epoch"),
        "wall_s": round(wall),
        "s_per_epoch": round(sum(per_epoch) / len(per_epoch)) if per_epoch else None,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "command": " ".join(shown),
    }
    print(json.dumps(row, indent=2))
    print("| " + " | ".join(str(v) for v in row.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
