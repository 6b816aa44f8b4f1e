"""``Recurrent(cell)`` runs any cell over time; recurrent (variational) dropout behaves as stated."""

from __future__ import annotations

import torch
from helpers import assert_close

import rnnkit
from rnnkit.cells import GRUCell, LSTMCell
from rnnkit.layers import Recurrent


def test_recurrent_wrapper_equals_single_layer_stack():
    cell = LSTMCell(3, 4).double()
    stack = rnnkit.LSTM(3, 4).double()
    stack.load_state_dict({f"{k}_l0": v for k, v in cell.state_dict().items()})
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    lengths = torch.tensor([6, 3])
    out, (h, c) = Recurrent(cell)(x, lengths=lengths)
    ref_out, (ref_h, ref_c) = stack(x, lengths=lengths)
    assert_close(out, ref_out, 1e-12, "output")
    assert_close(h, ref_h[0], 1e-12, "h")
    assert_close(c, ref_c[0], 1e-12, "c")


def test_recurrent_reverse_equals_reverse_direction():
    cell = GRUCell(3, 4).double()
    stack = rnnkit.GRU(3, 4, bidirectional=True).double()
    stack.load_state_dict(
        {f"{k}_l0{sfx}": v for k, v in cell.state_dict().items() for sfx in ("", "_reverse")}
    )
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    out, (h,) = Recurrent(cell, reverse=True)(x, lengths=[5, 2])
    ref_out, ref_h = stack(x, lengths=[5, 2])
    assert_close(out, ref_out[..., 4:], 1e-12, "reverse output")
    assert_close(h, ref_h[1], 1e-12, "reverse state")


def test_recurrent_dropout_is_one_mask_per_sequence_and_off_in_eval():
    layer = rnnkit.GRU(3, 8, recurrent_dropout=0.5)
    x = torch.randn(4, 6, 3)
    layer.train()
    a, _ = layer(x)
    b, _ = layer(x)
    assert not torch.allclose(a, b)
    layer.eval()
    assert torch.equal(layer(x)[0], layer(x)[0])


def test_recurrent_dropout_mask_constant_over_time():
    layer = rnnkit.RNN(2, 5, recurrent_dropout=0.5, bias=False).train()
    with torch.no_grad():
        layer.weight_ih_l0.zero_()
        layer.weight_hh_l0.copy_(torch.eye(5))
    state = torch.ones(1, 1, 5)
    out, _ = layer(torch.zeros(1, 4, 2), state)
    # h_t = tanh(m * h_(t-1)); a unit dropped at one step is dropped at every step
    dropped = out[0, 0] == 0
    assert dropped.any() and (~dropped).any()
    assert torch.equal(out[0] == 0, dropped.expand(4, 5))
