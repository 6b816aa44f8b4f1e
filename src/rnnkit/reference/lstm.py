"""The LSTM over a batch of sequences, with backpropagation through time written by hand.

Read ``lstm_forward`` and ``lstm_backward`` side by side: the backward loop visits the steps in reverse
and undoes the forward loop line by line, from the last line up. Two gradients flow back in time, dh into
h_{t-1} through the four gates, and dc into c_{t-1} through the forget gate alone (the "constant error
carousel" that lets the LSTM carry gradients over many steps).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .activations import sigmoid
from .init import gate_params
from .validation import (
    check_grad_outputs,
    check_pair,
    check_params,
    check_sequence,
    check_state,
    infer_sizes,
    lengths_to_mask,
)

GATES = "ifgo"
KEYS = tuple(f"W_x{g}" for g in GATES) + tuple(f"W_h{g}" for g in GATES) + tuple(f"b_{g}" for g in GATES)


def init_lstm_params(input_size: int, hidden_size: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """LSTM parameters: Xavier-uniform ``W_x*``, orthogonal ``W_h*`` (per gate), zero biases.

    Shapes:
        W_xi, W_xf, W_xg, W_xo ``(H, D)``; W_hi, W_hf, W_hg, W_ho ``(H, H)``; b_i, b_f, b_g, b_o ``(H,)``.

    Example:
        >>> p = init_lstm_params(3, 4, np.random.default_rng(0))
        >>> len(p), p["W_xf"].shape, p["W_hf"].shape, p["b_f"].shape
        (12, (4, 3), (4, 4), (4,))
    """
    return gate_params(rng, input_size, hidden_size, GATES, tuple(f"b_{g}" for g in GATES))


def lstm_forward(
    params: Mapping[str, np.ndarray],
    x: np.ndarray,
    state0: tuple[np.ndarray | None, np.ndarray | None] | None = None,
    lengths: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], dict]:
    """Run the LSTM over ``x`` and keep what the backward pass needs.

    Equations::

        i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i)        input gate
        f_t = σ(W_xf x_t + W_hf h_{t-1} + b_f)        forget gate
        g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)     candidate
        o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o)        output gate
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)

    With ``lengths``, steps ``t >= lengths[b]`` are padding: h and c are carried unchanged and
    ``hs[b, t] = 0``, so each sequence of a padded batch gets what it would get alone.

    Args:
        params: ``W_x<g>`` ``(H, D)`` (torch ``weight_ih``'s g-block), ``W_h<g>`` ``(H, H)`` (torch
            ``weight_hh``'s g-block), ``b_<g>`` ``(H,)`` (torch ``bias_ih + bias_hh``, g-block) for the
            gates g in i, f, g, o.
        x: inputs ``(B, T, D)``, float64 for gradient checks.
        state0: ``(h_0, c_0)``, each ``(B, H)``; None (or a None inside) means zeros.
        lengths: ``(B,)`` ints in ``[1, T]``; None means every sequence has T steps.

    Returns:
        ``(hs, (h_T, c_T), cache)``: the hidden output at every step ``(B, T, H)``, the final state
        (each sequence's state at its own last step) and the cache for ``lstm_backward``.

    Shapes:
        x ``(B, T, D)``, h_0 and c_0 ``(B, H)``, lengths ``(B,)`` -> hs ``(B, T, H)``, h_T and c_T ``(B, H)``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = init_lstm_params(3, 4, rng)
        >>> hs, (h_T, c_T), cache = lstm_forward(p, rng.standard_normal((2, 5, 3)))
        >>> hs.shape, c_T.shape
        ((2, 5, 4), (2, 4))
    """
    D, H = infer_sizes("lstm_forward", params, "W_xi", "W_hi")
    shapes = {f"W_x{g}": (H, D) for g in GATES} | {f"W_h{g}": (H, H) for g in GATES}
    check_params("lstm_forward", params, shapes | {f"b_{g}": (H,) for g in GATES})
    x = check_sequence("lstm_forward", x, D)
    B, T, _ = x.shape
    mask = lengths_to_mask("lstm_forward", lengths, B, T)  # (B, T) 1.0 on real steps
    h0, c0 = check_pair("lstm_forward", "state0", state0)
    h = check_state("lstm_forward", "h_0", h0, B, H)  # (B, H)
    c = check_state("lstm_forward", "c_0", c0, B, H)  # (B, H)
    p = params

    hs = np.zeros((B, T, H))
    steps = []  # per step, what the backward pass needs
    for t in range(T):
        x_t = x[:, t]  # (B, D)
        i = sigmoid(x_t @ p["W_xi"].T + h @ p["W_hi"].T + p["b_i"])  # (B, H)
        f = sigmoid(x_t @ p["W_xf"].T + h @ p["W_hf"].T + p["b_f"])  # (B, H)
        g = np.tanh(x_t @ p["W_xg"].T + h @ p["W_hg"].T + p["b_g"])  # (B, H)
        o = sigmoid(x_t @ p["W_xo"].T + h @ p["W_ho"].T + p["b_o"])  # (B, H)
        c_new = f * c + i * g  # (B, H)
        tanh_c = np.tanh(c_new)  # (B, H)
        h_new = o * tanh_c  # (B, H)
        m = mask[:, t, None]  # (B, 1) 1 on real steps, 0 on padding
        hs[:, t] = m * h_new  # padding outputs zero
        steps.append({"h_prev": h, "c_prev": c, "i": i, "f": f, "g": g, "o": o, "tanh_c": tanh_c})
        h = m * h_new + (1 - m) * h  # padding carries the state unchanged
        c = m * c_new + (1 - m) * c
    return hs, (h, c), {"x": x, "mask": mask, "steps": steps}


def lstm_backward(
    params: Mapping[str, np.ndarray],
    dhs: np.ndarray,
    cache: dict,
    dstate_T: tuple[np.ndarray | None, np.ndarray | None] | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Backpropagation through time for ``lstm_forward``.

    Equations (dh_t, dc_t the total gradients reaching h_t and c_t; da_* the pre-activation gradients)::

        do = dh_t ⊙ tanh(c_t)                 dc_t += dh_t ⊙ o_t ⊙ (1 - tanh(c_t)^2)
        di = dc_t ⊙ g_t    df = dc_t ⊙ c_{t-1}    dg = dc_t ⊙ i_t    dc_{t-1} = dc_t ⊙ f_t
        da_i = di ⊙ i(1 - i)   da_f = df ⊙ f(1 - f)   da_g = dg ⊙ (1 - g^2)   da_o = do ⊙ o(1 - o)
        for each gate k:  dW_xk += da_k^T x_t   dW_hk += da_k^T h_{t-1}   db_k += Σ_b da_k
        dx_t = Σ_k da_k W_xk                  dh_{t-1} = Σ_k da_k W_hk

    On padded steps (``t >= lengths[b]``) the step passes the state's gradient straight through to
    step t-1 and adds nothing else; ``dhs`` there is ignored, since those outputs are constant zeros.

    Args:
        params: the parameters given to ``lstm_forward``.
        dhs: gradient of the loss w.r.t. every hidden output ``hs`` ``(B, T, H)``.
        cache: the cache returned by ``lstm_forward``.
        dstate_T: ``(dh_T, dc_T)``, gradients w.r.t. the final state, each ``(B, H)``; None means zeros.

    Returns:
        ``(grads, dx, (dh_0, dc_0))``: a dict with the 12 parameter keys; the gradient w.r.t. the inputs
        ``(B, T, D)``; the gradients w.r.t. the initial state, each ``(B, H)``.

    Shapes:
        dhs ``(B, T, H)`` -> dx ``(B, T, D)``, dh_0 and dc_0 ``(B, H)``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = init_lstm_params(3, 4, rng)
        >>> hs, state, cache = lstm_forward(p, rng.standard_normal((2, 5, 3)))
        >>> grads, dx, (dh0, dc0) = lstm_backward(p, np.ones_like(hs), cache)
        >>> sorted(grads) == sorted(p), dx.shape, dc0.shape
        (True, (2, 5, 3), (2, 4))
    """
    x, mask = cache["x"], cache["mask"]
    B, T, _ = x.shape
    H = params["W_hi"].shape[0]
    dhs = check_grad_outputs("lstm_backward", dhs, (B, T, H))
    dh_T, dc_T = check_pair("lstm_backward", "dstate_T", dstate_T)
    dh = check_state("lstm_backward", "dh_T", dh_T, B, H)  # (B, H) gradient reaching h_t
    dc = check_state("lstm_backward", "dc_T", dc_T, B, H)  # (B, H) gradient reaching c_t
    p = params

    grads = {key: np.zeros_like(p[key]) for key in KEYS}
    dx = np.zeros_like(x)
    for t in reversed(range(T)):
        s = cache["steps"][t]
        i, f, g, o, tanh_c = s["i"], s["f"], s["g"], s["o"], s["tanh_c"]
        m = mask[:, t, None]  # (B, 1)
        dh_new = m * (dhs[:, t] + dh)  # h_new was both the output and the carried state
        dc_new = m * dc  # (B, H)
        dh_carry, dc_carry = (1 - m) * dh, (1 - m) * dc  # on padding the state went straight through
        # h_new = o * tanh_c
        do = dh_new * tanh_c
        dc_new = dc_new + dh_new * o * (1 - tanh_c**2)
        # c_new = f * c_prev + i * g
        di, df, dg = dc_new * g, dc_new * s["c_prev"], dc_new * i
        dc = dc_new * f + dc_carry  # (B, H) gradient reaching c_{t-1}
        # through the gate nonlinearities to the pre-activations
        da = {"i": di * i * (1 - i), "f": df * f * (1 - f), "g": dg * (1 - g**2), "o": do * o * (1 - o)}
        # through the affine maps W_xk x_t + W_hk h_{t-1} + b_k
        dh = dh_carry
        for k in GATES:
            grads[f"W_x{k}"] += da[k].T @ x[:, t]
            grads[f"W_h{k}"] += da[k].T @ s["h_prev"]
            grads[f"b_{k}"] += da[k].sum(axis=0)
            dx[:, t] += da[k] @ p[f"W_x{k}"]  # (B, D)
            dh = dh + da[k] @ p[f"W_h{k}"]  # (B, H) gradient reaching h_{t-1}
    return grads, dx, (dh, dc)
