"""The scan cells (minGRU, minLSTM): the step against the paper's equations written in NumPy, and the
coefficients against their log-space form."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.cells import MinGRUCell, MinLSTMCell
from rnnkit.cells.linear_recurrence import LinearRecurrenceCell, g, log_g


def np_sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def np_g(x: np.ndarray) -> np.ndarray:
    return np.where(x >= 0, x + 0.5, np_sigmoid(x))


def test_g_and_log_g_match_the_piecewise_definition():
    x = torch.linspace(-30, 30, 601, dtype=torch.float64)
    np.testing.assert_allclose(g(x).numpy(), np_g(x.numpy()), rtol=1e-14, atol=0)
    np.testing.assert_allclose(log_g(x).numpy(), np.log(np_g(x.numpy())), rtol=1e-12, atol=1e-14)
    # log_g stays finite far below the range where g itself underflows to zero in float32
    assert torch.isfinite(log_g(torch.tensor([-200.0]))).all()
    assert g(torch.tensor([-200.0])).item() == 0.0


def test_log_g_gradient_has_no_nan_on_either_branch():
    x = torch.tensor([-50.0, -1.0, 0.0, 1.0, 50.0], dtype=torch.float64, requires_grad=True)
    log_g(x).sum().backward()
    assert torch.isfinite(x.grad).all()
    assert torch.autograd.gradcheck(log_g, (torch.tensor([-2.0, -0.3, 0.4, 3.0], dtype=torch.float64,
                                                         requires_grad=True),))  # fmt: skip


def test_mingru_step_equals_the_papers_equations():
    torch.manual_seed(0)
    cell = MinGRUCell(3, 4).double()
    with torch.no_grad():
        cell.bias_ih.normal_()
    x, h = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
    W, b = cell.weight_ih.detach().numpy(), cell.bias_ih.detach().numpy()
    k = x.numpy() @ W.T + b  # (B, 2H)
    z, h_tilde = np_sigmoid(k[:, :4]), np_g(k[:, 4:])
    expected = (1 - z) * h.numpy() + z * h_tilde
    out, _ = cell(x, h)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12, atol=1e-14)


def test_minlstm_step_equals_the_papers_equations():
    torch.manual_seed(1)
    cell = MinLSTMCell(3, 4).double()
    with torch.no_grad():
        cell.bias_ih.normal_()
    x, h = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
    W, b = cell.weight_ih.detach().numpy(), cell.bias_ih.detach().numpy()
    k = x.numpy() @ W.T + b  # (B, 3H)
    f, i, h_tilde = np_sigmoid(k[:, :4]), np_sigmoid(k[:, 4:8]), np_g(k[:, 8:])
    expected = f / (f + i) * h.numpy() + i / (f + i) * h_tilde
    out, _ = cell(x, h)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell_cls", [MinGRUCell, MinLSTMCell])
def test_log_coefficients_are_the_logarithms_of_the_coefficients(cell_cls):
    cell = cell_cls(2, 6).double()
    x_proj = 8 * torch.randn(4, 7, cell.num_gates * 6, dtype=torch.float64)  # wide range, both branches
    a, b = cell.coefficients(x_proj)
    log_a, log_b = cell.log_coefficients(x_proj)
    torch.testing.assert_close(log_a.exp(), a, rtol=1e-12, atol=1e-300)
    torch.testing.assert_close(log_b.exp(), b, rtol=1e-12, atol=1e-300)
    assert bool((a > 0).all() and (a < 1).all() and (b > 0).all())


@pytest.mark.parametrize("cell_cls", [MinGRUCell, MinLSTMCell])
def test_scan_cells_have_only_input_weights(cell_cls):
    cell = cell_cls(3, 5)
    assert {n: tuple(p.shape) for n, p in cell.named_parameters()} == {
        "weight_ih": (cell.num_gates * 5, 3),
        "bias_ih": (cell.num_gates * 5,),
    }
    assert [n for n, _ in cell_cls(3, 5, bias=False).named_parameters()] == ["weight_ih"]


class DecayCell(LinearRecurrenceCell):
    """A scan cell with no hand-written derivatives: a = σ(k_a), b = g(k_b) (the default vjp)."""

    num_gates = 2

    def coefficients(self, x_proj):
        k_a, k_b = x_proj.chunk(2, dim=-1)
        return torch.sigmoid(k_a), g(k_b)

    def log_coefficients(self, x_proj):
        k_a, k_b = x_proj.chunk(2, dim=-1)
        return torch.nn.functional.logsigmoid(k_a), log_g(k_b)


@pytest.mark.parametrize("cell_cls", [MinGRUCell, MinLSTMCell, DecayCell])
def test_coefficient_vjp_equals_autograd_through_the_coefficients(cell_cls):
    cell = cell_cls(2, 5).double()
    x_proj = 4 * torch.randn(3, 6, cell.num_gates * 5, dtype=torch.float64, requires_grad=True)
    grad_a, grad_b = torch.randn(2, 3, 6, 5, dtype=torch.float64)
    a, b = cell.coefficients(x_proj)
    (expected,) = torch.autograd.grad((a, b), x_proj, (grad_a, grad_b))
    a2, b2, saved = cell.coefficients_and_saved(x_proj.detach())
    torch.testing.assert_close(a2, a.detach(), rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(b2, b.detach(), rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(cell.coefficient_vjp(saved, grad_a, grad_b), expected, rtol=1e-10, atol=1e-12)


def test_a_new_scan_cell_runs_on_the_scan_backend_with_the_default_vjp():
    from rnnkit.layers import RecurrentStack

    class DecayLayer(RecurrentStack):
        cell_class = DecayCell

    layer = DecayLayer(3, 4, bidirectional=True).double()
    assert layer.resolve_backend() == "scan"
    x = torch.randn(2, 5, 3, dtype=torch.float64, requires_grad=True)
    lengths = torch.tensor([5, 3])
    grads = {}
    for backend in ("scan", "loop"):
        layer.backend = backend
        out, _ = layer(x, lengths=lengths)
        grads[backend] = torch.autograd.grad(out.sin().sum(), (x, *layer.parameters()))
    for mine, ref in zip(grads["scan"], grads["loop"], strict=True):
        torch.testing.assert_close(mine, ref, rtol=1e-10, atol=1e-12)
