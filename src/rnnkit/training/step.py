"""One optimisation step's mechanics: batches to the device, mixed precision, gradient clipping, and the
error that stops a diverging run.

Moving batches to the device, whatever their structure (tensor, tuple, list, dict, nested).

Example:
    >>> batch = {"x": torch.zeros(2, 3), "lengths": torch.tensor([3, 1]), "ids": ["a", "b"]}
    >>> moved = move_to_device(batch, torch.device("cpu"))
    >>> sorted(moved), moved["ids"]
    (['ids', 'lengths', 'x'], ['a', 'b'])

Mixed precision: autocast for the forward pass, gradient scaling for fp16.

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

Gradient clipping, returning the global gradient norm measured before any clipping.

- By value (``clip_value``): every gradient entry is clamped to ``[-clip_value, clip_value]``.
- By global norm (``clip_norm``): with ``n = sqrt(sum over parameters of ||g||^2)``, every gradient is
  multiplied by ``min(1, clip_norm / (n + 1e-6))`` (torch's ``clip_grad_norm_``), so the direction is
  kept and the norm seen by the optimiser is at most ``clip_norm``. Applied after value clipping.

The returned pre-clip norm is what the trainer records as ``grad_norm``: a norm that keeps hitting
the clip, or grows over epochs, is the usual sign of exploding gradients in an RNN.

Example:
    >>> w = torch.nn.Parameter(torch.zeros(2))
    >>> w.grad = torch.tensor([3.0, 4.0])
    >>> clip_gradients([w], max_norm=1.0)
    5.0
    >>> [round(v, 4) for v in w.grad.tolist()]
    [0.6, 0.8]

Divergence: a NaN or infinite loss or gradient norm stops training with a clear error, never silently.

A recurrent network that diverges usually shows it first in the gradient norm (exploding gradients
through time), then in the loss. Continuing would fill the weights with NaN; the trainer raises
:class:`NonFiniteLossError` at the first such step instead, before the optimiser touches the weights.

Example:
    >>> error = divergence_error("loss", float("nan"), epoch=2, step=7, steps=40, global_step=47, lr=0.1,
    ...                          clip_norm=None)
    >>> isinstance(error, ValueError), str(error).split(":")[0]
    (True, 'loss is nan at epoch 2, step 7 of 40 (global step 47)')
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import torch
from torch import Tensor, nn


def move_to_device(batch: Any, device: torch.device, non_blocking: bool = False) -> Any:
    """Every tensor inside ``batch`` moved to ``device``; other values (strings, ints) unchanged.

    Tuples (named tuples included), lists and mappings keep their type.
    """
    if isinstance(batch, Tensor):
        return batch.to(device, non_blocking=non_blocking)
    if isinstance(batch, Mapping):
        moved = {k: move_to_device(v, device, non_blocking) for k, v in batch.items()}
        try:
            return type(batch)(moved)  # type: ignore[call-arg]  # concrete mapping types take a dict
        except TypeError:  # a mapping type whose constructor takes something else (e.g. defaultdict)
            return moved
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # named tuple
        return type(batch)(*(move_to_device(v, device, non_blocking) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(move_to_device(v, device, non_blocking) for v in batch)
    return batch


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


def global_norm(grads: list[Tensor]) -> Tensor:
    """The L2 norm of all gradients viewed as one vector."""
    device = grads[0].device
    norms = [torch.linalg.vector_norm(g.detach(), 2.0).to(device) for g in grads]
    return torch.linalg.vector_norm(torch.stack(norms), 2.0)


def clip_gradients(
    parameters: Iterable[nn.Parameter], max_norm: float | None = None, max_value: float | None = None
) -> float:
    """Clip gradients in place (by value, then by global norm); return the pre-clip global L2 norm."""
    params = [p for p in parameters if p.grad is not None]
    if not params:
        return 0.0
    if max_value is None and max_norm is not None:
        return float(nn.utils.clip_grad_norm_(params, max_norm))  # returns the norm before clipping
    norm = float(global_norm([p.grad for p in params if p.grad is not None]))
    if max_value is not None:
        nn.utils.clip_grad_value_(params, max_value)
    if max_norm is not None:
        nn.utils.clip_grad_norm_(params, max_norm)
    return norm


class NonFiniteLossError(ValueError):
    """The loss or the gradient norm became NaN or infinite; the message names epoch, step and value."""


def divergence_error(
    what: str,
    value: float,
    epoch: int,
    step: int,
    steps: int,
    global_step: int,
    lr: float,
    clip_norm: float | None,
) -> NonFiniteLossError:
    """The error for a non-finite ``what`` (``loss`` or ``gradient norm``), with the usual fixes."""
    return NonFiniteLossError(
        f"{what} is {value} at epoch {epoch}, step {step} of {steps} (global step {global_step}): "
        "training diverged or a batch holds invalid values. Lower the learning rate "
        f"(lr={lr:g}), enable or tighten gradient clipping (clip_norm, e.g. 1.0; now {clip_norm}), "
        "or check the inputs and targets for NaN/inf."
    )
