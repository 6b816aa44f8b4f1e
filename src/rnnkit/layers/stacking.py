"""The one loop over layers, directions and inter-layer dropout, shared by every backend that needs it.

Equations (layer k, direction d, K directions, L layers)::

    o^0 = x
    o^{k+1}_d, s^k_d = run_direction(k, d, o^k)            each (B, T, H)
    o^{k+1} = [o^{k+1}_0; o^{k+1}_1]                        (B, T, K*H), directions side by side
    o^{k+1} = dropout(o^{k+1})  for k < L - 1, in training only
    output = o^L;  final state = stack over (k, d) of s^k_d  (L*K, B, H), torch.nn's order

What one layer-direction does is the caller's: the ``loop`` backend steps a cell over time
(:meth:`rnnkit.layers.RecurrentStack._run_loop`); the fused path on ragged CPU batches runs PyTorch's
padded kernel one layer-direction at a time (:func:`rnnkit.layers.fused.run_fused`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor
from torch.nn import functional as F

DirectionFn = Callable[[int, int, Tensor], tuple[Tensor, tuple[Tensor, ...]]]
"""``run_direction(layer, direction, layer_input (B, T, F)) -> (output (B, T, H), final state)``; the
final state is a tuple of ``(B, H)`` tensors (``(h,)`` or ``(h, c)``)."""


def run_stack(
    x: Tensor,
    run_direction: DirectionFn,
    *,
    num_layers: int,
    num_directions: int,
    dropout: float,
    training: bool,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """Run ``num_layers`` layers of ``num_directions`` directions each, as in the module docstring.

    Shapes:
        x ``(B, T, D)``. Returns the last layer's output ``(B, T, K*H)`` and the final state, a tuple
        of ``(L*K, B, H)`` tensors (one per state tensor of the cell), layer-major as torch.nn orders it.

    Example:
        >>> def run_direction(k, d, x):  # a toy "layer": the input summed over features, and its last step
        ...     out = x.sum(-1, keepdim=True)  # (B, T, 1)
        ...     return out, (out[:, -1],)
        >>> out, (h_n,) = run_stack(torch.ones(2, 3, 4), run_direction, num_layers=2, num_directions=2,
        ...                         dropout=0.0, training=False)
        >>> tuple(out.shape), tuple(h_n.shape), out[0, 0].tolist()
        ((2, 3, 2), (4, 2, 1), [8.0, 8.0])
    """
    finals: list[tuple[Tensor, ...]] = []
    layer_input = x  # (B, T, D), then (B, T, K*H)
    for k in range(num_layers):
        outputs = []
        for d in range(num_directions):
            out, final = run_direction(k, d, layer_input)  # (B, T, H)
            outputs.append(out)
            finals.append(final)
        layer_input = outputs[0] if num_directions == 1 else torch.cat(outputs, dim=-1)  # (B, T, K*H)
        if dropout and training and k < num_layers - 1:
            layer_input = F.dropout(layer_input, dropout, training=True)
    return layer_input, tuple(torch.stack(parts) for parts in zip(*finals, strict=True))  # (L*K, B, H)
