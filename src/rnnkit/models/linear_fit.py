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

from collections.abc import Iterable, Iterator

import numpy as np
import torch

from .decomposition import DLinear

RIDGES = (0.0, 1e-4, 1e-3, 1e-2, 1e-1)


CHUNK = 4096  # windows per block: Weather's 36,072 training windows as float64 rows would take 9 GB at once


def _rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Windows ``(N, L, K)``, ``(N, H, K)`` -> rows ``(N*K, L+1)`` (with the bias 1) and ``(N*K, H)``."""
    inputs = np.transpose(x, (0, 2, 1)).reshape(-1, x.shape[1])
    outputs = np.transpose(y, (0, 2, 1)).reshape(-1, y.shape[1])
    return np.hstack([inputs, np.ones((len(inputs), 1))]), outputs


def array_chunks(x: np.ndarray, y: np.ndarray, size: int = CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Windows ``x (N, L, K)``, ``y (N, H, K)`` in blocks of ``size`` (views, no copies)."""
    if x.ndim != 3 or y.ndim != 3 or x.shape[0] != y.shape[0] or x.shape[2] != y.shape[2]:
        raise ValueError(f"fit_dlinear: expected x (N, L, K) and y (N, H, K); got {x.shape} and {y.shape}.")
    for first in range(0, len(x), size):
        yield x[first : first + size], y[first : first + size]


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
    return fit_dlinear_chunked(array_chunks(x, y), array_chunks(x_val, y_val), kernel, ridges)


def fit_dlinear_chunked(
    train: Iterable[tuple[np.ndarray, np.ndarray]],
    validation: Iterable[tuple[np.ndarray, np.ndarray]],
    kernel: int = 25,
    ridges: tuple[float, ...] = RIDGES,
) -> tuple[DLinear, float]:
    """:func:`fit_dlinear` from blocks of windows ``(x (n, L, K), y (n, H, K))``, each iterable read once:
    the training blocks are summed into the normal equations ``X1^T X1`` and ``X1^T Y``, the validation
    blocks scored for every ridge at once, so memory holds one block, never the whole split."""
    gram: np.ndarray | None = None
    cross: np.ndarray | None = None
    for x, y in train:
        rows, targets = _rows(x, y)
        gram = rows.T @ rows if gram is None else gram + rows.T @ rows
        cross = rows.T @ targets if cross is None else cross + rows.T @ targets
    if gram is None or cross is None:
        raise ValueError("fit_dlinear: no training windows to fit.")
    lookback, horizon = gram.shape[0] - 1, cross.shape[1]
    energy = np.trace(gram[:lookback, :lookback]) / lookback
    penalty = np.diag([1.0] * lookback + [0.0]) * energy
    coefs = [np.linalg.lstsq(gram + ridge * penalty, cross, rcond=None)[0] for ridge in ridges]  # (L+1, H)
    squared = np.zeros(len(ridges))
    count = 0
    for x, y in validation:
        rows, targets = _rows(x, y)
        squared += [float(np.sum((rows @ coef - targets) ** 2)) for coef in coefs]
        count += targets.size
    if count == 0:
        raise ValueError("fit_dlinear: no validation windows to choose the ridge on.")
    best = int(np.argmin(squared / count))  # the first of equal validation errors
    ridge, coef = ridges[best], coefs[best]
    model = DLinear(lookback, horizon, kernel)
    with torch.no_grad():
        weight = torch.from_numpy(coef[:lookback].T.copy()).float()  # A: (H, L)
        model.trend.weight.copy_(weight)
        model.remainder.weight.copy_(weight)
        model.trend.bias.copy_(torch.from_numpy(coef[lookback]).float())
        model.remainder.bias.zero_()
    return model.eval(), ridge
