"""Beijing PM2.5: NA gaps filled as documented (real counts from the mirror), the wind direction one-hot."""

from __future__ import annotations

import csv
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from data_mirror import mirror_root

from rnnkit.data.datasets.pm25 import PM25_CSV, PM25_HEADER, PM25_REPACKS, load_pm25

COLUMNS = ("pm2.5", "DEWP", "TEMP", "PRES", "cbwd=NE", "cbwd=NW", "cbwd=SE", "cbwd=cv", "Iws", "Is", "Ir")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def tiny(rows: list[str]) -> str:
    return ",".join(PM25_HEADER) + "\r\n" + "".join(f"{i + 1},{row}\r\n" for i, row in enumerate(rows))


TINY_ROWS = [
    "2010,1,1,0,NA,-21,-11,1021,NW,1.79,0,0",
    "2010,1,1,1,10,-21,-12,1020,NW,4.92,0,0",
    "2010,1,1,2,NA,-21,-11,1019,cv,6.71,0,0",
    "2010,1,1,3,NA,-20,-14,1019,SE,0.89,0,1",
    "2010,1,1,4,40,-19,-12,1018,NE,1.79,1,0",
    "2010,1,1,5,NA,-19,-10,1017,SE,2.68,0,0",
]


def place(root: Path, text: str | bytes) -> Path:
    path = root / PM25_CSV.folder / PM25_CSV.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_tiny_file_na_and_wind_as_documented(tmp_path: Path) -> None:
    place(tmp_path, tiny(TINY_ROWS))
    with pytest.warns(UserWarning, match="structure checks out"):
        s = load_pm25(tmp_path)
    assert s.columns == COLUMNS and s.targets == ("pm2.5",) and s.values.shape == (6, 11)
    assert s.column("pm2.5").tolist() == [
        10.0,
        10.0,
        10.0,
        10.0,
        40.0,
        40.0,
    ]  # previous; first: first observed
    assert s.missing[:, 0].tolist() == [True, False, True, True, False, True] and s.missing_counts == {
        "pm2.5": 4
    }
    assert s.values[:, 4:8].tolist() == [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0],
                                         [0, 0, 1, 0]]  # fmt: skip
    assert dict(s.categories) == {"cbwd": ("NE", "NW", "SE", "cv")}
    assert [str(t) for t in s.timestamps[:2]] == ["2010-01-01T00", "2010-01-01T01"] and s.frequency == "1h"
    with pytest.warns(UserWarning):
        linear = load_pm25(tmp_path, missing="linear")
    assert linear.column("pm2.5").tolist() == [10.0, 10.0, 20.0, 30.0, 40.0, 40.0] and linear.fill == "linear"


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        (
            [*TINY_ROWS[:2], TINY_ROWS[2].replace(",cv,", ",SW,")],
            r"line 4, column 'cbwd': label 'SW' is not one",
        ),
        (
            [*TINY_ROWS[:2], TINY_ROWS[2].replace("-11,1019", "-11,high")],
            r"line 4, column 'PRES': 'high' is not",
        ),
        ([TINY_ROWS[0], TINY_ROWS[2]], "not one hour apart"),
        ([TINY_ROWS[1], TINY_ROWS[0]], r"time goes backwards: line 3"),
        ([TINY_ROWS[0], "2010,2,30,0,1,1,1,1,NW,1,0,0"], "a date that does not exist"),
    ],
)
def test_bad_copies_name_the_line_and_column(tmp_path: Path, rows: list[str], match: str) -> None:
    path = place(tmp_path, tiny(rows))
    with pytest.raises(ValueError, match=match) as info:
        load_pm25(tmp_path)
    assert str(path) in str(info.value)


def test_missing_error_rule_names_the_first_gap(tmp_path: Path) -> None:
    place(tmp_path, tiny(TINY_ROWS))
    with (
        pytest.warns(UserWarning),
        pytest.raises(ValueError, match=r"line 2, column 'pm2.5': missing value \(4"),
    ):
        load_pm25(tmp_path, missing="error")
    with pytest.raises(ValueError, match="missing='mean' is not one of"):
        load_pm25(tmp_path, missing="mean")


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    with open(mirror_root() / PM25_CSV.folder / PM25_CSV.name, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_mirror_counts_and_values(raw: list[dict[str, str]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the official bytes: no digest warning
        s = load_pm25(mirror_root(), download=False)
    assert len(raw) == 43824 and s.values.shape == (43824, 11) and s.columns == COLUMNS
    na = np.array([row["pm2.5"] == "NA" for row in raw])
    assert na.sum() == 2067 and s.missing_counts == {"pm2.5": 2067}  # the README's count
    assert np.array_equal(s.missing[:, 0], na) and s.fill == "previous"
    observed = np.array([float(row["pm2.5"]) if row["pm2.5"] != "NA" else np.nan for row in raw])
    assert np.array_equal(s.column("pm2.5")[~na], observed[~na])
    last = np.maximum.accumulate(np.where(~na, np.arange(len(na)), -1))
    first_seen = int(np.argmax(~na))
    expected = observed[np.where(last < 0, first_seen, last)]
    assert np.array_equal(s.column("pm2.5"), expected)  # every gap: the reading before it
    wind = Counter(row["cbwd"] for row in raw)
    assert wind == {"SE": 15290, "NW": 14150, "cv": 9387, "NE": 4997}  # the README's counts
    assert s.values[:, 4:8].sum(axis=0).tolist() == [wind["NE"], wind["NW"], wind["SE"], wind["cv"]]
    for name in ("DEWP", "TEMP", "PRES", "Iws", "Is", "Ir"):
        assert np.array_equal(s.column(name), [float(row[name]) for row in raw]), name
    assert str(s.timestamps[0]) == "2010-01-01T00" and str(s.timestamps[-1]) == "2014-12-31T23"
    linear = load_pm25(mirror_root(), download=False, missing="linear")
    gap = int(np.flatnonzero(na & (np.arange(len(na)) > first_seen))[0])  # an interior gap
    before, after = gap - 1, gap + int(np.argmax(~na[gap:]))
    slope = (observed[after] - observed[before]) / (after - before)
    assert linear.column("pm2.5")[gap] == pytest.approx(observed[before] + slope)


def test_copy_without_the_final_crlf_is_a_known_repack(tmp_path: Path) -> None:
    data = (mirror_root() / PM25_CSV.folder / PM25_CSV.name).read_bytes()
    place(tmp_path, data[:-2])
    with pytest.warns(UserWarning, match="known repack") as record:
        s = load_pm25(tmp_path)
    assert list(PM25_REPACKS)[0] in str(record[0].message) and s.n_rows == 43824
