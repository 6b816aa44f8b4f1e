"""Gradient clipping: rescale all gradients together by their global norm, or clamp each entry.

Exploding gradients are the RNN's classic failure (Pascanu, Mikolov & Bengio 2013): one long product of
Jacobians can make a single update huge. Clipping by the global norm keeps the update's direction and
bounds its length.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def clip_by_global_norm(
    grads: Mapping[str, np.ndarray], max_norm: float
) -> tuple[dict[str, np.ndarray], float]:
    """Scale every gradient by one factor so that their global L2 norm is at most ``max_norm``.

    Equations (the formula of ``torch.nn.utils.clip_grad_norm_`` with its default ``norm_type=2``)::

        total_norm = sqrt(Σ_k Σ g_k^2)                      over every array of every key
        clip_coef  = min(1, max_norm / (total_norm + 1e-6))
        g_k       <- clip_coef * g_k

    The 1e-6 guards against a zero norm. Gradients whose norm is below ``max_norm - 1e-6`` come back
    unchanged; above it, the clipped global norm is ``max_norm * total_norm / (total_norm + 1e-6)``, just
    under ``max_norm``.

    Args:
        grads: gradients by name.
        max_norm: the largest global norm allowed, > 0.

    Returns:
        ``(clipped, total_norm)``: new arrays (``grads`` is not modified) and the norm before clipping.

    Example:
        >>> clipped, norm = clip_by_global_norm({"a": np.array([3.0]), "b": np.array([4.0])}, 1.0)
        >>> norm, [round(float(v[0]), 4) for v in clipped.values()]
        (5.0, [0.6, 0.8])
    """
    if not max_norm > 0:
        raise ValueError(f"clip_by_global_norm: max_norm must be > 0, got {max_norm}.")
    total_norm = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads.values())))
    clip_coef = min(1.0, max_norm / (total_norm + 1e-6))
    return {key: g * clip_coef for key, g in grads.items()}, total_norm


def clip_by_value(grads: Mapping[str, np.ndarray], clip_value: float) -> dict[str, np.ndarray]:
    """Clamp every gradient entry to ``[-clip_value, clip_value]`` (as ``torch.nn.utils.clip_grad_value_``).

    Unlike clipping by norm this changes the update's direction; min-char-rnn clips this way at 5.

    Example:
        >>> clip_by_value({"a": np.array([-9.0, 0.5, 9.0])}, 5.0)["a"].tolist()
        [-5.0, 0.5, 5.0]
    """
    if not clip_value > 0:
        raise ValueError(f"clip_by_value: clip_value must be > 0, got {clip_value}.")
    return {key: np.clip(g, -clip_value, clip_value) for key, g in grads.items()}
