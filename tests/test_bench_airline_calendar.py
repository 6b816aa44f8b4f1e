"""bench/airline_calendar.py: the month columns it adds to the airline file are sin/cos of the month."""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import airline_calendar  # noqa: E402


def test_the_calendar_columns_are_the_month_on_the_unit_circle(tmp_path: Path) -> None:
    source = tmp_path / "airline.csv"
    source.write_bytes(b'"Month","Passengers"\r\n"1949-01",112\r\n"1949-04",129\r\n"1949-10",119')
    written = tmp_path / "calendar.csv"
    airline_calendar.write_calendar_csv(source, written)
    lines = written.read_text().splitlines()
    assert lines[0] == "Month,Passengers,month_sin,month_cos"
    rows = [line.split(",") for line in lines[1:]]
    assert [r[:2] for r in rows] == [["1949-01", "112"], ["1949-04", "129"], ["1949-10", "119"]]
    for (month, _, sin, cos), turn in zip(rows, (0, 3, 9), strict=True):
        assert math.isclose(float(sin), math.sin(2 * math.pi * turn / 12), abs_tol=1e-6), month
        assert math.isclose(float(cos), math.cos(2 * math.pi * turn / 12), abs_tol=1e-6), month
