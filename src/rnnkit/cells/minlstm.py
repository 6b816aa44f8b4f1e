"""minLSTM (Feng et al. 2024): an LSTM whose normalised gates read only x_t, a linear scan."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

from .linear_recurrence import LinearRecurrenceCell, g, g_derivative, log_g


class MinLSTMCell(LinearRecurrenceCell):
    """The minimal LSTM: forget and input gates from x_t alone, normalised to sum to one; no output
    gate and no separate cell state (h_t is the state).

    Equations::

        f_t  = σ(W_xf x_t + b_f),   i_t = σ(W_xi x_t + b_i)
        f'_t = f_t / (f_t + i_t),   i'_t = i_t / (f_t + i_t)       time-independent scale
        h~_t = g(W_xh x_t + b_h)
        h_t  = f'_t ⊙ h_{t-1} + i'_t ⊙ h~_t

    In log space, with ``d = log i_t - log f_t`` (each ``log σ(k)``, ``logsigmoid``):
    ``log f'_t = log σ(-d)``, ``log i'_t = log σ(d)``.

    Parameters (gate blocks stacked f, i, h):
        weight_ih: ``[W_xf; W_xi; W_xh]``, ``(3H, D)``. bias_ih: ``[b_f; b_i; b_h]``, ``(3H,)``.

    Shapes:
        x_t ``(B, D)``; state ``(h,)`` with h ``(B, H)``; returns ``(h_t, (h_t,))``.

    Example:
        >>> import torch
        >>> cell = MinLSTMCell(3, 5)
        >>> h, state = cell(torch.zeros(2, 3), torch.ones(2, 5))
        >>> h[0, 0].item()  # f' = i' = 1/2, h~ = g(0) = 1/2
        0.75
    """

    num_gates = 3

    def coefficients(self, x_proj: Tensor) -> tuple[Tensor, Tensor]:
        k_f, k_i, k_h = x_proj.chunk(3, dim=-1)  # (..., H) each
        f, i = k_f.sigmoid(), k_i.sigmoid()
        total = f + i
        return f / total, i / total * g(k_h)

    def coefficients_and_saved(self, x_proj: Tensor) -> tuple[Tensor, Tensor, tuple[Tensor, ...]]:
        k_f, k_i, k_h = x_proj.chunk(3, dim=-1)
        f, i, h_tilde = k_f.sigmoid(), k_i.sigmoid(), g(k_h)
        total = f + i
        f_norm, i_norm = f / total, i / total
        return f_norm, i_norm * h_tilde, (f, i, f_norm, i_norm, h_tilde, k_h)

    def coefficient_vjp(self, saved: tuple[Tensor, ...], grad_a: Tensor, grad_b: Tensor) -> Tensor:
        """With ``q = ∂a - ∂b h~`` (a = f', b = i' h~) and ``f i / (f + i)^2 = f' i'``:
        ``∂k_f = q f' i' (1 - f)``, ``∂k_i = -q f' i' (1 - i)``, ``∂k_h = ∂b i' g'(k_h)``."""
        f, i, f_norm, i_norm, h_tilde, k_h = saved
        grad = torch.empty(*f.shape[:-1], 3 * f.shape[-1], dtype=f.dtype, device=f.device)  # (..., 3H)
        grad_f, grad_i, grad_h = grad.chunk(3, dim=-1)
        q_scaled = torch.addcmul(grad_a, grad_b, h_tilde, value=-1.0).mul_(f_norm * i_norm)  # (..., H)
        torch.mul(q_scaled, 1.0 - f, out=grad_f)
        torch.mul(q_scaled, i - 1.0, out=grad_i)
        torch.mul(grad_b * i_norm, g_derivative(k_h, h_tilde), out=grad_h)
        return grad

    def log_coefficients(self, x_proj: Tensor) -> tuple[Tensor, Tensor]:
        k_f, k_i, k_h = x_proj.chunk(3, dim=-1)
        d = F.logsigmoid(k_i) - F.logsigmoid(k_f)  # log i - log f
        return F.logsigmoid(-d), F.logsigmoid(d) + log_g(k_h)
