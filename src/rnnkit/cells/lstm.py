"""The long short-term memory cell (Hochreiter & Schmidhuber 1997, with forget gate, Gers et al. 2000)."""

from __future__ import annotations

import torch
from torch import Tensor

from .base import Params, RecurrentCell, State


class LSTMCell(RecurrentCell):
    """LSTM cell (torch.nn.LSTMCell's maths and parameter layout).

    Equations::

        i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i)          input gate
        f_t = σ(W_xf x_t + W_hf h_{t-1} + b_f)          forget gate
        g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)       candidate cell (C~_t)
        o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o)          output gate
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                 cell state C_t
        h_t = o_t ⊙ tanh(c_t)

    Parameters (torch.nn names; gate blocks stacked in the order i, f, g, o):
        weight_ih: ``[W_xi; W_xf; W_xg; W_xo]``, ``(4H, D)``.
        weight_hh: ``[W_hi; W_hf; W_hg; W_ho]``, ``(4H, H)``.
        bias_ih, bias_hh: ``(4H,)`` each; ``b_* = bias_ih[*] + bias_hh[*]``.

    Shapes:
        x_t ``(B, D)``; state ``(h, c)``, each ``(B, H)``; returns ``(h_t, (h_t, c_t))``.

    Args:
        input_size: D.
        hidden_size: H.
        bias: whether to use ``bias_ih`` and ``bias_hh``.
        forget_bias: initial value of b_f (written into ``bias_ih``'s f-block; ``bias_hh`` stays
            zero). 0.0 by default; 1.0 (Jozefowicz et al. 2015) helps long-range memory early in
            training.

    Example:
        >>> import torch
        >>> cell = LSTMCell(3, 5, forget_bias=1.0)
        >>> h, (h_again, c) = cell(torch.zeros(2, 3))
        >>> tuple(c.shape), float(cell.bias_ih.detach()[5:10].mean())
        ((2, 5), 1.0)
    """

    num_gates = 4
    state_names = ("h", "c")

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        forget_bias: float = 0.0,
        own_parameters: bool = True,
    ) -> None:
        self.forget_bias = float(forget_bias)
        super().__init__(input_size, hidden_size, bias, own_parameters=own_parameters)

    def init_parameters(self, params: Params) -> None:
        """Xavier/orthogonal/zeros (see :class:`RecurrentCell`), then b_f = ``forget_bias``."""
        super().init_parameters(params)
        if "bias_ih" in params and self.forget_bias:
            H = self.hidden_size
            with torch.no_grad():
                params["bias_ih"][H : 2 * H].fill_(self.forget_bias)

    def project_input(self, x: Tensor, params: Params) -> Tensor:
        """``W_x* x + b_ih + b_hh`` for all four gates: ``(..., D) -> (..., 4H)``."""
        x_proj = super().project_input(x, params)
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
        """One LSTM step; ``h_mask`` is recurrent dropout applied to h_{t-1} in the products."""
        h, c = state
        h_in = h if h_mask is None else h * h_mask
        gates = x_proj_t.addmm(h_in, params["weight_hh"].t())  # (B, 4H)
        i, f, g, o = gates.chunk(4, dim=1)  # (B, H) each
        c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h_new = o.sigmoid() * c_new.tanh()
        return (h_new, c_new)

    def extra_repr(self) -> str:
        return super().extra_repr() + (f", forget_bias={self.forget_bias}" if self.forget_bias else "")
