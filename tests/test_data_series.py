"""rnnkit.data.series: the Series container's checks, and the frequency of time stamps."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.data.series import Series, infer_frequency


def test_series_accessors() -> None:
    values = np.array([[1.0, 10.0, 0.5], [2.0, 20.0, 0.5]])
    missing = np.array([[False, True, False], [False, True, True]])
    s = Series(values, ["a", "b", "c"], ["c", "a"], missing=missing, source="x.csv")
    assert s.columns == ("a", "b", "c") and s.targets == ("c", "a") and s.n_rows == 2
    assert s.target_indices == (2, 0)
    assert s.target_values.tolist() == [[0.5, 1.0], [0.5, 2.0]]
    assert s.missing_counts == {"b": 2, "c": 1}
    assert s.column("b").tolist() == [10.0, 20.0] and np.shares_memory(s.column("b"), values)
    with pytest.raises(KeyError, match="x.csv has no column 'z'"):
        s.column("z")
    plain = Series(values, ("a", "b", "c"), ("a",))
    assert plain.missing is not None and not plain.missing.any() and plain.missing_counts == {}
    assert plain.timestamps is None and plain.frequency is None and dict(plain.categories) == {}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": np.zeros((2, 2), np.float32)}, r"\(T, C\) float64"),
        ({"values": np.zeros(2)}, r"\(T, C\) float64"),
        ({"columns": ("a", "a")}, "one unique name per column"),
        ({"columns": ("a",)}, "one unique name per column"),
        ({"targets": ("z",)}, r"target column\(s\) \['z'\]"),
        ({"targets": ()}, "name at least one"),
        ({"values": np.array([[1.0, np.nan], [0.0, 0.0]])}, "row 0, column 'b' is not finite"),
        ({"timestamps": np.zeros(3)}, r"timestamps have shape \(3,\)"),
        ({"missing": np.zeros((2, 2), int)}, "expected bool"),
    ],
)
def test_series_refuses_what_does_not_fit(kwargs: dict, match: str) -> None:
    base = {"values": np.zeros((2, 2)), "columns": ("a", "b"), "targets": ("b",), "source": "f.csv"}
    with pytest.raises(ValueError, match=match):
        Series(**{**base, **kwargs})


@pytest.mark.parametrize(
    ("stamps", "dtype", "expected"),
    [
        (["2016-07-01 00:00", "2016-07-01 01:00", "2016-07-01 02:00"], "datetime64[s]", "1h"),
        (
            [
                "2020-01-01 00:10",
                "2020-01-01 00:10",
                "2020-01-01 00:20",
                "2020-01-01 01:00",
                "2020-01-01 01:10",
            ],
            "datetime64[s]",
            "10min",
        ),  # a repeated stamp and a gap, as in the Weather release
        (["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05"], "datetime64[D]", "1D"),
        (["2024-01-01", "2024-01-08", "2024-01-15"], "datetime64[D]", "7D"),
        (["1949-01", "1949-02", "1949-03"], "datetime64[M]", "1M"),
        (["1949-01-01", "1949-02-01", "1949-03-01", "1949-04-01"], "datetime64[D]", "1M"),
        (["1949-01-01", "1949-04-01", "1949-07-01"], "datetime64[D]", "3M"),
        (["1950", "1951"], "datetime64[Y]", "1Y"),
        (["2020-01-01T00:00:00", "2020-01-01T00:00:30"], "datetime64[s]", "30s"),
    ],
)
def test_infer_frequency_of_datetimes(stamps: list[str], dtype: str, expected: str) -> None:
    assert infer_frequency(np.array(stamps, dtype=dtype)) == expected


def test_infer_frequency_of_numbers_and_short_series() -> None:
    assert infer_frequency(np.array([1.0, 2.0, 3.0, 5.0])) == "1"
    assert infer_frequency(np.array([0.0, 0.25])) == "0.25"
    assert infer_frequency(np.array([3.0])) is None
    assert infer_frequency(None) is None
