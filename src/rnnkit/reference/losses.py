"""Losses with their gradients: softmax cross-entropy for tokens, mean squared error for values.

Both average over the valid (unmasked) positions, as ``torch.nn.functional.cross_entropy`` and
``mse_loss`` do over the positions they are given, and both return ``(loss, gradient)``.
"""

from __future__ import annotations

import numpy as np


def _check_mask(where: str, mask: np.ndarray | None, lead_shape: tuple[int, ...]) -> np.ndarray:
    """The mask as a float array of ``lead_shape`` (ones if None); it must select something."""
    if mask is None:
        return np.ones(lead_shape)
    mask = np.asarray(mask)
    if mask.shape != lead_shape:
        raise ValueError(f"{where}: mask must have shape {lead_shape}, got {mask.shape}.")
    if not mask.any():
        raise ValueError(f"{where}: mask selects no positions, so the mean over them is undefined.")
    return mask.astype(float)


def softmax_cross_entropy(
    logits: np.ndarray, targets: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``softmax(logits)`` against integer targets, and its gradient.

    Equations (N the number of valid positions)::

        p = softmax(y) = exp(y - max y) / Σ_v exp(y_v - max y)     (subtracting max y avoids overflow)
        loss = -(1/N) Σ_valid log p[target]
        dloss/dy = (p - onehot(target)) / N  on valid positions, 0 elsewhere

    Args:
        logits: ``(..., V)``, e.g. ``(B, T, V)``.
        targets: integer class ids, the leading shape of ``logits``, e.g. ``(B, T)``.
        mask: optional bools of the same shape as ``targets``, True on positions that count.

    Returns:
        ``(loss, dlogits)``: a float and the gradient shaped like ``logits``.

    Example:
        >>> loss, dlogits = softmax_cross_entropy(np.zeros((1, 2, 4)), np.array([[0, 3]]))
        >>> round(loss, 6) == round(float(np.log(4)), 6), dlogits.shape
        (True, (1, 2, 4))
    """
    logits = np.asarray(logits)
    targets = np.asarray(targets)
    if logits.ndim < 1 or targets.shape != logits.shape[:-1]:
        raise ValueError(
            f"softmax_cross_entropy: targets must have the shape of logits without the class axis "
            f"{logits.shape[:-1]}, got {targets.shape}."
        )
    if not np.issubdtype(targets.dtype, np.integer):
        raise ValueError(f"softmax_cross_entropy: targets must hold integer class ids, got {targets.dtype}.")
    V = logits.shape[-1]
    if targets.size and (targets.min() < 0 or targets.max() >= V):
        raise ValueError(
            f"softmax_cross_entropy: targets must lie in [0, {V}), got min {targets.min()}, "
            f"max {targets.max()}."
        )
    weights = _check_mask("softmax_cross_entropy", mask, targets.shape)  # (...) 1.0 where it counts
    count = weights.sum()

    shifted = logits - logits.max(axis=-1, keepdims=True)  # (..., V) max is 0: exp cannot overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (..., V)
    onehot = np.eye(V)[targets]  # (..., V)
    loss = -((log_probs * onehot).sum(axis=-1) * weights).sum() / count
    dlogits = (np.exp(log_probs) - onehot) * weights[..., None] / count  # (..., V)
    return float(loss), dlogits


def mean_squared_error(
    pred: np.ndarray, target: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Mean of ``(pred - target)^2`` over every element of the valid positions, and its gradient.

    Equations (N the number of valid elements: valid positions times the trailing feature size)::

        loss = (1/N) Σ_valid (pred - target)^2
        dloss/dpred = 2 (pred - target) / N  on valid positions, 0 elsewhere

    Args:
        pred: predictions, e.g. ``(B, T, D)``.
        target: the same shape as ``pred``.
        mask: optional bools over the leading axes of ``pred`` (e.g. ``(B, T)``), True where it counts.

    Returns:
        ``(loss, dpred)``: a float and the gradient shaped like ``pred``.

    Example:
        >>> loss, dpred = mean_squared_error(np.array([[1.0, 3.0]]), np.zeros((1, 2)))
        >>> loss, dpred.tolist()
        (5.0, [[1.0, 3.0]])
    """
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.shape != target.shape:
        raise ValueError(
            f"mean_squared_error: target must have the shape of pred {pred.shape}, got {target.shape}."
        )
    lead = pred.shape if mask is None else pred.shape[: np.ndim(mask)]
    weights = _check_mask("mean_squared_error", mask, lead)
    count = weights.sum() * np.prod(pred.shape[weights.ndim :])  # valid positions x features
    weights = weights.reshape(weights.shape + (1,) * (pred.ndim - weights.ndim))  # broadcast over features
    diff = pred - target
    loss = (weights * diff**2).sum() / count
    return float(loss), 2.0 * weights * diff / count
