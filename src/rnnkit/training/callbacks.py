"""Watching a run from outside the trainer: callbacks and the progress bar.

Callbacks: how code outside the trainer watches or steers a run without the trainer printing.

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

A one-line progress bar on stderr: the only thing in rnnkit.training that writes to the terminal.

Shown when asked (``enabled=True``) or, by default, only when the stream is a terminal, so logs and
CI output stay clean. It redraws at most ``max_rate`` times a second and ends with a newline.

Example:
    >>> import io
    >>> stream = io.StringIO()
    >>> with ProgressBar(total=4, description="epoch 1/2", stream=stream, enabled=True, width=8) as bar:
    ...     for _ in range(4):
    ...         bar.update(1, loss=0.5)
    >>> stream.getvalue().splitlines()[-1].strip()[:33]
    'epoch 1/2 [########] 4/4 loss 0.5'
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

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


def _format(value: float) -> str:
    return f"{value:.4g}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class ProgressBar:
    """Progress over ``total`` steps, with named values (e.g. the running loss) after the bar.

    Args:
        total: the number of steps (0 or None: unknown; only the count is shown).
        description: text before the bar.
        stream: where to draw (default ``sys.stderr``).
        enabled: True = draw, False = never, None = only if ``stream`` is a terminal.
        width: characters of the bar itself.
        max_rate: redraws per second at most (the final state is always drawn).
    """

    def __init__(
        self,
        total: int | None,
        description: str = "",
        stream: TextIO | None = None,
        enabled: bool | None = None,
        width: int = 24,
        max_rate: float = 10.0,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.total = total or 0
        self.description = description
        self.width = width
        self.min_interval = 1.0 / max_rate
        self.count = 0
        self.values: dict[str, float] = {}
        self._started = time.perf_counter()
        self._last_draw = 0.0
        self._last_len = 0

    def update(self, steps: int = 1, **values: float) -> None:
        """Advance by ``steps`` and set the values shown after the bar."""
        self.count += steps
        self.values.update(values)
        now = time.perf_counter()
        if self.enabled and (now - self._last_draw >= self.min_interval or self.count == self.total):
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self._started
        rate = self.count / elapsed if elapsed > 0 else 0.0
        parts = [self.description] if self.description else []
        if self.total:
            filled = min(self.width, self.width * self.count // self.total)
            parts.append(f"[{'#' * filled}{'.' * (self.width - filled)}] {self.count}/{self.total}")
        else:
            parts.append(str(self.count))
        parts.extend(f"{name} {_format(value)}" for name, value in self.values.items())
        parts.append(f"{_duration(elapsed)} {rate:.1f} it/s")
        line = " ".join(parts)
        padding = " " * max(0, self._last_len - len(line))  # erase the tail of a longer previous line
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self._last_len = len(line)
        self._last_draw = now

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
