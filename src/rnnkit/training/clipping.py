"""Gradient clipping, returning the global gradient norm measured before any clipping.

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
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import Tensor, nn


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
    norm = float(global_norm([p.grad for p in params]))
    if max_value is not None:
        nn.utils.clip_grad_value_(params, max_value)
    if max_norm is not None:
        nn.utils.clip_grad_norm_(params, max_norm)
    return norm
