"""What the trainer asks of a task, and the metrics a task reports.

The task interface: what the trainer asks of a task, and nothing more.

The trainer is generic over models and data; a task turns ``(model, batch)`` into numbers:

- ``compute_loss(model, batch) -> (loss, count)``: the scalar *mean* loss over the batch and the
  number of items it averages over (examples, or tokens for a language model). The trainer
  backpropagates ``loss`` and reports the epoch loss as ``sum(loss * count) / sum(count)``.
- optionally ``metrics(model, batch) -> {name: (sum, count)}``: run on validation batches (eval mode,
  no gradients); reported as ``val_<name> = sum / count`` over the epoch and over all ranks. Build
  the pairs with :mod:`rnnkit.training.task` (``accuracy`` returns ``(correct, count)``).
- optionally ``evaluate_batch(model, batch) -> (loss, count, {name: (sum, count)})``: both of the above
  from one forward pass; when present the trainer evaluates with it instead of calling the model twice.

``model`` is what the trainer trains: under DDP it is the DistributedDataParallel wrapper, so call
``model(...)`` (its forward) rather than a submodule, or gradients are not averaged over ranks.
``batch`` is whatever the DataLoader's ``collate_fn`` returns, already moved to the device.

A plain function ``loss_fn(model, batch) -> Tensor`` is accepted too (see :class:`FunctionTask`).

Example:
    >>> import torch
    >>> from torch import nn
    >>> class Regression:
    ...     def compute_loss(self, model, batch):
    ...         x, y = batch
    ...         return nn.functional.mse_loss(model(x), y), len(x)
    >>> task = as_task(Regression())
    >>> loss, count = task.compute_loss(nn.Linear(2, 1), (torch.zeros(3, 2), torch.zeros(3, 1)))
    >>> count
    3

Metrics as (sum, count) pairs, so they aggregate exactly over an epoch and across processes.

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
from typing import Any, Protocol, runtime_checkable

import torch
from torch import Tensor, nn


@runtime_checkable
class Task(Protocol):
    """What the trainer needs: the mean loss of a batch and the count it averages over."""

    def compute_loss(self, model: nn.Module, batch: Any) -> tuple[Tensor, int | Tensor]: ...


def batch_size_of(batch: Any) -> int:
    """The leading dimension of the first tensor found in a batch (tensor, tuple, list or dict)."""
    if isinstance(batch, Tensor):
        return int(batch.shape[0]) if batch.dim() else 1
    values = (
        batch.values() if isinstance(batch, Mapping) else batch if isinstance(batch, (list, tuple)) else ()
    )
    for value in values:
        try:
            return batch_size_of(value)
        except TypeError:
            continue
    raise TypeError(
        f"cannot tell the batch size of a {type(batch).__name__}: no tensor in it. Return (loss, count) "
        "from a task's compute_loss instead of a plain loss function."
    )


class FunctionTask:
    """Adapts ``loss_fn(model, batch) -> Tensor`` (and optional ``metrics_fn``) to the Task interface.

    The count is the leading dimension of the first tensor in the batch.
    """

    def __init__(
        self,
        loss_fn: Callable[[nn.Module, Any], Tensor],
        metrics_fn: Callable[[nn.Module, Any], Mapping[str, tuple[Any, Any]]] | None = None,
    ) -> None:
        self.loss_fn = loss_fn
        if metrics_fn is not None:
            self.metrics = metrics_fn

    def compute_loss(self, model: nn.Module, batch: Any) -> tuple[Tensor, int]:
        return self.loss_fn(model, batch), batch_size_of(batch)


def as_task(task: Any) -> Task:
    """A Task from a Task, or from a plain ``loss_fn(model, batch)`` callable."""
    if isinstance(task, Task):
        return task
    if callable(task):
        return FunctionTask(task)
    raise TypeError(
        f"task: expected an object with compute_loss(model, batch) -> (loss, count) or a function "
        f"loss_fn(model, batch) -> loss, got {type(task).__name__}."
    )


def check_loss_output(output: Any, training: bool) -> tuple[Tensor, int | Tensor]:
    """Validate what ``compute_loss`` returned: ``(scalar tensor, count)``, with gradients in training."""
    if not (isinstance(output, tuple) and len(output) == 2):
        raise TypeError(
            f"compute_loss must return (loss, count), got {type(output).__name__}. Return e.g. "
            "(loss, len(batch_targets))."
        )
    loss, count = output
    if not isinstance(loss, Tensor) or loss.dim() != 0:
        got = f"shape {tuple(loss.shape)}" if isinstance(loss, Tensor) else type(loss).__name__
        raise TypeError(
            f"compute_loss: expected a scalar (0-dim) tensor loss, got {got}. Reduce it with .mean()."
        )
    if training and not loss.requires_grad:
        raise ValueError(
            "compute_loss: the loss does not require gradients, so training cannot update the model. "
            "Compute it from the model's output without .detach() or torch.no_grad()."
        )
    return loss, count


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


def forecast_errors(forecast: Tensor, targets: Tensor) -> dict[str, tuple[Tensor, Tensor]]:
    """Squared and absolute errors of a forecast, summed over every value, as ``{"mse", "mae"}`` pairs.

    MSE = sum (y_hat - y)^2 / N and MAE = sum |y_hat - y| / N over all N = B * H * C values of every
    window (the LTSF protocol's figures, here exact over an epoch and across ranks).

    Shapes:
        forecast, targets ``(B, H, C)`` (any equal shapes).
    """
    if forecast.shape != targets.shape:
        raise ValueError(
            f"forecast_errors: forecast {tuple(forecast.shape)} and targets {tuple(targets.shape)} differ; "
            "expected the same (batch, horizon, channels)."
        )
    error = (forecast - targets).detach().to(torch.float64)
    count = torch.tensor(float(error.numel()), dtype=torch.float64, device=error.device)
    return {"mse": (error.square().sum(), count), "mae": (error.abs().sum(), count)}


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
