"""Reversible instance normalisation (RevIN, Kim et al. 2022): each window is standardised by its own
statistics before the model sees it, and the forecast is put back on the window's scale.

For one window x ``(L, C)`` of one example and each channel c::

    mu_c = mean_t x[t, c]                  sigma_c = sqrt(var_t x[t, c] + eps)      (population variance)
    normalise:    x'[t, c] = gamma_c * (x[t, c] - mu_c) / sigma_c + beta_c
    denormalise:  y[t, c]  = (y'[t, c] - beta_c) / (gamma_c + eps^2) * sigma_c + mu_c

so a series whose level drifts between training and test (a distribution shift) reaches the model at the
same scale; gamma, beta (learnable, ``affine=True``) start at 1 and 0. The statistics are those of the
input window only: nothing of the future leaks into them. With ``detach_stats`` (the default, as in the
authors' code) mu and sigma are constants for backpropagation; without it the gradient is the full
derivative of the normalisation (what the float64 finite-difference tests check).

Shapes: x ``(B, L, C)``; the forecast to denormalise ``(B, H, C)`` (the same channels).

Example:
    >>> import torch
    >>> revin = RevIN(3)
    >>> x = torch.randn(2, 24, 3) * 5 + 10
    >>> normed, stats = revin.normalise(x)
    >>> torch.allclose(revin.denormalise(normed, stats), x, atol=1e-4)
    True
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class RevIN(nn.Module):
    """Per-window, per-channel standardisation with an optional learnable affine map, and its inverse."""

    def __init__(
        self, channels: int, eps: float = 1e-5, affine: bool = True, detach_stats: bool = True
    ) -> None:
        super().__init__()
        if not isinstance(channels, int) or channels < 1:
            raise ValueError(f"RevIN: channels must be an int >= 1, got {channels!r}.")
        self.channels, self.eps, self.affine, self.detach_stats = channels, eps, affine, detach_stats
        if affine:
            self.gamma = nn.Parameter(torch.ones(channels))
            self.beta = nn.Parameter(torch.zeros(channels))

    def normalise(self, x: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """``(x', (mu, sigma))``, ``mu`` and ``sigma`` ``(B, 1, C)`` kept for :meth:`denormalise`."""
        if x.dim() != 3 or x.shape[-1] != self.channels:
            raise ValueError(f"RevIN: x must be (batch, time, {self.channels}), got shape {tuple(x.shape)}.")
        mu = x.mean(dim=1, keepdim=True)
        sigma = torch.sqrt(x.var(dim=1, keepdim=True, unbiased=False) + self.eps)
        if self.detach_stats:
            mu, sigma = mu.detach(), sigma.detach()
        normed = (x - mu) / sigma
        if self.affine:
            normed = normed * self.gamma + self.beta
        return normed, (mu, sigma)

    def denormalise(self, y: Tensor, stats: tuple[Tensor, Tensor]) -> Tensor:
        """Put a forecast ``(B, H, C)`` made on the normalised scale back on the window's scale."""
        mu, sigma = stats
        if self.affine:
            y = (y - self.beta) / (self.gamma + self.eps * self.eps)
        return y * sigma + mu
