"""Holt-Winters exponential smoothing (statsmodels) as a baseline, forecasting from many origins.

Additive trend, and multiplicative seasonality for a positive series (additive otherwise), period ``m``
(Holt 1957; Winters 1960; Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 8.3)::

    level   l_t = alpha y_t / s_{t-m} + (1 - alpha)(l_{t-1} + b_{t-1})
    trend   b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
    season  s_t = gamma y_t / (l_{t-1} + b_{t-1}) + (1 - gamma) s_{t-m}
    y_hat_{t+h} = (l_t + h b_t) s_{t+h-m(k+1)}

The parameters and initial states are fitted once, by statsmodels' maximum likelihood, on the rows before
the first origin; every origin then runs the same filter over the history up to it, with those parameters
fixed, and forecasts the horizon. So the baseline sees what the recurrent model sees (the data before the
test part to fit, the look-back at each origin to condition on) and nothing after.

statsmodels is an optional extra (``pip install 'rnnkit[forecast]'``); without it
:class:`HoltWintersUnavailableError` says how to install it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np


class HoltWintersUnavailableError(ImportError):
    """statsmodels is not installed."""


def _exponential_smoothing() -> type:
    try:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
    except ImportError:
        raise HoltWintersUnavailableError(
            "Holt-Winters needs statsmodels, which is not installed: pip install 'rnnkit[forecast]'"
        ) from None
    return ExponentialSmoothing


def holt_winters_forecasts(
    series: np.ndarray, fit_rows: int, origins: Sequence[int], horizon: int, period: int
) -> tuple[np.ndarray, str]:
    """``(N, H)`` forecasts of the 1-D ``series`` from each origin (the first forecast row), the model
    fitted on ``series[:fit_rows]``; and a one-line description of the fitted model.

    Raises:
        HoltWintersUnavailableError: statsmodels is not installed.
        ValueError: fewer than two seasons of rows to fit on, or an origin before ``fit_rows``.
    """
    smoothing = _exponential_smoothing()
    series = np.asarray(series, dtype=np.float64)
    if period < 2 or fit_rows < 2 * period:
        raise ValueError(
            f"Holt-Winters needs a period >= 2 and two seasons ({2 * period} rows) to fit; got period "
            f"{period} and {fit_rows} rows."
        )
    if min(origins) < fit_rows:
        raise ValueError(f"Holt-Winters: origins must not come before the {fit_rows} fitted rows.")
    seasonal = "mul" if (series > 0).all() else "add"
    settings = {"trend": "add", "seasonal": seasonal, "seasonal_periods": period}
    with warnings.catch_warnings():  # statsmodels' convergence chatter is not the user's concern
        warnings.simplefilter("ignore")
        fitted = smoothing(series[:fit_rows], initialization_method="estimated", **settings).fit()
        params = fitted.params
        known = {
            "initialization_method": "known",
            "initial_level": params["initial_level"],
            "initial_trend": params["initial_trend"],
            "initial_seasonal": params["initial_seasons"],
        }
        fixed = {
            "smoothing_level": params["smoothing_level"],
            "smoothing_trend": params["smoothing_trend"],
            "smoothing_seasonal": params["smoothing_seasonal"],
            "optimized": False,
        }
        forecasts = [
            smoothing(series[:origin], **settings, **known).fit(**fixed).forecast(horizon)
            for origin in origins
        ]
    described = (
        f"Holt-Winters (additive trend, {'multiplicative' if seasonal == 'mul' else 'additive'} season of "
        f"{period} rows; alpha={params['smoothing_level']:.3f}, beta={params['smoothing_trend']:.3f}, "
        f"gamma={params['smoothing_seasonal']:.3f}, fitted on the first {fit_rows} rows)"
    )
    return np.asarray(forecasts, dtype=np.float64), described
