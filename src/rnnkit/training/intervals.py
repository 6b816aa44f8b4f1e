"""Prediction intervals from held-out errors (split conformal prediction), for any point forecaster.

For the absolute errors of a forecaster on windows it was not trained on (the validation part),
``r_i = |y_i - y_hat_i|`` per step ahead h and column k (n windows), the interval of level ``1 - alpha``
around a new forecast is ``y_hat +- q`` with::

    q[h, k] = the ceil((n + 1)(1 - alpha))-th smallest of r_1[h, k] .. r_n[h, k]

which covers a new value with probability at least ``1 - alpha`` when the errors are exchangeable (Vovk
et al. 2005; Lei et al. 2018). Time series are not exchangeable, so the coverage is measured on the test
part and reported beside the level, never assumed. With too few windows for the level (``n <
1/alpha - 1``) the width is infinite, as the method requires.

Example:
    >>> import numpy as np
    >>> residuals = np.arange(1.0, 10.0).reshape(9, 1, 1)  # |errors| 1..9 of 9 windows
    >>> float(conformal_width(residuals, level=0.8)[0, 0])  # the ceil(10 * 0.8) = 8th smallest
    8.0
"""

from __future__ import annotations

import math

import numpy as np


def conformal_width(residuals: np.ndarray, level: float) -> np.ndarray:
    """``(H, K)`` half-widths from the errors ``(n, H, K)`` of held-out windows (their signs are ignored)."""
    if not 0 < level < 1:
        raise ValueError(f"conformal_width: level must be in (0, 1), got {level!r}.")
    errors = np.abs(np.asarray(residuals, dtype=np.float64))
    if errors.ndim != 3 or len(errors) == 0:
        raise ValueError(f"conformal_width: expected (windows, horizon, columns) errors, got {errors.shape}.")
    n = len(errors)
    rank = math.ceil((n + 1) * level)
    if rank > n:
        return np.full(errors.shape[1:], np.inf)
    return np.sort(errors, axis=0)[rank - 1]


def coverage(lower: np.ndarray, upper: np.ndarray, truth: np.ndarray) -> float:
    """The fraction of ``truth`` values inside ``[lower, upper]`` (all the same shape)."""
    inside = (truth >= lower) & (truth <= upper)
    return float(inside.mean())
