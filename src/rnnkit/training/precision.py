"""Mixed precision: autocast for the forward pass, gradient scaling for fp16.

- ``fp32``: no autocast.
- ``bf16``: ``torch.autocast`` with bfloat16 on CUDA or CPU. bfloat16 has float32's range, so no
  gradient scaling is needed.
- ``fp16``: ``torch.autocast`` with float16 on CUDA plus a :class:`torch.amp.GradScaler`: the loss is
  multiplied by a scale before backward so small gradients do not underflow, gradients are unscaled
  before clipping, and a step whose gradients overflowed is skipped while the scale shrinks.
  CPU autocast in float16 is refused: it is slow and unscaled float16 gradients underflow.

Weights and optimiser state stay float32 in every mode.

Example:
    >>> check_precision("bf16", torch.device("cpu"))
    >>> with autocast("fp32", torch.device("cpu")):
    ...     (torch.ones(2, 2) @ torch.ones(2, 2)).dtype
    torch.float32
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def check_precision(precision: str, device: torch.device) -> None:
    """Refuse combinations that cannot train well: fp16 off CUDA, bf16 on a GPU without support."""
    if precision not in ("fp32", "bf16", "fp16"):
        raise ValueError(f"precision: expected 'fp32', 'bf16' or 'fp16', got {precision!r}.")
    if precision == "fp16" and device.type != "cuda":
        raise ValueError(
            f"precision='fp16' needs a CUDA device, but training runs on {device.type}. "
            "Use precision='bf16' (supported by CPU autocast) or 'fp32' on this machine."
        )
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ValueError(
            f"precision='bf16' is not supported by this GPU ({torch.cuda.get_device_name(device)}). "
            "Use precision='fp16' or 'fp32'."
        )


@contextlib.contextmanager
def autocast(precision: str, device: torch.device) -> Iterator[None]:
    """``torch.autocast`` for ``bf16``/``fp16``; nothing for ``fp32``."""
    if precision == "fp32":
        yield
        return
    with torch.autocast(device_type=device.type, dtype=_DTYPES[precision]):
        yield


def make_grad_scaler(precision: str, device: torch.device) -> torch.amp.GradScaler | None:
    """A GradScaler for ``fp16`` on CUDA; None otherwise (no scaling needed)."""
    if precision == "fp16" and device.type == "cuda":
        return torch.amp.GradScaler("cuda")
    return None
