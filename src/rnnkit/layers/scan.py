"""Linear recurrences over all steps at once: ``h_t = a_t ⊙ h_{t-1} + b_t`` given every ``(a_t, b_t)``.

When the coefficients depend on the input only (the scan cells, :mod:`rnnkit.cells.linear_recurrence`),
they are computed for every step in a few large operations, and what is left of the recurrence is one
multiply-add per element and step. Two ways to solve it, equal to the cell's own loop on outputs and
gradients (tests), chosen per device by measurement (``docs/benchmarks.md``):

``log``, the parallel scan (Heinsen 2023; Feng et al. 2024)::

    A_t = sum_{j<=t} log a_j                                  a cumulative sum
    h_t = exp(A_t) ⊙ h_0 + sum_{k<=t} exp(A_t - A_k + log b_k)
        = exp(A_t) ⊙ h_0 + exp(A_t + logcumsumexp_k(log b_k - A_k))

    two scans (``cumsum``, ``logcumsumexp``) of O(T) work and O(log T) depth where the device runs
    scans in parallel (GPUs), autograd for the backward. ``b_t > 0`` is needed for its logarithm (the
    scan cells make sure of it); the initial state is *not* taken to log space but added through its
    own term, so any ``h_0``, negative entries included, gives what the sequential loop gives.

``sequential``, hand-written backpropagation through the recurrence (:class:`CellRecurrence`, with the
cell's own derivatives of its gates; :class:`LinearRecurrence` for given coefficients)::

    forward   h_t = a_t ⊙ h_{t-1} + b_t                       one fused multiply-add per step
    backward  g_t = ∂L/∂h_t + a_{t+1} ⊙ g_{t+1}               the same recurrence, reversed in time
              ∂L/∂a_t = g_t ⊙ h_{t-1},  ∂L/∂b_t = g_t,  ∂L/∂h_0 = a_1 ⊙ g_1

    T small steps, but each is one element-wise kernel with no graph behind it; on a CPU (where
    ``logcumsumexp`` costs tens of nanoseconds per element, forward and backward) it is the faster.

Padded steps (``mask`` False) get ``a = 1, b = 0``: the state is carried unchanged, the output there is
zero, and the state at the last step is each sequence's own final state.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from ..cells.base import Params, State
from ..cells.linear_recurrence import LinearRecurrenceCell
from .masking import reverse_padded

SCAN_METHODS = ("auto", "log", "sequential")
"""How :func:`scan_over_time` solves the recurrence; ``auto``: ``log`` on CUDA, ``sequential`` elsewhere."""


def linear_scan(log_a: Tensor, log_b: Tensor, h0: Tensor) -> Tensor:
    """All states of ``h_t = a_t ⊙ h_{t-1} + b_t``, ``t = 1..T``, from the logarithms of a and b
    (the ``log`` method: a parallel scan).

    Shapes:
        log_a, log_b ``(B, T, H)``; h0 ``(B, H)`` -> h ``(B, T, H)``.

    Example:
        >>> a, b = torch.tensor([[[0.5], [0.5]]]), torch.tensor([[[1.0], [2.0]]])
        >>> h = linear_scan(a.log(), b.log(), torch.tensor([[-4.0]]))  # 0.5 (-4) + 1, then 0.5 (-1) + 2
        >>> [round(v, 5) for v in h.flatten().tolist()]
        [-1.0, 1.5]
    """
    log_prefix = torch.cumsum(log_a, dim=1)  # A_t, (B, T, H)
    inputs = torch.exp(log_prefix + torch.logcumsumexp(log_b - log_prefix, dim=1))  # (B, T, H)
    return torch.exp(log_prefix) * h0.unsqueeze(1) + inputs  # (B, T, H)


def _recur(a: Tensor, b: Tensor, h0: Tensor) -> Tensor:
    """``h_t = a_t ⊙ h_{t-1} + b_t`` stepped in time, each step one ``addcmul`` into its ``(B, H)``
    slice of the batch-first output (strided views, no transposed copies): ``(B, T, H)``."""
    h = torch.empty_like(b)  # (B, T, H)
    previous = h0
    for t in range(a.shape[1]):
        previous = torch.addcmul(b[:, t], a[:, t], previous, out=h[:, t])
    return h


def _recur_backward(a: Tensor, h: Tensor, h0: Tensor, grad_h: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """``(∂L/∂a, ∂L/∂b, ∂L/∂h_0)`` from ``∂L/∂h`` by the reverse recurrence of the module docstring."""
    g = torch.empty_like(h)  # g_t = dL/dh_t through every later step, (B, T, H)
    following = g[:, -1].copy_(grad_h[:, -1])
    for t in range(a.shape[1] - 2, -1, -1):
        following = torch.addcmul(grad_h[:, t], a[:, t + 1], following, out=g[:, t])
    grad_a = torch.empty_like(a)  # g_t ⊙ h_{t-1}
    torch.mul(g[:, 0], h0, out=grad_a[:, 0])
    torch.mul(g[:, 1:], h[:, :-1], out=grad_a[:, 1:])
    return grad_a, g, a[:, 0] * g[:, 0]


class LinearRecurrence(torch.autograd.Function):
    """``h_t = a_t ⊙ h_{t-1} + b_t`` with the hand-written backward of the module docstring:
    a, b ``(B, T, H)``, h0 ``(B, H)`` -> h ``(B, T, H)``. Call it through :func:`linear_recurrence`."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor, h0: Tensor) -> Tensor:
        h = _recur(a, b, h0)
        ctx.save_for_backward(a, h, h0)
        return h

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, grad_h: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        a, h, h0 = ctx.saved_tensors
        return _recur_backward(a, h, h0, grad_h)


def linear_recurrence(a: Tensor, b: Tensor, h0: Tensor) -> Tensor:
    """All states of ``h_t = a_t ⊙ h_{t-1} + b_t`` by :class:`LinearRecurrence`.

    Shapes:
        a, b ``(B, T, H)``; h0 ``(B, H)`` -> h ``(B, T, H)``.

    Example:
        >>> a, b = torch.tensor([[[0.5], [0.5]]]), torch.tensor([[[1.0], [2.0]]])
        >>> linear_recurrence(a, b, torch.tensor([[-4.0]])).flatten().tolist()
        [-1.0, 1.5]
    """
    h: Tensor = LinearRecurrence.apply(a, b, h0)
    return h


class CellRecurrence(torch.autograd.Function):
    """A scan cell's coefficients and the recurrence in one node (the ``sequential`` method):
    ``x_proj (B, T, G*H), h0 (B, H), padded (B, T, 1) or None, cell -> h (B, T, H)``.

    The forward keeps what the cell's :meth:`~rnnkit.cells.LinearRecurrenceCell.coefficient_vjp`
    needs and the states; the backward runs the reverse recurrence, then the cell's hand-written
    derivatives of its coefficients, so no autograd graph is built for the element-wise gate maths."""

    @staticmethod
    def forward(
        ctx: Any, x_proj: Tensor, h0: Tensor, padded: Tensor | None, cell: LinearRecurrenceCell
    ) -> Tensor:
        a, b, saved = cell.coefficients_and_saved(x_proj)  # (B, T, H) each
        if padded is not None:  # a = 1, b = 0: carry the state
            a, b = a.masked_fill(padded, 1.0), b.masked_fill(padded, 0.0)
        h = _recur(a, b, h0)
        ctx.cell, ctx.has_padding = cell, padded is not None
        ctx.save_for_backward(a, h, h0, *(() if padded is None else (padded,)), *saved)
        return h

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, grad_h: Tensor) -> tuple[Tensor, Tensor, None, None]:
        a, h, h0, *rest = ctx.saved_tensors
        padded = rest.pop(0) if ctx.has_padding else None
        grad_a, grad_b, grad_h0 = _recur_backward(a, h, h0, grad_h)
        if padded is not None:  # the constants filled in there have no inputs
            grad_a.masked_fill_(padded, 0.0)
            grad_b.masked_fill_(padded, 0.0)
        return ctx.cell.coefficient_vjp(tuple(rest), grad_a, grad_b), grad_h0, None, None


def scan_over_time(
    cell: LinearRecurrenceCell,
    x_proj: Tensor,
    state: State,
    params: Params,
    mask: Tensor | None = None,
    reverse: bool = False,
    method: str = "auto",
) -> tuple[Tensor, State]:
    """A scan cell over the time axis of an already-projected input: what
    :func:`~rnnkit.layers.recurrent.run_over_time` computes, with the gates of all steps at once and
    the recurrence solved by ``method`` (one of :data:`SCAN_METHODS`).

    Shapes:
        x_proj ``(B, T, G*H)`` (from ``cell.project_input``); state ``(h_0,)`` with h_0 ``(B, H)``;
        mask ``(B, T)`` bool or None. Returns outputs ``(B, T, H)`` (zero past each length) and the
        final state ``(h_n,)``, each sequence's own last step (for ``reverse``, after its first step).
    """
    del params  # the coefficients read only x_proj; the signature matches run_over_time's
    if method not in SCAN_METHODS:
        raise ValueError(f"scan_over_time: method must be one of {SCAN_METHODS}, got {method!r}.")
    if method == "auto":
        method = "log" if x_proj.device.type == "cuda" else "sequential"
    (h0,) = state
    lengths = None if mask is None else mask.sum(dim=1)  # (B,)
    if reverse:  # each sequence reversed within its own length, so real steps come first
        x_proj = reverse_padded(x_proj, lengths)
    padded = None if mask is None else ~mask.unsqueeze(-1)  # (B, T, 1)
    if method == "log":
        log_a, log_b = cell.log_coefficients(x_proj)  # (B, T, H) each
        if padded is not None:
            log_a = log_a.masked_fill(padded, 0.0)  # a = 1: carry the state
            log_b = log_b.masked_fill(padded, -torch.inf)  # b = 0
        h = linear_scan(log_a, log_b, h0)  # (B, T, H)
    else:
        h = CellRecurrence.apply(x_proj, h0, padded, cell)  # (B, T, H)
    final = h[:, -1]  # padding carried the last real state to the end
    if padded is not None:
        h = h.masked_fill(padded, 0.0)
    if reverse:
        h = reverse_padded(h, lengths)
    return h, (final,)
