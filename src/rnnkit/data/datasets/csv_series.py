"""Any CSV as a forecasting :class:`~rnnkit.data.series.Series`: one or many columns, with or without time.

The file: UTF-8, a header row of column names, one row per time step in time order (the rules of
:func:`rnnkit.data.csv_table.read_csv_table`). Which columns become the series:

- ``target``: the column(s) to forecast.
- ``features``: None (univariate: the targets only), a list of other input columns, or ``"all"`` (every
  column but the time column). Columns keep the file's order.
- ``time``: the time-stamp column (ISO 8601 date-times, or numbers), or None for a file without one.
  Stamps must increase strictly (a repeated or earlier stamp is an error naming both lines); the
  frequency is the most common step (:func:`rnnkit.data.series.infer_frequency`).

Every value read must be a finite number; a missing one (empty, ``NA``, ``NaN``, ...) is filled by the
``missing`` rule (``"previous"``, the default, or ``"linear"``: :mod:`rnnkit.data.missing`) and counted in
``Series.missing``, or is an error with ``missing="error"``. Categorical columns are not read here (a
label is a non-numeric value, an error naming its line); the PM2.5 loader shows how to one-hot them.

Example:
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "sales.csv")
    ...     _ = path.write_text("day,temp,sales\\n2024-01-01,3.5,10\\n2024-01-02,NA,12\\n2024-01-03,4.5,9\\n")
    ...     s = load_csv_series(path, target="sales", time="day", features=["temp"])
    ...     s.columns, s.targets, s.frequency, s.values[:, 0].tolist(), s.missing_counts
    (('temp', 'sales'), ('sales',), '1D', [3.5, 3.5, 4.5], {'temp': 1})
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..csv_table import CsvTable, check_time_order, read_csv_table
from ..missing import FILL_METHODS, fill_missing
from ..series import Series, infer_frequency

MISSING_RULES = ("error", *FILL_METHODS)


def _names(value: str | Sequence[str], what: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    if not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"{what} must be a column name or a list of names; got {value!r}.")
    return names


def _selected(
    path: Path, target: tuple[str, ...], time: str | None, features: str | Sequence[str] | None
) -> tuple[list[str] | None, set[str]]:
    """The columns to read (None: all) and the names asked for as features or targets."""
    if time is not None and time in target:
        raise ValueError(f"{path}: column {time!r} cannot be both the time column and a target.")
    if features is None:
        return [*target] + ([time] if time else []), set(target)
    if features == "all":
        return None, set(target)
    chosen = _names(features, "features")
    if time is not None and time in chosen:
        raise ValueError(f"{path}: column {time!r} is the time column; leave it out of the features.")
    return [*chosen, *target] + ([time] if time else []), {*chosen, *target}


def series_from_table(
    table: CsvTable,
    columns: Sequence[str],
    targets: Sequence[str],
    time: str | None,
    *,
    missing: str = "previous",
    check_order: bool = True,
    notes: Sequence[str] = (),
) -> Series:
    """Numeric ``columns`` of ``table`` (and its ``time`` column) as a Series; the shared step of the loaders.

    Raises:
        ValueError: a non-numeric or infinite value, a missing one under ``missing="error"``, a bad or
            out-of-order time stamp (with ``check_order``); each naming the file, line and column.
    """
    if missing not in MISSING_RULES:
        raise ValueError(f"missing={missing!r} is not one of {list(MISSING_RULES)}.")
    stamps = table.times(time) if time is not None else None
    if stamps is not None and check_order:
        check_time_order(stamps, table, time or "")
    raw = np.stack([table.numbers(c, allow_missing=missing != "error") for c in columns], axis=1)  # (T, C)
    fill = "none"
    mask = None
    if np.isnan(raw).any():
        raw, mask = fill_missing(raw, missing, columns, str(table.path))
        fill = missing
    return Series(
        raw,
        tuple(columns),
        tuple(targets),
        timestamps=stamps,
        frequency=infer_frequency(stamps),
        source=str(table.path),
        missing=mask,
        fill=fill,
        notes=tuple(notes),
    )


def load_csv_series(
    path: str | Path,
    target: str | Sequence[str],
    time: str | None = None,
    features: str | Sequence[str] | None = None,
    *,
    missing: str = "previous",
    check_order: bool = True,
) -> Series:
    """Read a user's CSV as a Series (the rules are in the module docstring).

    Args:
        path: the CSV file.
        target: the column, or columns, to forecast.
        time: the time-stamp column, or None.
        features: None (univariate), a list of input columns, or ``"all"``.
        missing: ``"previous"`` (default), ``"linear"`` or ``"error"``.
        check_order: refuse repeated or decreasing time stamps (keep True for user data; False keeps the
            rows in file order, for a published file known to have a repeated stamp).

    Returns:
        A Series whose columns are the features and targets in file order, ``targets`` the targets.

    Raises:
        FileNotFoundError: no such file.
        ValueError: an empty file, no data rows, a column not in the header, a non-numeric value, a
            repeated or unsorted time stamp; each naming the file and the column (and the line).
    """
    if missing not in MISSING_RULES:
        raise ValueError(f"missing={missing!r} is not one of {list(MISSING_RULES)}.")
    path = Path(path)
    targets = _names(target, "target")
    wanted, asked = _selected(path, targets, time, features)
    table = read_csv_table(path, wanted, require=[*targets, *([time] if time else [])])
    columns = [c for c in table.header if c != time and (wanted is None or c in asked)]
    return series_from_table(table, columns, targets, time, missing=missing, check_order=check_order)
