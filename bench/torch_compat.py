"""How far rnnkit's RNN, GRU and LSTM drop in for torch.nn's: the same cases run on both, counted.

What it counts:
    The cases of tests/compat_cases.py, each a small check written for rnnkit (none copied from
    PyTorch's tests), run once with torch.nn's classes and once with rnnkit's:

    * ``moduleinfo:<check>[<kind>]``: driven by the samples PyTorch ships for nn.RNN, nn.GRU and
      nn.LSTM (``torch.testing._internal.common_modules``, the ModuleInfo tables behind its
      test/test_modules.py), on the CPU in float32 and float64: forward, states and gradients against
      torch.nn with the same weights and against the sample's own batched reference, packed
      sequences, gradcheck, gradgradcheck, factory kwargs, repr, save/load, non-contiguous inputs,
      the error inputs (exception type and message), ``.to()``.
    * ``nn:<check>``: the behaviours PyTorch's test/test_nn.py checks for these layers: projections
      (``proj_size``), shape errors as RuntimeError, zeros as the default state, empty batches, an
      empty time axis, dropout bounds, the nonlinearity argument, ``.to()`` after a weight was
      deleted, weight norm and ``_flat_weights``, ``all_weights``/``_flat_weights_names``/``mode``,
      the sort indices of a PackedSequence output, variable-length batches, a second backward,
      boolean arguments.

    rnnkit's layers default to ``batch_first=True``; every constructor call fills in
    ``batch_first=False`` where the case gives none (as a user dropping rnnkit in for torch.nn does).
    GPU-only behaviours (cuDNN flattening, device checks) are not cases.

Usage:
    .venv/bin/python bench/torch_compat.py              # the count, then each failing case and why
    .venv/bin/python bench/torch_compat.py --verbose    # every case with its outcome

The last line reads ``rnnkit passes X of Y; torch.nn passes Z of Y``. About a minute on one thread.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from compat_cases import all_cases  # noqa: E402
from compat_flavours import FLAVOURS, Flavour  # noqa: E402


def run(flavour: Flavour, cases: dict[str, Callable[[Flavour], None]]) -> dict[str, str | None]:
    """Each case's failure (the exception's first line) or None where it passed."""
    outcomes: dict[str, str | None] = {}
    for name, case in cases.items():
        torch.manual_seed(0)
        try:
            case(flavour)
        except Exception as exc:  # noqa: BLE001 - a failing case is reported, not raised
            line = traceback.format_exception_only(type(exc), exc)[-1].strip().splitlines()[0]
            outcomes[name] = line[:300]
        else:
            outcomes[name] = None
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every case, not only failures")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    cases = all_cases()
    results = {flavour.name: run(flavour, cases) for flavour in FLAVOURS}
    for name, outcomes in results.items():
        for case, failure in outcomes.items():
            if failure is not None or args.verbose:
                print(f"{name:8s} {'FAIL' if failure else 'pass'} {case}  {failure or ''}")
    passed = {name: sum(failure is None for failure in r.values()) for name, r in results.items()}
    print(f"# torch {torch.__version__}, {args.threads} thread(s), {time.perf_counter() - start:.0f} s")
    n = len(cases)
    print(f"rnnkit passes {passed['rnnkit']} of {n}; torch.nn passes {passed['torch.nn']} of {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
