"""Gradient checking: compare hand-written gradients with central finite differences.

Central differences have an error of about ``eps^2 |f'''| / 6`` from the Taylor series plus about
``1e-16 |f| / eps`` from rounding. In float64 both ``eps = 1e-6`` and ``eps = 1e-5`` leave an absolute error
near 1e-10 (1e-5 is often a little better), so a correct backward pass agrees to a relative error of 1e-7
or better on every entry larger than about 1e-3, while a wrong one is typically off by 1e-2 or more.
Always check in float64, on small random problems.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import numpy as np


def numerical_gradient(
    f: Callable[[MutableMapping[str, np.ndarray]], float],
    params: MutableMapping[str, np.ndarray],
    key: str,
    eps: float = 1e-6,
) -> np.ndarray:
    """``d f(params) / d params[key]`` by central differences, one entry at a time.

    Equations::

        df/dθ_j ≈ (f(θ + eps e_j) - f(θ - eps e_j)) / (2 eps)

    ``params[key]`` is perturbed in place and restored exactly, so ``f`` must read it from ``params`` on
    every call. Any array can be checked this way, e.g. an initial state put into the dict.

    Args:
        f: the scalar loss as a function of the whole dict.
        params: the arrays f reads; ``params[key]`` must be a float array.
        key: which array to differentiate with respect to.
        eps: the step.

    Returns:
        The numerical gradient, shaped like ``params[key]``.

    Example:
        >>> p = {"w": np.array([1.0, 2.0])}
        >>> numerical_gradient(lambda q: float(np.sum(q["w"] ** 2)), p, "w").round(6).tolist()
        [2.0, 4.0]
    """
    if key not in params:
        raise ValueError(f"numerical_gradient: key {key!r} not in params; got {sorted(params)}.")
    theta = params[key]
    if not np.issubdtype(theta.dtype, np.floating):
        raise ValueError(f"numerical_gradient: params[{key!r}] must be a float array, got {theta.dtype}.")
    grad = np.zeros_like(theta)
    for j in np.ndindex(theta.shape):
        saved = theta[j]
        theta[j] = saved + eps
        f_plus = f(params)
        theta[j] = saved - eps
        f_minus = f(params)
        theta[j] = saved  # restore exactly
        grad[j] = (f_plus - f_minus) / (2 * eps)
    return grad


def max_relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-8) -> float:
    """``max_j |a_j - n_j| / max(|a_j| + |n_j|, floor)``: 0 when equal, near 1 when unrelated.

    The ``floor`` stops entries that are both almost zero (where finite differences are pure rounding
    noise) from dominating; entries that are exactly equal count as 0.

    Example:
        >>> max_relative_error(np.array([1.0, 0.0]), np.array([1.0 + 1e-9, 0.0])) < 1e-9
        True
    """
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"max_relative_error: analytic {analytic.shape} and numeric {numeric.shape} must have one shape."
        )
    if analytic.size == 0:
        return 0.0
    error = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), floor)
    return float(np.max(error / scale))
