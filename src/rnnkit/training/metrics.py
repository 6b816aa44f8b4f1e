"""Metrics as (sum, count) pairs, so they aggregate exactly over an epoch and across processes.

A mean over an epoch is ``sum of sums / sum of counts``, not a mean of batch means (which weighs a
short last batch like a full one); under DDP the sums and counts of every rank are added with one
all-reduce before dividing. A task's ``metrics(model, batch)`` returns ``{name: (sum, count)}`` built
from the helpers here.

Example:
    >>> logits = torch.tensor([[2.0, 0.1], [0.3, 0.9], [1.0, 0.0]])  # (B, C)
    >>> accuracy(logits, torch.tensor([0, 1, 1]))
    (tensor(2.), tensor(3.))
    >>> sums = MetricSums()
    >>> sums.update({"accuracy": accuracy(logits, torch.tensor([0, 1, 1]))})
    >>> sums.update({"accuracy": (1.0, 1.0)})
    >>> sums.compute()
    {'accuracy': 0.75}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch
from torch import Tensor

Pair = tuple[Tensor | float, Tensor | float]


def accuracy(logits: Tensor, targets: Tensor, ignore_index: int | None = None) -> tuple[Tensor, Tensor]:
    """Top-1 accuracy as ``(correct, count)``; positions whose target is ``ignore_index`` do not count.

    Shapes:
        logits ``(..., C)``; targets ``(...)`` class ids (e.g. ``(B,)`` or ``(B, T)`` with padding).
    """
    if logits.shape[:-1] != targets.shape:
        raise ValueError(
            f"accuracy: logits {tuple(logits.shape)} do not match targets {tuple(targets.shape)}; expected "
            "logits (..., C) and targets (...) with the same leading shape."
        )
    hits = logits.argmax(dim=-1) == targets  # (...)
    if ignore_index is None:
        return hits.sum().to(torch.float32), torch.tensor(float(targets.numel()), device=targets.device)
    valid = targets != ignore_index  # (...)
    return (hits & valid).sum().to(torch.float32), valid.sum().to(torch.float32)


def binary_accuracy(logits: Tensor, targets: Tensor) -> tuple[Tensor, Tensor]:
    """Accuracy of single-logit binary predictions (logit > 0 means class 1) as ``(correct, count)``.

    Shapes:
        logits ``(B,)`` or ``(B, 1)``; targets ``(B,)`` or ``(B, 1)`` of 0/1 (ints, bools or floats).
    """
    logits, targets = logits.reshape(-1), targets.reshape(-1)
    if logits.shape != targets.shape:
        raise ValueError(
            f"binary_accuracy: {logits.numel()} logits for {targets.numel()} targets; expected one logit "
            "per target (use accuracy() for C >= 2 logits per example)."
        )
    hits = (logits > 0) == (targets > 0.5)  # (B,)
    return hits.sum().to(torch.float32), torch.tensor(float(targets.numel()), device=targets.device)


def mean_loss(loss: Tensor, count: int | Tensor) -> tuple[Tensor, Tensor | float]:
    """A batch's mean loss as ``(loss * count, count)``, so epoch means weigh every example equally."""
    return loss.detach() * count, count


class MetricSums:
    """Running ``{name: (sum, count)}`` totals; :meth:`compute` gives ``sum / count`` per name.

    Totals are kept as float64 tensors on the device of the first value, so adding a batch does not
    synchronise with the GPU; :meth:`all_reduce` adds the totals of every process in one collective.
    """

    def __init__(self) -> None:
        self._sums: dict[str, Tensor] = {}
        self._counts: dict[str, Tensor] = {}

    def update(self, pairs: Mapping[str, Pair]) -> None:
        """Add ``{name: (sum, count)}`` to the totals."""
        if not isinstance(pairs, Mapping):
            raise TypeError(f"metrics: expected a dict of name -> (sum, count), got {type(pairs).__name__}.")
        for name, pair in pairs.items():
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(
                    f"metric {name!r}: expected a (sum, count) pair, got {pair!r}. Return e.g. "
                    "accuracy(logits, targets), which is (correct, count), rather than a ratio."
                )
            total, count = (torch.as_tensor(v).detach().to(torch.float64) for v in pair)
            if name in self._sums:
                self._sums[name] = self._sums[name] + total.to(self._sums[name].device)
                self._counts[name] = self._counts[name] + count.to(self._counts[name].device)
            else:
                self._sums[name], self._counts[name] = total, count

    def names(self) -> list[str]:
        return list(self._sums)

    def all_reduce(self, reduce_sum: Callable[[Tensor], Tensor], names: list[str] | None = None) -> None:
        """Replace the totals by their sum over processes; ``reduce_sum`` all-reduces one 1-D tensor.

        Every process must call this with the same ``names`` (default: its own, sorted); a name this
        process never saw counts as ``(0, 0)`` here, so a rank without batches can still take part.
        """
        names = sorted(self._sums) if names is None else names
        if not names:
            return
        device = next(iter(self._sums.values())).device if self._sums else torch.device("cpu")
        zero = torch.zeros((), dtype=torch.float64, device=device)
        sums = [self._sums.get(n, zero).to(device) for n in names]
        counts = [self._counts.get(n, zero).to(device) for n in names]
        flat = reduce_sum(torch.stack(sums + counts))  # (2 * metrics,)
        for i, name in enumerate(names):
            self._sums[name], self._counts[name] = flat[i], flat[len(names) + i]

    def compute(self) -> dict[str, float]:
        """``{name: sum / count}``; NaN where nothing was counted."""
        return {
            name: (self._sums[name] / self._counts[name]).item()
            if self._counts[name].item() > 0
            else float("nan")
            for name in self._sums
        }
