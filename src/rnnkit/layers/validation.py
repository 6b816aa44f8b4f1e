"""Input checks for the recurrent layers: clear errors at the top of ``forward``, never inside the loop.

Every message says what was wrong, what was given, what was expected and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor


def check_sequence(owner: str, x: object, input_size: int, param_dtype: torch.dtype) -> Tensor:
    """Check the input sequence ``x``: a floating tensor of rank 2 or 3 with ``input_size`` features."""
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{owner}: x must be a torch.Tensor of shape (batch, time, {input_size}), got "
            f"{type(x).__name__}. Convert it with torch.as_tensor(x, dtype=torch.float32)."
        )
    if not x.is_floating_point():
        raise TypeError(
            f"{owner}: x must hold floats, got dtype {x.dtype}. Token ids need an embedding first "
            f"(torch.nn.Embedding); real-valued data needs x.float()."
        )
    if x.dim() not in (2, 3):
        raise ValueError(
            f"{owner}: x must be 3-D (batch, time, features) or 2-D (time, features), got a "
            f"{x.dim()}-D tensor of shape {tuple(x.shape)}. Add a batch axis with x.unsqueeze(0) "
            f"or a feature axis with x.unsqueeze(-1)."
        )
    if x.shape[-1] != input_size:
        raise ValueError(
            f"{owner}: x has {x.shape[-1]} features (shape {tuple(x.shape)}) but the layer was built "
            f"with input_size={input_size}. Build the layer with input_size={x.shape[-1]} or "
            f"project the input to {input_size} features."
        )
    if x.dtype != param_dtype:
        raise TypeError(
            f"{owner}: x is {x.dtype} but the layer's parameters are {param_dtype}. Cast one to "
            f"the other, e.g. x.to({param_dtype}) or layer.to({x.dtype})."
        )
    return x


def check_lengths(owner: str, lengths: object, batch_size: int, time_steps: int) -> Tensor:
    """Check ``lengths`` and return it as an int64 CPU tensor ``(batch,)``."""
    if isinstance(lengths, Sequence) and not isinstance(lengths, str):
        lengths = torch.as_tensor(list(lengths))
    if not isinstance(lengths, Tensor):
        raise TypeError(
            f"{owner}: lengths must be a 1-D integer tensor or list of ints, got {type(lengths).__name__}."
        )
    if lengths.is_floating_point() or lengths.is_complex() or lengths.dtype == torch.bool:
        raise TypeError(
            f"{owner}: lengths must hold integers, got dtype {lengths.dtype}. Use lengths.long()."
        )
    if lengths.dim() != 1 or lengths.shape[0] != batch_size:
        raise ValueError(
            f"{owner}: lengths must have shape ({batch_size},), one length per sequence in the "
            f"batch, got shape {tuple(lengths.shape)}."
        )
    lengths = lengths.to("cpu", torch.int64)
    shortest, longest = int(lengths.min()), int(lengths.max())
    if shortest < 1:
        raise ValueError(
            f"{owner}: every length must be >= 1, got {shortest} at index "
            f"{int(lengths.argmin())}. Drop empty sequences from the batch before the layer."
        )
    if longest > time_steps:
        raise ValueError(
            f"{owner}: lengths must be <= the time axis ({time_steps}), got {longest} at index "
            f"{int(lengths.argmax())}. Pad x to the longest sequence or fix the lengths."
        )
    return lengths


def check_state(
    owner: str,
    state: object,
    names: tuple[str, ...],
    expected_shape: tuple[int, ...],
    dtype: torch.dtype,
) -> tuple[Tensor, ...]:
    """Check an initial state: one tensor (``names == ("h",)``) or a tuple ``(h, c)``."""
    if isinstance(state, Tensor):
        state = (state,)
    if not isinstance(state, (tuple, list)) or len(state) != len(names):
        kind = "a tensor h_0" if len(names) == 1 else f"a tuple ({', '.join(n + '_0' for n in names)})"
        raise TypeError(
            f"{owner}: state must be {kind}, each of shape {expected_shape}, got "
            f"{type(state).__name__}{'' if not isinstance(state, (tuple, list)) else f' of {len(state)}'}."
        )
    for name, tensor in zip(names, state, strict=True):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{owner}: state {name}_0 must be a tensor, got {type(tensor).__name__}.")
        if tuple(tensor.shape) != expected_shape:
            raise ValueError(
                f"{owner}: state {name}_0 must have shape {expected_shape} "
                f"(num_layers * num_directions, batch, hidden_size), got {tuple(tensor.shape)}."
            )
        if tensor.dtype != dtype:
            raise TypeError(
                f"{owner}: state {name}_0 is {tensor.dtype} but the input is {dtype}; cast it with "
                f".to({dtype})."
            )
    return tuple(state)
