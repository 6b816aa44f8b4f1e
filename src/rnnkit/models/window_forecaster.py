"""A forecaster of windows: optional RevIN and channel independence around a core model, and the target
columns picked from its output.

For a window x ``(B, L, C)`` and a core ``f`` that maps ``(B', L, C') -> (B', H, C')``::

    RevIN:                x' = normalise(x)          per window and channel (models/revin.py)
    channel independence: (B, L, C) -> (B*C, L, 1), so every column is its own series through shared
                          weights, and back: (B*C, H, 1) -> (B, H, C)
    core:                 y' = f(x')
    highway (q > 0):      y' += W_hw x'[L-q : L] + b_hw     per column, shared weights W_hw: (H, q)
    RevIN inverse:        y = denormalise(y')        mean; a Gaussian scale is multiplied by sigma / gamma
    targets:              y[..., targets]            (B, H, K)

These are the ideas that make a recurrent forecaster competitive on the long-horizon benchmarks (Kim et
al. 2022; Nie et al. 2023; Lin et al. 2023). SegRNN and DLinear are channel independent by themselves, and
SegRNN normalises its windows, so they are wrapped with both switches off. The highway is LSTNet's linear
autoregressive component (Lai et al. 2018): a linear map of the last q values added to the network's
output, so the scale of the forecast follows the input even where the network saturates.

Example:
    >>> import torch
    >>> from rnnkit.models.decomposition import DLinear
    >>> model = WindowForecaster(DLinear(8, 3), channels=2, targets=(1,), revin=True)
    >>> model(torch.randn(4, 8, 2)).shape
    torch.Size([4, 3, 1])
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from .revin import RevIN


class WindowForecaster(nn.Module):
    """``(B, L, C) -> (B, H, K)`` (or ``(mean, scale)`` for a Gaussian core) around ``core``."""

    def __init__(
        self,
        core: nn.Module,
        channels: int,
        targets: Sequence[int] | None = None,
        revin: bool = False,
        channel_independent: bool = False,
        highway: int = 0,
        horizon: int | None = None,
    ) -> None:
        super().__init__()
        self.core = core
        self.channels = channels
        chosen = tuple(range(channels)) if targets is None else tuple(targets)
        if not chosen or any(not 0 <= t < channels for t in chosen):
            raise ValueError(
                f"WindowForecaster: targets {chosen} must be column indices in 0..{channels - 1}."
            )
        self.targets = chosen
        self.all_targets = chosen == tuple(range(channels))
        self.revin = RevIN(channels) if revin else None
        self.channel_independent = channel_independent
        if highway and (horizon is None or highway < 0):
            raise ValueError("WindowForecaster: a highway needs its horizon (rows forecast) and q >= 1.")
        self.highway_rows = highway
        self.highway = nn.Linear(highway, horizon) if highway and horizon else None

    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        if x.dim() != 3 or x.shape[-1] != self.channels:
            raise ValueError(
                f"WindowForecaster: x must be (batch, lookback, {self.channels}), got shape {tuple(x.shape)}."
            )
        batch = x.shape[0]
        stats = None
        if self.revin is not None:
            x, stats = self.revin.normalise(x)
        highway = None
        if self.highway is not None:
            recent = x[:, -self.highway_rows :, :].transpose(1, 2)  # (B, C, q)
            highway = self.highway(recent).transpose(1, 2)  # (B, H, C)
        if self.channel_independent:
            x = x.transpose(1, 2).reshape(batch * self.channels, -1, 1)  # (B*C, L, 1)
        out = self.core(x)
        mean, scale = out if isinstance(out, tuple) else (out, None)
        if self.channel_independent:
            mean = self._gather(mean, batch)
            scale = self._gather(scale, batch) if scale is not None else None
        if highway is not None:
            mean = mean + highway
        if stats is not None and self.revin is not None:
            mean = self.revin.denormalise(mean, stats)
            if scale is not None:
                scale = scale * stats[1]  # the inverse map's slope: sigma / (gamma + eps^2)
                if self.revin.affine:
                    scale = scale / (self.revin.gamma + self.revin.eps**2).abs()
        if not self.all_targets:
            mean = mean[..., list(self.targets)]
            scale = scale[..., list(self.targets)] if scale is not None else None
        return mean if scale is None else (mean, scale)

    def _gather(self, y: Tensor, batch: int) -> Tensor:
        return y.reshape(batch, self.channels, -1).transpose(1, 2)  # (B*C, H, 1) -> (B, H, C)
