"""Airline passengers: monthly international totals in thousands, 1949-1960 (Box & Jenkins, Series G).

One CSV from Rob Hyndman's Time Series Data Library, in the copy most tutorials download (Jason
Brownlee's Datasets repository): header ``"Month","Passengers"``, months written ``"YYYY-MM"``, CRLF line
ends, no newline after the last row; 144 monthly rows (12 years), no gaps and no missing values.

The Series: one column ``Passengers`` (also the target), time stamps datetime64[M], frequency ``"1M"``.
The usual evaluations hold out the last 36 months (1958-1960) or backtest 1959-1960; the series grows and
its yearly swing grows with it (multiplicative seasonality, period 12).

Example:
    >>> AIRLINE_CSV.folder, AIRLINE_CSV.name, AIRLINE.targets
    ('timeseries', 'airline-passengers.csv', ('Passengers',))
"""

from __future__ import annotations

from pathlib import Path

from ..download import RemoteFile
from ..series import Series
from .published_csv import PublishedCsv

AIRLINE_CSV = RemoteFile(
    folder="timeseries",
    name="airline-passengers.csv",
    url="https://raw.githubusercontent.com/jbrownlee/Datasets/master/airline-passengers.csv",
    # the shared mirror's file (its README gives this digest); not downloaded from the url to compare
    sha256="8cb51be753a718d9be5d76d7e238cc224792754676adc21faa59e954b0201621",
    size=2180,
)
AIRLINE = PublishedCsv(AIRLINE_CSV, ("Month", "Passengers"), ("Passengers",), "1M")


def load_airline(root: str | Path | None = None, download: bool = True) -> Series:
    """The monthly air-passenger series ``(144, 1)`` from ``root/timeseries/airline-passengers.csv``.

    Raises:
        ValueError: the file is damaged, malformed or has an unaccepted digest.
        FileNotFoundError: the file is missing and ``download`` is False.
    """
    return AIRLINE.load(root, download)
