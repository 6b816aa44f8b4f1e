"""Forecasts that need no learning, the first rows of every forecasting report: a model that does not beat
them has learned nothing the series did not already say.

For a window x ``(B, L, C)`` and horizon H (h = 1..H)::

    naive:           y_hat[h] = x[L]                    the last value, held
    seasonal naive:  y_hat[h] = x[L - s + ((h - 1) mod s) + 1]       the last season of period s, repeated
    drift:           y_hat[h] = x[L] + h (x[L] - x[1]) / (L - 1)     the line through the first and last

Example:
    >>> import torch
    >>> x = torch.tensor([1.0, 2.0, 3.0, 4.0]).view(1, 4, 1)
    >>> naive(x, 2).flatten().tolist(), seasonal_naive(x, 3, period=2).flatten().tolist()
    ([4.0, 4.0], [3.0, 4.0, 3.0])
    >>> drift(x, 2).flatten().tolist()
    [5.0, 6.0]
"""

from __future__ import annotations

import torch
from torch import Tensor


def _check(x: Tensor, horizon: int) -> None:
    if x.dim() != 3:
        raise ValueError(f"baseline: x must be (batch, lookback, channels), got shape {tuple(x.shape)}.")
    if not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"baseline: horizon must be an int >= 1, got {horizon!r}.")


def naive(x: Tensor, horizon: int) -> Tensor:
    """The last value of the window, held for ``horizon`` steps: ``(B, L, C) -> (B, H, C)``."""
    _check(x, horizon)
    return x[:, -1:, :].expand(-1, horizon, -1).clone()


def seasonal_naive(x: Tensor, horizon: int, period: int) -> Tensor:
    """The window's last ``period`` steps, repeated over the horizon: ``(B, L, C) -> (B, H, C)``."""
    _check(x, horizon)
    if not isinstance(period, int) or not 1 <= period <= x.shape[1]:
        raise ValueError(
            f"seasonal_naive: period must be an int in [1, lookback={x.shape[1]}], got {period!r}."
        )
    season = x[:, -period:, :]
    repeats = -(-horizon // period)  # ceil
    return season.repeat(1, repeats, 1)[:, :horizon, :]


def drift(x: Tensor, horizon: int) -> Tensor:
    """The line through the window's first and last values, extended: ``(B, L, C) -> (B, H, C)``."""
    _check(x, horizon)
    if x.shape[1] < 2:
        raise ValueError("drift: needs a window of at least 2 steps.")
    slope = (x[:, -1:, :] - x[:, :1, :]) / (x.shape[1] - 1)  # (B, 1, C)
    steps = torch.arange(1, horizon + 1, dtype=x.dtype, device=x.device).view(1, horizon, 1)
    return x[:, -1:, :] + slope * steps
