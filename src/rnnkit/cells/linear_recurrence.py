"""Cells whose recurrence is linear in the state, ``h_t = a_t ⊙ h_{t-1} + b_t``, gates read from x_t alone.

When no gate looks at ``h_{t-1}``, the coefficients ``a_t`` and ``b_t`` of every step can be computed at
once from the input, and the whole sequence follows by a scan (``rnnkit.layers.scan``) instead of a
loop. These are the minimal RNNs of Feng et al. 2024, "Were RNNs All We Needed?" (minGRU, minLSTM).

The scan works in log space, so ``b_t`` must be positive: the candidate state goes through

    g(x) = x + 1/2  (x >= 0),   σ(x)  (x < 0)         continuous, positive, linear for large x

as in the paper's log-space version; the sequential step (``recur``) uses the same g, so the loop and the
scan compute one function.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

from .base import Params, RecurrentCell, State, xavier_uniform_


def g(x: Tensor) -> Tensor:
    """The positive activation of the candidate state (see the module docstring).

    Example:
        >>> g(torch.tensor([-100.0, 0.0, 2.0])).tolist()
        [0.0, 0.5, 2.5]
    """
    # relu(x) + σ(min(x, 0)) is that piecewise function without torch.where (which costs more here)
    return F.relu(x) + torch.sigmoid(x.clamp(max=0.0))


def g_derivative(x: Tensor, g_x: Tensor) -> Tensor:
    """``g'(x)`` given ``g(x)``: 1 for ``x >= 0``, else ``σ'(x) = g(x)(1 - g(x))`` (there g is σ).

    Example:
        >>> x = torch.tensor([-1.0, 2.0])
        >>> s = torch.sigmoid(x[0])
        >>> bool(torch.allclose(g_derivative(x, g(x)), torch.stack([s * (1 - s), torch.tensor(1.0)])))
        True
    """
    return torch.where(x >= 0, 1.0, g_x * (1.0 - g_x))


def log_g(x: Tensor) -> Tensor:
    """``log g(x)``, computed without forming g: ``log(x + 1/2)`` or ``logsigmoid(x)`` (= log σ(x)).

    Each branch is finite for every x (``relu`` keeps the unused ``log`` away from negative arguments),
    so the gradient of the one not taken is an exact zero, never NaN.

    Example:
        >>> bool(torch.allclose(log_g(torch.tensor([-3.0, 0.5])), g(torch.tensor([-3.0, 0.5])).log()))
        True
    """
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), F.logsigmoid(x))


class LinearRecurrenceCell(RecurrentCell):
    """Base of the scan cells: ``h_t = a_t ⊙ h_{t-1} + b_t``, ``(a_t, b_t)`` functions of x_t only.

    There is no recurrent weight: the parameters are ``weight_ih`` ``(G*H, D)`` and ``bias_ih``
    ``(G*H,)``, gate blocks stacked in the subclass's order. A subclass gives the coefficients twice,
    directly (:meth:`coefficients`, for the step) and as logarithms (:meth:`log_coefficients`, for the
    scan), so that the two paths are independent computations of one equation.
    """

    state_names = ("h",)

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes: dict[str, tuple[int, ...]] = {
            "weight_ih": (self.num_gates * self.hidden_size, self.input_size)
        }
        if self.bias:
            shapes["bias_ih"] = (self.num_gates * self.hidden_size,)
        return shapes

    def init_parameters(self, params: Params) -> None:
        """Xavier-uniform for each gate block of ``weight_ih``; zero bias."""
        H = self.hidden_size
        with torch.no_grad():
            for gate in range(self.num_gates):
                xavier_uniform_(params["weight_ih"][gate * H : (gate + 1) * H])
            if "bias_ih" in params:
                params["bias_ih"].zero_()

    def coefficients(self, x_proj: Tensor) -> tuple[Tensor, Tensor]:
        """``(a, b)``, each ``(..., H)``, from the projected input ``(..., G*H)``."""
        raise NotImplementedError(f"{type(self).__name__} must implement coefficients(x_proj).")

    def coefficients_and_saved(self, x_proj: Tensor) -> tuple[Tensor, Tensor, tuple[Tensor, ...]]:
        """``(a, b)`` and what :meth:`coefficient_vjp` needs, for the hand-written backward of the
        ``sequential`` scan. The default saves ``x_proj``, and the vjp recomputes through autograd."""
        a, b = self.coefficients(x_proj)
        return a, b, (x_proj,)

    def coefficient_vjp(self, saved: tuple[Tensor, ...], grad_a: Tensor, grad_b: Tensor) -> Tensor:
        """``∂L/∂x_proj`` ``(..., G*H)`` from ``∂L/∂a`` and ``∂L/∂b``; by default autograd through
        :meth:`coefficients` (a subclass writes its derivatives out to save that second pass)."""
        (x_proj,) = saved
        with torch.enable_grad():
            x = x_proj.detach().requires_grad_()
            a, b = self.coefficients(x)
            (grad,) = torch.autograd.grad((a, b), x, (grad_a, grad_b))
        return grad

    def log_coefficients(self, x_proj: Tensor) -> tuple[Tensor, Tensor]:
        """``(log a, log b)``, each ``(..., H)``, computed stably (no log of a rounded-off zero)."""
        raise NotImplementedError(f"{type(self).__name__} must implement log_coefficients(x_proj).")

    def recur(self, x_proj_t: Tensor, state: State, params: Params) -> State:
        """One step, ``h_t = a_t ⊙ h_{t-1} + b_t``: ``(B, G*H)`` and ``(h,)`` -> ``(h_t,)``."""
        (h,) = state
        a, b = self.coefficients(x_proj_t)  # (B, H) each
        return (a * h + b,)
