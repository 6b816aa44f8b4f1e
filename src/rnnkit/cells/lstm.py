"""The long short-term memory cell (Hochreiter & Schmidhuber 1997, with forget gate, Gers et al. 2000)."""

from __future__ import annotations

import torch
from torch import Tensor

from ..kernels import usable
from .base import Params, RecurrentCell, Saved, State, StepGradients, xavier_uniform_


class LSTMCell(RecurrentCell):
    """LSTM cell (torch.nn.LSTMCell's maths and parameter layout), with an optional projection of h_t
    (LSTMP, Sak, Senior & Beaufays 2014; torch.nn.LSTM's ``proj_size``).

    Equations::

        i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i)          input gate
        f_t = σ(W_xf x_t + W_hf h_{t-1} + b_f)          forget gate
        g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)       candidate cell (C~_t)
        o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o)          output gate
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                 cell state C_t
        h_t = o_t ⊙ tanh(c_t)                           proj_size = 0
        h_t = W_hr (o_t ⊙ tanh(c_t))                    proj_size = P > 0: h_t has P features

    Parameters (torch.nn names; gate blocks stacked in the order i, f, g, o; R = P if P > 0 else H):
        weight_ih: ``[W_xi; W_xf; W_xg; W_xo]``, ``(4H, D)``.
        weight_hh: ``[W_hi; W_hf; W_hg; W_ho]``, ``(4H, R)``: the gates read the projected h_{t-1}.
        bias_ih, bias_hh: ``(4H,)`` each; ``b_* = bias_ih[*] + bias_hh[*]``.
        weight_hr: ``W_hr``, ``(P, H)``, only when P > 0.

    Shapes:
        x_t ``(B, D)``; state ``(h, c)``: h ``(B, R)``, c ``(B, H)``; returns ``(h_t, (h_t, c_t))``.

    Args:
        input_size: D.
        hidden_size: H, the features of the cell state and the gates.
        bias: whether to use ``bias_ih`` and ``bias_hh``.
        forget_bias: initial value of b_f (written into ``bias_ih``'s f-block; ``bias_hh`` stays
            zero). 0.0 by default; 1.0 (Jozefowicz et al. 2015) helps long-range memory early in
            training.
        proj_size: P, the features h_t is projected to; 0 (the default) for no projection, else
            ``0 < P < H``.

    Example:
        >>> import torch
        >>> cell = LSTMCell(3, 5, forget_bias=1.0)
        >>> h, (h_again, c) = cell(torch.zeros(2, 3))
        >>> tuple(c.shape), float(cell.bias_ih.detach()[5:10].mean())
        ((2, 5), 1.0)
        >>> h, (_, c) = LSTMCell(3, 5, proj_size=2)(torch.zeros(2, 3))
        >>> tuple(h.shape), tuple(c.shape)
        ((2, 2), (2, 5))
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
        proj_size: int = 0,
        own_parameters: bool = True,
    ) -> None:
        self.forget_bias = float(forget_bias)
        self.proj_size = check_proj_size(type(self).__name__, proj_size, hidden_size)
        super().__init__(input_size, hidden_size, bias, own_parameters=own_parameters)

    @property
    def state_size(self) -> tuple[int, ...]:
        """``(R, H)``: h has P features with a projection (R = P), else H."""
        return (self.proj_size or self.hidden_size, self.hidden_size)

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """torch.nn.LSTM's: weight_hh ``(4H, R)``, and weight_hr ``(P, H)`` last when P > 0."""
        shapes = super().parameter_shapes()
        if self.proj_size:
            shapes["weight_hh"] = (4 * self.hidden_size, self.proj_size)
            shapes["weight_hr"] = (self.proj_size, self.hidden_size)
        return shapes

    def init_parameters(self, params: Params) -> None:
        """Xavier/orthogonal/zeros (see :class:`RecurrentCell`; with a projection each gate's (H, P)
        block of weight_hh is semi-orthogonal), W_hr Xavier-uniform, then b_f = ``forget_bias``."""
        super().init_parameters(params)
        H = self.hidden_size
        with torch.no_grad():
            if "weight_hr" in params:
                xavier_uniform_(params["weight_hr"])
            if "bias_ih" in params and self.forget_bias:
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
        h, c = state  # (B, R), (B, H)
        h_in = h if h_mask is None else h * h_mask
        gates = x_proj_t.addmm(h_in, params["weight_hh"].t())  # (B, 4H)
        i, f, g, o = gates.chunk(4, dim=1)  # (B, H) each
        c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h_new = o.sigmoid() * c_new.tanh()  # (B, H)
        if self.proj_size:
            h_new = h_new.mm(params["weight_hr"].t())  # (B, P)
        return (h_new, c_new)

    def bptt_step(self, x_proj_t: Tensor, rec_t: Tensor, state: State, params: Params) -> tuple[State, Saved]:
        """The gates from ``x_proj_t + rec_t`` on (no projection: :meth:`why_not_bptt`)."""
        kernels = usable(x_proj_t, rec_t, state[1])
        if kernels is not None:  # the same maths in one compiled pass (rnnkit.kernels)
            h_new, c_new, activated, tanh_c = kernels.lstm_step_forward(x_proj_t, rec_t, state[1])
            return (h_new, c_new), (activated, state[1], tanh_c)
        gates = x_proj_t + rec_t  # (B, 4H)
        activated = lstm_activations(gates)
        c_new = lstm_cell_state(activated, state[1])
        tanh_c = c_new.tanh()
        h_new = activated_gate(activated, 3) * tanh_c  # (B, H)
        return (h_new, c_new), (activated, state[1], tanh_c)

    def bptt_step_backward(self, saved: Saved, d_state: State, params: Params) -> StepGradients:
        """``∂c_t += ∂h_t ⊙ o ⊙ (1 - tanh²c_t)``, ``∂o = ∂h_t ⊙ tanh c_t``, then
        :func:`lstm_gates_backward`; the gates' gradient is both x_proj_t's and rec_t's."""
        activated, c_prev, tanh_c = saved
        d_h, d_c = d_state
        kernels = usable(activated, c_prev, tanh_c, d_h, d_c)
        if kernels is not None:
            d_gates, d_c_prev = kernels.lstm_step_backward(activated, c_prev, tanh_c, d_h, d_c)
            return StepGradients(d_gates, None, (None, d_c_prev), {})
        d_c_total = d_c + d_h * activated_gate(activated, 3) * (1.0 - tanh_c * tanh_c)
        d_gates, d_c_prev = lstm_gates_backward(activated, c_prev, d_c_total, d_h * tanh_c)
        return StepGradients(d_gates, None, (None, d_c_prev), {})

    def why_not_bptt(self) -> str | None:
        if self.proj_size:
            return f"proj_size={self.proj_size}: the hand-written BPTT has no projection of h_t"
        return super().why_not_bptt()

    def extra_repr(self) -> str:
        extra = f", forget_bias={self.forget_bias}" if self.forget_bias else ""
        return super().extra_repr() + extra + (f", proj_size={self.proj_size}" if self.proj_size else "")


def lstm_activations(gates: Tensor) -> Tensor:
    """``[σ(i); σ(f); tanh(g); σ(o)]`` from the pre-activations ``(B, 4H)``, in one tensor."""
    H = gates.shape[1] // 4
    activated = gates.sigmoid()
    activated[:, 2 * H : 3 * H] = gates[:, 2 * H : 3 * H].tanh()
    return activated


def activated_gate(activated: Tensor, index: int) -> Tensor:
    """Gate ``index`` (0 i, 1 f, 2 g, 3 o) of :func:`lstm_activations`' result, ``(B, H)``."""
    H = activated.shape[1] // 4
    return activated[:, index * H : (index + 1) * H]


def lstm_cell_state(activated: Tensor, c_prev: Tensor) -> Tensor:
    """``c_t = f ⊙ c_{t-1} + i ⊙ g`` from :func:`lstm_activations`' result, ``(B, H)``."""
    i, f, g, _ = activated.chunk(4, dim=1)  # (B, H) each
    return torch.addcmul(f * c_prev, i, g)


def lstm_gates_backward(
    activated: Tensor, c_prev: Tensor, d_c_total: Tensor, d_o: Tensor
) -> tuple[Tensor, Tensor]:
    """From ``∂L/∂c_t`` (all paths: the next step's and h_t's) and ``∂L/∂o_t`` to the gate
    pre-activations and ``∂L/∂c_{t-1}``::

        ∂i = ∂c ⊙ g ⊙ i(1-i),  ∂f = ∂c ⊙ c_{t-1} ⊙ f(1-f),  ∂g = ∂c ⊙ i ⊙ (1-g²),  ∂o ⊙ o(1-o)
        ∂c_{t-1} = ∂c ⊙ f

    Shapes: activated ``(B, 4H)`` (:func:`lstm_activations`), the rest ``(B, H)``.
    """
    i, f, g, o = activated.chunk(4, dim=1)
    d_activated = torch.cat((d_c_total * g, d_c_total * c_prev, d_c_total * i, d_o), dim=1)  # (B, 4H)
    slope = activated - activated * activated  # σ' = σ(1-σ) on i, f, o
    H = activated.shape[1] // 4
    slope[:, 2 * H : 3 * H] = 1.0 - g * g  # tanh' on g
    return d_activated * slope, d_c_total * f


def check_proj_size(owner: str, proj_size: object, hidden_size: object) -> int:
    """``proj_size``: an int with ``0 <= proj_size < hidden_size`` (torch.nn.LSTM's bounds and wording).

    Example:
        >>> check_proj_size("LSTM", 0, 4), check_proj_size("LSTM", 3, 4)
        (0, 3)
    """
    if isinstance(proj_size, bool) or not isinstance(proj_size, int):
        raise TypeError(
            f"{owner}: proj_size should be of type int, got: {type(proj_size).__name__} ({proj_size!r}). "
            "Pass 0 for no projection or the number of features h_t is projected to."
        )
    if proj_size < 0:
        raise ValueError(
            f"{owner}: proj_size should be a positive integer or zero to disable projections, got "
            f"{proj_size}."
        )
    if proj_size and isinstance(hidden_size, int) and proj_size >= hidden_size:
        raise ValueError(
            f"{owner}: proj_size has to be smaller than hidden_size ({hidden_size}), got {proj_size}. "
            f"Pass proj_size < {hidden_size}, or 0 for no projection."
        )
    return proj_size
