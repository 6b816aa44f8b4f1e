"""A CSV file read into named text columns, and the typed readers whose errors name the file, line and column.

:func:`read_csv_table` reads a UTF-8 CSV (a BOM is allowed; LF or CRLF line ends; quoted fields as the
``csv`` module reads them; blank lines skipped) with a header row, and keeps the columns asked for as text,
with each data row's line number. :class:`CsvTable` then reads a column as numbers
(:meth:`~CsvTable.numbers`), time stamps (:meth:`~CsvTable.times`) or labels (:meth:`~CsvTable.labels`),
and :func:`check_time_order` refuses repeated or unsorted time stamps. Every error is one ValueError that
names the file, the line and the column, what was found, what was expected, and how to fix it.

Missing values: an empty field or one of ``NA``, ``N/A``, ``NaN``, ``nan``, ``null``, ``NULL`` (after
stripping spaces) is missing, read as NaN by :meth:`~CsvTable.numbers` when it allows missing values.

Example:
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "t.csv")
    ...     _ = path.write_text("when,v\\n2020-01-01,1.5\\n2020-01-02,NA\\n")
    ...     table = read_csv_table(path, ["when", "v"])
    ...     table.numbers("v", allow_missing=True).tolist(), table.times("when").dtype
    ([1.5, nan], dtype('<M8[D]'))
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MISSING_TOKENS = ("", "NA", "N/A", "NaN", "nan", "null", "NULL")
_TIME_FORMS = "ISO 8601 date-times (2016-07-01, 1949-01, 2016-07-01 00:00:00) without a time zone, or numbers"


@dataclass(frozen=True)
class CsvTable:
    """The columns of a CSV that were asked for, as stripped text, one entry per data row.

    Attributes:
        path: the file.
        header: every column name of the header row, in file order (spaces around names stripped).
        fields: column name -> its ``(N,)`` text array (spaces around values stripped).
        lines: ``(N,)`` the file line each data row ends on (1 is the header's line in a plain file).
    """

    path: Path
    header: tuple[str, ...]
    fields: Mapping[str, np.ndarray]
    lines: np.ndarray

    @property
    def n_rows(self) -> int:
        """The number of data rows."""
        return len(self.lines)

    def at(self, row: int, column: str) -> str:
        """``"<file>: line <n>, column '<column>'"``, the place of one field, for messages."""
        return f"{self.path}: line {int(self.lines[row])}, column {column!r}"

    def labels(self, column: str) -> list[str]:
        """A column's text, one string per row."""
        return self.fields[column].tolist()

    def numbers(self, column: str, *, allow_missing: bool = False) -> np.ndarray:
        """A column as ``(N,)`` float64, NaN where missing (only with ``allow_missing``).

        Raises:
            ValueError: a value that is not a finite number, or a missing one without ``allow_missing``;
                the message names the file, the line and the column.
        """
        text = self.fields[column]
        missing = np.isin(text, MISSING_TOKENS)
        try:
            values = np.where(missing, "nan", text).astype(np.float64)
        except ValueError:
            row = next(i for i, v in enumerate(text.tolist()) if not missing[i] and not _is_float(v))
            raise ValueError(
                f"{self.at(row, column)}: {str(text[row])!r} is not a number; expected a decimal number "
                "(a missing value may be left empty or written NA or NaN). Fix the value in the file, "
                f"or leave {column!r} out of the columns read."
            ) from None
        infinite = np.flatnonzero(~missing & ~np.isfinite(values))
        if len(infinite):
            row = int(infinite[0])
            raise ValueError(
                f"{self.at(row, column)}: {str(text[row])!r} is not a finite number; write a missing "
                "value as NA or leave it empty."
            )
        if missing.any() and not allow_missing:
            row = int(np.argmax(missing))
            raise ValueError(
                f"{self.at(row, column)}: missing value ({int(missing.sum())} in this column); fill them "
                "in the file, or load with a missing-value rule (missing='previous' or 'linear')."
            )
        return values

    def times(self, column: str) -> np.ndarray:
        """A time column as ``(N,)`` float64 when every value is a number, else datetime64 (ISO 8601).

        Raises:
            ValueError: an empty stamp, or one that is neither form; the message names the line.
        """
        text = self.fields[column]
        empty = np.flatnonzero(np.isin(text, MISSING_TOKENS))
        if len(empty):
            row = int(empty[0])
            raise ValueError(
                f"{self.at(row, column)}: the time stamp is missing; every row needs one. Fill it in, or "
                "remove the row."
            )
        try:
            return text.astype(np.float64)
        except ValueError:
            pass
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # numpy warns (and would drop) a time zone
                stamps = text.astype("datetime64")
            if not np.isnat(stamps).any():
                return stamps
        except (ValueError, Warning):
            pass
        parses = _is_float if _is_float(text[0]) else _is_datetime  # the form of the first row
        row = next((i for i, v in enumerate(text.tolist()) if not parses(v)), 0)
        raise ValueError(
            f"{self.at(row, column)}: {str(text[row])!r} is not a time stamp like the rows before it; "
            f"expected {_TIME_FORMS}, one form in the whole column. Fix the value, or read another column "
            "as the time."
        )


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_datetime(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return not np.isnat(np.datetime64(text))
    except (ValueError, Warning):
        return False


def read_csv_table(
    path: str | Path, columns: Sequence[str] | None = None, require: Sequence[str] = ()
) -> CsvTable:
    """Read ``path`` and keep ``columns`` (default: all) as text columns; ``require`` must be in the header.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: an empty file, a header with no data rows, a repeated column name, a requested column
            not in the header, a row with another number of fields than the header, or text that is not
            UTF-8 or not CSV; each message names the file (and the line or column).
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; expected a CSV file.")
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            reader = csv.reader(file)
            rows: list[list[str]] = []
            lines: list[int] = []
            for row in reader:
                if row and any(field.strip() for field in row):
                    rows.append(row)
                    lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc}); save the file as UTF-8 CSV.") from exc
    except csv.Error as exc:
        raise ValueError(f"{path}: line {reader.line_num}: not valid CSV ({exc}).") from exc
    if not rows:
        raise ValueError(
            f"{path} is empty; expected a header row of column names, then one row per time step."
        )
    header = tuple(name.strip() for name in rows[0])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ValueError(
            f"{path}: line {lines[0]}: column name(s) {repeated} appear more than once in the header; "
            "rename them."
        )
    if len(rows) == 1:
        raise ValueError(f"{path} has a header ({', '.join(header)}) but no data rows; the series is empty.")
    wanted = list(header) if columns is None else list(dict.fromkeys(columns))
    absent = [name for name in dict.fromkeys([*wanted, *require]) if name not in header]
    if absent:
        raise ValueError(
            f"{path}: no column {', '.join(map(repr, absent))}; the header (line {lines[0]}) has "
            f"{list(header)}. Names are case-sensitive: pass one of those."
        )
    for row, line in zip(rows[1:], lines[1:], strict=True):
        if len(row) != len(header):
            raise ValueError(
                f"{path}: line {line} has {len(row)} fields; the header has {len(header)} "
                f"({', '.join(header)}). Fix the row (a missing comma, or an unquoted comma inside a value)."
            )
    fields = {}
    for name in wanted:  # column by column: each array only as wide as its own longest value
        p = header.index(name)
        fields[name] = np.char.strip(np.array([row[p] for row in rows[1:]], dtype=str))
    return CsvTable(path, header, fields, np.array(lines[1:], dtype=np.int64))


def check_time_order(stamps: np.ndarray, table: CsvTable, column: str) -> None:
    """Refuse a repeated time stamp or one earlier than the row before it.

    Raises:
        ValueError: naming the file, the column, both lines and both stamps, and the fix.
    """
    bad = np.flatnonzero(stamps[1:] <= stamps[:-1])
    if not len(bad):
        return
    row = int(bad[0])
    text = table.fields[column]
    first, second = int(table.lines[row]), int(table.lines[row + 1])
    if stamps[row] == stamps[row + 1]:
        raise ValueError(
            f"{table.path}: column {column!r}: time stamp {str(text[row])!r} appears twice, on lines {first} "
            f"and {second}; each row must be its own time step. Remove (or merge) the repeated row."
        )
    raise ValueError(
        f"{table.path}: column {column!r}: time goes backwards: line {second} ({str(text[row + 1])!r}) comes "
        f"after line {first} ({str(text[row])!r}). Sort the file by {column!r}."
    )
