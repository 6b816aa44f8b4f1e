"""The layer-normalised LSTM cell (Ba, Kiros & Hinton 2016, "Layer Normalization", section 3.1)."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor
from torch.nn import functional as F

from .base import Params, Saved, State, StepGradients
from .lstm import LSTMCell, activated_gate, lstm_activations, lstm_cell_state, lstm_gates_backward


class LayerNormLSTMCell(LSTMCell):
    """LSTM with layer normalisation of the input products, the recurrent products and the cell.

    Equations (LN(a) = γ ⊙ (a - mean(a)) / sqrt(var(a) + eps) + β over the feature axis)::

        [i; f; g; o]_t = LN_ih(W_x x_t) + LN_hh(W_h h_{t-1}) + b       (4H gate pre-activations)
        c_t = σ(f_t) ⊙ c_{t-1} + σ(i_t) ⊙ tanh(g_t)
        h_t = σ(o_t) ⊙ tanh(LN_c(c_t))

    Normalising each product separately keeps the gates' scale independent of ``||x||`` and
    ``||h||``, which stabilises training of deep and long recurrences. torch.nn has no fused
    kernel for it, so it always runs on the ``loop`` backend.

    Parameters: those of :class:`LSTMCell` (``weight_ih`` ``(4H, D)``, ``weight_hh`` ``(4H, H)``,
    ``bias_ih``/``bias_hh`` ``(4H,)``, b = their sum) plus the LN gains and shifts
    ``ln_ih_weight``/``ln_ih_bias`` ``(4H,)``, ``ln_hh_weight``/``ln_hh_bias`` ``(4H,)`` and
    ``ln_cell_weight``/``ln_cell_bias`` ``(H,)``; gains start at 1, shifts at 0.

    Shapes:
        x_t ``(B, D)``; state ``(h, c)``, each ``(B, H)``.

    Example:
        >>> import torch
        >>> cell = LayerNormLSTMCell(3, 4)
        >>> h, (_, c) = cell(torch.randn(2, 3))
        >>> tuple(h.shape), sorted(n for n, _ in cell.named_parameters())[:2]
        ((2, 4), ['bias_hh', 'bias_ih'])
    """

    eps = 1e-5

    def __init__(self, *args: Any, proj_size: int = 0, **kwargs: Any) -> None:
        """:class:`LSTMCell`'s arguments, but no projection: ``proj_size`` must be 0."""
        if proj_size:
            raise ValueError(
                f"LayerNormLSTMCell: proj_size={proj_size!r}, but the layer-normalised LSTM has no "
                "projection. Use rnnkit.LSTM(proj_size=...) (LSTMCell) for LSTMP, or proj_size=0."
            )
        super().__init__(*args, **kwargs)

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        G, H = self.num_gates, self.hidden_size
        shapes = super().parameter_shapes()
        for name in ("ln_ih", "ln_hh"):
            shapes[f"{name}_weight"] = (G * H,)
            shapes[f"{name}_bias"] = (G * H,)
        shapes["ln_cell_weight"] = (H,)
        shapes["ln_cell_bias"] = (H,)
        return shapes

    def init_parameters(self, params: Params) -> None:
        super().init_parameters(params)
        with torch.no_grad():
            for name, tensor in params.items():
                if name.startswith("ln_"):
                    tensor.fill_(1.0 if name.endswith("_weight") else 0.0)

    def project_input(self, x: Tensor, params: Params) -> Tensor:
        """``LN_ih(W_x x) + b``: ``(..., D) -> (..., 4H)``."""
        x_proj = F.linear(x, params["weight_ih"])  # (..., 4H)
        x_proj = F.layer_norm(
            x_proj, x_proj.shape[-1:], params["ln_ih_weight"], params["ln_ih_bias"], self.eps
        )
        for name in ("bias_ih", "bias_hh"):
            if name in params:
                x_proj = x_proj + params[name]
        return x_proj

    def recur(
        self,
        x_proj_t: Tensor,
        state: State,
        params: Params,
        h_mask: Tensor | None = None,
    ) -> State:
        h, c = state
        h_in = h if h_mask is None else h * h_mask
        h_proj = F.linear(h_in, params["weight_hh"])  # (B, 4H)
        h_proj = F.layer_norm(
            h_proj, h_proj.shape[-1:], params["ln_hh_weight"], params["ln_hh_bias"], self.eps
        )
        i, f, g, o = (x_proj_t + h_proj).chunk(4, dim=1)  # (B, H) each
        c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
        c_norm = F.layer_norm(
            c_new, c_new.shape[-1:], params["ln_cell_weight"], params["ln_cell_bias"], self.eps
        )
        h_new = o.sigmoid() * c_norm.tanh()
        return (h_new, c_new)

    bptt_step_parameters = ("ln_hh_weight", "ln_hh_bias", "ln_cell_weight", "ln_cell_bias")

    def bptt_step(self, x_proj_t: Tensor, rec_t: Tensor, state: State, params: Params) -> tuple[State, Saved]:
        """:meth:`recur` from ``rec_t = W_h h_in`` on, keeping both normalisations' statistics."""
        H = self.hidden_size
        rec_norm, rec_mean, rec_rstd = torch.ops.aten.native_layer_norm(
            rec_t, [4 * H], params["ln_hh_weight"], params["ln_hh_bias"], self.eps
        )
        activated = lstm_activations(x_proj_t + rec_norm)  # (B, 4H)
        c_new = lstm_cell_state(activated, state[1])
        c_norm, c_mean, c_rstd = torch.ops.aten.native_layer_norm(
            c_new, [H], params["ln_cell_weight"], params["ln_cell_bias"], self.eps
        )
        tanh_c = c_norm.tanh()
        h_new = activated_gate(activated, 3) * tanh_c
        saved = (activated, state[1], tanh_c, rec_t, rec_mean, rec_rstd, c_new, c_mean, c_rstd)
        return (h_new, c_new), saved

    def bptt_step_backward(self, saved: Saved, d_state: State, params: Params) -> StepGradients:
        """The LSTM's derivatives with LN_cell between c_t and the tanh, and LN_hh between ``rec_t``
        and the gates (layer norm's own backward, ATen's ``native_layer_norm_backward``)."""
        activated, c_prev, tanh_c, rec_t, rec_mean, rec_rstd, c_new, c_mean, c_rstd = saved
        d_h, d_c = d_state
        H = self.hidden_size
        d_c_norm = d_h * activated_gate(activated, 3) * (1.0 - tanh_c * tanh_c)
        d_c_new, d_cell_weight, d_cell_bias = torch.ops.aten.native_layer_norm_backward(
            d_c_norm,
            c_new,
            [H],
            c_mean,
            c_rstd,
            params["ln_cell_weight"],
            params["ln_cell_bias"],
            [True, True, True],
        )
        d_gates, d_c_prev = lstm_gates_backward(activated, c_prev, d_c + d_c_new, d_h * tanh_c)
        d_rec, d_hh_weight, d_hh_bias = torch.ops.aten.native_layer_norm_backward(
            d_gates,
            rec_t,
            [4 * H],
            rec_mean,
            rec_rstd,
            params["ln_hh_weight"],
            params["ln_hh_bias"],
            [True, True, True],
        )
        grads = {
            "ln_hh_weight": d_hh_weight,
            "ln_hh_bias": d_hh_bias,
            "ln_cell_weight": d_cell_weight,
            "ln_cell_bias": d_cell_bias,
        }
        return StepGradients(d_gates, d_rec, (None, d_c_prev), grads)
