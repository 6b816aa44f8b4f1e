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
"""

from __future__ import annotations

import csv
import io
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
