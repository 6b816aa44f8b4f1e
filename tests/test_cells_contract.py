"""The cell contract: a cell written from the README alone runs through every layer.

The README says: "A new cell is one file: subclass ``rnnkit.RecurrentCell``, write ``recur``, and
``rnnkit.Recurrent(cell)`` runs it over time with lengths and masking." The two cells below are
written that way (the second also sets ``num_gates`` and ``state_names``, as the base class says), and
are held to oracles that share none of the layers' code: each sequence stepped alone through the
cell's own ``forward`` in a plain Python loop, and float64 finite differences.
"""

from __future__ import annotations

import pytest
import torch
from torch import Tensor

import rnnkit
from rnnkit.layers import RecurrentStack

DTYPE = torch.float64
LENGTHS = [5, 2, 4, 1]  # B = 4, T = 5: padded rows, a length-1 row, a full row


class LeakyTanhCell(rnnkit.RecurrentCell):
    """Only ``recur``: one gate block, state ``(h,)``.

    h_t = h_{t-1} / 2 + tanh(W_xh x_t + b_ih + W_hh h_{t-1} + b_hh) / 2
    """

    def recur(self, x_proj_t: Tensor, state: tuple[Tensor, ...], params) -> tuple[Tensor, ...]:
        (h,) = state
        pre = x_proj_t + h @ params["weight_hh"].T + params["bias_hh"]
        return (0.5 * h + 0.5 * torch.tanh(pre),)


class CoupledGateLSTMCell(rnnkit.RecurrentCell):
    """A peephole-free LSTM whose input gate is 1 - f (CIFG): three gate blocks, state ``(h, c)``.

    f_t = σ(a_f), g_t = tanh(a_g), o_t = σ(a_o) with [a_f; a_g; a_o] = W_x x_t + W_h h_{t-1} + b
    c_t = f_t c_{t-1} + (1 - f_t) g_t;  h_t = o_t tanh(c_t)
    It also takes the optional ``h_mask`` (recurrent dropout on h_{t-1} in the products).
    """

    num_gates = 3
    state_names = ("h", "c")

    def recur(self, x_proj_t, state, params, h_mask=None):
        h, c = state
        h_in = h if h_mask is None else h * h_mask
        a_f, a_g, a_o = (x_proj_t + h_in @ params["weight_hh"].T + params["bias_hh"]).chunk(3, dim=1)
        f = torch.sigmoid(a_f)
        c_new = f * c + (1 - f) * torch.tanh(a_g)
        return (torch.sigmoid(a_o) * torch.tanh(c_new), c_new)


CELLS = {"leaky_tanh": LeakyTanhCell, "cifg": CoupledGateLSTMCell}


def stack_of(cell_class: type[rnnkit.RecurrentCell]) -> type[RecurrentStack]:
    return type(f"{cell_class.__name__}Stack", (RecurrentStack,), {"cell_class": cell_class})


def as_tuple(state: Tensor | tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    return state if isinstance(state, tuple) else (state,)


def batch(D: int = 3, seed: int = 0) -> Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(len(LENGTHS), max(LENGTHS), D, generator=g, dtype=DTYPE)  # (B, T, D)


def step_alone(cell: rnnkit.RecurrentCell, x: Tensor, state: tuple[Tensor, ...] | None, reverse: bool):
    """The oracle: one sequence ``(n, D)``, stepped by the cell's own forward in a Python loop."""
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outputs = [None] * x.shape[0]
    for t in steps:
        h, state = cell(x[t : t + 1], state)  # (1, H)
        outputs[t] = h[0]
    return torch.stack(outputs), state  # (n, H), final state


def states_for(cell: rnnkit.RecurrentCell, B: int, seed: int = 1) -> tuple[Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(B, cell.hidden_size, generator=g, dtype=DTYPE) for _ in cell.state_names)


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
@pytest.mark.parametrize("name", CELLS)
def test_recurrent_runs_a_new_cell_with_lengths_as_each_sequence_alone(name: str, reverse: bool) -> None:
    torch.manual_seed(0)
    cell = CELLS[name](3, 4).to(DTYPE)
    layer = rnnkit.Recurrent(cell, reverse=reverse)
    x = batch()
    h0 = states_for(cell, len(LENGTHS))
    out, final = layer(x, h0, lengths=torch.tensor(LENGTHS))
    assert out.shape == (4, 5, 4) and len(final) == len(cell.state_names)
    for b, n in enumerate(LENGTHS):
        expected, expected_final = step_alone(cell, x[b, :n], tuple(s[b : b + 1] for s in h0), reverse)
        torch.testing.assert_close(out[b, :n], expected, atol=1e-12, rtol=0)
        assert torch.all(out[b, n:] == 0)
        for got, want in zip(final, expected_final, strict=True):
            torch.testing.assert_close(got[b], want[0], atol=1e-12, rtol=0)
        # and the layer itself on the sequence alone, unpadded
        alone, alone_final = layer(x[b : b + 1, :n], tuple(s[b : b + 1] for s in h0))
        torch.testing.assert_close(alone[0], out[b, :n], atol=1e-12, rtol=0)
        for got, want in zip(final, alone_final, strict=True):
            torch.testing.assert_close(got[b], want[0], atol=1e-12, rtol=0)


@pytest.mark.parametrize("name", CELLS)
def test_a_stack_of_the_new_cell_equals_its_layers_stepped_alone(name: str) -> None:
    """2 layers x 2 directions: layer k reads both directions of layer k-1; lengths respected."""
    torch.manual_seed(0)
    layer = stack_of(CELLS[name])(3, 4, num_layers=2, bidirectional=True, dtype=DTYPE)
    assert layer.resolve_backend() == "loop"
    x = batch()
    out, final = layer(x, lengths=LENGTHS)
    final = as_tuple(final)
    assert out.shape == (4, 5, 8) and all(s.shape == (4, 4, 4) for s in final)
    for b, n in enumerate(LENGTHS):
        layer_input = x[b, :n]  # (n, D)
        for k in range(2):
            outputs = []
            for d in range(2):
                cell = CELLS[name](layer_input.shape[1], 4).to(DTYPE)
                cell.load_state_dict(layer.layer_parameters(k, d))
                expected, expected_final = step_alone(cell, layer_input, None, reverse=d == 1)
                outputs.append(expected)
                for got, want in zip(final, expected_final, strict=True):
                    torch.testing.assert_close(got[2 * k + d, b], want[0], atol=1e-12, rtol=0)
            layer_input = torch.cat(outputs, dim=1)  # (n, 2H)
        torch.testing.assert_close(out[b, :n], layer_input, atol=1e-12, rtol=0)
        assert torch.all(out[b, n:] == 0)


@pytest.mark.parametrize("name", CELLS)
def test_step_streams_what_forward_computes(name: str) -> None:
    torch.manual_seed(0)
    layer = stack_of(CELLS[name])(3, 4, num_layers=2, dtype=DTYPE)
    x = batch()
    expected, expected_final = layer(x)
    state = None
    for t in range(x.shape[1]):
        y_t, state = layer.step(x[:, t], state)
        torch.testing.assert_close(y_t, expected[:, t], atol=1e-12, rtol=0)
    for got, want in zip(as_tuple(state), as_tuple(expected_final), strict=True):
        torch.testing.assert_close(got, want, atol=1e-12, rtol=0)


@pytest.mark.parametrize("name", CELLS)
def test_gradients_match_finite_differences(name: str) -> None:
    torch.manual_seed(0)
    cell = CELLS[name](2, 3).to(DTYPE)
    layer = rnnkit.Recurrent(cell, reverse=True)
    stack = stack_of(CELLS[name])(2, 3, num_layers=2, bidirectional=True, dtype=DTYPE)
    lengths = torch.tensor([4, 1, 3])
    x = torch.randn(3, 4, 2, dtype=DTYPE, requires_grad=True)
    weight_hh = cell.weight_hh.detach().clone().requires_grad_(True)

    def through_recurrent(x: Tensor, weight_hh: Tensor) -> tuple[Tensor, ...]:
        params = {"cell.weight_hh": weight_hh}
        out, final = torch.func.functional_call(layer, params, (x,), {"lengths": lengths})
        return (out, *final)

    def through_stack(x: Tensor) -> tuple[Tensor, ...]:
        out, final = stack(x, lengths=lengths)
        return (out, *as_tuple(final))

    assert torch.autograd.gradcheck(through_recurrent, (x, weight_hh), atol=1e-7)
    assert torch.autograd.gradcheck(through_stack, (x,), atol=1e-7)


def test_recurrent_dropout_reaches_a_cell_that_takes_h_mask_and_is_refused_by_one_that_does_not() -> None:
    layer = stack_of(CoupledGateLSTMCell)(3, 4, recurrent_dropout=0.5, dtype=DTYPE)
    x = batch()
    torch.manual_seed(0)
    a, _ = layer.train()(x)
    b, _ = layer(x)
    assert not torch.allclose(a, b)  # a fresh mask per call
    assert torch.equal(layer.eval()(x)[0], layer(x)[0])  # and none in eval
    with pytest.raises(ValueError, match="LeakyTanhCell.recur does not.*h_mask"):
        stack_of(LeakyTanhCell)(3, 4, recurrent_dropout=0.5)


def test_a_cell_without_recur_says_what_to_write() -> None:
    with pytest.raises(NotImplementedError, match=r"must implement recur\(x_proj_t, state, params\)"):
        rnnkit.Recurrent(rnnkit.RecurrentCell(3, 4))(torch.randn(2, 5, 3))
