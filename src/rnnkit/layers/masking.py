"""Variable-length batches: lengths, masks and per-sequence reversal.

At the public boundary a ragged batch is described by ``lengths`` ``(batch,)``; inside, by a
``mask`` ``(batch, time)`` of bools, True on real steps. At padded steps a layer carries its state
unchanged and writes a zero output.
"""

from __future__ import annotations

import torch
from torch import Tensor


def lengths_to_mask(lengths: Tensor, max_len: int | None = None) -> Tensor:
    """``mask[b, t] = t < lengths[b]``.

    Shapes:
        lengths ``(B,)`` integer -> mask ``(B, T)`` bool, ``T = max_len or lengths.max()``.

    Example:
        >>> lengths_to_mask(torch.tensor([3, 1]), 4).int().tolist()
        [[1, 1, 1, 0], [1, 0, 0, 0]]
    """
    if max_len is None:
        max_len = int(lengths.max())
    steps = torch.arange(max_len, device=lengths.device)  # (T,)
    return steps.unsqueeze(0) < lengths.unsqueeze(1)  # (B, T)


def reverse_padded(x: Tensor, lengths: Tensor | None = None) -> Tensor:
    """Reverse each sequence of a batch-first tensor within its own length; padding stays in place.

    ``out[b, t] = x[b, lengths[b] - 1 - t]`` for ``t < lengths[b]``, ``x[b, t]`` otherwise.

    Shapes:
        x ``(B, T, ...)``, lengths ``(B,)`` -> ``(B, T, ...)``.

    Example:
        >>> x = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]])
        >>> reverse_padded(x, torch.tensor([3, 2])).tolist()
        [[3, 2, 1, 0], [5, 4, 0, 0]]
    """
    if lengths is None:
        return x.flip(1)
    B, T = x.shape[:2]
    steps = torch.arange(T, device=x.device).unsqueeze(0)  # (1, T)
    lengths = lengths.to(x.device).unsqueeze(1)  # (B, 1)
    source = torch.where(steps < lengths, lengths - 1 - steps, steps)  # (B, T)
    index = source.view(B, T, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, index)
