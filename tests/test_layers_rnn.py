"""rnnkit.RNN/LSTM/GRU against torch.nn with the same weights: outputs, final states, gradients."""

from __future__ import annotations

import itertools

import pytest
import torch
from helpers import (
    TOLERANCE,
    as_tuple,
    assert_close,
    initial_state,
    make_pair,
    random_weights,
    run_torch,
    scalar_loss,
)
from torch import nn

import rnnkit

GRID = list(
    itertools.product(
        ["rnn_tanh", "rnn_relu", "lstm", "gru"],
        [1, 2, 3],  # num_layers
        [False, True],  # bidirectional
        [True, False],  # batch_first
        [False, True],  # initial state given
        [False, True],  # ragged lengths
    )
)


def _compare(kind, num_layers, bidirectional, batch_first, with_state, ragged, backend, dtype, proj_size=0):
    B, T, D, H = 3, 6, 4, 5
    options = {"proj_size": proj_size} if proj_size else {}
    ours, theirs = make_pair(
        kind,
        dtype,
        input_size=D,
        hidden_size=H,
        num_layers=num_layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        **options,
    )
    ours.backend = backend
    x = torch.randn((B, T, D) if batch_first else (T, B, D), dtype=dtype)
    K = 2 if bidirectional else 1
    state = initial_state(kind, (num_layers * K, B, H), dtype) if with_state else None
    if with_state and proj_size:  # h has P features, c keeps H
        state = (state[0][..., :proj_size].contiguous(), state[1])
    lengths = torch.tensor([4, T, 2]) if ragged else None

    x_ours = x.clone().requires_grad_()
    x_theirs = x.clone().requires_grad_()
    out, final = ours(x_ours, state, lengths=lengths)
    ref_out, ref_final = run_torch(theirs, x_theirs, state, lengths, batch_first)

    tol = TOLERANCE[dtype]
    assert_close(out, ref_out, tol, "output")
    for got, want in zip(as_tuple(final), as_tuple(ref_final), strict=True):
        assert_close(got, want, tol, "final state")

    weights = random_weights(out, final)
    scalar_loss(out, final, weights).backward()
    scalar_loss(ref_out, ref_final, weights).backward()
    assert_close(x_ours.grad, x_theirs.grad, tol, "grad x")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, theirs_params[name].grad, tol, f"grad {name}")


@pytest.mark.parametrize("backend", ["loop", "fused"])
@pytest.mark.parametrize("kind,num_layers,bidirectional,batch_first,with_state,ragged", GRID)
def test_equals_torch_nn_float64(kind, num_layers, bidirectional, batch_first, with_state, ragged, backend):
    _compare(kind, num_layers, bidirectional, batch_first, with_state, ragged, backend, torch.float64)


@pytest.mark.parametrize("backend", ["loop", "fused"])
@pytest.mark.parametrize("kind", ["rnn_tanh", "lstm", "gru"])
@pytest.mark.parametrize("ragged", [False, True])
def test_equals_torch_nn_float32(kind, ragged, backend):
    _compare(kind, 2, True, True, True, ragged, backend, torch.float32)


@pytest.mark.parametrize("backend", ["loop", "fused"])
@pytest.mark.parametrize(
    "num_layers,bidirectional,batch_first,with_state,ragged",
    list(itertools.product([1, 2], [False, True], [True, False], [False, True], [False, True])),
)
def test_lstm_with_projection_equals_torch_nn(
    num_layers, bidirectional, batch_first, with_state, ragged, backend
):
    """LSTMP (proj_size=2): h (L*K, B, 2), output K*2 features, c (L*K, B, 5), on both backends."""
    _compare("lstm", num_layers, bidirectional, batch_first, with_state, ragged, backend, torch.float64, 2)


@pytest.mark.parametrize("kind", ["rnn_tanh", "lstm", "gru"])
def test_state_dict_moves_both_ways(kind):
    ours, theirs = make_pair(kind, input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    fresh = type(ours)(3, 4, num_layers=2, bidirectional=True).double()
    fresh.load_state_dict(theirs.state_dict())
    for name, p in fresh.state_dict().items():
        assert torch.equal(p, theirs.state_dict()[name])


def test_unbatched_sequence_matches_torch():
    ours, theirs = make_pair("gru", input_size=3, hidden_size=4, num_layers=2)
    x = torch.randn(7, 3, dtype=torch.float64)
    out, h = ours(x)
    ref_out, ref_h = theirs(x)
    assert out.shape == (7, 4) and h.shape == (2, 4)
    assert_close(out, ref_out, 1e-10, "unbatched output")
    assert_close(h, ref_h, 1e-10, "unbatched state")


@pytest.mark.parametrize("backend", ["loop", "fused"])
def test_packed_sequence_input_like_torch(backend):
    ours, theirs = make_pair("lstm", input_size=3, hidden_size=4, batch_first=True)
    ours.backend = backend
    x = torch.randn(3, 5, 3, dtype=torch.float64)
    packed = nn.utils.rnn.pack_padded_sequence(x, [2, 5, 3], batch_first=True, enforce_sorted=False)
    out, (h, c) = ours(packed)
    ref_out, (ref_h, ref_c) = theirs(packed)
    a, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
    b, _ = nn.utils.rnn.pad_packed_sequence(ref_out, batch_first=True)
    assert_close(a, b, 1e-10, "packed output")
    assert_close(h, ref_h, 1e-10, "packed h")
    assert_close(c, ref_c, 1e-10, "packed c")


def test_dropout_between_layers_is_training_only():
    layer = rnnkit.LSTM(3, 8, num_layers=2, dropout=0.5, backend="loop")
    x = torch.randn(2, 4, 3)
    layer.train()
    a, _ = layer(x)
    b, _ = layer(x)
    assert not torch.allclose(a, b)  # fresh masks each call
    layer.eval()
    a, _ = layer(x)
    b, _ = layer(x)
    assert torch.equal(a, b)


@pytest.mark.parametrize("layer_cls", [rnnkit.RNN, rnnkit.LSTM, rnnkit.GRU])
def test_every_layer_direction_gets_the_documented_initialisation(layer_cls):
    layer = (
        layer_cls(16, 32, num_layers=2, bidirectional=True, forget_bias=1.0)
        if layer_cls is rnnkit.LSTM
        else (layer_cls(16, 32, num_layers=2, bidirectional=True))
    )
    H = 32
    for name, p in layer.named_parameters():
        p = p.detach()
        if name.startswith("weight_hh"):
            for block in p.split(H):  # each gate's (H, H) block is orthogonal
                torch.testing.assert_close(block @ block.T, torch.eye(H), atol=1e-5, rtol=0)
        elif name.startswith("weight_ih"):
            fan_in = p.shape[1]
            assert p.abs().max() <= (6.0 / (fan_in + H)) ** 0.5  # Xavier-uniform bound, per gate block
        elif layer_cls is rnnkit.LSTM and name.startswith("bias_ih"):
            assert torch.equal(p[H : 2 * H], torch.ones(H)) and torch.count_nonzero(p[:H]) == 0
        else:
            assert torch.count_nonzero(p) == 0, name
