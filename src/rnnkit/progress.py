"""The one progress bar of rnnkit: training epochs and downloads both draw it, with tqdm, on stderr.

It sits on the bottom floor because ``rnnkit.data`` (downloads) and ``rnnkit.training`` (epochs) both
use it and neither may import the other.

Shown when asked (``enabled=True``), never when ``enabled=False``, and by default (``None``) only
when the stream is a terminal, so logs, pipes and CI output stay clean. The line is tqdm's: the
description, percentage, bar, count, elapsed and remaining time (the ETA) and the rate, then the
named values (e.g. the running loss) as a postfix. Colour is used only when the stream is a terminal.
While a bar is shown, what a root-logger handler writes to the same stream (the CLI's log lines) is
written above the bar (with ``tqdm.write``), so that it does not break the bar's line; the handler keeps
its level, format and filters.

Example:
    >>> import io
    >>> stream = io.StringIO()
    >>> with ProgressBar(4, "epoch 1/2", stream=stream, enabled=True) as bar:
    ...     for _ in range(4):
    ...         bar.update(1, loss=0.5)
    >>> line = stream.getvalue().split("\\r")[-1]
    >>> line.startswith("epoch 1/2: 100%") and "4/4" in line and "loss=0.5" in line
    True
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from tqdm import tqdm

TERMINAL_COLOUR = "green"
UNKNOWN_SIZE = (
    100,
    20,
)  # columns, rows of a terminal that does not say (a pty without a size, a test double)


class _Tqdm(tqdm):
    """tqdm without its monitor thread (rnnkit never nests bars, and a library should start no threads)."""

    monitor_interval = 0


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal (False for files, pipes and ``io.StringIO``)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


class _AboveBar:
    """A stream for a logging handler: each write goes above the bars drawn on ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        if text:
            _Tqdm.write(text, file=self.stream, end="")

    def flush(self) -> None:
        self.stream.flush()


def terminal_size(stream: TextIO) -> tuple[int, int] | None:
    """(columns, rows) of the terminal behind ``stream``, or None if it does not say (a pty may say 0)."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):  # no file descriptor, not a terminal, closed
        return None
    return (size.columns, size.lines) if size.columns > 0 and size.lines > 0 else None


@contextlib.contextmanager
def _logging_above(stream: TextIO) -> Iterator[None]:
    """While the block runs, root-logger handlers that write to ``stream`` write above its bar."""
    handlers = [
        handler
        for handler in logging.root.handlers
        if isinstance(handler, logging.StreamHandler) and handler.stream is stream
    ]
    for handler in handlers:
        handler.setStream(_AboveBar(stream))  # write + flush is all a StreamHandler uses
    try:
        yield
    finally:
        for handler in handlers:
            handler.setStream(stream)


def format_values(values: dict[str, float]) -> str:
    """The postfix text: ``name=value`` pairs, 4 significant digits, comma-separated.

    Example:
        >>> format_values({"loss": 0.123456, "val_accuracy": 0.9})
        'loss=0.1235, val_accuracy=0.9'
    """
    return ", ".join(f"{name}={value:.4g}" for name, value in values.items())


class ProgressBar:
    """Progress over ``total`` steps (or bytes), with named values after the bar.

    Args:
        total: the number of steps; None or 0 when unknown (then no percentage or ETA is shown).
        description: text before the bar (e.g. ``"epoch 3/40"`` or a file name).
        unit: what a step is: ``"it"`` for optimiser steps, ``"B"`` for bytes.
        unit_scale: show counts with SI prefixes (``2.50MB``); meant for bytes.
        stream: where to draw (default: ``sys.stderr`` at construction time).
        enabled: True = draw, False = never, None = only if ``stream`` is a terminal.
        min_interval: seconds between redraws at least; :meth:`close` always draws the final state.

    Attributes:
        enabled: whether anything is drawn.
        values: the named values shown after the bar (the latest of each).
    """

    def __init__(
        self,
        total: int | None,
        description: str = "",
        *,
        unit: str = "it",
        unit_scale: bool = False,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        min_interval: float = 0.1,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        terminal = is_terminal(self.stream)
        self.enabled = terminal if enabled is None else bool(enabled)
        resizable = terminal and terminal_size(self.stream) is not None
        self.values: dict[str, float] = {}
        self._closed = False
        self._logging = contextlib.ExitStack()
        self._bar = _Tqdm(
            total=total or None,
            desc=description or None,
            unit=unit,
            unit_scale=unit_scale,
            file=self.stream,
            disable=not self.enabled,
            mininterval=min_interval,
            dynamic_ncols=resizable,  # follow the window; else a fixed width, never tqdm's guess of 0
            ncols=UNKNOWN_SIZE[0] if terminal and not resizable else None,
            nrows=UNKNOWN_SIZE[1] if terminal and not resizable else None,
            colour=TERMINAL_COLOUR if terminal else None,  # ANSI colour codes only on a terminal
            leave=True,
        )

    def update(self, steps: int = 1, **values: float) -> None:
        """Advance by ``steps`` and set the values shown after the bar (redrawn now and then)."""
        if not self.enabled:
            return
        if values:
            self.values.update(values)
            self._bar.set_postfix_str(format_values(self.values), refresh=False)
        self._bar.update(steps)

    def close(self, **values: float) -> None:
        """Set the final values (e.g. an epoch's validation metrics), draw the final state, end the line."""
        if self._closed:
            return
        self._closed = True
        if self.enabled and values:
            self.values.update(values)
            self._bar.set_postfix_str(format_values(self.values), refresh=False)
        self._bar.close()
        self._logging.close()

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            self._logging.enter_context(_logging_above(self.stream))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
