"""Input checks for the reference recurrences, run once at the top of each public function.

Every message names the argument, what was given and what was expected. The checks never run inside
the per-step loops, so the loops stay as plain as the equations.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def infer_sizes(where: str, params: Mapping[str, np.ndarray], x_key: str, h_key: str) -> tuple[int, int]:
    """``(D, H)`` read off an input weight ``(H, D)`` and a recurrent weight ``(H, H)``."""
    for key in (x_key, h_key):
        if key not in params:
            raise ValueError(f"{where}: params has no {key!r}; got the keys {sorted(params)}.")
        if np.ndim(params[key]) != 2:
            raise ValueError(f"{where}: params[{key!r}] must be 2-D, got shape {np.shape(params[key])}.")
    return np.shape(params[x_key])[1], np.shape(params[h_key])[0]


def check_params(where: str, params: Mapping[str, np.ndarray], shapes: dict[str, tuple[int, ...]]) -> None:
    """Check that ``params`` holds every key of ``shapes`` with that shape (extra keys are ignored)."""
    missing = [key for key in shapes if key not in params]
    if missing:
        raise ValueError(
            f"{where}: params is missing {missing}; expected the keys {sorted(shapes)}, "
            f"got {sorted(params)}. Build them with the matching init_*_params function."
        )
    for key, shape in shapes.items():
        got = np.shape(params[key])
        if got != shape:
            raise ValueError(f"{where}: params[{key!r}] must have shape {shape}, got {got}.")


def check_sequence(where: str, x: np.ndarray, input_size: int) -> np.ndarray:
    """Check ``x``: a float array ``(B, T, D)`` with ``D == input_size``; returns it as an ndarray."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"{where}: x must be 3-D (batch, time, features), got {x.ndim}-D with shape {x.shape}. "
            f"Add a batch axis with x[None] or a feature axis with x[..., None]."
        )
    if x.shape[2] != input_size:
        raise ValueError(
            f"{where}: x has {x.shape[2]} features (shape {x.shape}) but the input weights expect "
            f"D={input_size}."
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{where}: x must hold floats (float64 for gradient checks), got dtype {x.dtype}.")
    return x


def lengths_to_mask(where: str, lengths: np.ndarray | None, batch: int, steps: int) -> np.ndarray:
    """``mask[b, t] = 1.0 if t < lengths[b] else 0.0`` as a float array ``(B, T)``; all ones if None."""
    if lengths is None:
        return np.ones((batch, steps))
    lengths = np.asarray(lengths)
    if lengths.shape != (batch,):
        raise ValueError(f"{where}: lengths must have shape ({batch},), got {lengths.shape}.")
    if not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"{where}: lengths must hold integers, got dtype {lengths.dtype}.")
    if lengths.min() < 1 or lengths.max() > steps:
        raise ValueError(
            f"{where}: every length must lie in [1, {steps}] (the time axis of x), got "
            f"min {lengths.min()} and max {lengths.max()}."
        )
    return (np.arange(steps)[None, :] < lengths[:, None]).astype(float)  # (B, T)


def check_state(where: str, name: str, state: np.ndarray | None, batch: int, hidden: int) -> np.ndarray:
    """Check one state array ``(B, H)``; None means zeros."""
    if state is None:
        return np.zeros((batch, hidden))
    state = np.asarray(state)
    if state.shape != (batch, hidden):
        raise ValueError(f"{where}: {name} must have shape ({batch}, {hidden}), got {state.shape}.")
    return state


def check_pair(where: str, name: str, pair: object) -> tuple:
    """Check that an LSTM state is None or a pair ``(h, c)``; returns ``(h, c)`` with Nones allowed."""
    if pair is None:
        return None, None
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(f"{where}: {name} must be None or a tuple (h, c), got {type(pair).__name__}.")
    return tuple(pair)


def check_grad_outputs(where: str, dhs: np.ndarray, expected: tuple[int, ...]) -> np.ndarray:
    """Check ``dhs``: the gradient of the loss w.r.t. every hidden output, shaped like ``hs``."""
    dhs = np.asarray(dhs)
    if dhs.shape != expected:
        raise ValueError(f"{where}: dhs must have the shape of hs {expected}, got {dhs.shape}.")
    return dhs
