"""The GRU (PyTorch's formulation) over a batch of sequences, with backpropagation through time by hand.

Read ``gru_forward`` and ``gru_backward`` side by side: the backward loop visits the steps in reverse
and undoes the forward loop line by line, from the last line up.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .activations import sigmoid
from .init import gate_params
from .validation import (
    check_grad_outputs,
    check_params,
    check_sequence,
    check_state,
    infer_sizes,
    lengths_to_mask,
)

GATES = "rzn"
BIASES = ("b_r", "b_z", "b_xn", "b_hn")
KEYS = tuple(f"W_x{g}" for g in GATES) + tuple(f"W_h{g}" for g in GATES) + BIASES


def init_gru_params(input_size: int, hidden_size: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """GRU parameters: Xavier-uniform ``W_x*``, orthogonal ``W_h*`` (per gate), zero biases.

    Shapes:
        W_xr, W_xz, W_xn ``(H, D)``; W_hr, W_hz, W_hn ``(H, H)``; b_r, b_z, b_xn, b_hn ``(H,)``.

    Example:
        >>> p = init_gru_params(3, 4, np.random.default_rng(0))
        >>> list(p)
        ['W_xr', 'W_xz', 'W_xn', 'W_hr', 'W_hz', 'W_hn', 'b_r', 'b_z', 'b_xn', 'b_hn']
    """
    return gate_params(rng, input_size, hidden_size, GATES, BIASES)


def gru_forward(
    params: Mapping[str, np.ndarray],
    x: np.ndarray,
    state0: np.ndarray | None = None,
    lengths: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Run the GRU over ``x`` and keep what the backward pass needs.

    Equations::

        r_t = σ(W_xr x_t + W_hr h_{t-1} + b_r)                  reset gate
        z_t = σ(W_xz x_t + W_hz h_{t-1} + b_z)                  update gate
        n_t = tanh(W_xn x_t + b_xn + r_t ⊙ (W_hn h_{t-1} + b_hn)) candidate
        h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

    The reset gate multiplies ``W_hn h_{t-1} + b_hn`` after the product, as torch.nn and cuDNN do, so
    ``b_xn`` and ``b_hn`` stay separate. With ``lengths``, steps ``t >= lengths[b]`` are padding: h is
    carried unchanged and ``hs[b, t] = 0``, so each sequence of a padded batch gets what it gets alone.

    Args:
        params: ``W_x<g>`` ``(H, D)`` (torch ``weight_ih``'s g-block), ``W_h<g>`` ``(H, H)`` (torch
            ``weight_hh``'s g-block) for g in r, z, n; ``b_r``, ``b_z`` ``(H,)`` (torch
            ``bias_ih + bias_hh``, r- and z-blocks); ``b_xn`` (``bias_ih``'s n-block), ``b_hn``
            (``bias_hh``'s n-block).
        x: inputs ``(B, T, D)``, float64 for gradient checks.
        state0: h_0 ``(B, H)``; None means zeros.
        lengths: ``(B,)`` ints in ``[1, T]``; None means every sequence has T steps.

    Returns:
        ``(hs, h_T, cache)``: the hidden output at every step ``(B, T, H)``, the final state ``(B, H)``
        (each sequence's state at its own last step) and the cache for ``gru_backward``.

    Shapes:
        x ``(B, T, D)``, state0 ``(B, H)``, lengths ``(B,)`` -> hs ``(B, T, H)``, h_T ``(B, H)``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = init_gru_params(3, 4, rng)
        >>> hs, h_T, cache = gru_forward(p, rng.standard_normal((2, 5, 3)), lengths=np.array([5, 2]))
        >>> hs.shape, bool(np.allclose(h_T[1], hs[1, 1])), bool(np.all(hs[1, 2:] == 0))
        ((2, 5, 4), True, True)
    """
    D, H = infer_sizes("gru_forward", params, "W_xr", "W_hr")
    shapes = {f"W_x{g}": (H, D) for g in GATES} | {f"W_h{g}": (H, H) for g in GATES}
    check_params("gru_forward", params, shapes | {b: (H,) for b in BIASES})
    x = check_sequence("gru_forward", x, D)
    B, T, _ = x.shape
    mask = lengths_to_mask("gru_forward", lengths, B, T)  # (B, T) 1.0 on real steps
    h = check_state("gru_forward", "state0", state0, B, H)  # (B, H)
    p = params

    hs = np.zeros((B, T, H))
    steps = []  # per step, what the backward pass needs
    for t in range(T):
        x_t = x[:, t]  # (B, D)
        r = sigmoid(x_t @ p["W_xr"].T + h @ p["W_hr"].T + p["b_r"])  # (B, H)
        z = sigmoid(x_t @ p["W_xz"].T + h @ p["W_hz"].T + p["b_z"])  # (B, H)
        hn = h @ p["W_hn"].T + p["b_hn"]  # (B, H) the part the reset gate scales
        n = np.tanh(x_t @ p["W_xn"].T + p["b_xn"] + r * hn)  # (B, H)
        h_new = (1 - z) * n + z * h  # (B, H)
        m = mask[:, t, None]  # (B, 1) 1 on real steps, 0 on padding
        hs[:, t] = m * h_new  # padding outputs zero
        steps.append({"h_prev": h, "r": r, "z": z, "hn": hn, "n": n})
        h = m * h_new + (1 - m) * h  # padding carries the state unchanged
    return hs, h, {"x": x, "mask": mask, "steps": steps}


def gru_backward(
    params: Mapping[str, np.ndarray],
    dhs: np.ndarray,
    cache: dict,
    dstate_T: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Backpropagation through time for ``gru_forward``.

    Equations (dh_t the total gradient reaching h_t; da_* the pre-activation gradients)::

        dn = dh_t ⊙ (1 - z)     dz = dh_t ⊙ (h_{t-1} - n)     dh_{t-1} = dh_t ⊙ z  (+ the terms below)
        da_n = dn ⊙ (1 - n^2)   dr = da_n ⊙ (W_hn h_{t-1} + b_hn)   dhn = da_n ⊙ r
        da_r = dr ⊙ r(1 - r)    da_z = dz ⊙ z(1 - z)
        dW_xk += da_k^T x_t (k = r, z, n)    dW_hr += da_r^T h_{t-1}   dW_hz += da_z^T h_{t-1}
        dW_hn += dhn^T h_{t-1}   db_r, db_z, db_xn, db_hn += Σ_b da_r, da_z, da_n, dhn
        dx_t = da_r W_xr + da_z W_xz + da_n W_xn
        dh_{t-1} += da_r W_hr + da_z W_hz + dhn W_hn

    On padded steps (``t >= lengths[b]``) the step passes the state's gradient straight through to
    step t-1 and adds nothing else; ``dhs`` there is ignored, since those outputs are constant zeros.

    Args:
        params: the parameters given to ``gru_forward``.
        dhs: gradient of the loss w.r.t. every hidden output ``hs`` ``(B, T, H)``.
        cache: the cache returned by ``gru_forward``.
        dstate_T: gradient w.r.t. the final state h_T ``(B, H)``; None means zeros.

    Returns:
        ``(grads, dx, dstate0)``: a dict with the 10 parameter keys; the gradient w.r.t. the inputs
        ``(B, T, D)``; the gradient w.r.t. h_0 ``(B, H)``.

    Shapes:
        dhs ``(B, T, H)``, dstate_T ``(B, H)`` -> dx ``(B, T, D)``, dstate0 ``(B, H)``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = init_gru_params(3, 4, rng)
        >>> hs, h_T, cache = gru_forward(p, rng.standard_normal((2, 5, 3)))
        >>> grads, dx, dh0 = gru_backward(p, np.ones_like(hs), cache)
        >>> list(grads) == list(p), dx.shape, dh0.shape
        (True, (2, 5, 3), (2, 4))
    """
    x, mask = cache["x"], cache["mask"]
    B, T, _ = x.shape
    H = params["W_hr"].shape[0]
    dhs = check_grad_outputs("gru_backward", dhs, (B, T, H))
    dh = check_state("gru_backward", "dstate_T", dstate_T, B, H)  # (B, H) gradient reaching h_t
    p = params

    grads = {key: np.zeros_like(p[key]) for key in KEYS}
    dx = np.zeros_like(x)
    for t in reversed(range(T)):
        s = cache["steps"][t]
        h_prev, r, z, hn, n = s["h_prev"], s["r"], s["z"], s["hn"], s["n"]
        m = mask[:, t, None]  # (B, 1)
        dh_new = m * (dhs[:, t] + dh)  # h_new was both the output and the carried state
        dh_carry = (1 - m) * dh  # on padding the state went straight through
        # h_new = (1 - z) * n + z * h_prev
        dn = dh_new * (1 - z)
        dz = dh_new * (h_prev - n)
        dh = dh_new * z + dh_carry  # (B, H) gradient reaching h_{t-1}, more added below
        # n = tanh(W_xn x_t + b_xn + r * hn)
        da_n = dn * (1 - n**2)  # (B, H)
        dr = da_n * hn
        dhn = da_n * r  # (B, H) gradient of W_hn h_{t-1} + b_hn
        # r, z = σ(...)
        da_r = dr * r * (1 - r)
        da_z = dz * z * (1 - z)
        # through the affine maps
        for k, da_x, da_h in (("r", da_r, da_r), ("z", da_z, da_z), ("n", da_n, dhn)):
            grads[f"W_x{k}"] += da_x.T @ x[:, t]
            grads[f"W_h{k}"] += da_h.T @ h_prev
            dx[:, t] += da_x @ p[f"W_x{k}"]  # (B, D)
            dh = dh + da_h @ p[f"W_h{k}"]  # (B, H)
        grads["b_r"] += da_r.sum(axis=0)
        grads["b_z"] += da_z.sum(axis=0)
        grads["b_xn"] += da_n.sum(axis=0)
        grads["b_hn"] += dhn.sum(axis=0)
    return grads, dx, dh
