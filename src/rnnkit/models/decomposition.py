"""Series decomposition into trend and remainder, and the DLinear forecaster built on it (Zeng et al. 2023,
"Are Transformers Effective for Time Series Forecasting?"): the linear baseline recurrent forecasters
are compared against.

Trend by a centred moving average of odd width k over time, the series padded at both ends by repeating
its first and last values (so the trend has the input's length)::

    trend[t] = (1/k) * sum_{j=-(k-1)/2}^{(k-1)/2} x[clip(t + j, 0, L - 1)]        remainder = x - trend

DLinear maps each part of the look-back ``(L,)`` to the horizon ``(H,)`` with one linear layer, per
channel (shared weights across channels, channel independence), and adds the two::

    y_hat = W_trend trend + b_trend + W_rem remainder + b_rem                 W: (H, L)

Shapes: x ``(B, L, C)`` -> forecast ``(B, H, C)``.

Example:
    >>> import torch
    >>> trend, remainder = decompose(torch.arange(10.0).view(1, 10, 1), kernel=3)
    >>> trend[0, :, 0].tolist()[:3], float(remainder.abs().max()) <= 1 / 3 + 1e-6
    ([0.3333333432674408, 1.0, 2.0], True)
"""

from __future__ import annotations

from torch import Tensor, nn
from torch.nn import functional as F


def decompose(x: Tensor, kernel: int) -> tuple[Tensor, Tensor]:
    """``(trend, remainder)`` of ``x (B, L, C)``: a centred moving average of odd width ``kernel``."""
    if kernel < 1 or kernel % 2 == 0:
        raise ValueError(f"decompose: kernel must be an odd int >= 1, got {kernel!r}.")
    half = (kernel - 1) // 2
    padded = x.transpose(1, 2)  # (B, C, L)
    padded = F.pad(padded, (half, half), mode="replicate")
    trend = F.avg_pool1d(padded, kernel_size=kernel, stride=1).transpose(1, 2)  # (B, L, C)
    return trend, x - trend


class DLinear(nn.Module):
    """Trend and remainder of the look-back, each mapped to the horizon by one linear layer per series."""

    def __init__(self, lookback: int, horizon: int, kernel: int = 25) -> None:
        super().__init__()
        for name, value in (("lookback", lookback), ("horizon", horizon)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"DLinear: {name} must be an int >= 1, got {value!r}.")
        self.lookback, self.horizon, self.kernel = lookback, horizon, kernel
        self.trend = nn.Linear(lookback, horizon)
        self.remainder = nn.Linear(lookback, horizon)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 3 or x.shape[1] != self.lookback:
            raise ValueError(
                f"DLinear: x must be (batch, {self.lookback}, channels), got shape {tuple(x.shape)}."
            )
        trend, remainder = decompose(x, self.kernel)
        out = self.trend(trend.transpose(1, 2)) + self.remainder(remainder.transpose(1, 2))  # (B, C, H)
        return out.transpose(1, 2)  # (B, H, C)
