"""ETTh1 and ETTh2: hourly Electricity Transformer Temperature (Zhou et al., Informer, AAAI 2021).

Two CSVs from the official repository (zhouhaoyi/ETDataset, ``ETT-small/``), one per transformer station:
header ``date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT``, stamps ``YYYY-MM-DD HH:MM:SS``, LF line ends, values
at full float precision; 17,420 hourly rows each, 2016-07-01 00:00 to 2018-06-26 19:00, no gaps, no
missing values. The six load columns are High/Middle/Low UseFul and UseLess Load; ``OT`` is the oil
temperature.

The Series: the seven value columns in file order, time stamps datetime64[s], frequency ``"1h"``. The
default targets are all seven columns: the long-horizon benchmark's multivariate setting ("M"), in which
the published ETTh1 figures (PatchTST, DLinear, SegRNN) are scored; ``targets="OT"`` is the univariate
setting ("S" when OT is also the only input). Split with :func:`rnnkit.data.windows.ett_hour_split`
(12/4/4 months).

Example:
    >>> ETT_FILES["ETTh1"].url.endswith("ETT-small/ETTh1.csv"), ETT_COLUMNS[-1]
    (True, 'OT')
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..download import RemoteFile
from ..series import Series
from .published_csv import PublishedCsv

ETT_COLUMNS = ("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT")
_URL = "https://raw.githubusercontent.com/zhouhaoyi/ETDataset/main/ETT-small/{}.csv"
ETTH1_CSV = RemoteFile(
    "ett",
    "ETTh1.csv",
    _URL.format("ETTh1"),
    "f18de3ad269cef59bb07b5438d79bb3042d3be49bdeecf01c1cd6d29695ee066",
    2589657,
)
ETTH2_CSV = RemoteFile(
    "ett",
    "ETTh2.csv",
    _URL.format("ETTh2"),
    "a3dc2c597b9218c7ce1cd55eb77b283fd459a1d09d753063f944967dd6b9218b",
    2417960,
)
ETT_FILES = {"ETTh1": ETTH1_CSV, "ETTh2": ETTH2_CSV}
ETT = {
    name: PublishedCsv(remote, ("date", *ETT_COLUMNS), ETT_COLUMNS, "1h")
    for name, remote in ETT_FILES.items()
}


def _dataset(name: str) -> PublishedCsv:
    if name not in ETT:
        raise ValueError(f"unknown ETT file {name!r}; expected one of {sorted(ETT)} (the hourly files).")
    return ETT[name]


def load_ett(
    name: str = "ETTh1",
    root: str | Path | None = None,
    download: bool = True,
    targets: str | Sequence[str] | None = None,
) -> Series:
    """``ETTh1`` or ``ETTh2`` as a Series ``(17420, 7)`` from ``root/ett/<name>.csv``.

    Args:
        name: ``"ETTh1"`` or ``"ETTh2"``.
        root: the data root (default ``$RNNKIT_DATA`` or ``~/.cache/rnnkit``).
        download: download the file if it is missing.
        targets: the target column(s); default all seven (the multivariate benchmark).

    Raises:
        ValueError: an unknown name or target; the file is damaged, malformed or has an unaccepted digest.
        FileNotFoundError: the file is missing and ``download`` is False.
    """
    chosen = (targets,) if isinstance(targets, str) else targets
    return _dataset(name).load(root, download, chosen)
