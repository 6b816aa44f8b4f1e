"""The gated recurrent unit (Cho et al. 2014), in PyTorch's formulation."""

from __future__ import annotations

from torch import Tensor, nn

from .base import Params, RecurrentCell, State


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


def gru_gates(x_proj_t: Tensor, h_proj: Tensor, h: Tensor) -> Tensor:
    """The GRU gate maths given ``W_x* x + b_x*`` and ``W_h* h + b_h*`` (each ``(B, 3H)``)."""
    x_r, x_z, x_n = x_proj_t.chunk(3, dim=1)  # (B, H) each
    h_r, h_z, h_n = h_proj.chunk(3, dim=1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)  # == (1 - z) * n + z * h, one op fewer
