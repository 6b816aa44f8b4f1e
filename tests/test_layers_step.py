"""Streaming: ``step`` over a sequence gives what ``forward`` gives over it."""

from __future__ import annotations

import pytest
import torch
from helpers import as_tuple, assert_close

import rnnkit


@pytest.mark.parametrize(
    "layer_cls",
    [
        rnnkit.RNN,
        rnnkit.LSTM,
        rnnkit.GRU,
        rnnkit.LayerNormLSTM,
        rnnkit.LayerNormGRU,
        rnnkit.MinGRU,
        rnnkit.MinLSTM,
    ],
)
@pytest.mark.parametrize("num_layers", [1, 3])
@pytest.mark.parametrize("batch_first", [True, False])
def test_step_over_sequence_equals_forward(layer_cls, num_layers, batch_first):
    layer = layer_cls(4, 6, num_layers=num_layers, batch_first=batch_first).double().eval()
    x = torch.randn(2, 7, 4, dtype=torch.float64)  # (B, T, D)
    out, final = layer(x if batch_first else x.transpose(0, 1))
    if not batch_first:
        out = out.transpose(0, 1)
    state = None
    for t in range(x.shape[1]):
        y_t, state = layer.step(x[:, t], state)
        assert_close(y_t, out[:, t], 1e-10, f"output at step {t}")
    for a, b in zip(as_tuple(state), as_tuple(final), strict=True):
        assert_close(a, b, 1e-10, "final state")


def test_bidirectional_cannot_stream():
    with pytest.raises(ValueError, match="bidirectional layer cannot stream"):
        rnnkit.GRU(3, 4, bidirectional=True).step(torch.randn(2, 3))


def test_step_wants_one_time_step():
    with pytest.raises(ValueError, match=r"x_t must be \(batch, 3\)"):
        rnnkit.GRU(3, 4).step(torch.randn(2, 5, 3))
