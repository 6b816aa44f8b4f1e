"""The progress line of a download: drawn on stderr, and only when stderr is a terminal.

Example:
    >>> import io
    >>> stream = io.StringIO()
    >>> progress = TransferProgress("mnist.npz", total=2_000_000, stream=stream, enabled=True)
    >>> progress.update(1_000_000)
    >>> progress.close()
    >>> stream.getvalue().split("\\r")[-1].split(" MB")[0]
    'mnist.npz: 1.0/2.0'
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TransferProgress:
    """``name: done/total MB (percent) rate MB/s``, redrawn in place at most ``max_rate`` times a second.

    Args:
        name: what is being transferred (a file name).
        total: the expected number of bytes, or None if unknown (then no percentage is shown).
        stream: where to draw; ``sys.stderr`` at construction time by default.
        enabled: True = draw, False = never, None = only if ``stream`` is a terminal.
        max_rate: redraws per second at most; ``close`` always draws the final state.
    """

    def __init__(
        self,
        name: str,
        total: int | None,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        max_rate: float = 8.0,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.name = name
        self.total = total if total and total > 0 else None
        self.done = 0
        self._min_interval = 1.0 / max_rate
        self._started = time.perf_counter()
        self._last_draw = float("-inf")
        self._last_len = 0

    def update(self, nbytes: int) -> None:
        """Count ``nbytes`` more bytes."""
        self.done += nbytes
        now = time.perf_counter()
        if self.enabled and now - self._last_draw >= self._min_interval:
            self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        self._last_draw = now
        megabytes = self.done / 1e6
        line = f"{self.name}: {megabytes:.1f}"
        if self.total is not None:
            line += f"/{self.total / 1e6:.1f} MB ({100 * self.done / self.total:.0f}%)"
        else:
            line += " MB"
        elapsed = now - self._started
        if elapsed > 0:
            line += f" {megabytes / elapsed:.1f} MB/s"
        padding = " " * max(0, self._last_len - len(line))
        self._last_len = len(line)
        self.stream.write("\r" + line + padding)
        self.stream.flush()
