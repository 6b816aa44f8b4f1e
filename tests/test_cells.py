"""Cells: one step each, against torch.nn cells, hand-written equations and finite differences."""

from __future__ import annotations

import math

import pytest
import torch
from helpers import assert_close
from torch import nn

from rnnkit.cells import ElmanCell, GRUCell, LayerNormGRUCell, LayerNormLSTMCell, LSTMCell

F64 = torch.float64


@pytest.mark.parametrize(
    "ours_cls,theirs_cls,options",
    [
        (ElmanCell, nn.RNNCell, {"nonlinearity": "tanh"}),
        (ElmanCell, nn.RNNCell, {"nonlinearity": "relu"}),
        (LSTMCell, nn.LSTMCell, {}),
        (GRUCell, nn.GRUCell, {}),
    ],
)
@pytest.mark.parametrize("bias", [True, False])
def test_cell_equals_torch_cell(ours_cls, theirs_cls, options, bias):
    ours = ours_cls(3, 5, bias, **options).double()
    theirs = theirs_cls(3, 5, bias, **options).double()
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(4, 3, dtype=F64)
    h = torch.randn(4, 5, dtype=F64)
    if ours_cls is LSTMCell:
        c = torch.randn(4, 5, dtype=F64)
        h_new, (_, c_new) = ours(x, (h, c))
        ref_h, ref_c = theirs(x, (h, c))
        assert_close(c_new, ref_c, 1e-12, "c")
    else:
        h_new, _ = ours(x, h)
        ref_h = theirs(x, h)
    assert_close(h_new, ref_h, 1e-12, "h")


def _layer_norm(a: torch.Tensor, gain: torch.Tensor, shift: torch.Tensor, eps: float) -> torch.Tensor:
    mean = a.mean(-1, keepdim=True)
    var = ((a - mean) ** 2).mean(-1, keepdim=True)  # biased, as in the paper
    return gain * (a - mean) / torch.sqrt(var + eps) + shift


def _randomise(cell: nn.Module) -> None:
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(torch.randn_like(p) * 0.5 + (1.0 if p.dim() == 1 else 0.0))


def test_layernorm_lstm_follows_its_equations():
    cell = LayerNormLSTMCell(3, 4).double()
    _randomise(cell)
    x, h, c = (torch.randn(2, n, dtype=F64) for n in (3, 4, 4))
    p = dict(cell.named_parameters())
    eps = cell.eps
    gates = (
        _layer_norm(x @ p["weight_ih"].T, p["ln_ih_weight"], p["ln_ih_bias"], eps)
        + _layer_norm(h @ p["weight_hh"].T, p["ln_hh_weight"], p["ln_hh_bias"], eps)
        + p["bias_ih"]
        + p["bias_hh"]
    )
    i, f, g, o = gates.split(4, dim=1)
    c_want = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_want = torch.sigmoid(o) * torch.tanh(_layer_norm(c_want, p["ln_cell_weight"], p["ln_cell_bias"], eps))
    h_got, (_, c_got) = cell(x, (h, c))
    assert_close(c_got, c_want, 1e-12, "c")
    assert_close(h_got, h_want, 1e-12, "h")


def test_layernorm_gru_follows_its_equations():
    cell = LayerNormGRUCell(3, 4).double()
    _randomise(cell)
    x, h = torch.randn(2, 3, dtype=F64), torch.randn(2, 4, dtype=F64)
    p = dict(cell.named_parameters())
    a = _layer_norm(x @ p["weight_ih"].T, p["ln_ih_weight"], p["ln_ih_bias"], cell.eps) + p["bias_ih"]
    u = _layer_norm(h @ p["weight_hh"].T, p["ln_hh_weight"], p["ln_hh_bias"], cell.eps) + p["bias_hh"]
    a_r, a_z, a_n = a.split(4, dim=1)
    u_r, u_z, u_n = u.split(4, dim=1)
    r, z = torch.sigmoid(a_r + u_r), torch.sigmoid(a_z + u_z)
    n = torch.tanh(a_n + r * u_n)
    h_got, _ = cell(x, h)
    assert_close(h_got, (1 - z) * n + z * h, 1e-12, "h")


@pytest.mark.parametrize("cell_cls", [ElmanCell, LSTMCell, GRUCell, LayerNormLSTMCell, LayerNormGRUCell])
def test_cell_gradients_match_finite_differences(cell_cls):
    cell = cell_cls(3, 4).double()
    _randomise(cell)
    x = torch.randn(2, 3, dtype=F64, requires_grad=True)
    state = tuple(torch.randn(2, 4, dtype=F64, requires_grad=True) for _ in cell.state_names)
    names = [n for n, _ in cell.named_parameters()]
    params = tuple(p.detach().clone().requires_grad_() for p in cell.parameters())

    def step(x, *tensors):
        # the parameters go through gradcheck as inputs, so it perturbs them too
        named = dict(zip(names, tensors[len(state) :], strict=True))
        return cell.recur(cell.project_input(x, named), tensors[: len(state)], named)

    assert torch.autograd.gradcheck(step, (x, *state, *params), eps=1e-6, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("cell_cls", [ElmanCell, LSTMCell, GRUCell])
def test_default_initialisation_statistics(cell_cls):
    H, D = 64, 48
    cell = cell_cls(D, H)
    G = cell.num_gates
    bound = math.sqrt(6.0 / (D + H))
    w_ih = cell.weight_ih.detach()
    assert w_ih.abs().max() <= bound
    # Xavier-uniform: variance 2 / (fan_in + fan_out) per gate block (uniform on [-a, a]: a^2 / 3)
    assert abs(w_ih.var().item() - 2.0 / (D + H)) < 0.15 * 2.0 / (D + H)
    for g in range(G):
        block = cell.weight_hh.detach()[g * H : (g + 1) * H]  # (H, H)
        assert_close(block @ block.T, torch.eye(H), 1e-5, f"orthogonal gate block {g}")
    assert torch.count_nonzero(cell.bias_ih) == 0 and torch.count_nonzero(cell.bias_hh) == 0


def test_lstm_forget_bias_option():
    cell = LSTMCell(3, 4, forget_bias=1.0)
    b = (cell.bias_ih + cell.bias_hh).detach()
    assert torch.equal(b[4:8], torch.ones(4))
    assert torch.count_nonzero(b[:4]) == 0 and torch.count_nonzero(b[8:]) == 0


def test_layernorm_gains_start_at_one():
    cell = LayerNormLSTMCell(3, 4)
    assert torch.equal(cell.ln_ih_weight.detach(), torch.ones(16))
    assert torch.count_nonzero(cell.ln_cell_bias) == 0


def test_cell_errors_name_the_value():
    with pytest.raises(ValueError, match="hidden_size must be a positive int, got 0"):
        GRUCell(3, 0)
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        ElmanCell(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match=r"x_t must be \(batch, 3\), got shape \(2, 4\)"):
        GRUCell(3, 4)(torch.randn(2, 4))
    with pytest.raises(ValueError, match=r"state must be 2 tensor\(s\)"):
        LSTMCell(3, 4)(torch.randn(2, 3), torch.randn(2, 4))


def test_initial_state_and_state_size():
    cell = LSTMCell(3, 4)
    h, c = cell.initial_state(2, dtype=F64)
    assert h.shape == c.shape == (2, 4) and h.dtype == F64
    assert cell.state_size == (4, 4)


def test_projected_lstm_cell_step_equals_one_step_of_torch_nn_lstm():
    cell = LSTMCell(3, 5, proj_size=2).double()
    theirs = nn.LSTM(3, 5, proj_size=2).double()
    theirs.load_state_dict({f"{n}_l0": p for n, p in cell.state_dict().items()})
    x_t = torch.randn(4, 3, dtype=F64)
    h0, c0 = torch.randn(4, 2, dtype=F64), torch.randn(4, 5, dtype=F64)
    h, (_, c) = cell(x_t, (h0, c0))
    _, (ref_h, ref_c) = theirs(x_t.unsqueeze(0), (h0.unsqueeze(0), c0.unsqueeze(0)))  # T = 1
    assert_close(h, ref_h[0], 1e-12, "h_1")
    assert_close(c, ref_c[0], 1e-12, "c_1")
    assert cell.state_size == (2, 5) and [s.shape for s in cell.initial_state(4)] == [(4, 2), (4, 5)]


@pytest.mark.parametrize("bad,error", [(-1, ValueError), (5, ValueError), (2.0, TypeError)])
def test_lstm_cell_checks_proj_size(bad, error):
    with pytest.raises(error, match="LSTMCell: proj_size"):
        LSTMCell(3, 5, proj_size=bad)


def test_layernorm_lstm_cell_refuses_a_projection():
    with pytest.raises(ValueError, match="LayerNormLSTMCell: proj_size=2, but .* has no projection"):
        LayerNormLSTMCell(3, 5, proj_size=2)
