"""load_csv_series (and the CSV reading under it): any user CSV, and one clear error per bad input.

Every error names the file and the column (and the line where there is one).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnnkit.data.datasets.csv_series import load_csv_series

GOOD = "time,temp,load,sales\n2024-01-01,3.5,100,10\n2024-01-02,4.0,110,12\n2024-01-03,4.5,120,9\n"


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_univariate(tmp_path: Path) -> None:
    s = load_csv_series(write(tmp_path, GOOD), target="sales", time="time")
    assert s.columns == ("sales",) and s.targets == ("sales",) and s.values.shape == (3, 1)
    assert s.values[:, 0].tolist() == [10.0, 12.0, 9.0] and s.values.dtype == np.float64
    assert s.timestamps is not None and s.timestamps.dtype == np.dtype("datetime64[D]")
    assert str(s.timestamps[0]) == "2024-01-01" and s.frequency == "1D"
    assert s.fill == "none" and s.missing_counts == {} and s.source.endswith("data.csv")


def test_multivariate_keeps_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    s = load_csv_series(path, target="sales", time="time", features=["load", "temp"])
    assert s.columns == ("temp", "load", "sales") and s.targets == ("sales",)
    assert s.values[1].tolist() == [4.0, 110.0, 12.0]
    every = load_csv_series(path, target=["load", "sales"], time="time", features="all")
    assert every.columns == ("temp", "load", "sales") and every.targets == ("load", "sales")
    assert every.target_values[2].tolist() == [120.0, 9.0]


def test_no_time_column_and_numeric_time(tmp_path: Path) -> None:
    s = load_csv_series(write(tmp_path, "a,b\n1,2\n3,4\n"), target="b", features="all")
    assert s.columns == ("a", "b") and s.timestamps is None and s.frequency is None
    numeric = load_csv_series(write(tmp_path, "step,v\n0,1\n5,2\n10,3\n", "n.csv"), target="v", time="step")
    assert numeric.timestamps is not None and numeric.timestamps.tolist() == [0.0, 5.0, 10.0]
    assert numeric.frequency == "5"


def test_bom_crlf_quotes_and_blank_lines(tmp_path: Path) -> None:
    text = '\ufeff"when","value"\r\n"2024-01-01 00:00",1.5\r\n\r\n"2024-01-01 01:00", 2.5 \r\n\r\n'
    s = load_csv_series(write(tmp_path, text), target="value", time="when")
    assert s.values[:, 0].tolist() == [1.5, 2.5] and s.frequency == "1h"


def test_missing_values_are_filled_and_counted(tmp_path: Path) -> None:
    text = "t,x,y\n1,1.0,NA\n2,,5.0\n3,3.0,NaN\n4,NA,7.0\n5,5.0,null\n"
    path = write(tmp_path, text)
    s = load_csv_series(path, target="y", time="t", features=["x"])
    assert s.fill == "previous" and s.missing_counts == {"x": 2, "y": 3}
    assert s.values[:, 0].tolist() == [1.0, 1.0, 3.0, 3.0, 5.0]
    assert s.values[:, 1].tolist() == [5.0, 5.0, 5.0, 7.0, 7.0]  # leading gap: first observed value
    assert s.missing is not None and s.missing[:, 1].tolist() == [True, False, True, False, True]
    linear = load_csv_series(path, target="y", time="t", features=["x"], missing="linear")
    assert linear.values[:, 0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert linear.values[:, 1].tolist() == [5.0, 5.0, 6.0, 7.0, 7.0]
    with pytest.raises(ValueError, match=rf"{path}: line 2, column 'y': missing value \(3 in this column\)"):
        load_csv_series(path, target="y", time="t", missing="error")


def case(text: str | bytes, match: str, **kwargs: object) -> tuple[str | bytes, str, dict[str, object]]:
    return text, match, {"target": "sales", "time": "time", **kwargs}


BAD_INPUT = {
    "missing target": case(
        GOOD, r"no column 'revenue'; the header \(line 1\) has \['time',", target="revenue"
    ),
    "missing time": case(GOOD, "no column 'date'", time="date"),
    "missing target, all features": case(GOOD, "no column 'revenue'", target="revenue", features="all"),
    "missing feature": case(GOOD, "no column 'wind'", features=["temp", "wind"]),
    "non-numeric": case(
        GOOD.replace("4.0,110", "4.0,1l0"), r"line 3, column 'load': '1l0' is not a number", features=["load"]
    ),
    "non-numeric target": case(
        GOOD.replace(",12\n", ",twelve\n"), r"line 3, column 'sales': 'twelve' is not"
    ),
    "infinite": case(GOOD.replace(",9\n", ",inf\n"), r"line 4, column 'sales': 'inf' is not a finite number"),
    "duplicate time": case(
        GOOD.replace("2024-01-03", "2024-01-02"),
        r"column 'time': time stamp '2024-01-02' appears twice, on lines 3 and 4",
    ),
    "unsorted time": case(
        GOOD.replace("2024-01-02", "2024-01-05"),
        r"column 'time': time goes backwards: line 4 \('2024-01-03'\) comes after line 3 \('2024-01-05'\)\. "
        "Sort the file by 'time'",
    ),
    "bad time": case(
        GOOD.replace("2024-01-02", "Jan 2 2024"), r"line 3, column 'time': 'Jan 2 2024' is not a time"
    ),
    "time zone": case(
        GOOD.replace("2024-01-02", "2024-01-02T00:00Z"), r"line 3, column 'time': .*without a time"
    ),
    "empty time": case(GOOD.replace("2024-01-02", ""), r"line 3, column 'time': the time stamp is missing"),
    "empty file": case("", "is empty; expected a header row"),
    "blank file": case("\n \n", "is empty"),
    "no rows": case("time,sales\n", r"has a header \(time, sales\) but no data rows"),
    "ragged row": case(GOOD.replace("4.0,110,12", "4.0,110"), "line 3 has 3 fields; the header has 4"),
    "repeated header": case(
        "time,sales,sales\n1,2,3\n", r"column name\(s\) \['sales'\] appear more than once"
    ),
    "not utf-8": case(b"time,sales\n2024-01-01,1\n\xff\xfe,2\n", "not UTF-8 text"),
    "time as target": case(GOOD, "'time' cannot be both the time column and a target", target="time"),
    "time as feature": case(GOOD, "'time' is the time column; leave it out", features=["time"]),
}


@pytest.mark.parametrize(("text", "match", "kwargs"), list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_is_one_clear_error(tmp_path: Path, text: str | bytes, match: str, kwargs: dict) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=match) as info:
        load_csv_series(path, **kwargs)
    assert str(path) in str(info.value)  # the file is named in every message


def test_unknown_missing_rule(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"missing='zero' is not one of \['error', 'previous', 'linear'\]"):
        load_csv_series(write(tmp_path, GOOD), target="sales", missing="zero")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_csv_series(tmp_path / "nope.csv", target="x")
    with pytest.raises(ValueError, match="is a folder"):
        load_csv_series(tmp_path, target="x")
