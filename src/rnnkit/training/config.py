"""TrainConfig: every setting of the shared trainer, as one frozen, type-checked dataclass.

Recipes embed it as a section (``train: TrainConfig``) of their own config, so the CLI sets it with
``--set train.lr=0.001``; see :func:`rnnkit.training.apply_overrides`.

Example:
    >>> config = TrainConfig(epochs=3, optimizer="sgd", lr=0.1, momentum=0.9, clip_norm=1.0)
    >>> config.global_batch_size(world_size=2)
    64
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..config import check_field_types

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULERS = ("none", "plateau", "cosine", "exponential")
PRECISIONS = ("fp32", "bf16", "fp16")
DEVICES = ("auto", "cpu", "cuda")
MONITOR_MODES = ("min", "max")


def _choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"TrainConfig.{name}: expected one of {list(choices)}, got {value!r}.")


def _at_least(name: str, value: float | None, low: float, strict: bool = False) -> None:
    if value is None:
        return
    if not math.isfinite(value):
        raise ValueError(f"TrainConfig.{name}: expected a finite number, got {value!r}.")
    if value < low or (strict and value == low):
        sign = ">" if strict else ">="
        raise ValueError(f"TrainConfig.{name}: expected a value {sign} {low}, got {value!r}.")


@dataclass(frozen=True)
class TrainConfig:
    """Settings of :class:`rnnkit.training.Trainer`.

    Attributes:
        epochs: passes over the training data (the total, also when resuming).
        batch_size: examples per batch *per process*; under DDP the global batch is
            ``batch_size * world_size`` (see :meth:`global_batch_size`).
        optimizer: ``adam``, ``adamw`` or ``sgd``.
        lr: the learning rate (the start of the schedule).
        weight_decay: L2 penalty (``adam``, ``sgd``) or decoupled decay (``adamw``).
        momentum: SGD momentum (0 = plain SGD).
        nesterov: Nesterov momentum for SGD (needs ``momentum > 0``).
        betas: Adam/AdamW moment decay rates.
        scheduler: ``none``; ``cosine`` (per epoch, from ``lr`` down to ``min_lr`` over ``epochs``:
            ``lr_e = min_lr + (lr - min_lr) * (1 + cos(pi * (e - 1) / epochs)) / 2`` for 1-based epoch e);
            ``plateau`` (after each epoch, multiply the lr by ``plateau_factor`` once ``monitor`` has not
            improved by more than ``min_delta`` for more than ``plateau_patience`` epochs; never below
            ``min_lr``); ``exponential`` (after each epoch, multiply the lr by ``lr_decay``:
            ``lr_e = lr * lr_decay^(e-1)``).
        min_lr: the floor of the cosine and plateau schedules.
        plateau_factor: lr multiplier of the plateau schedule, in (0, 1).
        lr_decay: lr multiplier per epoch of the exponential schedule, in (0, 1].
        lr_decay_after: the exponential schedule keeps ``lr`` for the first ``lr_decay_after`` epochs:
            ``lr_e = lr * lr_decay^max(0, e - lr_decay_after)`` (1: decay from epoch 2 on).
        plateau_patience: epochs without improvement that the plateau schedule tolerates.
        clip_norm: rescale the gradients so that their global L2 norm is at most this; None = off.
        clip_value: clamp every gradient entry to ``[-clip_value, clip_value]`` (before ``clip_norm``);
            None = off.
        shuffle: reshuffle the training data every epoch (seeded by ``seed``).
        validation_split: fraction of the training dataset held out for validation (seeded by
            ``seed``) when no validation dataset is given; 0 = no validation.
        early_stopping_patience: stop once ``monitor`` has not improved for this many epochs;
            None = off.
        min_delta: the smallest change of ``monitor`` that counts as an improvement.
        monitor: the history column that early stopping, the plateau schedule and ``restore_best``
            watch (``val_loss``, ``val_accuracy``, ``train_loss``, ...).
        monitor_mode: ``min`` if smaller is better, ``max`` if larger is better.
        restore_best: at the end of ``fit``, load the weights of the best epoch by ``monitor``.
        seed: seeds torch (CPU and CUDA), ``random``, NumPy and the shuffling generator at the start of a
            fresh run; a resumed run restores the saved states instead.
        precision: ``fp32``; ``bf16`` (autocast on CUDA or CPU); ``fp16`` (autocast + gradient scaling,
            CUDA only).
        device: ``auto`` (CUDA if available), ``cpu`` or ``cuda``.
        num_workers: DataLoader worker processes (0 = load in the main process).
        log_every: log the running loss every this many optimiser steps (0 = never).
        progress: a progress bar on stderr: None = only when stderr is a terminal, True = always,
            False = never. Only rank 0 shows one.
    """

    epochs: int = 10
    batch_size: int = 32
    optimizer: str = "adam"
    lr: float = 1e-3
    weight_decay: float = 0.0
    momentum: float = 0.0
    nesterov: bool = False
    betas: tuple[float, float] = (0.9, 0.999)
    scheduler: str = "none"
    min_lr: float = 0.0
    plateau_factor: float = 0.1
    lr_decay: float = 0.5
    lr_decay_after: int = 1
    plateau_patience: int = 2
    clip_norm: float | None = None
    clip_value: float | None = None
    shuffle: bool = True
    validation_split: float = 0.0
    early_stopping_patience: int | None = None
    min_delta: float = 0.0
    monitor: str = "val_loss"
    monitor_mode: str = "min"
    restore_best: bool = False
    seed: int = 0
    precision: str = "fp32"
    device: str = "auto"
    num_workers: int = 0
    log_every: int = 50
    progress: bool | None = None

    def __post_init__(self) -> None:
        check_field_types(self)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("scheduler", self.scheduler, SCHEDULERS)
        _choice("precision", self.precision, PRECISIONS)
        _choice("device", self.device, DEVICES)
        _choice("monitor_mode", self.monitor_mode, MONITOR_MODES)
        for name in ("epochs", "batch_size", "lr_decay_after"):
            _at_least(name, getattr(self, name), 1)
        for name in ("weight_decay", "momentum", "min_lr", "min_delta", "num_workers", "log_every"):
            _at_least(name, getattr(self, name), 0)
        _at_least("plateau_patience", self.plateau_patience, 0)
        _at_least("early_stopping_patience", self.early_stopping_patience, 0)
        for name in ("lr", "clip_norm", "clip_value"):
            _at_least(name, getattr(self, name), 0, strict=True)
        if not 0.0 < self.lr_decay <= 1.0:
            raise ValueError(f"TrainConfig.lr_decay: expected a value in (0, 1], got {self.lr_decay}.")
        if not 0.0 < self.plateau_factor < 1.0:
            raise ValueError(
                f"TrainConfig.plateau_factor: expected a value in (0, 1), got {self.plateau_factor}."
            )
        if not 0.0 <= self.validation_split < 1.0:
            raise ValueError(
                f"TrainConfig.validation_split: expected a fraction in [0, 1), got {self.validation_split}. "
                "Use e.g. 0.1 to hold out 10%, or 0 for no validation."
            )
        if not all(0.0 <= b < 1.0 for b in self.betas):
            raise ValueError(f"TrainConfig.betas: expected two values in [0, 1), got {self.betas}.")
        if self.nesterov and (self.optimizer != "sgd" or self.momentum <= 0):
            raise ValueError(
                f"TrainConfig.nesterov=True needs optimizer='sgd' and momentum > 0, got "
                f"optimizer={self.optimizer!r}, momentum={self.momentum}. "
                "Set momentum (e.g. 0.9) or nesterov=False."
            )
        if self.min_lr >= self.lr and self.scheduler in ("cosine", "plateau"):
            raise ValueError(
                f"TrainConfig.min_lr: expected a value below lr={self.lr} for scheduler={self.scheduler!r}, "
                f"got {self.min_lr}. Lower min_lr or raise lr."
            )
        if not self.monitor:
            raise ValueError("TrainConfig.monitor: expected a history column such as 'val_loss', got ''.")

    @property
    def uses_monitor(self) -> bool:
        """Whether anything watches ``monitor`` (early stopping, the plateau schedule, restore_best)."""
        return self.early_stopping_patience is not None or self.scheduler == "plateau" or self.restore_best

    def global_batch_size(self, world_size: int = 1) -> int:
        """Examples per optimiser step over all processes: ``batch_size * world_size``."""
        return self.batch_size * world_size
