"""Dropout with masks shared along an axis: variational (locked) dropout and embedding dropout.

Standard dropout draws a fresh mask for every entry. The AWD-LSTM regularisers (Merity et al. 2017,
after Gal & Ghahramani 2016) share one mask where a fresh one would add noise a recurrent network
cannot average out:

- **variational dropout** (``locked_dropout``): one mask per sequence and feature, the same at every
  time step: ``y[b, t, f] = x[b, t, f] * m[b, f] / (1 - p)``, ``m ~ Bernoulli(1 - p)``.
- **embedding dropout**: whole rows of the embedding matrix are dropped, so a word (or character)
  vanishes everywhere it occurs in the batch: ``E'[v] = E[v] * m[v] / (1 - p)``.

Both are the identity in eval mode or with ``p = 0``, and keep the expected value in training.

Example:
    >>> import torch
    >>> x = torch.ones(2, 5, 3)
    >>> y = locked_dropout(x, 0.5, training=True, generator=torch.Generator().manual_seed(0))
    >>> bool((y == y[:, :1]).all())  # the same mask at every step
    True
"""

from __future__ import annotations

import torch
from torch import Tensor


def _keep_mask(shape: tuple[int, ...], p: float, like: Tensor, generator: torch.Generator | None) -> Tensor:
    keep = torch.empty(shape, dtype=like.dtype, device=like.device).bernoulli_(1.0 - p, generator=generator)
    return keep / (1.0 - p)


def check_p(name: str, p: float) -> None:
    if not 0.0 <= p < 1.0:
        raise ValueError(f"{name}: the drop probability must be in [0, 1), got {p}.")


def locked_dropout(x: Tensor, p: float, training: bool, generator: torch.Generator | None = None) -> Tensor:
    """Variational dropout: one mask per (sequence, feature), shared over time.

    Shapes:
        x ``(B, T, F)`` -> ``(B, T, F)``.
    """
    check_p("locked_dropout", p)
    if not training or p == 0.0:
        return x
    mask = _keep_mask((x.shape[0], 1, x.shape[2]), p, x, generator)  # (B, 1, F)
    return x * mask


def embedding_dropout(
    weight: Tensor, p: float, training: bool, generator: torch.Generator | None = None
) -> Tensor:
    """Embedding dropout: drop whole rows (tokens) of the embedding matrix, scaling the rest by 1/(1-p).

    Shapes:
        weight ``(V, E)`` -> ``(V, E)``.
    """
    check_p("embedding_dropout", p)
    if not training or p == 0.0:
        return weight
    return weight * _keep_mask((weight.shape[0], 1), p, weight, generator)  # (V, E)
