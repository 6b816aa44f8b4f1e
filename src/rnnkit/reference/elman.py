"""The Elman RNN over a batch of sequences, with backpropagation through time written by hand.

Read ``elman_forward`` and ``elman_backward`` side by side: the backward loop visits the steps in
reverse and undoes the forward loop line by line, from the last line up.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .init import gate_params
from .validation import (
    check_grad_outputs,
    check_params,
    check_sequence,
    check_state,
    infer_sizes,
    lengths_to_mask,
)

NONLINEARITIES = ("tanh", "relu")


def init_elman_params(input_size: int, hidden_size: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Elman parameters: Xavier-uniform ``W_xh``, orthogonal ``W_hh``, zero ``b_h``.

    Shapes:
        W_xh ``(H, D)``, W_hh ``(H, H)``, b_h ``(H,)``.

    Example:
        >>> p = init_elman_params(3, 4, np.random.default_rng(0))
        >>> {k: v.shape for k, v in p.items()}
        {'W_xh': (4, 3), 'W_hh': (4, 4), 'b_h': (4,)}
    """
    return gate_params(rng, input_size, hidden_size, "h", ("b_h",))


def elman_forward(
    params: Mapping[str, np.ndarray],
    x: np.ndarray,
    state0: np.ndarray | None = None,
    lengths: np.ndarray | None = None,
    nonlinearity: str = "tanh",
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Run the Elman RNN over ``x`` and keep what the backward pass needs.

    Equations::

        h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)        (nonlinearity="relu": max(0, .) instead)

    With ``lengths``, steps ``t >= lengths[b]`` are padding: h is carried unchanged and ``hs[b, t] = 0``,
    so each sequence of a padded batch gets what it would get alone.

    Args:
        params: ``W_xh`` ``(H, D)`` (U, torch ``weight_ih``), ``W_hh`` ``(H, H)`` (W, torch
            ``weight_hh``), ``b_h`` ``(H,)`` (torch ``bias_ih + bias_hh``).
        x: inputs ``(B, T, D)``, float64 for gradient checks.
        state0: h_0 ``(B, H)``; None means zeros.
        lengths: ``(B,)`` ints in ``[1, T]``; None means every sequence has T steps.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        ``(hs, h_T, cache)``: the hidden output at every step ``(B, T, H)``, the final state ``(B, H)``
        (each sequence's state at its own last step) and the cache for ``elman_backward``.

    Shapes:
        x ``(B, T, D)``, state0 ``(B, H)``, lengths ``(B,)`` -> hs ``(B, T, H)``, h_T ``(B, H)``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = init_elman_params(3, 4, rng)
        >>> hs, h_T, cache = elman_forward(p, rng.standard_normal((2, 5, 3)))
        >>> hs.shape, bool(np.allclose(hs[:, -1], h_T))
        ((2, 5, 4), True)
    """
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(
            f"elman_forward: nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}."
        )
    D, H = infer_sizes("elman_forward", params, "W_xh", "W_hh")
    check_params("elman_forward", params, {"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,)})
    x = check_sequence("elman_forward", x, D)
    B, T, _ = x.shape
    mask = lengths_to_mask("elman_forward", lengths, B, T)  # (B, T) 1.0 on real steps
    h = check_state("elman_forward", "state0", state0, B, H)  # (B, H)
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]

    hs = np.zeros((B, T, H))
    h_prevs, h_news = [], []  # per step, for the backward pass
    for t in range(T):
        a = x[:, t] @ W_xh.T + h @ W_hh.T + b_h  # (B, H) pre-activation
        h_new = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)  # (B, H)
        m = mask[:, t, None]  # (B, 1) 1 on real steps, 0 on padding
        hs[:, t] = m * h_new  # padding outputs zero
        h_prevs.append(h)
        h_news.append(h_new)
        h = m * h_new + (1 - m) * h  # padding carries the state unchanged
    cache = {"x": x, "mask": mask, "h_prev": h_prevs, "h_new": h_news, "nonlinearity": nonlinearity}
    return hs, h, cache


def elman_backward(
    params: Mapping[str, np.ndarray],
    dhs: np.ndarray,
    cache: dict,
    dstate_T: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Backpropagation through time for ``elman_forward``.

    Equations (a_t is the pre-activation, dh_t the total gradient reaching h_t)::

        da_t      = dh_t ⊙ (1 - h_t^2)                     (relu: dh_t ⊙ [a_t > 0])
        dW_xh    += da_t^T x_t        dW_hh += da_t^T h_{t-1}        db_h += Σ_b da_t
        dx_t      = da_t W_xh
        dh_{t-1}  = da_t W_hh         (+ dhs[:, t-1], added when the loop reaches step t-1)

    On padded steps (``t >= lengths[b]``) the step passes the state's gradient straight through to
    step t-1 and adds nothing else; ``dhs`` there is ignored, since those outputs are constant zeros.

    Args:
        params: the parameters given to ``elman_forward``.
        dhs: gradient of the loss w.r.t. every hidden output ``hs`` ``(B, T, H)``.
        cache: the cache returned by ``elman_forward``.
        dstate_T: gradient w.r.t. the final state h_T ``(B, H)``; None means zeros.

    Returns:
        ``(grads, dx, dstate0)``: a dict with the keys ``W_xh``, ``W_hh``, ``b_h``; the gradient w.r.t. the
        inputs ``(B, T, D)``; the gradient w.r.t. h_0 ``(B, H)``.

    Shapes:
        dhs ``(B, T, H)``, dstate_T ``(B, H)`` -> dx ``(B, T, D)``, dstate0 ``(B, H)``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = init_elman_params(3, 4, rng)
        >>> hs, h_T, cache = elman_forward(p, rng.standard_normal((2, 5, 3)))
        >>> grads, dx, dh0 = elman_backward(p, np.ones_like(hs), cache)
        >>> grads["W_hh"].shape, dx.shape, dh0.shape
        ((4, 4), (2, 5, 3), (2, 4))
    """
    x, mask = cache["x"], cache["mask"]
    B, T, _ = x.shape
    H = params["W_hh"].shape[0]
    dhs = check_grad_outputs("elman_backward", dhs, (B, T, H))
    W_xh, W_hh = params["W_xh"], params["W_hh"]

    grads = {key: np.zeros_like(params[key]) for key in ("W_xh", "W_hh", "b_h")}
    dx = np.zeros_like(x)
    dh = check_state("elman_backward", "dstate_T", dstate_T, B, H)  # (B, H) gradient reaching h_t
    for t in reversed(range(T)):
        m = mask[:, t, None]  # (B, 1)
        h_prev, h_new = cache["h_prev"][t], cache["h_new"][t]
        dh_new = m * (dhs[:, t] + dh)  # h_new was both the output and the carried state
        dh_carry = (1 - m) * dh  # on padding the state went straight through
        if cache["nonlinearity"] == "tanh":
            da = dh_new * (1 - h_new**2)  # (B, H) tanh' = 1 - tanh^2
        else:
            da = dh_new * (h_new > 0)  # (B, H) relu' = [a > 0]
        grads["W_xh"] += da.T @ x[:, t]
        grads["W_hh"] += da.T @ h_prev
        grads["b_h"] += da.sum(axis=0)
        dx[:, t] = da @ W_xh  # (B, D)
        dh = da @ W_hh + dh_carry  # (B, H) gradient reaching h_{t-1}
    return grads, dx, dh
