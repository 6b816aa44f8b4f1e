"""The bptt backend: each layer-direction one autograd node with hand-written derivatives, equal to
the cells stepped under autograd (the ``loop`` backend) on outputs, final states and every gradient
in float64, on every configuration; to torch.nn; to the NumPy reference; and to finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers import assert_close

import rnnkit
import rnnkit.kernels
from rnnkit.cells import GRUCell, LSTMCell
from rnnkit.layers.bptt import bptt_over_time
from rnnkit.reference import (
    elman_backward,
    elman_forward,
    from_torch,
    gru_backward,
    gru_forward,
    lstm_backward,
    lstm_forward,
)


@pytest.fixture(autouse=True, params=["compiled steps", "torch operations"])
def step_kernels(request, monkeypatch):
    """Every test runs twice: with the compiled step kernels (rnnkit.kernels) and without them."""
    monkeypatch.setattr(rnnkit.kernels, "enabled", request.param == "compiled steps")
    if request.param == "compiled steps":
        assert rnnkit.kernels.native() is not None, rnnkit.kernels.why_not_native()


LAYERS = {
    "rnn_tanh": (rnnkit.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (rnnkit.RNN, {"nonlinearity": "relu"}),
    "lstm": (rnnkit.LSTM, {}),
    "gru": (rnnkit.GRU, {}),
    "layernorm_lstm": (rnnkit.LayerNormLSTM, {}),
    "layernorm_gru": (rnnkit.LayerNormGRU, {}),
}


def build(kind: str, **config):
    layer_cls, extra = LAYERS[kind]
    torch.manual_seed(3)
    layer = layer_cls(3, 5, **config, **extra).double()
    with torch.no_grad():
        for p in layer.parameters():
            p.add_(torch.randn_like(p) * 0.3)  # non-trivial biases and layer-norm gains too
    return layer


def initial(layer, B: int):
    K = layer.num_layers * layer.num_directions
    shapes = [(K, B, size) for size in layer.cell.state_size]
    states = [torch.randn(shape, dtype=torch.float64) for shape in shapes]
    return tuple(states) if len(states) == 2 else states[0]


def run(layer, backend, x, state, lengths, seed=0):
    """Outputs, final state and the gradients of a fixed random loss, with ``backend``. The same
    ``seed`` gives the same dropout masks on every backend."""
    layer.backend = backend
    layer.zero_grad()
    x = x.clone().requires_grad_()
    states = tuple(s.clone().requires_grad_() for s in (state if isinstance(state, tuple) else (state,)))
    torch.manual_seed(seed)
    out, final = layer(x, states if len(states) == 2 else states[0], lengths=lengths)
    finals = final if isinstance(final, tuple) else (final,)
    gen = torch.Generator().manual_seed(7)
    loss = (out * torch.randn(out.shape, generator=gen, dtype=out.dtype)).sum()
    loss = loss + sum((f * torch.randn(f.shape, generator=gen, dtype=f.dtype)).sum() for f in finals)
    loss.backward()
    grads = [x.grad, *(s.grad for s in states)] + [p.grad.clone() for p in layer.parameters()]
    return [out.detach(), *(f.detach() for f in finals), *grads]


def names(layer):
    return ["output", "final states", "dx", "dstates"] + [n for n, _ in layer.named_parameters()]


@pytest.mark.parametrize("kind", list(LAYERS))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("ragged", [False, True])
def test_bptt_equals_autograd_on_outputs_states_and_gradients(kind, bidirectional, ragged):
    layer = build(kind, num_layers=2, bidirectional=bidirectional, dropout=0.3)
    x = torch.randn(4, 7, 3, dtype=torch.float64)
    state = initial(layer, 4)
    lengths = torch.tensor([7, 4, 1, 6]) if ragged else None
    mine, ref = run(layer, "bptt", x, state, lengths), run(layer, "loop", x, state, lengths)
    assert len(mine) == len(ref)
    for i, (a, b) in enumerate(zip(mine, ref, strict=True)):
        assert_close(a, b, 1e-10, f"{kind}: tensor {i} ({names(layer)[min(i, len(names(layer)) - 1)]})")
    if ragged:
        assert mine[0][2, 1:].abs().max() == 0  # zero past the length


@pytest.mark.parametrize("kind", list(LAYERS))
def test_bptt_with_recurrent_dropout_equals_autograd_with_the_same_masks(kind):
    layer = build(kind, recurrent_dropout=0.4, bidirectional=True)
    x, state = torch.randn(3, 6, 3, dtype=torch.float64), initial(build(kind, bidirectional=True), 3)
    lengths = torch.tensor([6, 2, 5])
    mine, ref = run(layer, "bptt", x, state, lengths, seed=11), run(layer, "loop", x, state, lengths, seed=11)
    for i, (a, b) in enumerate(zip(mine, ref, strict=True)):
        assert_close(a, b, 1e-10, f"{kind} with recurrent dropout: tensor {i}")


@pytest.mark.parametrize("kind", ["rnn_tanh", "lstm", "gru", "layernorm_lstm", "layernorm_gru"])
def test_bptt_passes_gradcheck(kind):
    layer_cls, extra = LAYERS[kind]
    layer = layer_cls(2, 3, **extra, backend="bptt").double()
    cell = layer.cell
    params = layer.layer_parameters(0)
    x_proj = cell.project_input(torch.randn(2, 4, 2, dtype=torch.float64), params).detach().requires_grad_()
    state = tuple(torch.randn(2, size, dtype=torch.float64, requires_grad=True) for size in cell.state_size)
    mask = torch.tensor([[True] * 4, [True, True, False, False]])
    tensors = dict(params)

    def f(x_proj, *inputs):
        n = len(state)
        given = dict(zip(list(tensors), inputs[n:], strict=True))
        out, final = bptt_over_time(cell, x_proj, tuple(inputs[:n]), given, mask, reverse=True)
        return (out, *final)

    assert torch.autograd.gradcheck(f, (x_proj, *state, *tensors.values()))


@pytest.mark.parametrize("kind", ["rnn_tanh", "lstm", "gru"])
def test_bptt_equals_the_numpy_reference_on_outputs_and_every_gradient(kind):
    cell = {"rnn_tanh": "elman", "lstm": "lstm", "gru": "gru"}[kind]
    forward = {"elman": elman_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    backward = {"elman": elman_backward, "lstm": lstm_backward, "gru": gru_backward}[cell]
    layer = build(kind)
    layer.backend = "bptt"
    x = torch.randn(2, 6, 3, dtype=torch.float64, requires_grad=True)
    lengths = torch.tensor([6, 3])
    out, _ = layer(x, lengths=lengths)
    d_out = torch.randn_like(out)
    (out * d_out).sum().backward()
    params = from_torch(cell, dict(layer.named_parameters()), suffix="_l0")
    hs, _, cache = forward(params, x.detach().numpy(), None, lengths.numpy())
    np.testing.assert_allclose(hs, out.detach().numpy(), rtol=0, atol=1e-12)
    grads, dx, _ = backward(params, d_out.numpy(), cache)
    np.testing.assert_allclose(dx, x.grad.numpy(), rtol=0, atol=1e-10)
    torch_grads = from_torch(cell, {n: p.grad for n, p in layer.named_parameters()}, "_l0", gradients=True)
    for name, grad in grads.items():
        np.testing.assert_allclose(torch_grads[name], grad, rtol=0, atol=1e-10, err_msg=name)


def test_bptt_is_asked_for_by_name_and_refusals_say_why():
    assert rnnkit.LayerNormGRU(3, 4, backend="bptt").resolve_backend() == "bptt"
    assert rnnkit.LayerNormLSTM(3, 4).resolve_backend() == "loop"  # auto: measured no faster
    assert rnnkit.LSTM(3, 4).resolve_backend() == "fused"
    assert rnnkit.LSTM(3, 4, backend="bptt").resolve_backend() == "bptt"
    assert rnnkit.MinGRU(3, 4).resolve_backend() == "scan"
    with pytest.raises(ValueError, match="proj_size=2: the hand-written BPTT has no projection"):
        rnnkit.LSTM(3, 4, proj_size=2, backend="bptt")
    with pytest.raises(ValueError, match="MinGRUCell has no hand-written BPTT step"):
        rnnkit.MinGRU(3, 4, backend="bptt")
    assert rnnkit.LSTM(3, 4, proj_size=2, recurrent_dropout=0.2).train().resolve_backend() == "loop"


def test_a_subclass_that_changes_the_equations_does_not_inherit_the_derivatives():
    class PeepholeLSTMCell(LSTMCell):
        def recur(self, x_proj_t, state, params, h_mask=None):
            return super().recur(x_proj_t, (state[0], state[1] * 0.5), params, h_mask)

    class Quiet(GRUCell):
        def project_hidden(self, h, params):
            return super().project_hidden(h, params) * 0.5

    assert (
        "recur comes from PeepholeLSTMCell but bptt_step from LSTMCell"
        in PeepholeLSTMCell(2, 3).why_not_bptt()
    )
    assert "project_hidden comes from Quiet" in Quiet(2, 3).why_not_bptt()
    assert GRUCell(2, 3).why_not_bptt() is None


def test_bptt_equals_torch_nn_in_float32():
    torch.manual_seed(0)
    ours = rnnkit.GRU(8, 16, num_layers=2, bidirectional=True, backend="bptt")
    theirs = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True, batch_first=True)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(4, 12, 8)
    out, h = ours(x)
    ref, h_ref = theirs(x)
    assert_close(out, ref, 1e-5, "output")
    assert_close(h, h_ref, 1e-5, "h_n")
    out.square().sum().backward()
    ref.square().sum().backward()
    for (name, mine), theirs_p in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert_close(mine.grad, theirs_p.grad, 1e-4, name)


def test_eval_without_grad_keeps_nothing_and_gives_the_same_outputs():
    layer = build("layernorm_lstm", bidirectional=True)
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    with torch.no_grad():
        layer.backend = "bptt"
        fast, _ = layer(x)
        layer.backend = "loop"
        slow, _ = layer(x)
    assert_close(fast, slow, 1e-12, "no-grad outputs")
