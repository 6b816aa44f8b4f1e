"""The backends agree: fused == loop on every configuration both run; auto picks fused when it can."""

from __future__ import annotations

import itertools

import pytest
import torch
from helpers import as_tuple, assert_close, random_weights, scalar_loss

import rnnkit
from rnnkit.layers import fused

LAYERS = {"rnn": rnnkit.RNN, "lstm": rnnkit.LSTM, "gru": rnnkit.GRU}


@pytest.mark.parametrize(
    "kind,num_layers,bidirectional,ragged",
    list(itertools.product(LAYERS, [1, 2], [False, True], [False, True])),
)
def test_fused_equals_loop(kind, num_layers, bidirectional, ragged):
    fused = LAYERS[kind](4, 5, num_layers=num_layers, bidirectional=bidirectional, backend="fused")
    loop = LAYERS[kind](4, 5, num_layers=num_layers, bidirectional=bidirectional, backend="loop")
    fused.double()
    loop.double()
    loop.load_state_dict(fused.state_dict())
    x = torch.randn(3, 6, 4, dtype=torch.float64)
    lengths = torch.tensor([6, 1, 3]) if ragged else None
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    out1, state1 = fused(x1, lengths=lengths)
    out2, state2 = loop(x2, lengths=lengths)
    assert_close(out1, out2, 1e-10, "output")
    for a, b in zip(as_tuple(state1), as_tuple(state2), strict=True):
        assert_close(a, b, 1e-10, "state")
    weights = random_weights(out1, state1)
    scalar_loss(out1, state1, weights).backward()
    scalar_loss(out2, state2, weights).backward()
    assert_close(x1.grad, x2.grad, 1e-10, "grad x")
    loop_params = dict(loop.named_parameters())
    for name, p in fused.named_parameters():
        assert_close(p.grad, loop_params[name].grad, 1e-10, f"grad {name}")


def test_auto_picks_fused_when_possible():
    x = torch.randn(2, 3, 4)
    assert rnnkit.LSTM(4, 5).resolve_backend(x) == "fused"
    assert rnnkit.LayerNormLSTM(4, 5).resolve_backend(x) == "loop"
    layer = rnnkit.GRU(4, 5, recurrent_dropout=0.3)
    assert layer.train().resolve_backend(x) == "loop"  # the mask lives inside the step
    assert layer.eval().resolve_backend(x) == "fused"  # inactive in eval: no reason to loop


def test_forcing_fused_where_it_cannot_run_names_the_reason():
    with pytest.raises(ValueError, match="no fused kernel for LayerNormLSTMCell.*backend='loop'"):
        rnnkit.LayerNormLSTM(4, 5, backend="fused")
    with pytest.raises(ValueError, match="recurrent_dropout=0.2"):
        rnnkit.LSTM(4, 5, recurrent_dropout=0.2, backend="fused")  # it could never train
    layer = rnnkit.LSTM(4, 5, backend="fused")
    layer.recurrent_dropout = 0.2
    with pytest.raises(ValueError, match="recurrent_dropout=0.2"):
        layer.train()(torch.randn(2, 3, 4))
    layer.eval()(torch.randn(2, 3, 4))  # fine without the mask


def test_unknown_backend_is_rejected():
    with pytest.raises(ValueError, match="backend must be one of"):
        rnnkit.GRU(4, 5, backend="cuda")


@pytest.mark.parametrize("kind", ["rnn", "gru"])
def test_ragged_cpu_batches_pad_while_autograd_records_and_pack_otherwise(kind, monkeypatch):
    """The packed kernels' backward is the slow part on the CPU, so the padded path is for training."""
    layer = LAYERS[kind](4, 5, num_layers=2, bidirectional=True).double()
    x = torch.randn(3, 6, 4, dtype=torch.float64)
    lengths = torch.tensor([6, 1, 3])
    padded_calls = []
    real = fused._run_ragged_layerwise
    monkeypatch.setattr(fused, "_run_ragged_layerwise", lambda *a: padded_calls.append(1) or real(*a))
    out, h = layer(x, lengths=lengths)
    assert padded_calls == [1]
    with torch.no_grad():
        packed_out, packed_h = layer(x, lengths=lengths)
    assert padded_calls == [1]  # packed this time
    assert_close(packed_out, out, 1e-10, "output")
    assert_close(packed_h, h, 1e-10, "state")
