"""Callbacks: how code outside the trainer watches or steers a run without the trainer printing.

Subclass :class:`Callback` and override what you need. Hooks run on every rank under DDP; check
``trainer.is_main`` before writing anything. Setting ``trainer.should_stop = True`` ends the run after
the current epoch (its checkpoint is written first).

Order within an epoch: train steps (``on_step_end`` after each optimiser step) -> validation ->
schedule -> early-stopping bookkeeping -> checkpoint -> ``on_epoch_end`` -> stop check.

Example:
    >>> class PrintLoss(Callback):
    ...     def on_epoch_end(self, trainer, row):
    ...         if trainer.is_main:
    ...             print(row["epoch"], row["train_loss"])

The trainer's progress bar is :class:`rnnkit.progress.ProgressBar` (shared with downloads).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .history import History
    from .trainer import Trainer


@dataclass(frozen=True)
class StepInfo:
    """One optimiser step: 1-based epoch and step within it, global step, loss, pre-clip norm, lr."""

    epoch: int
    step: int
    global_step: int
    loss: float
    grad_norm: float
    lr: float


class Callback:
    """Hooks into :meth:`rnnkit.training.Trainer.fit`; every method does nothing by default."""

    def on_fit_start(self, trainer: Trainer) -> None:
        """After the run is set up (and restored, when resuming), before the first epoch."""

    def on_step_end(self, trainer: Trainer, info: StepInfo) -> None:
        """After every optimiser step."""

    def on_epoch_end(self, trainer: Trainer, row: dict[str, Any]) -> None:
        """After an epoch's row is final and its checkpoint written."""

    def on_fit_end(self, trainer: Trainer, history: History) -> None:
        """After the last epoch (and after restoring the best weights, when asked)."""
