"""DLinear fitted in closed form: the least-squares (ridge) minimiser of its training loss.

DLinear's forecast of one column is ``W_t trend(x) + W_r (x - trend(x)) + b`` with ``trend(x) = M x`` a
fixed moving average (``M`` an ``(L, L)`` matrix), so it is a linear map of the look-back::

    y_hat = (W_t M + W_r (I - M)) x + b = A x + b,       every A reachable (W_t = W_r = A)

and minimising its MSE over the training windows is linear least squares. With the windows of every
column stacked as rows (channel independence: one map for all columns), ``X (N*K, L)``, ``Y (N*K, H)``
and a column of ones for the bias::

    [A^T; b^T] = (X1^T X1 + lambda R)^-1 X1^T Y,     R = (trace(X^T X) / L) * diag(1, .., 1, 0)

``lambda`` (the ridge, relative to the inputs' energy; the bias is not shrunk) is chosen from a small grid
by the validation windows' MSE. The result is a :class:`~rnnkit.models.decomposition.DLinear` with
``W_t = W_r = A`` and the bias in the trend layer, so it runs as any DLinear does, and its training MSE is
the lowest any DLinear trained by gradient descent could reach at ``lambda = 0``.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((200, 6, 1))
    >>> y = x[:, -2:, :] * 2.0 + 1.0                       # an exactly linear target
    >>> model, ridge = fit_dlinear(x, y, x, y)
    >>> import torch
    >>> forecast = model(torch.from_numpy(x).float()).detach().double().numpy()
    >>> float(((forecast - y) ** 2).mean()) < 1e-8, ridge
    (True, 0.0)
"""

from __future__ import annotations

import numpy as np
import torch

from .decomposition import DLinear

RIDGES = (0.0, 1e-4, 1e-3, 1e-2, 1e-1)


def _rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Windows ``(N, L, K)``, ``(N, H, K)`` -> rows ``(N*K, L+1)`` (with the bias 1) and ``(N*K, H)``."""
    inputs = np.transpose(x, (0, 2, 1)).reshape(-1, x.shape[1])
    outputs = np.transpose(y, (0, 2, 1)).reshape(-1, y.shape[1])
    return np.hstack([inputs, np.ones((len(inputs), 1))]), outputs


def fit_dlinear(
    x: np.ndarray,
    y: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    kernel: int = 25,
    ridges: tuple[float, ...] = RIDGES,
) -> tuple[DLinear, float]:
    """The least-squares DLinear for training windows ``x (N, L, K)`` -> ``y (N, H, K)``, its ridge chosen on
    the validation windows; returns ``(model, ridge)``. ``K`` columns share the map (pass the target
    columns of the inputs)."""
    if x.ndim != 3 or y.ndim != 3 or x.shape[0] != y.shape[0] or x.shape[2] != y.shape[2]:
        raise ValueError(f"fit_dlinear: expected x (N, L, K) and y (N, H, K); got {x.shape} and {y.shape}.")
    lookback, horizon = x.shape[1], y.shape[1]
    gram = np.zeros((lookback + 1, lookback + 1))
    cross = np.zeros((lookback + 1, horizon))
    for first in range(0, len(x), 4096):  # in chunks: Weather's windows as rows would not fit at once
        rows, targets = _rows(x[first : first + 4096], y[first : first + 4096])
        gram += rows.T @ rows
        cross += rows.T @ targets
    energy = np.trace(gram[:lookback, :lookback]) / lookback
    penalty = np.diag([1.0] * lookback + [0.0]) * energy
    val_rows, val_targets = _rows(x_val, y_val)
    fits = []
    for ridge in ridges:
        coef = np.linalg.lstsq(gram + ridge * penalty, cross, rcond=None)[0]  # (L+1, H)
        fits.append((float(np.mean((val_rows @ coef - val_targets) ** 2)), ridge, coef))
    _, ridge, coef = min(fits, key=lambda fit: fit[0])  # the first of equal validation errors
    model = DLinear(lookback, horizon, kernel)
    with torch.no_grad():
        weight = torch.from_numpy(coef[:lookback].T.copy()).float()  # A: (H, L)
        model.trend.weight.copy_(weight)
        model.remainder.weight.copy_(weight)
        model.trend.bias.copy_(torch.from_numpy(coef[lookback]).float())
        model.remainder.bias.zero_()
    return model.eval(), ridge
