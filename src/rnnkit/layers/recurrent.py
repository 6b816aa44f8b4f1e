"""One layer, one direction: a cell run over time (the ``loop`` backend)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..cells.base import Params, RecurrentCell, State, recurrence
from .masking import LengthsArg, padding_for
from .validation import check_sequence, check_state


def run_over_time(
    cell: RecurrentCell,
    x_proj: Tensor,
    state: State,
    params: Params,
    mask: Tensor | None = None,
    reverse: bool = False,
    h_mask: Tensor | None = None,
) -> tuple[Tensor, State]:
    """Step ``cell`` over the time axis of an already-projected input.

    Equations::

        state_t = mask_t ? cell(x_t, state_{t-1}) : state_{t-1}
        out_t   = mask_t ? h_t : 0

    Running the reverse direction from ``t = T-1`` down to ``0`` under the same mask reverses each
    sequence within its own length: padded steps come first and leave the initial state untouched.

    Shapes:
        x_proj ``(B, T, G*H)`` (from ``cell.project_input``); state: tuple of ``(B, H)``;
        mask ``(B, T)`` bool or None; h_mask ``(B, H)`` recurrent-dropout mask or None (given,
        it reaches ``cell.recur`` as ``h_mask=``; without it ``recur`` gets three arguments).
        Returns outputs ``(B, T, H)`` and the final state (each sequence's own last step).
    """
    recur = recurrence(cell, h_mask)
    x_steps = x_proj.unbind(1)  # T x (B, G*H)
    mask_steps = mask.unsqueeze(-1).unbind(1) if mask is not None else None  # T x (B, 1)
    time_steps = range(len(x_steps) - 1, -1, -1) if reverse else range(len(x_steps))
    outputs: list[Tensor] = [x_proj] * len(x_steps)  # placeholders, all overwritten
    for t in time_steps:
        new_state = recur(x_steps[t], state, params)
        if mask_steps is None:
            state = new_state
            outputs[t] = new_state[0]
        else:
            real = mask_steps[t]  # (B, 1)
            state = tuple(torch.where(real, new, old) for new, old in zip(new_state, state, strict=True))
            outputs[t] = torch.where(real, new_state[0], 0.0)
    return torch.stack(outputs, dim=1), state  # (B, T, H)


class Recurrent(nn.Module):
    """Any cell run over a batch of sequences, one direction (Keras' ``RNN(cell)``).

    This is how a new cell type gets sequence processing without writing a loop: write the cell,
    wrap it here. The stacked, bidirectional, torch.nn-compatible layers are :class:`rnnkit.RNN`,
    :class:`rnnkit.LSTM` and :class:`rnnkit.GRU`.

    Shapes:
        x ``(B, T, D)`` (batch first); lengths ``(B,)``; state: tuple of ``(B, H)`` tensors.
        Returns ``outputs (B, T, H)`` (zero past each length) and the final state.

    Args:
        cell: a :class:`~rnnkit.cells.RecurrentCell` with its own parameters.
        reverse: process each sequence from its last real step to its first.

    Example:
        >>> import torch
        >>> from rnnkit.cells import GRUCell
        >>> layer = Recurrent(GRUCell(3, 4))
        >>> out, (h,) = layer(torch.randn(2, 5, 3), lengths=torch.tensor([5, 2]))
        >>> tuple(out.shape), bool(out[1, 2:].abs().sum() == 0)
        ((2, 5, 4), True)
    """

    def __init__(self, cell: RecurrentCell, reverse: bool = False) -> None:
        super().__init__()
        if not isinstance(cell, RecurrentCell):
            raise TypeError(f"Recurrent: cell must be a RecurrentCell, got {type(cell).__name__}.")
        self.cell = cell
        self.reverse = reverse

    def forward(
        self,
        x: Tensor,
        state: State | Tensor | None = None,
        lengths: LengthsArg | None = None,
    ) -> tuple[Tensor, State]:
        params = dict(self.cell.named_parameters(recurse=False))
        dtype = next(iter(params.values())).dtype
        x = check_sequence("Recurrent", x, self.cell.input_size, dtype)
        if x.dim() != 3:
            raise ValueError(f"Recurrent: x must be (batch, time, features), got {tuple(x.shape)}.")
        B, T, _ = x.shape
        if state is None:
            state = self.cell.initial_state(B, dtype=x.dtype, device=x.device)
        else:
            shapes = tuple((B, size) for size in self.cell.state_size)
            state = check_state("Recurrent", state, self.cell.state_names, shapes, x.dtype)
        padding = padding_for("Recurrent", lengths, B, T, x.device)
        mask = None if padding is None else padding.mask  # (B, T)
        x_proj = self.cell.project_input(x, params)  # (B, T, G*H)
        return run_over_time(self.cell, x_proj, state, params, mask, self.reverse)
