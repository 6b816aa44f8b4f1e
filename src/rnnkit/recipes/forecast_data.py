"""The forecast recipe's data: which series a config names, its columns, its split and its windows.

The order of :meth:`~rnnkit.recipes.forecast.ForecastRecipe.prepare`, so that nothing of the validation or
test rows reaches what training builds::

    load_series    the dataset, the sine waves or the CSV; missing values filled (data.missing)
    select         the target and feature columns (data.target, data.features)
    time_split     train / validation / test parts in time order (data.split), no window crossing a border
    scaler         StandardScaler fitted on values[train.rows] only, saved in the run folder
    windows        every (look-back, horizon) window of each part, none dropped (ForecastWindows)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Dataset

from ..data.series import Series
from ..data.windows import TimeSplit, WindowDataset, ett_hour_split, split_by_fraction, split_by_rows
from .forecast_config import ForecastData

PERIODS = {"1h": 24, "10min": 144, "1M": 12, "1D": 7}  # one day of rows, a year of months, a week of days
SUNSPOT_CYCLE = 132  # months: the ~11-year solar cycle
TIME_COLUMNS = {"etth1": "date", "etth2": "date", "weather": "date", "sunspots": "Month", "airline": "Month"}
"""Each dataset file's time column: a new CSV forecast with a dataset's run has the same header."""


def load_series(data: ForecastData, data_dir: str | None, seed: int = 0) -> Series:
    """The series ``data.source`` names, with ``data.target`` / ``data.features`` chosen.

    Raises:
        ValueError: a CSV without ``data.path`` or ``data.target``, an unknown column, a bad file (each
            naming the file and the column, from the loaders).
        FileNotFoundError: a missing file.
    """
    source = data.source
    if source == "csv":
        return _load_csv(data)
    if data.path:
        raise ValueError(
            f"data.path={data.path!r} is set but data.source={source!r}; set data.source=csv (or use --csv) "
            "to read a file."
        )
    if source == "sine":
        from ..data.datasets.sine import sine_series

        series = sine_series(data.sine_rows, data.sine_period, data.sine_noise, seed)
    elif source in ("etth1", "etth2"):
        from ..data.datasets.ett import load_ett

        series = load_ett("ETTh1" if source == "etth1" else "ETTh2", data_dir)
    elif source == "weather":
        from ..data.datasets.weather import load_weather

        series = load_weather(data_dir)
    elif source == "sunspots":
        from ..data.datasets.sunspots import load_sunspots

        series = load_sunspots(data_dir)
    elif source == "airline":
        from ..data.datasets.airline import load_airline

        series = load_airline(data_dir)
    else:
        from ..data.datasets.pm25 import load_pm25

        series = load_pm25(data_dir, missing="previous" if data.missing == "error" else data.missing)
    return select_columns(series, data.target_names or series.targets, data.feature_names)


def _load_csv(data: ForecastData) -> Series:
    from ..data.datasets.csv_series import load_csv_series

    if not data.path:
        raise ValueError("data.source=csv needs the file: --csv FILE (or --set data.path=FILE).")
    if not data.target_names:
        raise ValueError(
            f"{data.path}: name the column to forecast with --target COLUMN (or --set data.target=COLUMN)."
        )
    return load_csv_series(
        data.path,
        list(data.target_names),
        time=data.time or None,
        features=data.feature_names,
        missing=data.missing,
    )


def select_columns(
    series: Series, targets: tuple[str, ...], features: tuple[str, ...] | str | None
) -> Series:
    """``series`` with ``targets`` as its targets and only the ``features`` and targets as columns
    (``None``: the targets alone; ``"all"``: every column), in the series' column order."""
    where = f"{series.source}: " if series.source else ""
    unknown = [
        name
        for name in (*targets, *(features if isinstance(features, tuple) else ()))
        if name not in series.columns
    ]
    if unknown:
        raise ValueError(
            f"{where}no column(s) {unknown}; the columns are {list(series.columns)}. Fix --target/--features "
            "(data.target, data.features)."
        )
    chosen = set(targets) | (set(features) if isinstance(features, tuple) else set())
    keep = [i for i, c in enumerate(series.columns) if features == "all" or c in chosen]
    if keep == list(range(len(series.columns))) and targets == series.targets:
        return series
    columns = tuple(series.columns[i] for i in keep)
    missing = series.missing if series.missing is not None else np.zeros(series.values.shape, bool)
    categories = {
        name: labels
        for name, labels in series.categories.items()
        if all(f"{name}={label}" in columns for label in labels)
    }
    return Series(
        series.values[:, keep],
        columns,
        targets,
        timestamps=series.timestamps,
        frequency=series.frequency,
        source=series.source,
        missing=missing[:, keep],
        fill=series.fill,
        categories=categories,
        notes=series.notes,
    )


def seasonal_period(data: ForecastData, series: Series) -> int:
    """The seasonal-naive baseline's period: ``data.period``, else the series' own (see PERIODS)."""
    if data.period:
        return data.period
    if data.source == "sunspots":
        return SUNSPOT_CYCLE
    if data.source == "sine":
        return max(1, round(data.sine_period))
    return PERIODS.get(series.frequency or "", 1)


def time_split(data: ForecastData, series: Series) -> TimeSplit:
    """The train / validation / test parts of ``series`` that ``data.split`` names.

    Raises:
        ValueError: a series too short for one window of look-back + horizon in each part, naming the
            file, the target column, the rows it has and the rows it needs.
    """
    n, lookback, horizon = series.n_rows, data.lookback, data.horizon
    where = f"{series.source}: " if series.source else ""
    column = ", ".join(repr(t) for t in series.targets)
    if n < lookback + horizon:
        raise ValueError(
            f"{where}the series ({column}) has {n} rows, fewer than look-back {lookback} + horizon {horizon} "
            f"= {lookback + horizon}; use a shorter data.lookback or data.horizon, or a longer series."
        )
    kind = data.split
    if kind == "auto":
        kind = "ett" if data.source in ("etth1", "etth2") else ("rows" if data.test_rows else "fraction")
    if kind == "ett":
        split = ett_hour_split(lookback, n)
    elif kind == "rows":
        if not (data.test_rows >= horizon and data.validation_rows >= horizon):
            raise ValueError(
                f"data.split=rows needs data.test_rows and data.validation_rows of at least the horizon "
                f"({horizon}); got {data.test_rows} and {data.validation_rows}."
            )
        test_start = n - data.test_rows
        validation_start = test_start - data.validation_rows
        if validation_start < lookback + horizon:
            raise ValueError(
                f"{where}the series ({column}) has {n} rows: after {data.validation_rows} validation and "
                f"{data.test_rows} test rows, {max(validation_start, 0)} remain for training, fewer than "
                f"look-back {lookback} + horizon {horizon}; shorten them or use a longer series."
            )
        split = split_by_rows(validation_start, test_start, n, lookback, overlap=True)
    else:
        n_train = int(n * data.train_fraction)
        if n_train < lookback + horizon:
            raise ValueError(
                f"{where}the series ({column}) has {n} rows; its training part ({data.train_fraction:g} of "
                f"them, {n_train} rows) is shorter than look-back {lookback} + horizon {horizon}. Use a "
                "shorter data.lookback or data.horizon, or a longer series."
            )
        split = split_by_fraction(n, lookback, data.train_fraction, data.test_fraction)
    return split


class ForecastWindows(Dataset):
    """The windows of a :class:`~rnnkit.data.windows.WindowDataset` as float32 tensors, a map-style torch
    dataset: ``index -> (x, y)``, ``x`` ``(L, C)`` and ``y`` ``(H, K)`` (views of one float32 copy of the
    arrays, made once).

    Example:
        >>> values = np.arange(6.0).reshape(6, 1)
        >>> x, y = ForecastWindows(WindowDataset(values, values, 2, 1, [0, 3]))[1]
        >>> x.ravel().tolist(), y.ravel().tolist(), x.dtype
        ([3.0, 4.0], [5.0], torch.float32)
    """

    def __init__(self, windows: WindowDataset) -> None:
        self.windows = windows
        self.values = torch.as_tensor(windows.values, dtype=torch.float32)  # (T, C)
        self.targets = torch.as_tensor(windows.targets, dtype=torch.float32)  # (T, K)

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        s = int(self.windows.starts[index])
        t = s + self.windows.lookback
        return self.values[s:t], self.targets[t : t + self.windows.horizon]

    @property
    def starts(self) -> np.ndarray:
        return self.windows.starts

    @property
    def origins(self) -> np.ndarray:
        """``(N,)`` each window's first forecast row."""
        return self.windows.origins


class SeriesInfo:
    """What a run must know of its series to forecast a new one: columns, targets, time column, frequency,
    seasonal period (``series.json`` in the run folder).

    Example:
        >>> info = SeriesInfo(("a", "b"), ("b",), "day", "1D", 7)
        >>> SeriesInfo.from_dict(info.to_dict()).target_indices
        (1,)
    """

    def __init__(
        self,
        columns: tuple[str, ...],
        targets: tuple[str, ...],
        time: str,
        frequency: str | None,
        period: int,
    ) -> None:
        self.columns, self.targets = tuple(columns), tuple(targets)
        self.time, self.frequency, self.period = time, frequency, period

    @classmethod
    def of(cls, series: Series, data: ForecastData) -> SeriesInfo:
        time = data.time or TIME_COLUMNS.get(data.source, "")
        return cls(series.columns, series.targets, time, series.frequency, seasonal_period(data, series))

    @property
    def target_indices(self) -> tuple[int, ...]:
        return tuple(self.columns.index(t) for t in self.targets)

    @property
    def all_targets(self) -> bool:
        """Every input column is forecast, so forecasts can be fed back in (a roll-out)."""
        return set(self.targets) == set(self.columns)

    def to_dict(self) -> dict[str, object]:
        return {
            "columns": list(self.columns),
            "targets": list(self.targets),
            "time": self.time,
            "frequency": self.frequency,
            "period": self.period,
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = "") -> SeriesInfo:
        try:
            columns = tuple(str(c) for c in data["columns"])
            targets = tuple(str(c) for c in data["targets"])
            frequency = data.get("frequency")
            time = str(data.get("time") or "")
            return cls(
                columns, targets, time, None if frequency is None else str(frequency), int(data["period"])
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(
                f"{source}: not a series description ({type(error).__name__}: {error}); retrain the run."
            ) from None

    def check_frequency(self, series: Series) -> None:
        """Refuse a series whose step is not the run's, naming its file (its columns are checked by the
        run's scaler, :meth:`~rnnkit.data.scaling.StandardScaler.check_columns`)."""
        where = f"{series.source}: " if series.source else ""
        if self.frequency and series.frequency and series.frequency != self.frequency:
            raise ValueError(
                f"{where}rows are {series.frequency} apart, but the run was trained on {self.frequency} "
                "steps; resample the file to the run's frequency."
            )
