"""The Elman (simple) recurrent cell."""

from __future__ import annotations

from torch import Tensor

from .base import Params, RecurrentCell, Saved, State, StepGradients

_NONLINEARITIES = ("tanh", "relu")


class ElmanCell(RecurrentCell):
    """Elman's simple recurrent cell (torch.nn.RNNCell's maths and parameter layout).

    Equations::

        h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)        (or relu instead of tanh)
        y_t = W_hy h_t + b_y                             (the output head, outside the cell)

    In the other common notation U = W_xh (input -> hidden), W = W_hh (hidden -> hidden) and
    V = W_hy (hidden -> output, owned by the model's head, not by the cell).

    Parameters (torch.nn names):
        weight_ih: W_xh = U, ``(H, D)``.
        weight_hh: W_hh = W, ``(H, H)``.
        bias_ih, bias_hh: ``(H,)`` each; b_h = bias_ih + bias_hh (two biases, as torch.nn keeps them).

    Shapes:
        x_t ``(B, D)``, state ``(h,)`` with h ``(B, H)``; returns ``(h_t, (h_t,))``.

    Args:
        input_size: D.
        hidden_size: H.
        bias: whether to use ``bias_ih`` and ``bias_hh``.
        nonlinearity: ``"tanh"`` (default) or ``"relu"``.

    Example:
        >>> import torch
        >>> cell = ElmanCell(3, 5)
        >>> h, state = cell(torch.zeros(2, 3))
        >>> tuple(h.shape), len(state)
        ((2, 5), 1)
    """

    num_gates = 1
    state_names = ("h",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        *,
        own_parameters: bool = True,
    ) -> None:
        if nonlinearity not in _NONLINEARITIES:
            raise ValueError(
                f"ElmanCell: nonlinearity must be one of {_NONLINEARITIES}, got {nonlinearity!r}."
            )
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, own_parameters=own_parameters)

    def project_input(self, x: Tensor, params: Params) -> Tensor:
        """``W_xh x + b_ih + b_hh``: both biases are folded in here, off the sequential path."""
        x_proj = super().project_input(x, params)  # (..., H)
        if "bias_hh" in params:
            x_proj = x_proj + params["bias_hh"]
        return x_proj

    def recur(
        self,
        x_proj_t: Tensor,
        state: State,
        params: Params,
        h_mask: Tensor | None = None,
    ) -> State:
        """``h_t = act(x_proj_t + W_hh h_{t-1})``; ``h_mask`` is recurrent dropout on h_{t-1}."""
        (h,) = state
        h_in = h if h_mask is None else h * h_mask
        pre = x_proj_t.addmm(h_in, params["weight_hh"].t())  # (B, H)
        h_new = pre.tanh() if self.nonlinearity == "tanh" else pre.relu()
        return (h_new,)

    def bptt_step(self, x_proj_t: Tensor, rec_t: Tensor, state: State, params: Params) -> tuple[State, Saved]:
        """``h_t = act(x_proj_t + rec_t)``; keeps h_t (both derivatives are functions of it)."""
        pre = x_proj_t + rec_t  # (B, H)
        h_new = pre.tanh() if self.nonlinearity == "tanh" else pre.relu()
        return (h_new,), (h_new,)

    def bptt_step_backward(self, saved: Saved, d_state: State, params: Params) -> StepGradients:
        """``∂L/∂pre = ∂L/∂h_t ⊙ (1 - h_t²)`` (tanh) or ``⊙ [h_t > 0]`` (relu); h_{t-1} is read
        only through ``rec_t``."""
        (h_new,) = saved
        (d_h,) = d_state
        if self.nonlinearity == "tanh":
            d_pre = d_h - d_h * h_new * h_new
        else:
            d_pre = d_h * (h_new > 0)
        return StepGradients(d_pre, None, (None,), {})

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"
