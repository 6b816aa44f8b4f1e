"""Stateful batches for truncated BPTT: a token stream cut into B parallel streams and T-step windows.

The corpus (one long id sequence of N tokens) is cut into B contiguous streams of ``M = N // B``
tokens (the last ``N mod B`` tokens are dropped), laid out as a ``(B, M)`` matrix: row b holds
tokens ``b*M .. (b+1)*M - 1``. Window w covers columns ``w*T .. w*T + T - 1`` as inputs and the next
column of each as targets, so row b of window w+1 continues row b of window w exactly: a model that
carries its state from one window to the next (detached, so gradients stop at the boundary) reads
each stream as one sequence. The last window is shorter when ``M - 1`` is not a multiple of T.

Windows come in order, one batch per window (:class:`InOrder`, ``collate`` = :func:`one_window`),
and a window knows whether it opens the streams (``first``), which is when a task resets its state.

Example:
    >>> import torch
    >>> windows = StreamWindows(torch.arange(11), streams=2, bptt=2)
    >>> windows.data.tolist()
    [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    >>> [(w.inputs.tolist(), w.targets.tolist(), w.first) for w in windows]
    [([[0, 1], [5, 6]], [[1, 2], [6, 7]], True), ([[2, 3], [7, 8]], [[3, 4], [8, 9]], False)]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from torch import Tensor
from torch.utils.data import Dataset, Sampler


class Window(NamedTuple):
    """One batch of truncated BPTT: ``inputs``, ``targets`` ``(B, T)`` long; ``first`` if it opens the
    streams (the state must start from zeros)."""

    inputs: Tensor
    targets: Tensor
    first: bool


class StreamWindows(Dataset):
    """The T-step windows of a corpus cut into B streams (see the module docstring).

    Args:
        ids: the corpus, ``(N,)`` token ids.
        streams: B, parallel streams (the batch size).
        bptt: T, steps per window (the truncation length).
        name: what the corpus is, for errors (``"the training text"``).

    Raises:
        ValueError: a stream would be shorter than one window plus its target (``M < T + 1`` for
            training, where ``min_steps=bptt``; ``M < 2`` anywhere), naming the sizes and the fix.
    """

    def __init__(
        self, ids: Tensor, streams: int, bptt: int, name: str = "the corpus", min_steps: int = 1
    ) -> None:
        if ids.dim() != 1:
            raise ValueError(f"StreamWindows: ids must be one sequence (N,), got shape {tuple(ids.shape)}.")
        if streams < 1 or bptt < 1:
            raise ValueError(f"StreamWindows: streams and bptt must be >= 1, got {streams} and {bptt}.")
        length = len(ids) // streams  # M
        if length - 1 < min_steps:
            raise ValueError(
                f"{name} holds {len(ids)} tokens: {streams} streams of {length}, but one window needs "
                f"{min_steps + 1} tokens per stream (bptt={bptt} inputs and the next token as target); "
                "use fewer streams (train.batch_size), a shorter data.bptt, or a longer text."
            )
        self.data = ids[: length * streams].view(streams, length)  # (B, M)
        self.bptt = bptt
        self.starts = list(range(0, length - 1, bptt))

    @property
    def streams(self) -> int:
        return int(self.data.shape[0])

    def tokens(self) -> int:
        """Target tokens over all windows: ``B * (M - 1)``."""
        return int(self.data.shape[0] * (self.data.shape[1] - 1))

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> Window:
        start = self.starts[index]
        stop = min(start + self.bptt, self.data.shape[1] - 1)
        inputs = self.data[:, start:stop]  # (B, T)
        targets = self.data[:, start + 1 : stop + 1]  # (B, T)
        return Window(inputs, targets, first=index == 0)


class InOrder(Sampler[list[int]]):
    """Window indices one batch at a time, in order, every epoch (stateful batches cannot shuffle)."""

    def __init__(self, windows: int) -> None:
        self.windows = windows

    def __len__(self) -> int:
        return self.windows

    def __iter__(self) -> Iterator[list[int]]:
        return ([i] for i in range(self.windows))


def one_window(items: list[Window]) -> Window:
    """The collate function of :class:`InOrder` batches: each batch is already one window."""
    return items[0]
