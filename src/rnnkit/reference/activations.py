"""The logistic sigmoid, written so that it never overflows.

``1 / (1 + exp(-a))`` overflows ``exp`` for a << 0. The identity ``σ(a) = (1 + tanh(a / 2)) / 2`` gives
the same function with no overflow anywhere. Its derivative, used by every backward pass, is written in
terms of the output: ``σ'(a) = σ(a) (1 - σ(a))``; likewise ``tanh'(a) = 1 - tanh(a)^2``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """``σ(a) = 1 / (1 + exp(-a))``, elementwise.

    Example:
        >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    return 0.5 * (1.0 + np.tanh(0.5 * a))
