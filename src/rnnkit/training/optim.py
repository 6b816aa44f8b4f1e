"""Optimisers and learning-rate schedules, built from a TrainConfig.

Schedules step once per epoch, after validation, so the lr in an epoch's history row is the lr that
epoch trained with:

- ``none``: constant ``lr``.
- ``cosine``: ``lr_e = min_lr + (lr - min_lr) * (1 + cos(pi * (e - 1) / epochs)) / 2`` for the 1-based
  epoch ``e`` (torch's CosineAnnealingLR with ``T_max = epochs``).
- ``exponential``: ``lr_e = lr * lr_decay^max(0, e - lr_decay_after)`` (``lr_decay_after`` = 1, the
  default: torch's ExponentialLR; with ``lr_decay=0.5`` the halving per epoch of the widely used LTSF
  forecasting code, its ``lradj="type1"``; Zaremba et al.'s PTB schedule is ``lr_decay=1/1.2`` after
  epoch 6, ``lr_decay_after=6``).
- ``plateau``: torch's ReduceLROnPlateau on ``monitor``: an epoch is an improvement when it beats
  the best value so far by more than ``min_delta`` (absolute); after more than ``plateau_patience``
  epochs in a row without one, the lr is multiplied by ``plateau_factor`` (never below ``min_lr``)
  and the count restarts.

Example:
    >>> from torch import nn
    >>> from rnnkit.training import TrainConfig
    >>> config = TrainConfig(epochs=4, lr=1.0, scheduler="cosine")
    >>> optimizer = build_optimizer(nn.Linear(2, 1).parameters(), config)
    >>> scheduler = build_scheduler(optimizer, config)
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(round(current_lr(optimizer), 4))
    ...     optimizer.step()  # (the epoch's training steps)
    ...     step_scheduler(scheduler, monitor_value=None)
    >>> lrs
    [1.0, 0.8536, 0.5, 0.1464]
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from .config import TrainConfig

Scheduler = torch.optim.lr_scheduler.LRScheduler | torch.optim.lr_scheduler.ReduceLROnPlateau


def build_optimizer(parameters: Iterable[nn.Parameter], config: TrainConfig) -> torch.optim.Optimizer:
    """Adam, AdamW or SGD over the parameters that require gradients (weight decay on all of them)."""
    params = [p for p in parameters if p.requires_grad]
    if not params:
        raise ValueError(
            "the model has no parameters that require gradients: nothing to train. "
            "Check that the model has parameters and that they are not all frozen."
        )
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, betas=config.betas, weight_decay=config.weight_decay)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, betas=config.betas, weight_decay=config.weight_decay)
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            params,
            lr=config.lr,
            momentum=config.momentum,
            nesterov=config.nesterov,
            weight_decay=config.weight_decay,
        )
    raise ValueError(f"optimizer: expected 'adam', 'adamw' or 'sgd', got {config.optimizer!r}.")


def build_scheduler(optimizer: torch.optim.Optimizer, config: TrainConfig) -> Scheduler | None:
    """The epoch-level schedule of ``config.scheduler`` (None for ``none``)."""
    if config.scheduler == "none":
        return None
    if config.scheduler == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=config.epochs, eta_min=config.min_lr
        )
    if config.scheduler == "exponential":
        if config.lr_decay_after == 1:
            return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=config.lr_decay)
        gamma, after = config.lr_decay, config.lr_decay_after
        # LambdaLR counts finished epochs i = e - 1 from 0
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: gamma ** max(0, i + 1 - after))
    if config.scheduler == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer,
            mode="max" if config.monitor_mode == "max" else "min",
            factor=config.plateau_factor,
            patience=config.plateau_patience,
            threshold=config.min_delta,
            threshold_mode="abs",
            min_lr=config.min_lr,
        )
    raise ValueError(
        f"scheduler: expected 'none', 'plateau', 'cosine' or 'exponential', got {config.scheduler!r}."
    )


def step_scheduler(scheduler: Scheduler | None, monitor_value: float | None) -> None:
    """Advance the schedule by one epoch; the plateau schedule needs the epoch's ``monitor`` value."""
    if scheduler is None:
        return
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        if monitor_value is None:
            raise ValueError("scheduler='plateau' needs the monitored value of every epoch, got None.")
        scheduler.step(monitor_value)
    else:
        scheduler.step()


def current_lr(optimizer: torch.optim.Optimizer) -> float:
    """The learning rate of the first parameter group."""
    return float(optimizer.param_groups[0]["lr"])
