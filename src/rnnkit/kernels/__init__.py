"""Compiled element-wise kernels of the LSTM and GRU steps (``bptt_steps.cpp``), for the ``bptt``
backend on the CPU.

The C++ source ships with the package and is compiled on first use with PyTorch's own extension
builder (``torch.utils.cpp_extension.load``: the machine's C++ compiler and ninja, the headers of the
installed torch), into a cache folder (``$RNNKIT_CACHE``, default ``~/.cache/rnnkit``), so
``pip install`` needs nothing more and a later process loads the built library in milliseconds.
Where it cannot be built (no compiler, no ninja, a failed build) or is switched off
(``RNNKIT_NATIVE=0``), :func:`native` returns None, :func:`why_not_native` says why, and the cells
compute the same steps with torch operations.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
from pathlib import Path
from types import ModuleType

import torch

SOURCE = Path(__file__).with_name("bptt_steps.cpp")

enabled = True
"""Whether the cells may use the kernels (tests switch it off to run the torch operations)."""

_loaded: ModuleType | None = None
_failure: str | None = None
_tried = False


def _cpu_flags() -> list[str]:
    """Vector instructions to compile for: AVX2 and FMA where this CPU has them (x86-64)."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    words = set(cpuinfo.split())
    return ["-mavx2", "-mfma"] if {"avx2", "fma"} <= words else []


def _build_directory(flags: list[str]) -> Path:
    root = Path(os.environ.get("RNNKIT_CACHE", Path.home() / ".cache" / "rnnkit"))
    key = " ".join([torch.__version__, platform.machine(), platform.python_version(), *flags])
    folder = root / "kernels" / hashlib.sha256(key.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def native() -> ModuleType | None:
    """The compiled kernels (built on the first call of the process), or None where unavailable."""
    global _loaded, _failure, _tried
    if _tried:
        return _loaded
    _tried = True
    if os.environ.get("RNNKIT_NATIVE", "1") == "0":
        _failure = "switched off by RNNKIT_NATIVE=0"
        return None
    flags = ["-O3", "-ffast-math", "-fopenmp-simd", *_cpu_flags()]
    build_directory = _build_directory(flags)
    if not any(build_directory.glob("*.so")):
        print(
            f"rnnkit: compiling the C++ step kernels into {build_directory} (once per machine and torch "
            "version, about a minute)",
            file=sys.stderr,
        )
    try:
        from torch.utils import cpp_extension

        _loaded = cpp_extension.load(
            name="rnnkit_bptt_steps",
            sources=[str(SOURCE)],
            extra_cflags=flags,
            build_directory=str(build_directory),
            verbose=False,
        )
    except Exception as error:  # noqa: BLE001 - any build failure means: use the torch operations
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        _failure = f"the C++ kernels did not build ({type(error).__name__}: {first_line[:200]})"
        _loaded = None
    return _loaded


def why_not_native() -> str | None:
    """Why :func:`native` is None (None when the kernels are loaded)."""
    native()
    return _failure


def usable(*tensors: torch.Tensor) -> ModuleType | None:
    """The kernels if they can run on these tensors (CPU, float32/float64, unit feature stride),
    else None."""
    if not enabled:
        return None
    for tensor in tensors:
        if tensor.device.type != "cpu" or tensor.dtype not in (torch.float32, torch.float64):
            return None
        if tensor.dim() != 2 or (tensor.stride(1) != 1 and tensor.shape[1] != 1):
            return None
    return native()
