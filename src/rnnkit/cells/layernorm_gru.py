"""The layer-normalised GRU cell (layer normalisation as in Ba, Kiros & Hinton 2016)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

from .base import Params, Saved, State, StepGradients
from .gru import GRUCell, gru_gates_backward, gru_gates_saved


class LayerNormGRUCell(GRUCell):
    """GRU with layer normalisation of the input and recurrent products.

    Equations (LN as in :class:`~rnnkit.cells.layernorm_lstm.LayerNormLSTMCell`)::

        a_t = LN_ih(W_x x_t) + b_x,   u_t = LN_hh(W_h h_{t-1}) + b_h     (3H each, blocks r, z, n)
        r_t = σ(a_r + u_r),   z_t = σ(a_z + u_z)
        n_t = tanh(a_n + r_t ⊙ u_n)
        h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

    Parameters: those of :class:`GRUCell` plus ``ln_ih_weight``/``ln_ih_bias`` and
    ``ln_hh_weight``/``ln_hh_bias``, each ``(3H,)``; gains start at 1, shifts at 0.
    Runs on the ``loop`` backend only (torch.nn has no kernel for it).

    Shapes:
        x_t ``(B, D)``; state ``(h,)`` with h ``(B, H)``.

    Example:
        >>> import torch
        >>> h, _ = LayerNormGRUCell(3, 4)(torch.randn(2, 3))
        >>> tuple(h.shape)
        (2, 4)
    """

    eps = 1e-5

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        G, H = self.num_gates, self.hidden_size
        shapes = super().parameter_shapes()
        for name in ("ln_ih", "ln_hh"):
            shapes[f"{name}_weight"] = (G * H,)
            shapes[f"{name}_bias"] = (G * H,)
        return shapes

    def init_parameters(self, params: Params) -> None:
        super().init_parameters(params)
        with torch.no_grad():
            for name, tensor in params.items():
                if name.startswith("ln_"):
                    tensor.fill_(1.0 if name.endswith("_weight") else 0.0)

    def project_input(self, x: Tensor, params: Params) -> Tensor:
        """``LN_ih(W_x x) + b_x``: ``(..., D) -> (..., 3H)``."""
        x_proj = F.linear(x, params["weight_ih"])  # (..., 3H)
        return F.layer_norm(
            x_proj,
            x_proj.shape[-1:],
            params["ln_ih_weight"],
            params["ln_ih_bias"],
            self.eps,
        ) + (params["bias_ih"] if "bias_ih" in params else 0.0)

    def project_hidden(self, h: Tensor, params: Params) -> Tensor:
        """``LN_hh(W_h h) + b_h``: ``(B, H) -> (B, 3H)``."""
        h_proj = F.linear(h, params["weight_hh"])  # (B, 3H)
        h_proj = F.layer_norm(
            h_proj, h_proj.shape[-1:], params["ln_hh_weight"], params["ln_hh_bias"], self.eps
        )
        return h_proj + (params["bias_hh"] if "bias_hh" in params else 0.0)

    bptt_recurrent_bias = None  # b_h is added after LN_hh, in the step
    bptt_step_parameters = ("ln_hh_weight", "ln_hh_bias", "bias_hh")

    def bptt_step(self, x_proj_t: Tensor, rec_t: Tensor, state: State, params: Params) -> tuple[State, Saved]:
        """:meth:`project_hidden` from ``rec_t = W_h h_in`` on, then the GRU's gates."""
        h_proj, rec_mean, rec_rstd = torch.ops.aten.native_layer_norm(
            rec_t, [3 * self.hidden_size], params["ln_hh_weight"], params["ln_hh_bias"], self.eps
        )
        if "bias_hh" in params:
            h_proj = h_proj + params["bias_hh"]
        new_state, saved = gru_gates_saved(x_proj_t, h_proj, state[0])
        return new_state, (*saved, rec_t, rec_mean, rec_rstd)

    def bptt_step_backward(self, saved: Saved, d_state: State, params: Params) -> StepGradients:
        """The GRU's derivatives, then layer norm's (ATen's ``native_layer_norm_backward``)."""
        *gate_saved, rec_t, rec_mean, rec_rstd = saved
        d_x_proj, d_h_proj, d_h_prev = gru_gates_backward(tuple(gate_saved), d_state[0])
        d_rec, d_weight, d_bias = torch.ops.aten.native_layer_norm_backward(
            d_h_proj,
            rec_t,
            [3 * self.hidden_size],
            rec_mean,
            rec_rstd,
            params["ln_hh_weight"],
            params["ln_hh_bias"],
            [True, True, True],
        )
        grads = {"ln_hh_weight": d_weight, "ln_hh_bias": d_bias}
        if "bias_hh" in params:
            grads["bias_hh"] = d_h_proj.sum(dim=0)
        return StepGradients(d_x_proj, d_rec, (d_h_prev,), grads)
