"""Forecasting windows: (look-back ``L``, horizon ``H``) samples, and train/validation/test parts in order.

Definitions (rows are time steps, ``values`` ``(T, C)``, ``targets`` ``(T, K)`` the target columns):

    window s:   x = values[s : s + L]              (L, C)   the look-back
                y = targets[s + L : s + L + H]     (H, K)   the horizon
    origin      t = s + L                          x ends at row t - 1, right before y starts at row t

A :class:`Part` owns the rows ``[start, stop)``: every target of its windows lies there (``t >= start``
and ``t + H <= stop``), so no window's targets cross into another part. Its look-back may read from row
``context_start <= start`` (``t - L >= context_start``). Its windows are therefore every ``s`` with

    max(start - L, context_start) <= s <= stop - H - L,   stride 1,
    count = stop - H - max(start, context_start + L) + 1.

:func:`window_starts` returns all of them: nothing is dropped, so a test part is scored on every window
(the widely copied LTSF code built its test loader with ``drop_last=True`` and silently left out the last
partial batch, which changed published figures; FITS and Time-Series-Library corrected it).

Splits. :func:`split_by_rows` cuts a series at three row borders. With ``overlap=True`` (the LTSF rule)
the validation and test parts read their look-back from the previous part's last ``L`` rows, so their
first window's origin is the part's first row; with ``overlap=False`` each part reads only its own rows
(its first ``L`` rows are look-back only). Either way the targets of a part's windows lie inside the
part, and train comes before validation before test. The usual protocol's borders:

- :func:`ett_hour_split`: ETTh1/ETTh2, 12/4/4 months of 30 days: rows ``[0, 8640)``, ``[8640, 11520)``,
  ``[11520, 14400)`` (the rest of the 17,420 rows is unused, as in the LTSF code). Window counts:
  train ``8640 - L - H + 1``, validation and test ``2880 - H + 1`` each.
- :func:`split_by_fraction`: Weather (and every LTSF "custom" dataset): ``n_train = int(0.7 n)``,
  ``n_test = int(0.2 n)``, validation the rest, the test part last.

:class:`WindowDataset` serves ``index -> (x, y)`` as views into the arrays (no copy per window), ready
for a torch DataLoader (the torch Dataset wrapper belongs to the forecast recipe).

Example:
    >>> split = ett_hour_split(lookback=96)
    >>> split.validation
    Part(name='validation', start=8640, stop=11520, context_start=8544)
    >>> starts = window_starts(split.test, lookback=96, horizon=96)
    >>> len(starts), int(starts[0]) + 96, int(starts[-1]) + 96 + 96
    (2785, 11520, 14400)
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

ETT_HOUR_BORDERS = (8640, 11520, 14400)  # 12, 16 and 20 months of 30 days x 24 hours


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number of rows; got {value!r} ({type(value).__name__}).")
    if value < 1:
        raise ValueError(f"{name} must be at least 1 row; got {value}.")
    return int(value)


@dataclass(frozen=True)
class Part:
    """One part of a time-ordered split: owns rows ``[start, stop)``, reads look-back from ``context_start``.

    Example:
        >>> Part("test", 10, 20, 7).rows
        slice(10, 20, None)
    """

    name: str
    start: int
    stop: int
    context_start: int

    def __post_init__(self) -> None:
        if not 0 <= self.context_start <= self.start < self.stop:
            raise ValueError(
                f"part {self.name!r}: expected 0 <= context_start <= start < stop; got context_start="
                f"{self.context_start}, start={self.start}, stop={self.stop}."
            )

    @property
    def rows(self) -> slice:
        """The rows the part owns, ``slice(start, stop)``: fit scalers on ``values[train.rows]``."""
        return slice(self.start, self.stop)

    @property
    def n_rows(self) -> int:
        """``stop - start``."""
        return self.stop - self.start


@dataclass(frozen=True)
class TimeSplit:
    """Train, validation and test parts, in this order in time."""

    train: Part
    validation: Part
    test: Part

    def __iter__(self) -> Iterator[Part]:
        return iter((self.train, self.validation, self.test))


def split_by_rows(
    train_stop: int,
    validation_stop: int,
    test_stop: int,
    lookback: int,
    *,
    overlap: bool = True,
    start: int = 0,
) -> TimeSplit:
    """Parts ``[start, train_stop)``, ``[train_stop, validation_stop)``, ``[validation_stop, test_stop)``.

    Args:
        train_stop, validation_stop, test_stop: the row borders, increasing.
        lookback: ``L``; with ``overlap`` the validation and test look-back starts ``L`` rows before them.
        overlap: the LTSF rule (True) or each part on its own rows (False); see the module docstring.
        start: the first row of the training part.

    Raises:
        ValueError: borders out of order, or a look-back longer than the training part.

    Example:
        >>> [(p.context_start, p.start, p.stop) for p in split_by_rows(6, 8, 10, lookback=3)]
        [(0, 0, 6), (3, 6, 8), (5, 8, 10)]
    """
    lookback = _positive_int(lookback, "lookback")
    if not 0 <= start < train_stop < validation_stop < test_stop:
        raise ValueError(
            "split borders must increase: 0 <= start < train_stop < validation_stop < test_stop; got "
            f"start={start}, train_stop={train_stop}, validation_stop={validation_stop}, "
            f"test_stop={test_stop}."
        )
    if overlap and lookback > train_stop - start:
        raise ValueError(
            f"look-back {lookback} is longer than the training part ({train_stop - start} rows); use a "
            "shorter look-back or a longer series."
        )

    def context(part_start: int) -> int:
        return part_start - lookback if overlap else part_start

    return TimeSplit(
        Part("train", start, train_stop, start),
        Part("validation", train_stop, validation_stop, context(train_stop)),
        Part("test", validation_stop, test_stop, context(validation_stop)),
    )


def split_by_fraction(
    n_rows: int, lookback: int, train: float = 0.7, test: float = 0.2, *, overlap: bool = True
) -> TimeSplit:
    """The LTSF "custom" split (Weather's 70/10/20): ``int(train n)`` rows, validation, ``int(test n)``.

    The rounding is the LTSF code's (``int``, towards zero), so the borders match the published protocol:
    Weather's 52,696 rows give 36,887 / 5,270 / 10,539.

    Example:
        >>> s = split_by_fraction(52696, lookback=96)
        >>> s.train.stop, s.validation.stop, s.test.stop, s.test.context_start
        (36887, 42157, 52696, 42061)
    """
    if not (0 < train < 1 and 0 < test < 1 and train + test < 1):
        raise ValueError(
            f"fractions must be in (0, 1) with train + test < 1; got train={train}, test={test}."
        )
    n_train, n_test = int(n_rows * train), int(n_rows * test)
    return split_by_rows(n_train, n_rows - n_test, n_rows, lookback, overlap=overlap)


def ett_hour_split(lookback: int, n_rows: int | None = None) -> TimeSplit:
    """The ETT hourly protocol: 12/4/4 months of 30 days (rows 8640 / 2880 / 2880), look-back overlap.

    Args:
        lookback: ``L``.
        n_rows: the series' length, if known: checked to hold the 14,400 rows the split uses.
    """
    if n_rows is not None and n_rows < ETT_HOUR_BORDERS[-1]:
        raise ValueError(
            f"the ETT hourly split uses rows 0..{ETT_HOUR_BORDERS[-1] - 1}; the series has only {n_rows} "
            "rows (ETTh1.csv and ETTh2.csv have 17,420)."
        )
    return split_by_rows(*ETT_HOUR_BORDERS, lookback, overlap=True)


def window_starts(part: Part, lookback: int, horizon: int) -> np.ndarray:
    """Every window start ``s`` of ``part``, stride 1, none dropped: ``(N,)`` int64, increasing.

    ``s`` ranges over ``max(start - L, context_start) .. stop - H - L`` (module docstring).

    Raises:
        ValueError: ``lookback`` or ``horizon`` below 1, or a part too short to hold a single window.
    """
    lookback = _positive_int(lookback, "lookback")
    horizon = _positive_int(horizon, "horizon")
    first = max(part.start - lookback, part.context_start)
    last = part.stop - horizon - lookback
    if last < first:
        usable = part.stop - max(part.start, part.context_start + lookback)
        raise ValueError(
            f"the {part.name} part (rows {part.start}..{part.stop - 1}, look-back from row "
            f"{part.context_start}) holds no window of look-back {lookback} and horizon {horizon}: it has "
            f"{max(usable, 0)} rows for targets after the look-back, and needs at least {horizon}. Use a "
            "shorter look-back or horizon, or a longer series."
        )
    return np.arange(first, last + 1, dtype=np.int64)


class WindowDataset:
    """``index -> (x, y)``: ``x = values[s : s+L]`` ``(L, C)``, ``y = targets[s+L : s+L+H]`` ``(H, K)``.

    ``x`` and ``y`` are views into ``values`` and ``targets`` (basic slices: nothing is copied per window;
    writing into one writes into the arrays). ``arrays`` stacks windows into new ``(N, L, C)`` and
    ``(N, H, K)`` arrays, for baselines and metrics.

    Args:
        values: ``(T, C)`` the model's inputs (already scaled, if scaling is wanted).
        targets: ``(T, K)`` the forecast columns, row-aligned with ``values``.
        lookback: ``L``; horizon: ``H``.
        starts: the window starts, e.g. :func:`window_starts` of a part.

    Example:
        >>> values = np.arange(10.0).reshape(10, 1)
        >>> data = WindowDataset(values, values, 3, 2, np.array([0, 5]))
        >>> x, y = data[1]
        >>> x.ravel().tolist(), y.ravel().tolist(), np.shares_memory(x, values)
        ([5.0, 6.0, 7.0], [8.0, 9.0], True)
    """

    def __init__(
        self,
        values: np.ndarray,
        targets: np.ndarray,
        lookback: int,
        horizon: int,
        starts: Sequence[int] | np.ndarray,
    ) -> None:
        self.lookback = _positive_int(lookback, "lookback")
        self.horizon = _positive_int(horizon, "horizon")
        if values.ndim != 2 or targets.ndim != 2 or len(values) != len(targets):
            raise ValueError(
                f"values {values.shape} and targets {targets.shape} must be (T, C) and (T, K) with the "
                "same T."
            )
        starts_array = np.asarray(starts, dtype=np.int64)
        last = len(values) - self.lookback - self.horizon
        if starts_array.ndim != 1:
            raise ValueError(f"window starts must be 1-D; got shape {starts_array.shape}.")
        outside = starts_array[(starts_array < 0) | (starts_array > last)]
        if len(outside):
            raise ValueError(
                f"window start(s) {outside[:3].tolist()} outside 0..{last}, the starts whose look-back "
                f"and horizon fit in T={len(values)} rows (L={self.lookback}, H={self.horizon})."
            )
        self.values = values
        self.targets = targets
        self.starts = starts_array

    @classmethod
    def of_part(
        cls, values: np.ndarray, targets: np.ndarray, part: Part, lookback: int, horizon: int
    ) -> WindowDataset:
        """Every window of ``part`` (:func:`window_starts`)."""
        return cls(values, targets, lookback, horizon, window_starts(part, lookback, horizon))

    @property
    def origins(self) -> np.ndarray:
        """``(N,)`` each window's first target row, ``s + L``."""
        return self.starts + self.lookback

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        s = int(self.starts[operator.index(index)])  # IndexError past either end, as a list's
        t = s + self.lookback
        return self.values[s:t], self.targets[t : t + self.horizon]

    def arrays(self, indices: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Windows ``indices`` (default all) stacked: ``x`` ``(N, L, C)`` and ``y`` ``(N, H, K)``, copies."""
        starts = self.starts if indices is None else self.starts[np.asarray(indices, dtype=np.int64)]
        x_rows = starts[:, None] + np.arange(self.lookback)  # (N, L)
        y_rows = starts[:, None] + self.lookback + np.arange(self.horizon)  # (N, H)
        return self.values[x_rows], self.targets[y_rows]
