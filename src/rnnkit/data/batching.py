"""Batches of variable-length sequences: padding with lengths, and length-bucketed batch sampling.

Padding is always at the end (right padding), so ``lengths`` describe every row, as rnnkit's
layers expect. Bucketing groups sequences of similar length into a batch, so little of each
``(batch, time)`` tensor is padding.

Example:
    >>> ids, lengths = pad_sequences([[5, 6, 7], [8]])
    >>> ids.tolist(), lengths.tolist()
    ([[5, 6, 7], [8, 0, 0]], [3, 1])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Sampler


def _as_ids(sequence: Sequence[int] | Tensor, index: int) -> Tensor:
    """One sequence as a 1-D int64 tensor, or a TypeError/ValueError naming its index."""
    try:
        ids = sequence if isinstance(sequence, Tensor) else torch.as_tensor(sequence)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise TypeError(f"sequence {index} is not a flat list of int ids ({exc}).") from exc
    if ids.dim() != 1:
        raise ValueError(
            f"sequence {index} has shape {tuple(ids.shape)}; each sequence must be a flat list of ids (1-D)."
        )
    if len(ids) == 0:
        raise ValueError(
            f"sequence {index} is empty; every sequence needs at least one step. Drop it (and its "
            "label), or encode it as one unknown token (Vocab.encode_all does)."
        )
    if ids.dtype == torch.bool or ids.is_floating_point() or ids.is_complex():
        raise TypeError(f"sequence {index} holds {ids.dtype} values; token ids must be integers.")
    return ids.long()


def _flat_ids(rows: list, total: int) -> Tensor:
    """All rows' ids end to end as one int64 CPU tensor of ``total`` ids; plain lists convert in one go."""
    if any(isinstance(row, Tensor) for row in rows):
        return torch.cat([_as_ids(row, index).cpu() for index, row in enumerate(rows)])
    try:
        # NumPy converts a long list of Python ints about 4x faster than torch.tensor.
        values = np.asarray(list(chain.from_iterable(rows)))
        good = values.ndim == 1 and values.dtype.kind in "iu" and values.size == total
    except (TypeError, ValueError, OverflowError):
        good = False
    if not good:
        for index, row in enumerate(rows):
            _as_ids(row, index)  # raises, naming the sequence at fault
        raise TypeError("sequences must be lists of int ids or 1-D integer tensors.")
    return torch.from_numpy(values.astype(np.int64, copy=False))


def pad_sequences(
    sequences: Sequence[Sequence[int] | Tensor],
    pad_id: int = 0,
    max_len: int | None = None,
    truncate: str = "post",
) -> tuple[Tensor, Tensor]:
    """Stack sequences of ids into one right-padded ``(batch, time)`` tensor, with their lengths.

    Truncation follows Keras' ``pad_sequences(maxlen=..., padding="post", truncating=...)``: a sequence
    longer than ``max_len`` keeps its first ``max_len`` ids with ``truncate="post"`` (the end is cut)
    and its last ``max_len`` ids with ``truncate="pre"`` (the beginning is cut). With ``max_len`` the
    output always has ``max_len`` columns, even if every sequence is shorter; without it, as many as
    the longest sequence.

    Args:
        sequences: lists of int ids, or 1-D integer tensors (may be mixed).
        pad_id: the id written after the end of each sequence.
        max_len: the number of time steps, or None for the longest sequence.
        truncate: ``"post"`` or ``"pre"``, see above.

    Returns:
        ``(ids, lengths)``: ids ``(batch, time)`` int64, lengths ``(batch,)`` int64, each in
        ``1 .. time``.

    Raises:
        ValueError: no sequences, an empty sequence (named by index), a bad ``max_len`` or
            ``truncate``.
        TypeError: a sequence of non-integer values.

    Example:
        >>> pad_sequences([[1, 2, 3, 4], [5]], max_len=3, truncate="pre")[0].tolist()
        [[2, 3, 4], [5, 0, 0]]
        >>> pad_sequences([[1, 2, 3, 4], [5]], max_len=3, truncate="post")[0].tolist()
        [[1, 2, 3], [5, 0, 0]]
    """
    if truncate not in ("post", "pre"):
        raise ValueError(
            f"truncate must be 'post' (keep the beginning) or 'pre' (keep the end), got {truncate!r}."
        )
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1):
        raise ValueError(f"max_len must be a positive int or None, got {max_len!r}.")
    if len(sequences) == 0:
        raise ValueError("pad_sequences got no sequences; pass at least one.")
    rows = []
    for index, sequence in enumerate(sequences):
        if isinstance(sequence, Tensor) and sequence.dim() != 1:
            _as_ids(sequence, index)  # raises: not 1-D
        if not hasattr(sequence, "__len__"):
            raise TypeError(
                f"sequence {index} is a {type(sequence).__name__}; pass a list or 1-D tensor of ids."
            )
        if len(sequence) == 0:
            _as_ids(sequence, index)  # raises: empty
        if max_len is not None and len(sequence) > max_len:
            sequence = sequence[-max_len:] if truncate == "pre" else sequence[:max_len]
        rows.append(sequence)
    lengths = torch.tensor([len(row) for row in rows], dtype=torch.long)  # (B,)
    flat = _flat_ids(rows, int(lengths.sum()))  # (sum of lengths,)
    width = max_len if max_len is not None else int(lengths.max())
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)  # (B, T)
    ids[torch.arange(width) < lengths.unsqueeze(1)] = flat  # row by row, left to right
    return ids, lengths


class BucketBatchSampler(Sampler[list[int]]):
    """Batches of dataset indices whose sequences have similar lengths, so padding costs little.

    Each epoch: shuffle the indices (if ``shuffle``), cut them into chunks of
    ``batch_size * bucket_size_multiplier``, sort each chunk by length, cut the chunks into batches of
    ``batch_size``, and shuffle the order of the batches (if ``shuffle``). Every index appears exactly
    once per epoch (unless ``drop_last`` drops the one short batch). The randomness comes from
    ``generator`` only, so a seeded generator gives the same epochs every run; without one, each epoch
    draws a seed from torch's global generator (as ``torch.utils.data.RandomSampler`` does). With
    ``seed``, epoch e (set by :meth:`set_epoch`, as the trainer does before each epoch) draws from a
    generator seeded with ``seed + e``: every epoch reshuffles, every process draws the same batches
    (so DDP ranks can share them out), and a resumed run repeats the epochs it would have had.

    Use it as ``DataLoader(dataset, batch_sampler=BucketBatchSampler(lengths, 32))``.

    Args:
        lengths: the length of every sequence of the dataset, by index.
        batch_size: indices per batch (the last batch may be smaller).
        shuffle: shuffle the indices and the batch order each epoch; if False, chunks are taken in
            index order and batches come out in that order (still sorted within each chunk).
        bucket_size_multiplier: how many batches make one chunk; larger = less padding, less
            randomness in what shares a batch.
        generator: the source of randomness (ignored when ``seed`` is given).
        seed: derive each epoch's randomness from ``seed + epoch`` instead (see above).
        drop_last: drop the final batch if it is smaller than ``batch_size``.

    Example:
        >>> sampler = BucketBatchSampler([5, 1, 4, 2], batch_size=2, shuffle=False)
        >>> list(sampler), len(sampler)
        ([[1, 3], [2, 0]], 2)
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        shuffle: bool = True,
        bucket_size_multiplier: int = 50,
        generator: torch.Generator | None = None,
        drop_last: bool = False,
        seed: int | None = None,
    ) -> None:
        for name, value in (("batch_size", batch_size), ("bucket_size_multiplier", bucket_size_multiplier)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}.")
        self.lengths = [int(n) for n in (lengths.tolist() if isinstance(lengths, Tensor) else lengths)]
        negative = next((i for i, n in enumerate(self.lengths) if n < 0), None)
        if negative is not None:
            raise ValueError(f"lengths[{negative}] = {self.lengths[negative]}; lengths must be >= 0.")
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.bucket_size_multiplier = bucket_size_multiplier
        self.generator = generator
        self.drop_last = drop_last
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Choose the epoch whose batches the next iteration yields (used with ``seed``)."""
        self.epoch = epoch

    def _epoch_generator(self) -> torch.Generator:
        if self.seed is not None:
            return torch.Generator().manual_seed(self.seed + self.epoch)
        if self.generator is not None:
            return self.generator
        generator = torch.Generator()
        generator.manual_seed(int(torch.empty((), dtype=torch.int64).random_().item()))
        return generator

    def __iter__(self) -> Iterator[list[int]]:
        count = len(self.lengths)
        generator = self._epoch_generator() if self.shuffle else None
        if generator is not None:
            order = torch.randperm(count, generator=generator).tolist()
        else:
            order = list(range(count))
        chunk = self.batch_size * self.bucket_size_multiplier
        batches: list[list[int]] = []
        for start in range(0, count, chunk):
            bucket = sorted(order[start : start + chunk], key=self.lengths.__getitem__)
            batches.extend(bucket[i : i + self.batch_size] for i in range(0, len(bucket), self.batch_size))
        if self.drop_last and batches and len(batches[-1]) < self.batch_size:
            # Chunks hold whole batches, so only the very last batch can be short.
            batches.pop()
        if generator is not None:
            batches = [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]
        return iter(batches)

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.lengths) // self.batch_size
        return math.ceil(len(self.lengths) / self.batch_size)


def padding_fraction(batches: Iterable[Sequence[int]], lengths: Sequence[int]) -> float:
    """The share of padding cells when each batch is padded to its longest sequence.

    ``sum over batches of (len(batch) * max_length - sum of lengths) / sum of len(batch) * max_length``;
    0.0 when there are no cells.

    Example:
        >>> padding_fraction([[0, 1], [2]], [4, 2, 3])
        0.18181818181818182
    """
    padded = real = 0
    for batch in batches:
        if len(batch) == 0:
            continue
        batch_lengths = [lengths[i] for i in batch]
        padded += len(batch_lengths) * max(batch_lengths)
        real += sum(batch_lengths)
    return (padded - real) / padded if padded else 0.0
