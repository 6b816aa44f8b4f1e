"""ETTh1/ETTh2 on the mirror: the benchmark's targets, and the 12/4/4-month protocol on the real rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from data_mirror import mirror_root

from rnnkit.data.datasets.ett import ETT_COLUMNS, load_ett
from rnnkit.data.scaling import StandardScaler
from rnnkit.data.windows import WindowDataset, ett_hour_split, window_starts


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def test_targets_multivariate_by_default_or_oil_temperature() -> None:
    series = load_ett("ETTh1", mirror_root(), download=False)
    assert series.targets == ETT_COLUMNS and series.target_indices == tuple(range(7))
    oil = load_ett("ETTh1", mirror_root(), download=False, targets="OT")
    assert oil.targets == ("OT",) and oil.columns == ETT_COLUMNS
    assert np.array_equal(oil.target_values[:, 0], series.column("OT"))


@pytest.mark.parametrize("name", ["ETTh1", "ETTh2"])
@pytest.mark.parametrize("horizon", [96, 192, 336, 720])
def test_protocol_on_the_real_rows(name: str, horizon: int) -> None:
    lookback = 336
    series = load_ett(name, mirror_root(), download=False)
    split = ett_hour_split(lookback, n_rows=series.n_rows)
    assert str(series.timestamps[split.validation.start]) == "2017-06-26T00:00:00"  # 360 days after the start
    assert str(series.timestamps[split.test.start]) == "2017-10-24T00:00:00"
    scaler = StandardScaler.fit(series.values[split.train.rows], series.columns)
    np.testing.assert_allclose(scaler.mean, series.values[:8640].mean(axis=0), rtol=1e-12)
    scaled = scaler.transform(series.values)
    test = WindowDataset.of_part(
        scaled, scaled[:, list(series.target_indices)], split.test, lookback, horizon
    )
    assert len(test) == 2880 - horizon + 1 == len(window_starts(split.test, lookback, horizon))
    x, y = test[len(test) - 1]
    assert x.shape == (lookback, 7) and y.shape == (horizon, 7)
    assert np.array_equal(y[-1], scaled[14399])  # the last test row is scored
