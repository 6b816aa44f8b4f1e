"""Weather on the mirror: the raw file read independently, its repeated stamp and gap kept, its sentinels."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from data_mirror import mirror_root

from rnnkit.data.datasets.weather import WEATHER_COLUMNS, WEATHER_CSV, WEATHER_SENTINEL, load_weather
from rnnkit.data.windows import split_by_fraction, window_starts


@pytest.fixture(scope="module")
def raw() -> tuple[list[str], list[list[str]]]:
    with open(mirror_root() / WEATHER_CSV.folder / WEATHER_CSV.name, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def weather(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        return load_weather(mirror_root(), download=False)


def test_series_is_the_raw_file(weather, raw) -> None:
    header, rows = raw
    assert len(rows) == 52696 and weather.values.shape == (52696, 21)
    assert tuple(header[1:]) == WEATHER_COLUMNS == weather.columns == weather.targets
    assert "SWDR (W/m\ufffd)" in weather.columns  # the release's replacement characters, kept
    assert (
        str(weather.timestamps[0]) == "2020-01-01T00:10:00"
        and str(weather.timestamps[-1]) == "2021-01-01T00:00:00"
    )
    assert np.array_equal(weather.values, np.array([[float(v) for v in row[1:]] for row in rows]))
    assert weather.frequency == "10min"


def test_repeated_stamp_and_gap_are_kept_as_released(weather, raw) -> None:
    _, rows = raw
    stamps = [row[0] for row in rows]
    assert stamps.count("2020-05-12 06:00:00") == 2
    steps = np.diff(weather.timestamps).astype("timedelta64[m]").astype(int)
    assert (steps == 0).sum() == 1 and steps.max() == 100  # 09:30 -> 11:10: 09:40..11:00 missing
    assert weather.notes[0].startswith("1 repeated time stamp(s) and 9 missing 10-minute step(s)")


def test_sentinels_kept_or_filled(weather, raw) -> None:
    _, rows = raw
    counts = {
        c: sum(float(row[1 + i]) == WEATHER_SENTINEL for row in rows) for i, c in enumerate(WEATHER_COLUMNS)
    }
    counts = {c: n for c, n in counts.items() if n}
    assert counts == {"wv (m/s)": 1, "max. PAR (\ufffdmol/m\ufffd/s)": 30, "OT": 50}  # the README's counts
    assert weather.fill == "none" and (weather.values == WEATHER_SENTINEL).sum() == 81
    assert "kept as the sentinel -9999.0 (1 in 'wv (m/s)'" in weather.notes[1]
    filled = load_weather(mirror_root(), download=False, targets="OT", sentinel="previous")
    assert filled.targets == ("OT",) and filled.fill == "previous"
    assert filled.missing_counts == counts and not (filled.values == WEATHER_SENTINEL).any()
    ot = filled.column("OT")
    gaps = np.flatnonzero(filled.missing[:, filled.columns.index("OT")])
    previous = np.array([max(i for i in range(g) if i not in set(gaps)) for g in gaps[:5]])
    assert np.array_equal(ot[gaps[:5]], weather.column("OT")[previous])  # the last real reading before
    with pytest.raises(ValueError, match="sentinel='drop' is not one of"):
        load_weather(mirror_root(), sentinel="drop")


def test_protocol_borders_on_the_real_rows(weather) -> None:
    split = split_by_fraction(weather.n_rows, lookback=96)
    assert (split.train.stop, split.validation.stop, split.test.stop) == (36887, 42157, 52696)
    assert len(window_starts(split.test, 96, 96)) == 10539 - 96 + 1
