"""A dataset that is one published CSV file: its official copy, exact header, time step and targets.

The forecasting datasets (sunspots, air passengers, ETTh1/ETTh2, Weather) are each one
:class:`PublishedCsv`: ``load`` fetches the file (``rnnkit.data.download.fetch``: present and verified, or
downloaded), checks that its header is the published one, reads every value as a number (the published
files have no missing values) and the time stamps, and checks the time step. ``check`` is the structural
check for a present file whose digest is not the official one: it passes only a file with the same header,
parseable values and the same time step.

Example:
    >>> from rnnkit.data.datasets.sunspots import SUNSPOTS
    >>> SUNSPOTS.header, SUNSPOTS.step
    (('Month', 'Sunspots'), '1M')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from ..csv_table import read_csv_table
from ..download import RemoteFile, fetch
from ..series import Series
from .csv_series import series_from_table

_NO_REPACKS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class PublishedCsv:
    """One published CSV.

    Args:
        remote: the official file (URL, SHA-256, size) and where it lives under the data root.
        header: the exact header row: the time column first, then the value columns.
        targets: the default target column(s).
        step: the time step (:func:`rnnkit.data.series.infer_frequency`'s form, e.g. ``"1h"``).
        regular: every step is ``step`` and stamps increase strictly; if False (the Weather release) only
            the most common step must be ``step``, and the rows are kept in file order.
        repacks: digest -> description of faithful rebuilt copies.
    """

    remote: RemoteFile
    header: tuple[str, ...]
    targets: tuple[str, ...]
    step: str
    regular: bool = True
    repacks: Mapping[str, str] = field(default_factory=lambda: _NO_REPACKS)

    @property
    def columns(self) -> tuple[str, ...]:
        """The value columns (the header without its time column)."""
        return self.header[1:]

    def _fix(self) -> str:
        return f"Delete it and run again to download {self.remote.url}."

    def read(self, path: str | Path, targets: Sequence[str] | None = None) -> Series:
        """Parse and check the file at ``path`` (no digest check: that is ``load``'s ``fetch``).

        Raises:
            ValueError: another header, a value that is not a number, or another time step; the message
                names the file (the line and column) and says to fetch the official file.
        """
        path = Path(path)
        table = read_csv_table(path)
        if table.header != self.header:
            raise ValueError(
                f"{path}: the header is {list(table.header)}; {self.remote.name} has {list(self.header)}. "
                f"{self._fix()}"
            )
        chosen = self._targets(targets)
        try:
            series = series_from_table(
                table, self.columns, chosen, self.header[0], missing="error", check_order=self.regular
            )
        except ValueError as exc:
            raise ValueError(
                f"{exc} The published {self.remote.name} has no such value, so this copy is damaged or "
                f"another version: {self._fix()}"
            ) from exc
        stamps = series.timestamps if series.timestamps is not None else np.zeros(0)
        steps = np.unique(np.diff(stamps))
        if series.frequency != self.step or (self.regular and len(steps) != 1):
            raise ValueError(
                f"{path}: the time step of column {self.header[0]!r} is {series.frequency} (and {len(steps)} "
                f"different steps); {self.remote.name} has one row every {self.step}. {self._fix()}"
            )
        return series

    def _targets(self, targets: Sequence[str] | None) -> tuple[str, ...]:
        if targets is None:
            return self.targets
        chosen = (targets,) if isinstance(targets, str) else tuple(targets)
        unknown = [t for t in chosen if t not in self.columns]
        if not chosen or unknown:
            raise ValueError(
                f"{self.remote.name}: target(s) {unknown or list(chosen)} are not among its columns "
                f"{list(self.columns)}."
            )
        return chosen

    def check(self, path: str | Path) -> None:
        """The structural check: :meth:`read` succeeds (header, numbers, time step)."""
        self.read(path)

    def load(
        self, root: str | Path | None = None, download: bool = True, targets: Sequence[str] | None = None
    ) -> Series:
        """Fetch (verify or download) the file under the data root and read it.

        Args:
            root: the data root (default ``$RNNKIT_DATA`` or ``~/.cache/rnnkit``).
            download: download the file if it is missing.
            targets: the target column(s); default :attr:`targets`.
        """
        self._targets(targets)  # an unknown target is refused before any download
        path = fetch(
            self.remote, root, download=download, structural_check=self.check, known_repacks=self.repacks
        )
        return self.read(path, targets)
