"""Helpers shared by the tests: torch.nn twins of rnnkit layers and gradient comparisons."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit

KINDS = {
    "rnn_tanh": (rnnkit.RNN, nn.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (rnnkit.RNN, nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (rnnkit.LSTM, nn.LSTM, {}),
    "gru": (rnnkit.GRU, nn.GRU, {}),
}
TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-5}


def make_pair(kind: str, dtype: torch.dtype = torch.float64, **config) -> tuple[nn.Module, nn.Module]:
    """An rnnkit layer and a torch.nn layer of the same configuration with the same weights."""
    ours_cls, theirs_cls, extra = KINDS[kind]
    ours = ours_cls(**config, **extra).to(dtype)
    theirs = theirs_cls(**config, **extra).to(dtype)
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs


def initial_state(kind: str, shape: tuple[int, ...], dtype: torch.dtype):
    h0 = torch.randn(shape, dtype=dtype)
    return (h0, torch.randn(shape, dtype=dtype)) if kind == "lstm" else h0


def run_torch(layer: nn.Module, x: Tensor, state, lengths: Tensor | None, batch_first: bool):
    """torch.nn's answer; ragged batches go through its packed sequences."""
    if lengths is None:
        return layer(x, state)
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    out, final = layer(packed, state)
    total = x.shape[1] if batch_first else x.shape[0]
    out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=total)
    return out, final


def as_tuple(state) -> tuple[Tensor, ...]:
    return state if isinstance(state, tuple) else (state,)


def scalar_loss(out: Tensor, final, weights: list[Tensor]) -> Tensor:
    """A random linear functional of every output and final state, so every gradient path counts."""
    terms = [out, *as_tuple(final)]
    return sum((t * w).sum() for t, w in zip(terms, weights, strict=True))


def random_weights(out: Tensor, final, seed: int = 1) -> list[Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(t.shape, generator=g, dtype=t.dtype) for t in [out, *as_tuple(final)]]


def assert_close(a: Tensor, b: Tensor, tol: float, what: str) -> None:
    torch.testing.assert_close(a, b, atol=tol, rtol=tol, msg=lambda m: f"{what}: {m}")
