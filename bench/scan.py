"""Scan cells against sequential recurrences: minGRU and minLSTM training and inference against a GRU
of the same width, side by side in one run.

What it measures:
    For each sequence length T, the time of one training step (forward, ``output.square().mean()``,
    backward, Adam step, ``zero_grad``) or one inference forward of each contender, all with the same
    B, D and H, and the ratio ``t_reference / t_contender`` (> 1: the contender is faster) against the
    reference, ``torch.nn.GRU`` (PyTorch's fused sequential kernel), timed in pairs:

    * ``minGRU scan``: ``rnnkit.MinGRU`` with ``backend="auto"`` (``scan_method="auto"``: the
      ``sequential`` solver on a CPU, ``log`` on CUDA; the column ``solver`` says which ran);
    * ``minGRU log-scan``: the same layer with ``scan_method="log"`` (cumsum + logcumsumexp);
    * ``minLSTM scan``: ``rnnkit.MinLSTM``, ``backend="auto"``;
    * ``minGRU loop``: the same minGRU stepped one step at a time (``backend="loop"``, autograd);
    * ``GRU loop``: rnnkit's GRU stepped in Python (``backend="loop"``), a sequential GRU without a kernel;
    * ``torch.nn.LSTM``: the fused sequential LSTM, for scale.

    FLOPs per token (forward; the backward costs about twice it): a GRU does ``2 * 3H(D + H)``, an
    LSTM ``2 * 4H(D + H)``, a minGRU ``2 * 2HD`` and a minLSTM ``2 * 3HD`` (no recurrent product):
    their ratio bounds what removing the recurrence can gain where the GRU's kernel is efficient.

How:
    the pair timing of ``bench/layers.py`` (warm-up, calibrated inner calls, pairs in random order,
    median ratio with its min..max), ``torch.set_num_threads(--threads)``.

Usage:
    python bench/scan.py                       # T = 256 and 1024, B=16, D=128, H=256, 2 threads
    python bench/scan.py --quick               # a smoke run, a few seconds
    python bench/scan.py --times 512 --device cuda
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from layers import (  # noqa: E402 - bench/ is not a package
    Timer,
    calibrate,
    command_line,
    inference_step,
    machine_description,
    pair_ratios,
    summarise,
    time_pairs,
    training_step,
)

import rnnkit  # noqa: E402


def contenders(D: int, H: int) -> dict[str, nn.Module]:
    """The reference first, then each contender; all batch first."""
    return {
        "torch.nn.GRU": nn.GRU(D, H, batch_first=True),
        "minGRU scan": rnnkit.MinGRU(D, H),
        "minGRU log-scan": rnnkit.MinGRU(D, H, scan_method="log"),
        "minLSTM scan": rnnkit.MinLSTM(D, H),
        "minGRU loop": rnnkit.MinGRU(D, H, backend="loop"),
        "GRU loop": rnnkit.GRU(D, H, backend="loop"),
        "torch.nn.LSTM": nn.LSTM(D, H, batch_first=True),
    }


def flops_per_token(name: str, D: int, H: int) -> int:
    """Forward FLOPs per token of the matrix products (see the module docstring)."""
    if "GRU" in name and "min" not in name:
        return 2 * 3 * H * (D + H)
    if "LSTM" in name and "min" not in name:
        return 2 * 4 * H * (D + H)
    return 2 * (2 if "minGRU" in name else 3) * H * D


def solver(layer: nn.Module, device: torch.device) -> str:
    if not isinstance(layer, rnnkit.layers.RecurrentStack):
        return "fused"
    backend = layer.resolve_backend()
    if backend != "scan":
        return backend
    method = layer.scan_method
    return method if method != "auto" else ("log" if device.type == "cuda" else "sequential")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--times", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--input", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--modes", nargs="+", default=["train", "infer"], choices=["train", "infer"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="T=64, B=4, D=H=32, 2 pairs: a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.times, args.batch, args.input, args.hidden, args.pairs = [64], 4, 32, 32, 2
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    timer, rng = Timer(device), random.Random(args.seed)
    B, D, H = args.batch, args.input, args.hidden
    print(f"command {command_line()}")
    print(f"torch {torch.__version__}, rnnkit {rnnkit.__version__}, {machine_description(device)}")
    print(f"threads {torch.get_num_threads()}; B={B}, D={D}, H={H}; {args.pairs} pairs per row, random order")
    print("| T | mode | contender | solver | ms/step | ratio vs torch.nn.GRU | min..max | FLOPs/token |")
    print("|---|---|---|---|---|---|---|---|")
    for T in args.times:
        torch.manual_seed(args.seed)
        layers = {name: layer.to(device) for name, layer in contenders(D, H).items()}
        x = torch.randn(B, T, D, device=device)  # (B, T, D)

        def forward(model: nn.Module, x: torch.Tensor = x) -> torch.Tensor:
            return model(x)[0]  # (B, T, H)

        for mode in args.modes:
            make: Callable[..., Callable[[], None]] = training_step if mode == "train" else inference_step
            steps = {name: make(layer, forward) for name, layer in layers.items()}
            reference = "torch.nn.GRU"
            for step in steps.values():
                step()  # warm-up
            inner = {name: calibrate(timer, step, 0.05)[0] for name, step in steps.items()}
            for name, step in steps.items():
                if name == reference:
                    continue
                pair = (steps[reference], step)
                ref_s, ours_s = time_pairs(timer, pair, (inner[reference], inner[name]), args.pairs, rng)
                ratio = summarise(pair_ratios(ref_s, ours_s))
                ms = summarise(ours_s).median * 1e3
                print(
                    f"| {T} | {mode} | {name} | {solver(layers[name], device)} | {ms:.2f} | "
                    f"**{ratio.median:.2f}x** | {ratio.low:.2f}..{ratio.high:.2f} | "
                    f"{flops_per_token(name, D, H) / 1e3:.0f}k |"
                )
            ref_ms = summarise(time_pairs(timer, (steps[reference],) * 2, (inner[reference],) * 2, 1, rng)[0])
            print(f"| {T} | {mode} | torch.nn.GRU | fused | {ref_ms.median * 1e3:.2f} | 1 | | "
                  f"{flops_per_token(reference, D, H) / 1e3:.0f}k |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
