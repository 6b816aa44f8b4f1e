"""Quality benchmark: train a task's recipe exactly as `rnnkit train` does and print a results row.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/quality.py mnist
    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/quality.py sentiment --preset seed-simplernn
    .venv/bin/python bench/quality.py mnist --quick          # smoke-size, seconds
    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/quality.py sentiment --seeds 0 1 2
    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/quality.py textgen --threads 2 --seeds 0 1 2
    .venv/bin/python bench/quality.py --summarize runs/quality-sentiment-default-seed*   # from run folders

It runs ``rnnkit train <task> --preset P --out runs/quality-<task>-<preset>`` in this process, then prints
the Markdown row recorded in docs/results.md. With ``--seeds``, it runs once per seed (``train.seed``,
folders ``...-seed<N>``) and ends with the figure as docs/results.md records it: the median [min, max]
over the seeds; ``--summarize`` prints that line from finished run folders. Each row gives the test
metric (accuracy, or the loss for a task without one), the anchor it is compared with, epochs,
wall time, seconds per epoch, the machine (CPU cores, torch threads, GPU if any), the date and the
exact command. Nothing is cached: every figure comes from the run it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

ANCHORS = {
    ("sentiment", "default"): "target >= 0.890 (issue 4)",
    ("sentiment", "seed-simplernn"): "the textbook Keras SimpleRNN example, same layers and settings",
    ("mnist", "default"): "target >= 0.990 (issue 4)",
    ("mnist", "pixels"): "pixel by pixel (T=784); no target set",
    ("textgen", "default"): "target <= 1.47 nats/char on the last 10% (nanoGPT's baby GPT: 1.4697; issue 11)",
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


METRIC = "test"


def headline(metrics: dict) -> float:
    """The figure a row reports: test accuracy, or the test loss where the task has no accuracy."""
    return float(metrics.get("test_accuracy", metrics["test_loss"]))


def spread(values: list[float]) -> str:
    """``median [min, max]`` of the values, to 4 decimals."""
    ordered = sorted(values)
    return f"{statistics.median(ordered):.4f} [{ordered[0]:.4f}, {ordered[-1]:.4f}]"


def summarize(folders: list[str]) -> int:
    """The median [min, max] test accuracy of finished run folders, with each run's figures."""
    figures, name = [], "test accuracy"
    for folder in folders:
        metrics = json.loads((Path(folder) / "test_metrics.json").read_text())
        config = json.loads((Path(folder) / "config.json").read_text())
        seed = config["config"]["train"]["seed"]
        name = "test accuracy" if "test_accuracy" in metrics else "test loss"
        figures.append(headline(metrics))
        epochs = f"{metrics['epochs_run']} ({metrics['best_epoch']})"
        print(f"{folder}: seed {seed}, {name} {figures[-1]:.4f}, epochs (best) {epochs}")
    print(f"{name} over {len(figures)} seeds: median [min, max] = {spread(figures)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "--summarize":
        return summarize(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task")
    parser.add_argument("--seeds", type=int, nargs="+", help="run once per seed and report the spread")
    parser.add_argument("--preset", default="default")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", help="run folder (default runs/quality-<task>-<preset>)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.seeds:
        base = args.out or f"runs/quality-{args.task}-{args.preset}{'-quick' if args.quick else ''}"
        common = [args.task, "--preset", args.preset, *(["--quick"] if args.quick else [])]
        common += [f"--threads={args.threads}"] if args.threads else []
        for item in args.set:
            common += ["--set", item]
        folders = []
        for seed in args.seeds:
            code = main([*common, "--set", f"train.seed={seed}", "--out", f"{base}-seed{seed}"])
            if code != 0:
                return code
            folders.append(f"{base}-seed{seed}")
        return summarize(folders)

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
        METRIC: round(headline(metrics), 4),
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
