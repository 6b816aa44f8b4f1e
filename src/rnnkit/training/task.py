"""The task interface: what the trainer asks of a task, and nothing more.

The trainer is generic over models and data; a task turns ``(model, batch)`` into numbers:

- ``compute_loss(model, batch) -> (loss, count)``: the scalar *mean* loss over the batch and the
  number of items it averages over (examples, or tokens for a language model). The trainer
  backpropagates ``loss`` and reports the epoch loss as ``sum(loss * count) / sum(count)``.
- optionally ``metrics(model, batch) -> {name: (sum, count)}``: run on validation batches (eval mode,
  no gradients); reported as ``val_<name> = sum / count`` over the epoch and over all ranks. Build
  the pairs with :mod:`rnnkit.training.metrics` (``accuracy`` returns ``(correct, count)``).
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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

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
