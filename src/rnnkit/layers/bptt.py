"""Hand-written backpropagation through time (the ``bptt`` backend): one layer-direction of a cell as
one autograd node, the NumPy reference's algorithm in torch operations.

Forward, for ``t`` in time order (reversed for the backward direction)::

    h_in_t  = h_{t-1} ⊙ m                     (m: the recurrent-dropout mask, or 1)
    rec_t   = W_hh h_in_t (+ b)               one recurrent matrix product per step
    state_t = cell.bptt_step(x_proj_t, rec_t, state_{t-1})     the element-wise rest

keeping only what the cell's backward needs, and no autograd graph. Backward, once in reverse::

    (∂x_proj_t, ∂rec_t, ∂state_{t-1} direct) = cell.bptt_step_backward(∂state_t)
    ∂h_{t-1} += (∂rec_t W_hh) ⊙ m

and the weight gradients of all steps in one large product each, after the loop::

    ∂W_hh = Σ_t ∂rec_tᵀ h_in_t    ((G*H, B*T) @ (B*T, H): one matrix product, not T small ones)
    ∂b    = Σ_t ∂rec_t

The input projection ``x_proj = W_ih x + b`` stays outside, so autograd computes its gradient as one
large product too. Padded steps (``mask`` False) carry the state and output zero, as in
:func:`rnnkit.layers.recurrent.run_over_time`; their gradients pass the state's gradient through.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from ..cells.base import Params, RecurrentCell, Saved, State


def why_not(cell: RecurrentCell) -> str | None:
    """Why the ``bptt`` backend cannot run this cell (None when it can)."""
    return cell.why_not_bptt()


def bptt_parameter_names(cell: RecurrentCell, params: Params) -> list[str]:
    """The parameters one layer-direction's BPTT node reads: ``weight_hh``, the recurrent bias,
    and the step's own (those the cell has)."""
    names = ["weight_hh"]
    if cell.bptt_recurrent_bias is not None:
        names.append(cell.bptt_recurrent_bias)
    names += cell.bptt_step_parameters
    return [name for name in names if name in params]


def bptt_over_time(
    cell: RecurrentCell,
    x_proj: Tensor,
    state: State,
    params: Params,
    mask: Tensor | None = None,
    reverse: bool = False,
    h_mask: Tensor | None = None,
) -> tuple[Tensor, State]:
    """What :func:`~rnnkit.layers.recurrent.run_over_time` computes, as one autograd node with the
    cell's hand-written derivatives (:meth:`~rnnkit.cells.RecurrentCell.bptt_step`).

    Shapes:
        x_proj ``(B, T, G*H)`` (from ``cell.project_input``); state: tuple of ``(B, H)``;
        mask ``(B, T)`` bool or None; h_mask ``(B, H)`` or None. Returns outputs ``(B, T, H)``
        (zero past each length) and the final state.
    """
    reason = why_not(cell)
    if reason is not None:
        raise ValueError(f"bptt_over_time: {reason}. Use the loop backend (run_over_time).")
    names = bptt_parameter_names(cell, params)
    out, *final = _BPTT.apply(
        cell, names, mask, h_mask, reverse, len(state), x_proj, *state, *(params[n] for n in names)
    )
    return out, tuple(final)


class _BPTT(torch.autograd.Function):
    """The forward and hand-written backward of one layer-direction (see the module docstring)."""

    @staticmethod
    def forward(
        ctx: Any,
        cell: RecurrentCell,
        names: list[str],
        mask: Tensor | None,
        h_mask: Tensor | None,
        reverse: bool,
        num_states: int,
        x_proj: Tensor,
        *tensors: Tensor,
    ) -> tuple[Tensor, ...]:
        state: State = tensors[:num_states]
        params = dict(zip(names, tensors[num_states:], strict=True))
        weight_t = params["weight_hh"].t()  # (H, G*H), a view made once, not per step
        bias = params.get(cell.bptt_recurrent_bias) if cell.bptt_recurrent_bias else None
        T = x_proj.shape[1]
        steps = range(T - 1, -1, -1) if reverse else range(T)
        real_steps = mask.unsqueeze(-1).unbind(1) if mask is not None else None  # T x (B, 1)
        keep = any(ctx.needs_input_grad)
        outputs: list[Tensor] = [x_proj] * T  # placeholders, all overwritten
        h_ins: list[Tensor] = [x_proj] * T
        saved: list[Saved] = [()] * T
        for t in steps:
            h_in = state[0] if h_mask is None else state[0] * h_mask
            rec = h_in.mm(weight_t) if bias is None else torch.addmm(bias, h_in, weight_t)
            new_state, saved_t = cell.bptt_step(x_proj[:, t], rec, state, params)
            if real_steps is None:
                state = new_state
                outputs[t] = new_state[0]
            else:
                real = real_steps[t]
                state = tuple(torch.where(real, new, old) for new, old in zip(new_state, state, strict=True))
                outputs[t] = torch.where(real, new_state[0], 0.0)
            if keep:
                h_ins[t], saved[t] = h_in, saved_t
        if keep:
            ctx.cell, ctx.names, ctx.reverse, ctx.num_states = cell, names, reverse, num_states
            ctx.saved, ctx.h_ins, ctx.real_steps = saved, h_ins, real_steps
            ctx.save_for_backward(x_proj, h_mask, *tensors[num_states:])
        return (torch.stack(outputs, dim=1), *state)

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, d_out: Tensor, *d_final: Tensor) -> tuple[Tensor | None, ...]:
        cell: RecurrentCell = ctx.cell
        x_proj, h_mask, *param_values = ctx.saved_tensors
        params = dict(zip(ctx.names, param_values, strict=True))
        weight_hh = params["weight_hh"]
        B, T, _ = x_proj.shape
        d_x_proj = torch.empty_like(x_proj)  # (B, T, G*H)
        d_rec_all: Tensor | None = None  # (B, T, G*H) where it differs from d_x_proj
        d_params: dict[str, Tensor] = {}
        d_state = tuple(d_final)
        steps = range(T) if ctx.reverse else range(T - 1, -1, -1)
        for t in steps:
            d_new = (d_state[0] + d_out[:, t], *d_state[1:])
            carried: tuple[Tensor, ...] | None = None
            if ctx.real_steps is not None:  # a padded step passed the state on and output zero
                real = ctx.real_steps[t]
                carried = tuple(torch.where(real, 0.0, d) for d in d_state)
                d_new = tuple(torch.where(real, d, 0.0) for d in d_new)
            step = cell.bptt_step_backward(ctx.saved[t], d_new, params)
            d_x_proj[:, t] = step.x_proj
            if step.rec is not None:
                if d_rec_all is None:
                    d_rec_all = torch.empty_like(x_proj)
                d_rec_all[:, t] = step.rec
            d_h_in = (step.x_proj if step.rec is None else step.rec).mm(weight_hh)  # (B, H)
            d_h = d_h_in if h_mask is None else d_h_in * h_mask
            direct = step.state  # None: that entry is read only through rec_t
            d_prev = [d_h if direct[0] is None else direct[0] + d_h]
            d_prev += [
                torch.zeros_like(d) if g is None else g for g, d in zip(direct[1:], d_new[1:], strict=True)
            ]
            if carried is not None:
                d_prev = [d + c for d, c in zip(d_prev, carried, strict=True)]
            d_state = tuple(d_prev)
            for name, grad in step.params.items():
                d_params[name] = grad if name not in d_params else d_params[name] + grad
        d_rec_all = d_x_proj if d_rec_all is None else d_rec_all
        d_rec_rows = d_rec_all.reshape(B * T, -1)  # (B*T, G*H)
        h_in_rows = torch.stack(ctx.h_ins, dim=1).reshape(B * T, -1)  # (B*T, H)
        d_params["weight_hh"] = d_rec_rows.t().mm(h_in_rows)  # (G*H, H)
        bias_name = cell.bptt_recurrent_bias
        if bias_name is not None and bias_name in params:
            d_params[bias_name] = d_rec_rows.sum(dim=0)
        d_inputs = (d_x_proj, *d_state, *(d_params[name] for name in ctx.names))
        return (None, None, None, None, None, None, *d_inputs)
