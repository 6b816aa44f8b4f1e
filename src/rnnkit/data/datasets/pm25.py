"""Beijing PM2.5: hourly PM2.5 at the US Embassy with the airport's weather, 2010-2014 (Liang et al., 2015).

One CSV from the UCI Machine Learning Repository (dataset 381), CRLF line ends (after the last row too),
header ``No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir``: the row number; the hour's date;
PM2.5 (µg/m³); dew point (°C), temperature (°C), pressure (hPa); combined wind direction ``cbwd`` (``NE``,
``NW``, ``SE``, ``cv`` = calm and variable); cumulated wind speed (m/s), hours of snow and of rain. 43,824
rows, hourly from 2010-01-01 00:00 to 2014-12-31 23:00, no gaps; ``pm2.5`` is ``NA`` in 2,067 rows.

The Series (11 columns): ``pm2.5`` (the target), ``DEWP``, ``TEMP``, ``PRES``, ``cbwd=NE``, ``cbwd=NW``,
``cbwd=SE``, ``cbwd=cv``, ``Iws``, ``Is``, ``Ir``; time stamps datetime64[h] from year/month/day/hour
(``No`` and the four date columns are not values), frequency ``"1h"``.

- Missing values: the ``NA`` readings are filled by ``missing`` (``"previous"``, the default: the last
  reading carried forward, causal; ``"linear"``; or ``"error"``), see :mod:`rnnkit.data.missing`;
  ``Series.missing`` marks the filled rows (2,067 in ``pm2.5``), so a metric can leave them out.
- The wind direction is one-hot (:mod:`rnnkit.data.categorical`) over the four documented categories,
  sorted (``NE``, ``NW``, ``SE``, ``cv``): fixed, so every copy and every part of the file is encoded
  with the same columns, and another label is an error.

Example:
    >>> PM25_CSV.folder, PM25_WIND
    ('beijing_pm25', ('NE', 'NW', 'SE', 'cv'))
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import numpy as np

from ..categorical import one_hot
from ..csv_table import CsvTable, check_time_order, read_csv_table
from ..download import RemoteFile, fetch
from ..missing import fill_missing
from ..series import Series, infer_frequency

PM25_CSV = RemoteFile(
    folder="beijing_pm25",
    name="PRSA_data_2010.1.1-2014.12.31.csv",
    url="https://archive.ics.uci.edu/ml/machine-learning-databases/00381/PRSA_data_2010.1.1-2014.12.31.csv",
    sha256="4127f868775e31b3956522adc0ec75af8937dde6a3896e8beed3a376c6d27f1c",
    size=2010494,
)
PM25_REPACKS = MappingProxyType(
    {
        "892e9559205d16d32623135c127a3951c12e46ea1e0b3093e107ce89a9fd60e2": (
            "the widely used copy without the final CRLF (the official bytes less the last two; the rnnkit "
            "shared mirror's README names it)"
        ),
    }
)
PM25_HEADER = (
    "No",
    "year",
    "month",
    "day",
    "hour",
    "pm2.5",
    "DEWP",
    "TEMP",
    "PRES",
    "cbwd",
    "Iws",
    "Is",
    "Ir",
)
PM25_WIND = ("NE", "NW", "SE", "cv")
PM25_TARGET = "pm2.5"
_BEFORE_WIND = ("pm2.5", "DEWP", "TEMP", "PRES")
_AFTER_WIND = ("Iws", "Is", "Ir")
_FIX = f"Delete it and run again to download {PM25_CSV.url}."


def _timestamps(table: CsvTable) -> np.ndarray:
    """``(T,)`` datetime64[h] from the year, month, day and hour columns."""
    parts = {c: table.numbers(c) for c in ("year", "month", "day", "hour")}
    text = [f"{y:04.0f}-{m:02.0f}-{d:02.0f}T{h:02.0f}" for y, m, d, h in zip(*parts.values(), strict=True)]
    try:
        stamps = np.array(text, dtype="datetime64[h]")
    except ValueError as exc:
        raise ValueError(
            f"{table.path}: the year/month/day/hour columns hold a date that does not exist ({exc})."
        ) from exc
    check_time_order(stamps, table, "No")
    return stamps


def _read(path: Path, missing: str) -> Series:
    table = read_csv_table(path)
    if table.header != PM25_HEADER:
        raise ValueError(
            f"{path}: the header is {list(table.header)}; {PM25_CSV.name} has {list(PM25_HEADER)}. {_FIX}"
        )
    stamps = _timestamps(table)
    if (np.diff(stamps) != np.timedelta64(1, "h")).any():
        raise ValueError(
            f"{path}: the rows are not one hour apart throughout, as {PM25_CSV.name}'s are. {_FIX}"
        )
    wind_names, wind = one_hot(
        table.labels("cbwd"), "cbwd", PM25_WIND, source=str(path), lines=table.lines.tolist()
    )
    before = np.stack([table.numbers(c, allow_missing=missing != "error") for c in _BEFORE_WIND], axis=1)
    after = np.stack([table.numbers(c, allow_missing=missing != "error") for c in _AFTER_WIND], axis=1)
    values = np.concatenate([before, wind, after], axis=1)  # (T, 11)
    columns = (*_BEFORE_WIND, *wind_names, *_AFTER_WIND)
    mask = None
    if np.isnan(values).any():
        values, mask = fill_missing(values, missing, columns, str(path))
    return Series(
        values,
        columns,
        (PM25_TARGET,),
        timestamps=stamps,
        frequency=infer_frequency(stamps),
        source=str(path),
        missing=mask,
        fill=missing if mask is not None else "none",
        categories={"cbwd": PM25_WIND},
    )


def pm25_structural_check(path: str | Path) -> None:
    """PM2.5's header, hourly rows, numbers (or ``NA``) and the four wind labels (raises ValueError)."""
    _read(Path(path), "previous")


def load_pm25(root: str | Path | None = None, download: bool = True, missing: str = "previous") -> Series:
    """Beijing PM2.5 as a Series ``(43824, 11)`` from ``root/beijing_pm25/PRSA_data_2010.1.1-2014.12.31.csv``.

    Args:
        root: the data root (default ``$RNNKIT_DATA`` or ``~/.cache/rnnkit``).
        download: download the file if it is missing.
        missing: the rule for the ``NA`` readings: ``"previous"`` (default), ``"linear"`` or ``"error"``.

    Raises:
        ValueError: the file is damaged, malformed or has an unaccepted digest; an unknown ``missing``.
        FileNotFoundError: the file is missing and ``download`` is False.
    """
    if missing not in ("error", "previous", "linear"):
        raise ValueError(f"missing={missing!r} is not one of ['error', 'previous', 'linear'].")
    path = fetch(
        PM25_CSV, root, download=download, structural_check=pm25_structural_check, known_repacks=PM25_REPACKS
    )
    return _read(path, missing)
