"""Rolling-origin backtests: a forecaster scored from many forecast origins, as forecasters expect.

For a part of a series (:class:`~rnnkit.data.windows.Part`), a look-back L, a horizon H and a stride k,
the origins are every k-th window origin of the part, starting from the first::

    origins  t_i = t_0 + i k,   i = 0 .. N-1,   every window of the part (window_starts) with stride k
    forecast y_hat_i = f(values[t_i - L : t_i])              (H, K)
    errors   MSE = mean_i,h,c (y_hat_i[h, c] - targets[t_i + h, c])^2,   MAE the same with |.|

so a stride of 1 scores every window (the LTSF test protocol) and a stride of H gives non-overlapping
forecasts (the classic rolling-origin evaluation). Forecasts are made in batches of ``batch_size``
windows; the result does not depend on it (a test checks it equals forecasting one origin at a time).

Example:
    >>> import numpy as np
    >>> from rnnkit.data.windows import Part
    >>> series = np.arange(20.0).reshape(20, 1)
    >>> last_value = lambda x: np.repeat(x[:, -1:, :], 2, axis=1)  # (N, L, C) -> (N, H, C)
    >>> test = Part("test", start=10, stop=20, context_start=6)
    >>> result = backtest(last_value, series, series, test, lookback=4, horizon=2, stride=3)
    >>> result.origins.tolist(), round(result.mse, 3), round(result.mae, 3)
    ([10, 13, 16], 2.5, 1.5)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..data.windows import Part, WindowDataset, window_starts

Forecast = Callable[[np.ndarray], np.ndarray]
"""``(N, L, C) -> (N, H, K)``: a batch of look-backs to their forecasts."""


@dataclass(frozen=True)
class BacktestResult:
    """The forecasts of every origin and their errors.

    Attributes:
        origins: ``(N,)`` each forecast's first target row.
        forecasts: ``(N, H, K)``; targets: ``(N, H, K)``, the values they forecast.
        mse, mae: over every value of every forecast.
    """

    origins: np.ndarray
    forecasts: np.ndarray
    targets: np.ndarray

    @property
    def mse(self) -> float:
        return float(np.mean((self.forecasts - self.targets) ** 2))

    @property
    def mae(self) -> float:
        return float(np.mean(np.abs(self.forecasts - self.targets)))

    def by_horizon(self) -> np.ndarray:
        """``(H,)`` the MSE of each step ahead, over origins and series."""
        return np.mean((self.forecasts - self.targets) ** 2, axis=(0, 2))


def backtest(
    forecast: Forecast,
    values: np.ndarray,
    targets: np.ndarray,
    part: Part,
    lookback: int,
    horizon: int,
    stride: int = 1,
    batch_size: int = 256,
) -> BacktestResult:
    """Forecast from every ``stride``-th origin of ``part`` and score against ``targets``.

    Args:
        forecast: ``(N, L, C) -> (N, H, K)``, e.g. a trained model wrapped to NumPy.
        values: ``(T, C)`` the inputs; targets: ``(T, K)`` the forecast columns.
        part: where the forecasts' targets lie (its look-back may read earlier rows).
        lookback, horizon: L and H; stride: k >= 1; batch_size: windows per call of ``forecast``.

    Raises:
        ValueError: a stride or batch size below 1, a part with no window, or a forecast of the wrong
            shape (named with the shape it should have had).
    """
    for name, value in (("stride", stride), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"backtest: {name} must be an int >= 1, got {value!r}.")
    starts = window_starts(part, lookback, horizon)[::stride]
    windows = WindowDataset(values, targets, lookback, horizon, starts)
    forecasts, truths = [], []
    for first in range(0, len(windows), batch_size):
        x, y = windows.arrays(range(first, min(first + batch_size, len(windows))))
        y_hat = np.asarray(forecast(x))
        if y_hat.shape != y.shape:
            raise ValueError(
                f"backtest: the forecast of {len(x)} windows has shape {y_hat.shape}; expected {y.shape} "
                "(windows, horizon, target columns)."
            )
        forecasts.append(y_hat)
        truths.append(y)
    return BacktestResult(windows.origins, np.concatenate(forecasts), np.concatenate(truths))
