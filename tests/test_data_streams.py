"""Stream batching for truncated BPTT: each row continues itself from window to window, exactly."""

from __future__ import annotations

import pytest
import torch

from rnnkit.data.streams import InOrder, StreamWindows, one_window


def test_windows_tile_each_stream_in_order_and_targets_are_the_next_tokens() -> None:
    ids = torch.arange(103)
    windows = StreamWindows(ids, streams=4, bptt=6)
    rows = windows.data  # (4, 25): row b holds tokens b*25 .. b*25 + 24
    assert rows.shape == (4, 25) and torch.equal(rows[2], torch.arange(50, 75))
    inputs = torch.cat([w.inputs for w in windows], dim=1)
    targets = torch.cat([w.targets for w in windows], dim=1)
    assert torch.equal(inputs, rows[:, :-1]) and torch.equal(targets, rows[:, 1:])
    assert [w.inputs.shape[1] for w in windows] == [6, 6, 6, 6]
    assert [w.first for w in windows] == [True, False, False, False]
    assert windows.tokens() == 4 * 24 and len(windows) == 4
    short = StreamWindows(torch.arange(30), streams=2, bptt=4)  # 14 targets per stream: 4 + 4 + 4 + 2
    assert [w.inputs.shape[1] for w in short] == [4, 4, 4, 2]


def test_a_corpus_shorter_than_one_window_is_refused_with_the_sizes_and_the_fix() -> None:
    with pytest.raises(
        ValueError, match=r"40 tokens: 4 streams of 10.*needs 17 tokens per stream.*batch_size"
    ):
        StreamWindows(torch.arange(40), streams=4, bptt=16, name="the training text", min_steps=16)
    with pytest.raises(ValueError, match="one sequence"):
        StreamWindows(torch.zeros(2, 3, dtype=torch.long), streams=1, bptt=2)


def test_in_order_batches_are_single_windows() -> None:
    assert list(InOrder(3)) == [[0], [1], [2]] and len(InOrder(3)) == 3
    windows = StreamWindows(torch.arange(20), streams=2, bptt=3)
    assert one_window([windows[1]]) is not None and torch.equal(
        one_window([windows[1]]).inputs, windows[1].inputs
    )
