"""Variable-length batches: lengths, masks and per-sequence reversal.

At the public boundary a ragged batch is described by ``lengths`` ``(batch,)``; inside, by a
``mask`` ``(batch, time)`` of bools, True on real steps. At padded steps a layer carries its state
unchanged and writes a zero output.

:class:`Padding` holds both forms, made once per batch by :func:`padding_for`: the lengths stay on the
CPU (``pack_padded_sequence`` wants them there, and checks read them without a device sync), the mask
is built on the input's device the first time something reads it, and only then; a model hands the same
``Padding`` to its recurrent layers (as ``lengths=``) and to whatever else reads the mask (pooling,
attention, a CRF).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import torch
from torch import Tensor
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from .validation import check_lengths


def lengths_to_mask(lengths: Tensor, max_len: int | None = None) -> Tensor:
    """``mask[b, t] = t < lengths[b]``.

    Shapes:
        lengths ``(B,)`` integer -> mask ``(B, T)`` bool, ``T = max_len or lengths.max()``.

    Example:
        >>> lengths_to_mask(torch.tensor([3, 1]), 4).int().tolist()
        [[1, 1, 1, 0], [1, 0, 0, 0]]
    """
    if max_len is None:
        max_len = int(lengths.max())
    steps = torch.arange(max_len, device=lengths.device)  # (T,)
    return steps.unsqueeze(0) < lengths.unsqueeze(1)  # (B, T)


def reverse_padded(x: Tensor, lengths: Tensor | None = None) -> Tensor:
    """Reverse each sequence of a batch-first tensor within its own length; padding stays in place.

    ``out[b, t] = x[b, lengths[b] - 1 - t]`` for ``t < lengths[b]``, ``x[b, t]`` otherwise.

    Shapes:
        x ``(B, T, ...)``, lengths ``(B,)`` -> ``(B, T, ...)``.

    Example:
        >>> x = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]])
        >>> reverse_padded(x, torch.tensor([3, 2])).tolist()
        [[3, 2, 1, 0], [5, 4, 0, 0]]
    """
    if lengths is None:
        return x.flip(1)
    B, T = x.shape[:2]
    steps = torch.arange(T, device=x.device).unsqueeze(0)  # (1, T)
    lengths = lengths.to(x.device).unsqueeze(1)  # (B, 1)
    source = torch.where(steps < lengths, lengths - 1 - steps, steps)  # (B, T)
    index = source.view(B, T, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, index)


class Padding:
    """Where a right-padded batch is real: its lengths on the CPU, and (built on first use, once) the
    same lengths on the input's device and the mask.

    Build it with :func:`padding_for`, which checks the lengths once.

    Attributes:
        lengths: ``(B,)`` int64 on the CPU, for packing and for Python-side decisions.
        time_steps: T, the padded time axis.
        device: where the input, the mask and ``device_lengths`` live.
        full: every sequence spans the whole time axis (the layers then skip masking).
    """

    def __init__(
        self, lengths: Tensor, time_steps: int, device: torch.device, device_lengths: Tensor | None = None
    ) -> None:
        self.lengths = lengths  # (B,) int64, CPU
        self.time_steps = time_steps
        self.device = device
        self.full = int(lengths.min()) == time_steps
        self._device_lengths = device_lengths

    @functools.cached_property
    def device_lengths(self) -> Tensor:
        """``(B,)`` int64 on ``device``, for gathers and per-sequence reversal (one copy, if any)."""
        if self._device_lengths is not None:
            return self._device_lengths
        return self.lengths.to(self.device)

    @functools.cached_property
    def mask(self) -> Tensor:
        """``(B, T)`` bool on ``device``, True on real steps."""
        return lengths_to_mask(self.device_lengths, self.time_steps)

    @property
    def shape(self) -> tuple[int, int]:
        """``(B, T)``, the batch this padding describes."""
        return self.lengths.shape[0], self.time_steps


LengthsArg = Tensor | Sequence[int] | Padding
"""What a ``lengths=`` argument takes: ``(B,)`` integers (a tensor on any device, or a list), or the
:class:`Padding` already built for the batch."""


def padding_for(
    owner: str,
    lengths: LengthsArg | None,
    batch_size: int,
    time_steps: int,
    device: torch.device,
) -> Padding | None:
    """Check ``lengths`` against a ``(batch_size, time_steps)`` batch on ``device`` and build its
    :class:`Padding`; a ``Padding`` already built for that batch passes through; None stays None.

    Example:
        >>> padding = padding_for("demo", [3, 1], 2, 4, torch.device("cpu"))
        >>> padding.lengths.tolist(), padding.mask.int().tolist(), padding.full
        ([3, 1], [[1, 1, 1, 0], [1, 0, 0, 0]], False)
        >>> padding_for("demo", padding, 2, 4, torch.device("cpu")) is padding
        True
    """
    if lengths is None:
        return None
    if isinstance(lengths, Padding):
        if lengths.shape != (batch_size, time_steps) or lengths.device != device:
            raise ValueError(
                f"{owner}: the Padding was built for a batch of shape {lengths.shape} on "
                f"{lengths.device}, but the input is ({batch_size}, {time_steps}) on {device}. "
                "Build it with padding_for(...) for this input, or pass the lengths."
            )
        return lengths
    cpu = check_lengths(owner, lengths, batch_size, time_steps)  # (B,) int64 on the CPU
    on_device = None  # unless given there already, copied on first use (never, on the CPU)
    if isinstance(lengths, Tensor) and lengths.device == device and lengths.dtype == torch.int64:
        on_device = lengths
    return Padding(cpu, time_steps, device, on_device)


def pack_like(padded: Tensor, lengths: Tensor, like: PackedSequence) -> PackedSequence:
    """Pack a batch-first padded batch in the layout of ``like``: its batch sizes and its sort
    indices, None where ``like`` has None (a batch packed with ``enforce_sorted=True``).

    A layer given a PackedSequence pads it, runs, and packs its output with this, so the output is
    laid out exactly as the input was (as torch.nn's layers return it).

    Shapes:
        padded ``(B, T, F)`` in the batch order of ``pad_packed_sequence(like)``; lengths ``(B,)``
        (on the CPU) in that order. Returns a PackedSequence with ``data`` ``(sum(lengths), F)``.

    Example:
        >>> from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence
        >>> like = pack_sequence([torch.ones(3, 1), torch.ones(1, 1)])  # enforce_sorted=True
        >>> padded, lengths = pad_packed_sequence(like, batch_first=True)
        >>> out = pack_like(2 * padded, lengths, like)
        >>> out.sorted_indices is None, out.data.flatten().tolist()
        (True, [2.0, 2.0, 2.0, 2.0])
    """
    order = like.sorted_indices
    if order is not None:  # sort by length as like was sorted, then pack without sorting again
        padded = padded.index_select(0, order)  # (B, T, F)
        lengths = lengths.index_select(0, order.to(lengths.device))  # (B,)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=True)
    return PackedSequence(packed.data, like.batch_sizes, like.sorted_indices, like.unsorted_indices)
