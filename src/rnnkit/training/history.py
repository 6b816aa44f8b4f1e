"""History: one row per completed epoch, what ``Trainer.fit`` returns and ``log.csv`` holds.

A row has ``epoch`` (1-based), ``train_loss``, ``grad_norm`` and ``grad_norm_max`` (the mean and the
largest global L2 gradient norm of the epoch's steps, measured *before* clipping), ``val_loss`` and
``val_<metric>`` when there is validation data, ``lr`` (the learning rate the epoch trained with) and
``seconds``.

Example:
    >>> history = History()
    >>> history.append({"epoch": 1, "train_loss": 0.9})
    >>> history.append({"epoch": 2, "train_loss": 0.5})
    >>> history["train_loss"], history.last["epoch"], len(history)
    ([0.9, 0.5], 2, 2)

:class:`Monitor` watches one history column for the best epoch, early stopping and ``restore_best``.
An epoch improves on the best so far when its value is better by more than ``min_delta``
(``value < best - min_delta`` in ``min`` mode, ``value > best + min_delta`` in ``max`` mode); NaN
never improves. Early stopping ends the run once ``patience`` epochs in a row have not improved, so
with the best at epoch b the last epoch run is b + patience.

Example:
    >>> monitor = Monitor("val_loss", mode="min", patience=2)
    >>> [monitor.update(epoch, v) for epoch, v in enumerate([0.9, 0.5, 0.6, 0.7], start=1)]
    [True, True, False, False]
    >>> monitor.best_epoch, monitor.should_stop
    (2, True)
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from typing import Any


class History:
    """Per-epoch rows plus what the run decided: the best epoch and whether it stopped early."""

    def __init__(self, rows: list[dict[str, Any]] | None = None) -> None:
        self.rows: list[dict[str, Any]] = [dict(r) for r in rows or []]
        self.best_epoch: int | None = None
        self.best_value: float | None = None
        self.stopped_early: bool = False

    def append(self, row: dict[str, Any]) -> None:
        self.rows.append(dict(row))

    def __getitem__(self, column: str) -> list[Any]:
        """A column over epochs; NaN where an epoch's row lacks it."""
        if not any(column in row for row in self.rows):
            raise KeyError(f"history has no column {column!r}; columns: {self.columns()}.")
        return [row.get(column, float("nan")) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    @property
    def last(self) -> dict[str, Any]:
        if not self.rows:
            raise IndexError("history is empty: no epoch has completed yet.")
        return self.rows[-1]

    def columns(self) -> list[str]:
        """Every column in first-seen order."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)

    def to_csv(self) -> str:
        """The rows as CSV text with one header line (missing cells empty)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.columns(), restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()

    def state_dict(self) -> dict[str, Any]:
        return {
            "rows": [dict(r) for r in self.rows],
            "best_epoch": self.best_epoch,
            "best_value": self.best_value,
            "stopped_early": self.stopped_early,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.rows = [dict(r) for r in state["rows"]]
        self.best_epoch = state["best_epoch"]
        self.best_value = state["best_value"]
        self.stopped_early = state["stopped_early"]


class Monitor:
    """Best value and epoch of a history column, and the count of epochs since it last improved."""

    def __init__(
        self, name: str, mode: str = "min", min_delta: float = 0.0, patience: int | None = None
    ) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"monitor_mode: expected 'min' or 'max', got {mode!r}.")
        self.name, self.mode, self.min_delta, self.patience = name, mode, min_delta, patience
        self.best_value: float | None = None
        self.best_epoch: int | None = None
        self.bad_epochs = 0

    def check_available(self, has_validation: bool, needed: bool) -> None:
        """Fail before training if the column needs validation data that is not there."""
        if needed and self.name.startswith("val_") and not has_validation:
            raise ValueError(
                f"monitor={self.name!r} needs validation data (it is watched by early stopping, the "
                "plateau schedule or restore_best), but there is none. Pass val_dataset, set "
                "validation_split > 0, or monitor 'train_loss'."
            )

    def value(self, row: dict[str, Any], needed: bool) -> float | None:
        """The monitored value of an epoch's row; an error if it is missing and something needs it."""
        if self.name in row:
            return float(row[self.name])
        if needed:
            raise ValueError(
                f"monitor={self.name!r} is not a column of the history (columns: {list(row)}). Set monitor "
                "to one of them, or return the metric from the task's metrics()."
            )
        return None

    def update(self, epoch: int, value: float | None) -> bool:
        """Record an epoch's value; True if it is the new best."""
        if value is None:
            return False
        best = self.best_value
        if self.mode == "min":
            improved = best is None or value < best - self.min_delta
        else:
            improved = best is None or value > best + self.min_delta
        if math.isnan(value) or not improved:
            self.bad_epochs += 1
            return False
        self.best_value, self.best_epoch, self.bad_epochs = value, epoch, 0
        return True

    @property
    def should_stop(self) -> bool:
        """Whether ``patience`` epochs in a row have passed without improvement."""
        return self.patience is not None and self.bad_epochs >= self.patience

    def state_dict(self) -> dict[str, Any]:
        return {"best_value": self.best_value, "best_epoch": self.best_epoch, "bad_epochs": self.bad_epochs}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best_value, self.best_epoch, self.bad_epochs = (
            state["best_value"],
            state["best_epoch"],
            state["bad_epochs"],
        )
