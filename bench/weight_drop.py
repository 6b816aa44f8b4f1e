"""What weight drop costs: an AWD-LSTM training step with DropConnect on W_hh, against the same step
without it, and against DropConnect applied the slow way (a loop over time steps), side by side.

What it measures (one LSTM layer, B=--batch, T=--steps, D=H=--hidden, float32, train mode): the time of
one training step (forward, ``output.square().mean()``, backward) of

* ``torch.nn``: ``torch.nn.LSTM``, no weight drop (the floor: torch's fused kernel);
* ``weight drop (fused)``: :class:`rnnkit.models.weight_drop.WeightDrop` around rnnkit's LSTM
  (``backend="auto"``: the mask is applied to W_hh once per batch, then the fused kernel runs);
* ``weight drop (loop)``: the same WeightDrop around rnnkit's LSTM with ``backend="loop"`` (the cell's
  equations stepped in Python), what a per-step implementation pays.

How: ``torch.set_num_threads(--threads)``; a warm-up of each; then ``--pairs`` rounds, each timing the
contenders in a random order; each ratio is ``t_torch / t_contender`` of the same round, so a drift of
the machine slows both members alike. The table shows the median ratio over the rounds and its min..max
(above 1: faster than torch.nn), and the median milliseconds per step.

Usage::

    .venv/bin/python bench/weight_drop.py                      # ~1 minute on 2 cores
    .venv/bin/python bench/weight_drop.py --quick              # seconds (smoke size)
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import torch
from torch import nn

from rnnkit.layers import LSTM
from rnnkit.models.weight_drop import WeightDrop


def step_time(layer: nn.Module, x: torch.Tensor) -> float:
    start = time.perf_counter()
    output, _ = layer(x)
    output.square().mean().backward()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=512)
    parser.add_argument("--p", type=float, default=0.5)
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="B=4, T=16, H=32, 3 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.batch, args.steps, args.hidden, args.pairs = 4, 16, 32, 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    size = args.hidden
    reference = nn.LSTM(size, size, batch_first=True).train()
    fused = WeightDrop(LSTM(size, size, batch_first=True), args.p).train()
    loop = WeightDrop(LSTM(size, size, batch_first=True, backend="loop"), args.p).train()
    for layer in (fused.rnn, loop.rnn):
        layer.load_state_dict(reference.state_dict())
    x = torch.randn(args.batch, args.steps, size)
    contenders: dict[str, Callable[[], float]] = {
        "torch.nn (no weight drop)": lambda: step_time(reference, x),
        "weight drop (fused)": lambda: step_time(fused, x),
        "weight drop (loop)": lambda: step_time(loop, x),
    }
    for run in contenders.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders)
    rng = random.Random(0)
    for _ in range(args.pairs):
        rng.shuffle(order)
        for name in order:
            times[name].append(contenders[name]())
    base = times["torch.nn (no weight drop)"]
    print(
        f"LSTM training step, B={args.batch} T={args.steps} D=H={size} p={args.p}, "
        f"{args.threads} threads, {args.pairs} rounds, torch {torch.__version__}"
    )
    print("| contender | ms per step (median) | speed vs torch.nn, median [min, max] |")
    print("|---|---|---|")
    for name, measured in times.items():
        ratios = [b / t for b, t in zip(base, measured, strict=True)]
        print(
            f"| {name} | {1000 * statistics.median(measured):.1f} | "
            f"{statistics.median(ratios):.2f} [{min(ratios):.2f}, {max(ratios):.2f}] |"
        )


if __name__ == "__main__":
    main()
