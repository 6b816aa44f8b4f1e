"""minGRU (Feng et al. 2024): a GRU whose gates read only x_t, so its recurrence is a linear scan."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

from .linear_recurrence import LinearRecurrenceCell, g, g_derivative, log_g


class MinGRUCell(LinearRecurrenceCell):
    """The minimal GRU: no reset gate, and neither the update gate nor the candidate sees h_{t-1}.

    Equations::

        z_t  = σ(W_xz x_t + b_z)                   update gate
        h~_t = g(W_xh x_t + b_h)                   candidate, g > 0 (see rnnkit.cells.linear_recurrence)
        h_t  = (1 - z_t) ⊙ h_{t-1} + z_t ⊙ h~_t

    In log space, for the scan: ``log(1 - z) = log σ(-k_z)``, ``log z = log σ(k_z)`` (``logsigmoid``,
    exact for any k) with ``k_z = W_xz x_t + b_z``, and ``log b_t = log z_t + log g(k_h)``.

    Parameters (gate blocks stacked z, h):
        weight_ih: ``[W_xz; W_xh]``, ``(2H, D)``. bias_ih: ``[b_z; b_h]``, ``(2H,)``.

    Shapes:
        x_t ``(B, D)``; state ``(h,)`` with h ``(B, H)``; returns ``(h_t, (h_t,))``.

    Example:
        >>> import torch
        >>> cell = MinGRUCell(3, 5)
        >>> h, state = cell(torch.zeros(2, 3), torch.ones(2, 5))
        >>> h[0, 0].item()  # z = 1/2, h~ = g(0) = 1/2: (1/2) 1 + (1/2)(1/2)
        0.75
    """

    num_gates = 2

    def coefficients(self, x_proj: Tensor) -> tuple[Tensor, Tensor]:
        k_z, k_h = x_proj.chunk(2, dim=-1)  # (..., H) each
        return torch.sigmoid(-k_z), torch.sigmoid(k_z) * g(k_h)  # 1 - σ(k) = σ(-k)

    def coefficients_and_saved(self, x_proj: Tensor) -> tuple[Tensor, Tensor, tuple[Tensor, ...]]:
        k_z, k_h = x_proj.chunk(2, dim=-1)
        z, h_tilde = torch.sigmoid(k_z), g(k_h)
        return 1.0 - z, z * h_tilde, (z, h_tilde, k_h)

    def coefficient_vjp(self, saved: tuple[Tensor, ...], grad_a: Tensor, grad_b: Tensor) -> Tensor:
        """``∂k_z = (∂b h~ - ∂a) z (1 - z)``, ``∂k_h = ∂b z g'(k_h)``."""
        z, h_tilde, k_h = saved
        grad = torch.empty(*z.shape[:-1], 2 * z.shape[-1], dtype=z.dtype, device=z.device)  # (..., 2H)
        grad_z, grad_h = grad.chunk(2, dim=-1)
        torch.mul(torch.addcmul(-grad_a, grad_b, h_tilde), z * (1.0 - z), out=grad_z)
        torch.mul(grad_b * z, g_derivative(k_h, h_tilde), out=grad_h)
        return grad

    def log_coefficients(self, x_proj: Tensor) -> tuple[Tensor, Tensor]:
        k_z, k_h = x_proj.chunk(2, dim=-1)
        return F.logsigmoid(-k_z), F.logsigmoid(k_z) + log_g(k_h)
