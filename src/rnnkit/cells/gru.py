"""The gated recurrent unit (Cho et al. 2014), in PyTorch's formulation."""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import Tensor, nn

from ..kernels import usable
from .base import Params, RecurrentCell, Saved, State, StepGradients


class GRUCell(RecurrentCell):
    """GRU cell (torch.nn.GRUCell's maths and parameter layout).

    Equations::

        r_t = σ(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)            reset gate
        z_t = σ(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)            update gate
        n_t = tanh(W_xn x_t + b_xn + r_t ⊙ (W_hn h_{t-1} + b_hn))  candidate state
        h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

    The reset gate multiplies ``W_hn h_{t-1} + b_hn`` (after the product, as in cuDNN and
    torch.nn), which is why the n-gate keeps two separate biases.

    Parameters (torch.nn names; gate blocks stacked in the order r, z, n):
        weight_ih: ``[W_xr; W_xz; W_xn]``, ``(3H, D)``.
        weight_hh: ``[W_hr; W_hz; W_hn]``, ``(3H, H)``.
        bias_ih: ``[b_xr; b_xz; b_xn]``, bias_hh: ``[b_hr; b_hz; b_hn]``, ``(3H,)`` each.

    Shapes:
        x_t ``(B, D)``; state ``(h,)`` with h ``(B, H)``; returns ``(h_t, (h_t,))``.

    Example:
        >>> import torch
        >>> cell = GRUCell(3, 5)
        >>> h, state = cell(torch.zeros(2, 3), torch.ones(2, 5))
        >>> tuple(h.shape)
        (2, 5)
    """

    num_gates = 3
    state_names = ("h",)

    def project_hidden(self, h: Tensor, params: Params) -> Tensor:
        """``W_hh h + b_hh``: ``(B, H) -> (B, 3H)``."""
        return nn.functional.linear(h, params["weight_hh"], params.get("bias_hh"))

    def recur(
        self,
        x_proj_t: Tensor,
        state: State,
        params: Params,
        h_mask: Tensor | None = None,
    ) -> State:
        """One GRU step; ``h_mask`` is recurrent dropout on h_{t-1} inside the products only."""
        (h,) = state
        h_in = h if h_mask is None else h * h_mask
        h_proj = self.project_hidden(h_in, params)  # (B, 3H)
        return (gru_gates(x_proj_t, h_proj, h),)

    bptt_recurrent_bias: ClassVar[str | None] = (
        "bias_hh"  # rec_t = W_hh h + b_hh: the reset gate multiplies both
    )
    bptt_equations = ("recur", "project_hidden")

    def bptt_step(self, x_proj_t: Tensor, rec_t: Tensor, state: State, params: Params) -> tuple[State, Saved]:
        """:func:`gru_gates` with ``rec_t = W_hh h_in + b_hh``, keeping what the backward needs."""
        return gru_gates_saved(x_proj_t, rec_t, state[0])

    def bptt_step_backward(self, saved: Saved, d_state: State, params: Params) -> StepGradients:
        d_x_proj, d_h_proj, d_h_prev = gru_gates_backward(saved, d_state[0])
        return StepGradients(d_x_proj, d_h_proj, (d_h_prev,), {})


def gru_gates_saved(x_proj_t: Tensor, h_proj: Tensor, h: Tensor) -> tuple[State, Saved]:
    """:func:`gru_gates`, also returning ``(r, z, n, h_n, h_{t-1})`` for :func:`gru_gates_backward`."""
    H = h.shape[1]
    kernels = usable(x_proj_t, h_proj, h)
    if kernels is not None:  # the same maths in one compiled pass (rnnkit.kernels)
        h_new, r_z, n = kernels.gru_step_forward(x_proj_t, h_proj, h)
        return (h_new,), (r_z, n, h_proj[:, 2 * H :], h)
    r_z = (x_proj_t[:, : 2 * H] + h_proj[:, : 2 * H]).sigmoid()  # (B, 2H)
    r, z = r_z[:, :H], r_z[:, H:]
    h_n = h_proj[:, 2 * H :]
    n = torch.addcmul(x_proj_t[:, 2 * H :], r, h_n).tanh()
    h_new = torch.addcmul(n, z, h - n)
    return (h_new,), (r_z, n, h_n, h)


def gru_gates_backward(saved: Saved, d_h: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """The derivatives of :func:`gru_gates` from ``∂L/∂h_t``::

        ∂z = ∂h ⊙ (h_{t-1} - n),  ∂n = ∂h ⊙ (1 - z),  ∂h_{t-1} (direct) = ∂h ⊙ z
        ∂a_n = ∂n ⊙ (1 - n²)               (a_n = x_n + r ⊙ h_n, n's pre-activation)
        ∂r = ∂a_n ⊙ h_n,  ∂h_n = ∂a_n ⊙ r
        ∂a_r = ∂r ⊙ r(1-r),  ∂a_z = ∂z ⊙ z(1-z)

    Returns ``(∂x_proj, ∂h_proj, ∂h_{t-1} direct)``: ``[∂a_r; ∂a_z; ∂a_n]`` and
    ``[∂a_r; ∂a_z; ∂h_n]`` ``(B, 3H)``, and ``(B, H)``.
    """
    r_z, n, h_n, h = saved
    kernels = usable(r_z, n, h_n, h, d_h)
    if kernels is not None:
        d_x_proj, d_h_proj, d_h_prev = kernels.gru_step_backward(r_z, n, h_n, h, d_h)
        return d_x_proj, d_h_proj, d_h_prev
    H = n.shape[1]
    r, z = r_z[:, :H], r_z[:, H:]
    d_n = d_h - d_h * z
    d_a_n = d_n - d_n * n * n
    d_r_z = torch.cat((d_a_n * h_n, d_h * (h - n)), dim=1) * (r_z - r_z * r_z)  # (B, 2H)
    d_x_proj = torch.cat((d_r_z, d_a_n), dim=1)
    d_h_proj = torch.cat((d_r_z, d_a_n * r), dim=1)
    return d_x_proj, d_h_proj, d_h * z


def gru_gates(x_proj_t: Tensor, h_proj: Tensor, h: Tensor) -> Tensor:
    """The GRU gate maths given ``W_x* x + b_x*`` and ``W_h* h + b_h*`` (each ``(B, 3H)``)."""
    x_r, x_z, x_n = x_proj_t.chunk(3, dim=1)  # (B, H) each
    h_r, h_z, h_n = h_proj.chunk(3, dim=1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)  # == (1 - z) * n + z * h, one op fewer
