"""The scan backend: the minGRU and minLSTM layers computed over all steps at once equal the same cells
stepped one by one (the ``loop`` backend), on outputs, final states and every gradient, in float64."""

from __future__ import annotations

import pytest
import torch
from helpers import assert_close

import rnnkit
from rnnkit.cells import MinGRUCell
from rnnkit.layers.scan import linear_recurrence, linear_scan, scan_over_time
from rnnkit.models.config import RNNConfig
from rnnkit.models.encoder import build_rnn

LAYERS = [rnnkit.MinGRU, rnnkit.MinLSTM]


def loop_recurrence(a, b, h0):
    """The recurrence as the textbook writes it: one step at a time."""
    h, states = h0, []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        states.append(h)
    return torch.stack(states, dim=1)


def coefficients(seed: int, B: int = 3, T: int = 9, H: int = 4):
    gen = torch.Generator().manual_seed(seed)
    a = torch.rand(B, T, H, generator=gen, dtype=torch.float64) * 0.98 + 0.01
    b = torch.rand(B, T, H, generator=gen, dtype=torch.float64) * 2 + 1e-3
    h0 = torch.randn(B, H, generator=gen, dtype=torch.float64)  # negative entries too
    return a, b, h0


def test_both_solvers_equal_the_loop_with_any_initial_state():
    a, b, h0 = coefficients(0)
    expected = loop_recurrence(a, b, h0)
    assert_close(linear_recurrence(a, b, h0), expected, 1e-12, "sequential")
    assert_close(linear_scan(a.log(), b.log(), h0), expected, 1e-12, "log-space scan")


def test_hand_written_backward_passes_gradcheck():
    a, b, h0 = (t.requires_grad_() for t in coefficients(1, B=2, T=5, H=3))
    assert torch.autograd.gradcheck(linear_recurrence, (a, b, h0))


def test_log_space_scan_gradients_equal_the_loops():
    a, b, h0 = (t.requires_grad_() for t in coefficients(2))
    weights = torch.randn(3, 9, 4, dtype=torch.float64)
    grads_scan = torch.autograd.grad((linear_scan(a.log(), b.log(), h0) * weights).sum(), (a, b, h0))
    grads_loop = torch.autograd.grad((loop_recurrence(a, b, h0) * weights).sum(), (a, b, h0))
    for mine, ref, name in zip(grads_scan, grads_loop, "abh", strict=True):
        assert_close(mine, ref, 1e-10, f"d/d{name}")


def run(layer, backend, x, h0, lengths):
    """Outputs, final state and the gradients of a fixed random loss, with ``backend``."""
    layer.backend = backend
    layer.zero_grad()
    x, h0 = x.clone().requires_grad_(), h0.clone().requires_grad_()
    out, h_n = layer(x, h0, lengths=lengths)
    gen = torch.Generator().manual_seed(7)
    loss = (out * torch.randn(out.shape, generator=gen, dtype=out.dtype)).sum() + (h_n**2).sum()
    loss.backward()
    return [out.detach(), h_n.detach(), x.grad, h0.grad] + [p.grad.clone() for p in layer.parameters()]


@pytest.mark.parametrize("layer_cls", LAYERS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("ragged", [False, True])
@pytest.mark.parametrize("method", ["sequential", "log"])
def test_scan_equals_loop_on_outputs_states_and_gradients(layer_cls, bidirectional, ragged, method):
    torch.manual_seed(3)
    layer = layer_cls(3, 5, num_layers=2, bidirectional=bidirectional, scan_method=method).double()
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_(0, 0.7)  # biases too, so both branches of g are exercised
    K = 2 if bidirectional else 1
    x = torch.randn(4, 8, 3, dtype=torch.float64)
    h0 = torch.randn(2 * K, 4, 5, dtype=torch.float64)
    lengths = torch.tensor([8, 5, 1, 3]) if ragged else None
    scanned, looped = run(layer, "scan", x, h0, lengths), run(layer, "loop", x, h0, lengths)
    names = ["output", "h_n", "dx", "dh0"] + [n for n, _ in layer.named_parameters()]
    for mine, ref, name in zip(scanned, looped, names, strict=True):
        assert_close(mine, ref, 1e-10, name)
    if ragged:
        assert scanned[0][2, 1:].abs().max() == 0  # zero past the length


@pytest.mark.parametrize("layer_cls", LAYERS)
def test_padded_batch_equals_each_sequence_alone(layer_cls):
    layer = layer_cls(3, 4, bidirectional=True).double()
    x, lengths = torch.randn(3, 6, 3, dtype=torch.float64), torch.tensor([6, 2, 4])
    out, h_n = layer(x, lengths=lengths)
    for row, n in enumerate(lengths.tolist()):
        alone, h_alone = layer(x[row : row + 1, :n])
        assert_close(out[row, :n], alone[0], 1e-12, f"row {row}")
        assert_close(h_n[:, row], h_alone[:, 0], 1e-12, f"final state of row {row}")


def test_auto_chooses_scan_and_the_other_backends_are_refused_with_the_reason():
    assert rnnkit.MinGRU(3, 4).resolve_backend() == "scan"
    assert rnnkit.MinLSTM(3, 4, backend="loop").resolve_backend() == "loop"
    with pytest.raises(ValueError, match="no fused kernel for MinGRUCell"):
        rnnkit.MinGRU(3, 4, backend="fused")
    with pytest.raises(ValueError, match="backend='scan' needs a linear-recurrence cell"):
        rnnkit.GRU(3, 4, backend="scan")
    with pytest.raises(ValueError, match="recurrent_dropout"):
        rnnkit.MinGRU(3, 4, recurrent_dropout=0.2)
    with pytest.raises(ValueError, match="scan_method must be one of"):
        rnnkit.MinLSTM(3, 4, scan_method="parallel")
    with pytest.raises(ValueError, match="method must be one of"):
        scan_over_time(MinGRUCell(3, 4), torch.zeros(1, 2, 8), (torch.zeros(1, 4),), {}, method="fast")


@pytest.mark.parametrize("cell", ["mingru", "minlstm"])
def test_models_build_the_scan_cells_by_name(cell):
    layer = build_rnn(RNNConfig(cell=cell, hidden_size=6, num_layers=2, bidirectional=True), 3)
    out, h_n = layer(torch.randn(2, 5, 3), lengths=torch.tensor([5, 3]))
    assert tuple(out.shape) == (2, 5, 12) and tuple(h_n.shape) == (4, 2, 6)
    assert layer.mode == {"mingru": "MinGRU", "minlstm": "MinLSTM"}[cell]


def test_float32_scan_stays_close_to_float64_on_long_sequences():
    torch.manual_seed(4)
    layer = rnnkit.MinGRU(8, 16)
    x = torch.randn(2, 1024, 8)
    out32, _ = layer(x)
    out64, _ = layer.double()(x.double())
    assert (out32.double() - out64).abs().max() < 1e-4
