"""Checks shared by the tests of the NumPy reference cells (Elman, LSTM, GRU).

Each check takes a ``Spec``: the cell's init/forward/backward functions and its torch.nn twin. The loss
is a random linear functional of every output and of the final state, so every gradient path counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnkit.reference import from_torch, max_relative_error, numerical_gradient, to_torch

GRADCHECK_TOL = 1e-6
# Central differences in float64: eps = 1e-5 balances truncation (~eps^2) against rounding (~1e-16 / eps)
# better than the default 1e-6, leaving ~5e-10 of absolute noise; that keeps the relative error of
# entries as small as 1e-4 under GRADCHECK_TOL.
GRADCHECK_EPS = 1e-5
TORCH_TOL = 1e-10


@dataclass
class Spec:
    """One reference cell and how to drive it."""

    name: str  # "elman", "lstm", "gru" (the layout name)
    init: Callable
    forward: Callable
    backward: Callable
    torch_cls: type
    options: dict = field(default_factory=dict)  # extra forward kwargs, e.g. nonlinearity

    @property
    def n_states(self) -> int:
        return 2 if self.name == "lstm" else 1

    def pack(self, states: list[np.ndarray]):
        """A list of state arrays -> the cell's state structure (h, or (h, c))."""
        return tuple(states) if self.name == "lstm" else states[0]

    def unpack(self, state) -> list[np.ndarray]:
        return list(state) if self.name == "lstm" else [state]

    def run(self, params, x, states, lengths=None):
        return self.forward(params, x, self.pack(states), lengths, **self.options)


def random_problem(spec: Spec, B=3, T=4, D=3, H=4, seed=0):
    """Random parameters (biases too), inputs, initial states and loss weights, all float64."""
    rng = np.random.default_rng(seed)
    params = {k: rng.standard_normal(v.shape) * 0.5 for k, v in spec.init(D, H, rng).items()}
    if spec.options.get("nonlinearity") == "relu":
        params["W_hh"] *= 0.5  # keep relu activations bounded
    x = rng.standard_normal((B, T, D))  # (B, T, D)
    states = [rng.standard_normal((B, H)) for _ in range(spec.n_states)]
    w_out = rng.standard_normal((B, T, H))  # dloss/dhs
    w_final = [rng.standard_normal((B, H)) for _ in range(spec.n_states)]  # dloss/dstate_T
    return params, x, states, w_out, w_final


def linear_loss(spec, params, x, states, w_out, w_final, lengths=None) -> float:
    hs, state_T, _ = spec.run(params, x, states, lengths)
    return float(
        np.sum(w_out * hs) + sum(np.sum(w * s) for w, s in zip(w_final, spec.unpack(state_T), strict=True))
    )


def analytic(spec, params, x, states, w_out, w_final, lengths=None):
    """(grads, dx, [dstate0...]) from the hand-written backward pass."""
    _, _, cache = spec.run(params, x, states, lengths)
    grads, dx, dstate0 = spec.backward(params, w_out, cache, spec.pack(w_final))
    return grads, dx, spec.unpack(dstate0)


def check_gradients(spec: Spec, lengths=None) -> None:
    """Every parameter, x and the initial state against central differences."""
    params, x, states, w_out, w_final = random_problem(spec)
    grads, dx, dstates = analytic(spec, params, x, states, w_out, w_final, lengths)
    assert sorted(grads) == sorted(params)
    names = [f"state0_{i}" for i in range(spec.n_states)]
    everything = {**params, "x": x, **dict(zip(names, states, strict=True))}

    def f(d):
        return linear_loss(spec, d, d["x"], [d[n] for n in names], w_out, w_final, lengths)

    expected = {**grads, "x": dx, **dict(zip(names, dstates, strict=True))}
    for key, grad in expected.items():
        numeric = numerical_gradient(f, everything, key, eps=GRADCHECK_EPS)
        error = max_relative_error(grad, numeric)
        assert error < GRADCHECK_TOL, f"{spec.name} {spec.options} d/d{key}: relative error {error:.2e}"


def check_padding(spec: Spec) -> None:
    """A padded batch gives each sequence what it gives alone: outputs, final state, gradients."""
    lengths = np.array([4, 2, 1])
    params, x, states, w_out, w_final = random_problem(spec, B=3, T=4)
    x_padded = x.copy()
    for b, n in enumerate(lengths):
        x_padded[b, n:] = 100.0  # garbage on padding must not leak anywhere
    hs, state_T, _ = spec.run(params, x_padded, states, lengths)
    grads, dx, dstates = analytic(spec, params, x_padded, states, w_out, w_final, lengths)
    total = {k: np.zeros_like(v) for k, v in params.items()}
    for b, n in enumerate(lengths):
        alone = [s[b : b + 1] for s in states]
        hs_b, state_b, _ = spec.run(params, x[b : b + 1, :n], alone)
        np.testing.assert_allclose(hs[b, :n], hs_b[0], rtol=0, atol=1e-13)
        np.testing.assert_array_equal(hs[b, n:], 0.0)
        for s_pad, s_alone in zip(spec.unpack(state_T), spec.unpack(state_b), strict=True):
            np.testing.assert_allclose(s_pad[b], s_alone[0], rtol=0, atol=1e-13)
        g_b, dx_b, ds_b = analytic(
            spec, params, x[b : b + 1, :n], alone, w_out[b : b + 1, :n], [w[b : b + 1] for w in w_final]
        )
        np.testing.assert_allclose(dx[b, :n], dx_b[0], rtol=0, atol=1e-12)
        np.testing.assert_array_equal(dx[b, n:], 0.0)
        for d_pad, d_alone in zip(dstates, ds_b, strict=True):
            np.testing.assert_allclose(d_pad[b], d_alone[0], rtol=0, atol=1e-12)
        for k in total:
            total[k] += g_b[k]
    for k in total:  # the batch's gradient is the sum of the sequences' gradients
        np.testing.assert_allclose(grads[k], total[k], rtol=0, atol=1e-11, err_msg=k)


def check_against_torch(spec: Spec, lengths=None, make_layer=None) -> None:
    """Outputs, final state and gradients (parameters, x, initial state) equal torch.nn's.

    ``make_layer(input_size, hidden_size)`` builds the layer under test (default: torch.nn's own);
    it must read batch-first float64 input and have torch.nn's parameter names.
    """
    params, x, states, w_out, w_final = random_problem(spec, B=3, T=5, D=3, H=4, seed=1)
    hs, state_T, _ = spec.run(params, x, states, lengths)
    grads, dx, dstates = analytic(spec, params, x, states, w_out, w_final, lengths)

    if make_layer is None:
        layer = spec.torch_cls(3, 4, batch_first=True, dtype=torch.float64, **spec.options)
    else:
        layer = make_layer(3, 4)
    layer.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(spec.name, params, "_l0").items()})
    x_t = torch.from_numpy(x).requires_grad_()
    states_t = [torch.from_numpy(s)[None].requires_grad_() for s in states]  # (1, B, H) each
    state0_t = tuple(states_t) if spec.name == "lstm" else states_t[0]
    if lengths is None:
        out, final = layer(x_t, state0_t)
    else:
        packed = pack_padded_sequence(x_t, torch.from_numpy(lengths), batch_first=True, enforce_sorted=False)
        out, final = layer(packed, state0_t)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    finals = list(final) if spec.name == "lstm" else [final]
    loss = (out * torch.from_numpy(w_out)).sum()
    loss = loss + sum((f[0] * torch.from_numpy(w)).sum() for f, w in zip(finals, w_final, strict=True))
    loss.backward()

    close = dict(rtol=0, atol=TORCH_TOL)
    np.testing.assert_allclose(hs, out.detach().numpy(), **close)
    for ours, theirs in zip(spec.unpack(state_T), finals, strict=True):
        np.testing.assert_allclose(ours, theirs[0].detach().numpy(), **close)
    torch_grads = {name: p.grad for name, p in layer.named_parameters()}
    mapped = from_torch(spec.name, torch_grads, "_l0", gradients=True)
    for k in params:
        np.testing.assert_allclose(grads[k], mapped[k], err_msg=k, **close)
    back = to_torch(spec.name, grads, "_l0", gradients=True)  # and the other way round
    for name, g in torch_grads.items():
        np.testing.assert_allclose(back[name], g.numpy(), err_msg=name, **close)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), **close)
    for ours, theirs in zip(dstates, states_t, strict=True):
        np.testing.assert_allclose(ours, theirs.grad[0].numpy(), **close)


def check_init(spec: Spec) -> None:
    """Xavier-uniform input weights, orthogonal recurrent weights, zero biases."""
    D, H = 120, 80
    params = spec.init(D, H, np.random.default_rng(0))
    bound = np.sqrt(6 / (D + H))
    for key, value in params.items():
        if key.startswith("W_x"):
            assert value.shape == (H, D)
            assert np.abs(value).max() <= bound
            assert abs(value.var() / (2 / (D + H)) - 1) < 0.05, key
            assert abs(value.mean()) < 0.01, key
        elif key.startswith("W_h"):
            assert value.shape == (H, H)
            np.testing.assert_allclose(value @ value.T, np.eye(H), rtol=0, atol=1e-12)
        else:
            assert key.startswith("b_")
            np.testing.assert_array_equal(value, np.zeros(H))
    again = spec.init(D, H, np.random.default_rng(0))
    for key in params:
        np.testing.assert_array_equal(params[key], again[key])  # the rng is the only randomness
