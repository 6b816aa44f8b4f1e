"""The published-CSV datasets (sunspots, airline, ETTh1, ETTh2): the mirror read against the raw file, and
the structural check of copies whose digest is not the official one.

The raw files are read again here with the csv module, independently of rnnkit's reader.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from data_mirror import mirror_root

from rnnkit.data import catalog
from rnnkit.data.datasets.airline import AIRLINE_CSV, load_airline
from rnnkit.data.datasets.ett import ETT_COLUMNS, ETTH1_CSV, ETTH2_CSV, load_ett
from rnnkit.data.datasets.sunspots import SUNSPOTS_CSV, load_sunspots
from rnnkit.data.download import RemoteFile
from rnnkit.data.series import Series

# name: (loader, file, rows, columns, first stamp, last stamp, frequency), as the mirror's README gives them
Loader = Callable[[Path, bool], Series]
DATASETS: dict[str, tuple[Loader, RemoteFile, int, tuple[str, ...], str, str, str]] = {
    "sunspots": (load_sunspots, SUNSPOTS_CSV, 2820, ("Sunspots",), "1749-01", "1983-12", "1M"),
    "airline": (load_airline, AIRLINE_CSV, 144, ("Passengers",), "1949-01", "1960-12", "1M"),
    "etth1": (lambda r, d: load_ett("ETTh1", r, d), ETTH1_CSV, 17420, ETT_COLUMNS, "2016-07-01T00:00:00",
              "2018-06-26T19:00:00", "1h"),
    "etth2": (lambda r, d: load_ett("ETTh2", r, d), ETTH2_CSV, 17420, ETT_COLUMNS, "2016-07-01T00:00:00",
              "2018-06-26T19:00:00", "1h"),
}  # fmt: skip


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def raw_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


@pytest.mark.parametrize("name", list(DATASETS))
def test_mirror_series_is_the_raw_file(name: str) -> None:
    loader, remote, n_rows, columns, first, last, frequency = DATASETS[name]
    root = mirror_root()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the mirror holds the official bytes: no digest warning
        series = loader(root, False)
    header, rows = raw_csv(root / remote.folder / remote.name)
    assert len(rows) == n_rows and series.values.shape == (n_rows, len(columns))
    assert tuple(header[1:]) == columns == series.columns
    assert series.timestamps is not None
    assert str(series.timestamps[0]) == first and str(series.timestamps[-1]) == last
    assert np.array_equal(
        series.timestamps, np.array([row[0] for row in rows], dtype=series.timestamps.dtype)
    )
    expected = np.array([[float(v) for v in row[1:]] for row in rows])
    assert np.array_equal(series.values, expected)  # every value, exactly
    assert series.targets == columns  # the default: every column (univariate files: the one column)
    assert series.frequency == frequency and series.fill == "none" and series.missing_counts == {}


def test_known_values() -> None:
    root = mirror_root()
    sunspots, airline = load_sunspots(root, False), load_airline(root, False)
    assert sunspots.values[:3, 0].tolist() == [58.0, 62.6, 70.0] and sunspots.values[-1, 0] == 33.4
    assert airline.values[[0, 1, -1], 0].tolist() == [112.0, 118.0, 432.0]
    etth1 = load_ett("ETTh1", root, False)
    readme_first_row = "5.827000141143799,2.009000062942505,1.5989999771118164,0.4620000123977661,"
    readme_first_row += "4.203000068664552,1.3400000333786009,30.5310001373291"
    assert etth1.values[0].tolist() == [float(v) for v in readme_first_row.split(",")]


def test_catalog_verifies_the_forecasting_files() -> None:
    names = ["sunspots", "airline", "pm25", "etth1", "etth2", "weather"]
    lines = list(catalog.verify(names, mirror_root()))
    assert [line.split()[:2] for line in lines] == [[n, "official"] for n in names]
    assert all(catalog.CATALOG[n].used_by == "forecast" for n in names)


# --- copies with another digest: the structural check -------------------------------------------


def place(root: Path, remote: RemoteFile, text: str) -> Path:
    path = root / remote.folder / remote.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


TINY_ETT = (
    "date,"
    + ",".join(ETT_COLUMNS)
    + "\n"
    + "".join(f"2016-07-01 0{h}:00:00,{h}.5,1,2,3,4,5,{30 + h}\n" for h in range(4))
)


def test_rebuilt_copy_that_checks_out_is_accepted_with_a_warning(tmp_path: Path) -> None:
    place(
        tmp_path, SUNSPOTS_CSV, 'Month,Sunspots\n"1749-01",58.0\n1749-02,62.6\n1749-03,70\n'
    )  # LF, own quoting
    with pytest.warns(UserWarning, match="structure checks out"):
        s = load_sunspots(tmp_path)
    assert s.values[:, 0].tolist() == [58.0, 62.6, 70.0] and s.frequency == "1M"
    place(tmp_path, ETTH1_CSV, TINY_ETT)
    with pytest.warns(UserWarning, match="structure checks out"):
        ett = load_ett("ETTh1", tmp_path, targets="OT")
    assert ett.targets == ("OT",) and ett.target_values[:, 0].tolist() == [30.0, 31.0, 32.0, 33.0]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "Month,Spots\n1749-01,58.0\n1749-02,1\n",
            r"the header is \['Month', 'Spots'\]; monthly-sunspots.csv has",
        ),
        ("Month,Sunspots\n1749-01,58.0\n1749-02,x\n", r"line 3, column 'Sunspots': 'x' is not a number"),
        ("Month,Sunspots\n1749-01,58.0\n1749-02,NA\n", r"line 3, column 'Sunspots': missing value"),
        (
            "Month,Sunspots\n1749-01,58.0\n1749-03,1\n1749-04,1\n",
            r"the time step of column 'Month' is 1M \(and 2",
        ),
        ("Month,Sunspots\n1749-01,58.0\n1749-01,1\n", r"time stamp '1749-01' appears twice"),
        ("Month,Sunspots\n", "no data rows"),
    ],
)
def test_damaged_copy_is_refused(tmp_path: Path, text: str, match: str) -> None:
    path = place(tmp_path, SUNSPOTS_CSV, text)
    with pytest.raises(ValueError, match=match) as info:
        load_sunspots(tmp_path)
    message = str(info.value)
    assert str(path) in message and SUNSPOTS_CSV.url in message and SUNSPOTS_CSV.sha256 in message


def test_unknown_target_or_file_is_refused_before_any_download(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"target\(s\) \['ot'\] are not among its columns"):
        load_ett("ETTh1", tmp_path, targets="ot")
    with pytest.raises(ValueError, match="unknown ETT file 'ETTm1'"):
        load_ett("ETTm1", tmp_path)
    with pytest.raises(FileNotFoundError, match="download=False"):
        load_ett("ETTh2", tmp_path, download=False)
    assert not (tmp_path / "ett").exists()
