"""Weight initialisation for the reference cells: Xavier-uniform inputs, orthogonal recurrences.

Each gate block is initialised on its own, as if it were a layer of its own:

    W_x*  ~ U(-a, a),  a = sqrt(6 / (D + H))      so Var = a^2 / 3 = 2 / (D + H)   (Glorot & Bengio 2010)
    W_h*  = Q from the QR decomposition of an (H, H) Gaussian matrix, so W W^T = I (Saxe et al. 2014)
    b_*   = 0

An orthogonal W_hh keeps every singular value at 1, so at the start of training the linear part of the
recurrence neither blows up nor shrinks a signal carried over many steps.
"""

from __future__ import annotations

import numpy as np


def xavier_uniform(rng: np.random.Generator, fan_out: int, fan_in: int) -> np.ndarray:
    """A ``(fan_out, fan_in)`` matrix drawn from ``U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> w = xavier_uniform(np.random.default_rng(0), 4, 3)
        >>> w.shape, bool(np.abs(w).max() <= np.sqrt(6 / 7))
        ((4, 3), True)
    """
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))


def orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """An ``(n, n)`` orthogonal matrix, uniformly distributed (Haar measure).

    QR of a Gaussian matrix gives an orthogonal Q; multiplying each column by the sign of R's diagonal
    makes the decomposition unique and the distribution of Q uniform.

    Example:
        >>> q = orthogonal(np.random.default_rng(0), 3)
        >>> bool(np.allclose(q @ q.T, np.eye(3)))
        True
    """
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))  # (n, n), column j times sign(r_jj)


def gate_params(
    rng: np.random.Generator, input_size: int, hidden_size: int, gates: str, biases: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """``W_x<g>`` ``(H, D)`` and ``W_h<g>`` ``(H, H)`` for every gate letter ``g``, and zero biases."""
    if input_size < 1 or hidden_size < 1:
        raise ValueError(
            f"input_size and hidden_size must be >= 1, got input_size={input_size}, "
            f"hidden_size={hidden_size}."
        )
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {rng!r}.")
    params = {}
    for g in gates:
        params[f"W_x{g}"] = xavier_uniform(rng, hidden_size, input_size)
    for g in gates:
        params[f"W_h{g}"] = orthogonal(rng, hidden_size)
    for name in biases:
        params[name] = np.zeros(hidden_size)
    return params
