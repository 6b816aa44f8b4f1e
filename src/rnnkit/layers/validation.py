"""Argument and input checks for the recurrent layers: in the constructor and at the top of
``forward``, never inside the loop.

Every message says what was wrong, what was given, what was expected and how to fix it. Where torch.nn
raises another type than rnnkit did, the error is of both types (see :mod:`rnnkit.layers.errors`),
and its message contains torch.nn's wording (``bias should be of type bool, got: str``), so code
written for either catches and matches it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from .errors import ArgumentTypeError, DtypeError, ShapeError


def check_bool(owner: str, name: str, value: object) -> bool:
    """``bias``, ``batch_first``, ``bidirectional``: a bool, not 1 nor the (truthy) string ``"False"``."""
    if not isinstance(value, bool):
        hint = " (a string is refused: 'False' would count as true)" if isinstance(value, str) else ""
        raise ArgumentTypeError(
            f"{owner}: {name} should be of type bool, got: {type(value).__name__} ({value!r}){hint}. "
            f"Pass {name}=True or {name}=False."
        )
    return value


def check_count(owner: str, name: str, value: object, example: int) -> int:
    """``input_size``, ``hidden_size``, ``num_layers``: an int greater than zero."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(
            f"{owner}: {name} should be of type int, got: {type(value).__name__} ({value!r}). "
            f"Pass a whole number, e.g. {name}={example}."
        )
    if value <= 0:
        raise ValueError(
            f"{owner}: {name} must be greater than zero, got {value}. Pass e.g. {name}={example}."
        )
    return value


def check_probability(owner: str, name: str, value: object, *, one_allowed: bool) -> float:
    """A dropout probability: a number in [0, 1] (``one_allowed``) or [0, 1)."""
    upper = "1]" if one_allowed else "1)"
    in_range = isinstance(value, (int, float)) and (0 <= value <= 1 if one_allowed else 0 <= value < 1)
    if isinstance(value, bool) or not in_range:
        raise ValueError(
            f"{owner}: {name} must be a number in [0, {upper}, the probability of zeroing an element, "
            f"got {value!r}. Use 0 to switch it off."
        )
    return float(value)  # type: ignore[arg-type]  # a number, checked above


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
        raise ShapeError(
            f"{owner}: x must be 3-D (batch, time, features) or 2-D (time, features), got a "
            f"{x.dim()}-D tensor of shape {tuple(x.shape)}. Add a batch axis with x.unsqueeze(0) "
            f"or a feature axis with x.unsqueeze(-1)."
        )
    if x.shape[-1] != input_size:
        raise ShapeError(
            f"{owner}: x has {x.shape[-1]} features (shape {tuple(x.shape)}) but the layer was built "
            f"with input_size={input_size}. Build the layer with input_size={x.shape[-1]} or "
            f"project the input to {input_size} features."
        )
    if x.dtype != param_dtype:
        raise DtypeError(
            f"{owner}: x is {x.dtype} but the layer's parameters are {param_dtype} (RNN input dtype "
            f"{x.dtype} does not match weight dtype {param_dtype}). Convert input: "
            f"input.to({param_dtype}), or convert model: model.to({x.dtype})."
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
    expected_shapes: tuple[tuple[int, ...], ...],
    dtype: torch.dtype,
    layouts: tuple[str, ...] | None = None,
) -> tuple[Tensor, ...]:
    """Check an initial state: one tensor (``names == ("h",)``) or a tuple ``(h, c)``, each of its
    own expected shape; ``layouts`` names each shape's axes for the message."""
    if isinstance(state, Tensor):
        state = (state,)
    if not isinstance(state, (tuple, list)) or len(state) != len(names):
        kind = "a tensor h_0" if len(names) == 1 else f"a tuple ({', '.join(n + '_0' for n in names)})"
        shapes = " and ".join(str(s) for s in expected_shapes)
        raise TypeError(
            f"{owner}: state must be {kind}, of shape {shapes}, got "
            f"{type(state).__name__}{'' if not isinstance(state, (tuple, list)) else f' of {len(state)}'}."
        )
    for i, (name, tensor) in enumerate(zip(names, state, strict=True)):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{owner}: state {name}_0 must be a tensor, got {type(tensor).__name__}.")
        if tuple(tensor.shape) != expected_shapes[i]:
            layout = f" ({layouts[i]})" if layouts else ""
            raise ShapeError(
                f"{owner}: state {name}_0 must have shape {expected_shapes[i]}{layout}, got "
                f"{tuple(tensor.shape)}."
            )
        if tensor.dtype != dtype:
            raise DtypeError(
                f"{owner}: state {name}_0 is {tensor.dtype} but the input is {dtype}; cast it with "
                f".to({dtype})."
            )
    return tuple(state)
