"""The output layer: an affine map from every hidden state to the logits (or predictions).

Equations::

    y_t = W_hy h_t + b_y          (W_hy is the textbook V)
    dW_hy = Σ_{b,t} dy_t^T h_t     db_y = Σ_{b,t} dy_t     dh_t = dy_t W_hy
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .init import xavier_uniform


def init_output_params(hidden_size: int, output_size: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Xavier-uniform ``W_hy`` ``(V, H)`` and a zero ``b_y`` ``(V,)``.

    Example:
        >>> p = init_output_params(4, 6, np.random.default_rng(0))
        >>> p["W_hy"].shape, p["b_y"].shape
        ((6, 4), (6,))
    """
    if hidden_size < 1 or output_size < 1:
        raise ValueError(
            f"hidden_size and output_size must be >= 1, got hidden_size={hidden_size}, "
            f"output_size={output_size}."
        )
    return {"W_hy": xavier_uniform(rng, output_size, hidden_size), "b_y": np.zeros(output_size)}


def output_forward(params: Mapping[str, np.ndarray], hs: np.ndarray) -> tuple[np.ndarray, dict]:
    """``ys = hs W_hy^T + b_y`` at every step.

    Args:
        params: ``W_hy`` ``(V, H)`` and ``b_y`` ``(V,)``.
        hs: hidden states ``(B, T, H)`` (any leading axes work).

    Returns:
        ``(ys, cache)``: the outputs ``(B, T, V)`` and the cache for ``output_backward``.

    Shapes:
        hs ``(B, T, H)`` -> ys ``(B, T, V)``.

    Example:
        >>> p = init_output_params(4, 6, np.random.default_rng(0))
        >>> ys, cache = output_forward(p, np.zeros((2, 3, 4)))
        >>> ys.shape
        (2, 3, 6)
    """
    for key in ("W_hy", "b_y"):
        if key not in params:
            raise ValueError(f"output_forward: params has no {key!r}; got the keys {sorted(params)}.")
    W_hy, b_y = params["W_hy"], params["b_y"]
    hs = np.asarray(hs)
    if W_hy.ndim != 2 or b_y.shape != (W_hy.shape[0],):
        raise ValueError(
            f"output_forward: W_hy must be (V, H) and b_y (V,), got {W_hy.shape} and {b_y.shape}."
        )
    if hs.shape[-1:] != W_hy.shape[1:]:
        raise ValueError(
            f"output_forward: hs must end in H={W_hy.shape[1]} features (W_hy is {W_hy.shape}), "
            f"got {hs.shape}."
        )
    ys = hs @ W_hy.T + b_y  # (B, T, V)
    return ys, {"hs": hs}


def output_backward(
    params: Mapping[str, np.ndarray], dys: np.ndarray, cache: dict
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Gradients of ``output_forward``.

    Args:
        params: the parameters given to ``output_forward``.
        dys: gradient of the loss w.r.t. the outputs ``(B, T, V)``.
        cache: the cache returned by ``output_forward``.

    Returns:
        ``(grads, dhs)``: ``{"W_hy": (V, H), "b_y": (V,)}`` and the gradient w.r.t. ``hs`` ``(B, T, H)``.

    Example:
        >>> p = init_output_params(4, 6, np.random.default_rng(0))
        >>> ys, cache = output_forward(p, np.ones((2, 3, 4)))
        >>> grads, dhs = output_backward(p, np.ones_like(ys), cache)
        >>> grads["b_y"].tolist(), dhs.shape
        ([6.0, 6.0, 6.0, 6.0, 6.0, 6.0], (2, 3, 4))
    """
    hs = cache["hs"]
    dys = np.asarray(dys)
    if dys.shape != hs.shape[:-1] + params["b_y"].shape:
        raise ValueError(
            f"output_backward: dys must have the shape of ys {hs.shape[:-1] + params['b_y'].shape}, "
            f"got {dys.shape}."
        )
    H, V = hs.shape[-1], dys.shape[-1]
    grads = {
        "W_hy": dys.reshape(-1, V).T @ hs.reshape(-1, H),  # (V, H) summed over every (b, t)
        "b_y": dys.reshape(-1, V).sum(axis=0),  # (V,)
    }
    dhs = dys @ params["W_hy"]  # (B, T, H)
    return grads, dhs
