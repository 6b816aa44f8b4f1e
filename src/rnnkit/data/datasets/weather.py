"""Weather: 21 meteorological indicators every 10 minutes in 2020, Jena (the long-horizon benchmark's copy).

Recorded at the weather station of the Max Planck Institute for Biogeochemistry, Jena, and released in
this packaging by the Autoformer authors (Wu et al., NeurIPS 2021; THUML, Tsinghua) on Google Drive, a
folder with no direct file link; the ``url`` below is THUML's dataset collection on Hugging Face. The
digest is the shared mirror's file, whose README reports that independent copies (one named like the
Google Drive download) have the same bytes; the url's copy was not compared here (no network). It is not
the Keras ``jena_climate_2009_2016.csv``.

The file: CRLF line ends, header ``date`` + 21 columns (``p (mbar)``, ``T (degC)``, ..., ``OT``; three
names hold a literal U+FFFD where the station wrote ``²`` or ``µ``, kept as released), 52,696 rows from
2020-01-01 00:10 to 2021-01-01 00:00. Two irregularities, kept as released because the benchmark reads
the rows by position: 2020-05-12 06:00:00 appears twice, and the nine steps from 2020-05-29 09:40 to
11:00 are missing. Missing readings are the sentinel ``-9999.0`` (50 in ``OT``, 30 in ``max. PAR``, 1 in
``wv (m/s)``); ``sentinel="keep"`` (the default) keeps them as numbers, as the benchmark's published
figures were computed on them; ``"previous"`` or ``"linear"`` treats them as missing and fills them
(:mod:`rnnkit.data.missing`). ``Series.notes`` states which, with the counts.

The Series: 21 columns, time stamps datetime64[s], frequency ``"10min"`` (the most common step); default
targets all 21 (the multivariate benchmark; ``targets="OT"`` for one). Split with
:func:`rnnkit.data.windows.split_by_fraction` (70/10/20).

Example:
    >>> len(WEATHER_COLUMNS), WEATHER_COLUMNS[-1], WEATHER.step
    (21, 'OT', '10min')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..download import RemoteFile
from ..missing import FILL_METHODS, fill_missing
from ..series import Series
from .published_csv import PublishedCsv

WEATHER_CSV = RemoteFile(
    folder="weather",
    name="weather.csv",
    url="https://huggingface.co/datasets/thuml/Time-Series-Library/resolve/main/weather/weather.csv",
    # the shared mirror's file (its README gives this digest); not downloaded from the url to compare
    sha256="34ee981d07313e51da2a50bb600072c8ae4a69cb4b0651f4cb93a069d7a2ba63",
    size=7235425,
)
WEATHER_COLUMNS = (
    "p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)", "VPact (mbar)",
    "VPdef (mbar)", "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)", "wv (m/s)", "max. wv (m/s)",
    "wd (deg)", "rain (mm)", "raining (s)", "SWDR (W/m\ufffd)", "PAR (\ufffdmol/m\ufffd/s)",
    "max. PAR (\ufffdmol/m\ufffd/s)", "Tlog (degC)", "OT",
)  # fmt: skip
WEATHER_SENTINEL = -9999.0
WEATHER = PublishedCsv(WEATHER_CSV, ("date", *WEATHER_COLUMNS), WEATHER_COLUMNS, "10min", regular=False)
SENTINEL_RULES = ("keep", *FILL_METHODS)


def _irregularities(series: Series) -> list[str]:
    stamps = series.timestamps if series.timestamps is not None else np.zeros(0, "datetime64[s]")
    steps = np.diff(stamps).astype("timedelta64[s]").astype(np.int64)
    repeated = int((steps == 0).sum())
    skipped = int((steps[steps > 600] // 600 - 1).sum())
    return [
        f"{repeated} repeated time stamp(s) and {skipped} missing 10-minute step(s), rows kept in file "
        "order as released (the benchmark reads rows by position)"
    ]


def load_weather(
    root: str | Path | None = None,
    download: bool = True,
    targets: str | Sequence[str] | None = None,
    sentinel: str = "keep",
) -> Series:
    """Weather as a Series ``(52696, 21)`` from ``root/weather/weather.csv``.

    Args:
        root: the data root (default ``$RNNKIT_DATA`` or ``~/.cache/rnnkit``).
        download: download the file if it is missing.
        targets: the target column(s); default all 21 (the multivariate benchmark).
        sentinel: ``"keep"`` the ``-9999.0`` readings as released, or fill them (``"previous"``,
            ``"linear"``) as missing values, marked in ``Series.missing``.

    Raises:
        ValueError: an unknown target or sentinel rule; the file is damaged, malformed or has an unaccepted
            digest.
        FileNotFoundError: the file is missing and ``download`` is False.
    """
    if sentinel not in SENTINEL_RULES:
        raise ValueError(f"sentinel={sentinel!r} is not one of {list(SENTINEL_RULES)}.")
    chosen = (targets,) if isinstance(targets, str) else targets
    series = WEATHER.load(root, download, chosen)
    is_sentinel = series.values == WEATHER_SENTINEL
    counts = ", ".join(
        f"{n} in {c!r}" for c, n in zip(series.columns, is_sentinel.sum(axis=0), strict=True) if n
    )
    notes = _irregularities(series)
    if sentinel == "keep":
        notes.append(f"missing readings kept as the sentinel {WEATHER_SENTINEL} ({counts or 'none'})")
        return replace(series, notes=tuple(notes))
    values, mask = fill_missing(np.where(is_sentinel, np.nan, series.values), sentinel, series.columns)
    notes.append(
        f"sentinel {WEATHER_SENTINEL} readings filled as missing values by the rule {sentinel!r} "
        f"({counts or 'none'})"
    )
    return replace(series, values=values, missing=mask, fill=sentinel, notes=tuple(notes))
