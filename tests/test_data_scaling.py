"""rnnkit.data.scaling: statistics from the training part only, a guarded zero std, JSON round trip."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rnnkit.data.scaling import StandardScaler
from rnnkit.data.windows import split_by_rows

COLUMNS = ("load", "temp", "flag")


def series(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.normal([10.0, -3.0, 0.0], [2.0, 0.5, 1.0], size=(100, 3))
    values[:, 2] = 7.0  # constant in training
    return values


def test_fits_on_train_rows_only() -> None:
    values = series()
    split = split_by_rows(60, 80, 100, lookback=5)
    scaler = StandardScaler.fit(values[split.train.rows], COLUMNS)
    np.testing.assert_allclose(scaler.mean, values[:60].mean(axis=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(scaler.std[:2], values[:60, :2].std(axis=0, ddof=0), rtol=1e-12)
    changed = values.copy()
    changed[60:] = changed[60:] * 100.0 + 5.0  # validation and test rows: anything at all
    again = StandardScaler.fit(changed[split.train.rows], COLUMNS)
    assert np.array_equal(again.mean, scaler.mean) and np.array_equal(again.std, scaler.std)
    z = scaler.transform(values[:60])
    np.testing.assert_allclose(z[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z[:, :2].std(axis=0), 1.0, rtol=1e-12)


def test_zero_std_is_guarded() -> None:
    values = series()
    values[:, 0] = 1e6 + 0.1  # a constant far from zero: its computed std is rounding noise, not zero
    scaler = StandardScaler.fit(values[:60], COLUMNS)
    assert scaler.constant_columns == ("load", "flag")
    assert scaler.std[0] == 1.0 and scaler.std[2] == 1.0
    z = scaler.transform(np.array([[1e6 + 0.1, -3.0, 8.5]]))
    assert z[0, 0] == 0.0 and z[0, 2] == pytest.approx(1.5)
    assert np.isfinite(scaler.transform(values)).all()


def test_inverse_and_column_subsets() -> None:
    values = series()
    scaler = StandardScaler.fit(values[:60], COLUMNS)
    batch = values[60:72].reshape(3, 4, 3)  # (B, T, C): any leading shape
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(batch)), batch, rtol=1e-12)
    temp = values[60:, 1:2]  # a target subset (K = 1)
    z = scaler.transform(temp, columns=("temp",))
    np.testing.assert_allclose(z[:, 0], (temp[:, 0] - scaler.mean[1]) / scaler.std[1])
    np.testing.assert_allclose(scaler.inverse_transform(z, columns=["temp"]), temp, rtol=1e-12)
    with pytest.raises(ValueError, match=r"\['wind'\] are not among the scaler's columns"):
        scaler.transform(temp, columns=("wind",))
    with pytest.raises(ValueError, match=r"expected \(\.\.\., 3\) values"):
        scaler.transform(temp)


def test_json_round_trip_is_exact(tmp_path: Path) -> None:
    scaler = StandardScaler.fit(series()[:60], COLUMNS)
    path = tmp_path / "scaler.json"
    scaler.save(path)
    data = json.loads(path.read_text())
    assert data["kind"] == "standard" and data["columns"] == list(COLUMNS)
    assert data["constant_columns"] == ["flag"]
    loaded = StandardScaler.load(path)
    assert loaded.columns == COLUMNS and loaded.constant_columns == ("flag",)
    assert np.array_equal(loaded.mean, scaler.mean) and np.array_equal(loaded.std, scaler.std)


def test_check_columns_names_what_differs() -> None:
    scaler = StandardScaler.fit(series()[:60], COLUMNS)
    scaler.check_columns(COLUMNS)
    with pytest.raises(ValueError, match=r"new\.csv: .*missing \['flag'\], unexpected \['wind'\]"):
        scaler.check_columns(("load", "temp", "wind"), source="new.csv")
    with pytest.raises(ValueError, match="the same names in another order"):
        scaler.check_columns(("temp", "load", "flag"))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "not a JSON scaler file"),
        ('{"kind": "minmax"}', "not a standard scaler"),
        ('{"kind": "standard", "columns": ["a"], "mean": [0.0]}', "not a valid scaler"),
        ('{"kind": "standard", "columns": ["a"], "mean": [0.0], "std": [0.0]}', "std finite and positive"),
        ('{"kind": "standard", "columns": ["a", "b"], "mean": [0.0], "std": [1.0]}', "one unique column"),
    ],
)
def test_bad_scaler_files(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "scaler.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=match) as info:
        StandardScaler.load(path)
    assert "std finite" in match or "one unique" in match or str(path) in str(info.value)


def test_fit_refuses_bad_rows() -> None:
    with pytest.raises(ValueError, match="N >= 1"):
        StandardScaler.fit(np.zeros((0, 3)), COLUMNS)
    with pytest.raises(ValueError, match=r"\(N, C\) training rows"):
        StandardScaler.fit(np.zeros((5, 2)), COLUMNS)
    values = series()
    values[3, 1] = np.nan
    with pytest.raises(ValueError, match="column 'temp' has a value that is not finite"):
        StandardScaler.fit(values, COLUMNS)
