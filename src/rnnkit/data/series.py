"""A loaded time series: values ``(T, C)``, column names, timestamps, target columns and frequency.

Every forecasting loader (the datasets and :func:`~rnnkit.data.datasets.csv_series.load_csv_series`)
returns a :class:`Series`. Rows are time steps in file order (``T`` rows), columns are channels (``C``);
the target columns are the channels a model forecasts (``K`` of them), a subset of the columns.

Shapes:
    values (T, C) float64, every value finite; timestamps (T,) datetime64 or float64, or None when the
    file has no time column; missing (T, C) bool.

Example:
    >>> s = Series(np.array([[1.0, 10.0], [2.0, 20.0]]), ("a", "b"), ("b",))
    >>> s.n_rows, s.target_indices, s.target_values.ravel().tolist()
    (2, (1,), [10.0, 20.0])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

_NO_CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True, eq=False)
class Series:
    """One time series as loaded from a file.

    Args:
        values: ``(T, C)`` float64, finite (missing values are already filled; see ``missing``).
        columns: the ``C`` column names, unique, in the order of ``values``' columns.
        targets: the default target column(s), a subset of ``columns`` (the channels to forecast).
        timestamps: ``(T,)`` datetime64 (ISO dates in the file) or float64 (a numeric time column), or
            None when the file has no time column (rows are then only positions).
        frequency: the step between rows (``"1h"``, ``"10min"``, ``"1M"``; see :func:`infer_frequency`),
            or None when unknown.
        source: the file it came from (for messages).
        missing: ``(T, C)`` bool, True where the file had no value and ``values`` holds a filled one
            (default: all False).
        fill: how missing values were filled (``"none"``, ``"previous"``, ``"linear"``; see
            :mod:`rnnkit.data.missing`).
        categories: for each categorical source column turned into one-hot columns ``col=value``, its
            categories in column order (see :mod:`rnnkit.data.categorical`).
        notes: facts about the data a report should show (kept sentinels, irregular steps, ...).

    Raises:
        ValueError: a shape, name or value that does not fit the above.
    """

    values: np.ndarray
    columns: tuple[str, ...]
    targets: tuple[str, ...]
    timestamps: np.ndarray | None = None
    frequency: str | None = None
    source: str = ""
    missing: np.ndarray | None = None
    fill: str = "none"
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _NO_CATEGORIES)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"{self.source}: " if self.source else ""
        values = self.values
        if not isinstance(values, np.ndarray) or values.ndim != 2 or values.dtype != np.float64:
            got = (
                f"{values.dtype} {values.shape}" if isinstance(values, np.ndarray) else type(values).__name__
            )
            raise ValueError(f"{where}Series values must be a (T, C) float64 array; got {got}.")
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "targets", tuple(self.targets))
        if len(self.columns) != values.shape[1] or len(set(self.columns)) != len(self.columns):
            raise ValueError(
                f"{where}Series has {values.shape[1]} value columns but columns={list(self.columns)}; "
                "expected one unique name per column."
            )
        unknown = [t for t in self.targets if t not in self.columns]
        if not self.targets or unknown:
            raise ValueError(
                f"{where}target column(s) {unknown or '[]'} not among the columns {list(self.columns)}; "
                "name at least one of them as the target."
            )
        if not np.isfinite(values).all():
            row, col = np.argwhere(~np.isfinite(values))[0]
            raise ValueError(
                f"{where}value {values[row, col]} at row {row}, column {self.columns[col]!r} is not finite; "
                "fill missing values first (rnnkit.data.missing.fill_missing)."
            )
        if self.timestamps is not None and self.timestamps.shape != (values.shape[0],):
            raise ValueError(
                f"{where}timestamps have shape {self.timestamps.shape}; expected ({len(values)},)."
            )
        missing = np.zeros(values.shape, bool) if self.missing is None else self.missing
        if missing.shape != values.shape or missing.dtype != np.bool_:
            raise ValueError(
                f"{where}missing is {missing.dtype} {missing.shape}; expected bool {values.shape}."
            )
        object.__setattr__(self, "missing", missing)
        object.__setattr__(self, "categories", MappingProxyType(dict(self.categories)))

    @property
    def n_rows(self) -> int:
        """``T``, the number of time steps."""
        return int(self.values.shape[0])

    @property
    def target_indices(self) -> tuple[int, ...]:
        """The positions of the target columns in ``columns``."""
        return tuple(self.columns.index(t) for t in self.targets)

    @property
    def target_values(self) -> np.ndarray:
        """``(T, K)`` the target columns (a copy)."""
        return self.values[:, list(self.target_indices)]

    @property
    def missing_counts(self) -> dict[str, int]:
        """Filled values per column, for the columns that had any."""
        counts = np.zeros(len(self.columns), int) if self.missing is None else self.missing.sum(axis=0)
        return {name: int(n) for name, n in zip(self.columns, counts, strict=True) if n}

    def column(self, name: str) -> np.ndarray:
        """``(T,)`` one column by name (a view)."""
        if name not in self.columns:
            raise KeyError(
                f"{self.source or 'series'} has no column {name!r}; columns: {list(self.columns)}."
            )
        return self.values[:, self.columns.index(name)]


_SECONDS = (("D", 86400), ("h", 3600), ("min", 60))


def _format_seconds(step: int) -> str:
    for unit, size in _SECONDS:
        if step and step % size == 0:
            return f"{step // size}{unit}"
    return f"{step}s"


def _month_starts(timestamps: np.ndarray) -> np.ndarray | None:
    """The timestamps as months (datetime64[M]) if every one is the first of a month at midnight."""
    months = timestamps.astype("datetime64[M]")
    return months if (months.astype(timestamps.dtype) == timestamps).all() else None


def _mode(steps: np.ndarray) -> int | float:
    """The most common positive step (repeated stamps are not a step), the smallest on a tie."""
    positive = steps[steps > 0]
    unique, counts = np.unique(positive if len(positive) else steps, return_counts=True)
    return unique[int(np.argmax(counts))].item()


def infer_frequency(timestamps: np.ndarray | None) -> str | None:
    """The most common step between consecutive timestamps, as a short string.

    Datetimes give ``"<n>M"`` (months: ``YYYY-MM`` stamps, or all on the first of a month at midnight),
    ``"<n>Y"``, ``"<n>D"``, ``"<n>h"``, ``"<n>min"`` or ``"<n>s"``; numbers give the step itself
    (``"1"``, ``"0.5"``). None for no timestamps or fewer than two. The most common step, not the only
    one: a series with a gap or a repeated stamp (the Weather release has both) still has a frequency.

    Example:
        >>> infer_frequency(np.array(["2016-07-01 00:00", "2016-07-01 01:00"], dtype="datetime64[s]"))
        '1h'
        >>> infer_frequency(np.array(["1949-01", "1949-02", "1949-03"], dtype="datetime64[M]"))
        '1M'
        >>> infer_frequency(np.array([1.0, 1.5, 2.0]))
        '0.5'
    """
    if timestamps is None or len(timestamps) < 2:
        return None
    if not np.issubdtype(timestamps.dtype, np.datetime64):
        return f"{_mode(np.diff(timestamps.astype(np.float64))):g}"
    unit = np.datetime_data(timestamps.dtype)[0]
    if unit in ("Y", "M"):
        return f"{_mode(np.diff(timestamps.astype(np.int64)))}{unit}"
    months = _month_starts(timestamps)
    if months is not None and len(np.unique(np.diff(months.astype(np.int64)))) == 1:
        return f"{_mode(np.diff(months.astype(np.int64)))}M"
    seconds = np.diff(timestamps.astype("datetime64[s]").astype(np.int64))
    return _format_seconds(int(_mode(seconds)))
