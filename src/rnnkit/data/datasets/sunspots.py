"""Monthly mean sunspot numbers, Zurich, 1749-01 to 1983-12 (Andrews & Herzberg, 1985, *Data*).

One CSV from Rob Hyndman's Time Series Data Library, in the copy most tutorials download (Jason
Brownlee's Datasets repository): header ``"Month","Sunspots"``, months written ``"YYYY-MM"``, CRLF line
ends, no newline after the last row; 2,820 monthly rows (235 years), no gaps and no missing values.

The Series: one column ``Sunspots`` (also the target), time stamps datetime64[M], frequency ``"1M"``. There
is no official split; the cycle is about 11 years (~132 rows), so a look-back of several years is usual.

Example:
    >>> SUNSPOTS_CSV.folder, SUNSPOTS_CSV.name, SUNSPOTS.targets
    ('timeseries', 'monthly-sunspots.csv', ('Sunspots',))
"""

from __future__ import annotations

from pathlib import Path

from ..download import RemoteFile
from ..series import Series
from .published_csv import PublishedCsv

SUNSPOTS_CSV = RemoteFile(
    folder="timeseries",
    name="monthly-sunspots.csv",
    url="https://raw.githubusercontent.com/jbrownlee/Datasets/master/monthly-sunspots.csv",
    # the shared mirror's file (its README gives this digest); not downloaded from the url to compare
    sha256="c4ec8cc57d9f6fb6ecdb3e1f37f25b6f4badd5124c55931052b0cd2fc3bc71f3",
    size=45039,
)
SUNSPOTS = PublishedCsv(SUNSPOTS_CSV, ("Month", "Sunspots"), ("Sunspots",), "1M")


def load_sunspots(root: str | Path | None = None, download: bool = True) -> Series:
    """The monthly sunspot series ``(2820, 1)`` from ``root/timeseries/monthly-sunspots.csv``.

    Raises:
        ValueError: the file is damaged, malformed or has an unaccepted digest.
        FileNotFoundError: the file is missing and ``download`` is False.
    """
    return SUNSPOTS.load(root, download)
