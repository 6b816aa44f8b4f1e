"""``rnnkit forecast RUN``: forecast past the end of a series, or backtest over many origins.

The series is the run's own (read again from its data) or a new CSV with the same columns; the run
folder's ``series.json`` (columns, targets, time column, frequency) and ``scaler.json`` (the training
rows' statistics) check it and map it to the model's units, so a file with other columns or another step
is refused before anything is forecast. Forecasts past the model's horizon are rolled out (each block fed
back in; only where every column is a target). The intervals are the run's split-conformal half-widths
(``intervals.json``) for the steps the model forecasts directly; a roll-out past them has none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data.series import Series
from ..data.windows import Part
from ..training.backtest import backtest
from ..training.rollout import roll_forward
from .forecast_data import SeriesInfo, load_series
from .forecast_report import errors, point_forecaster


@dataclass(frozen=True)
class FutureForecast:
    """A forecast from the end of ``series``: ``mean``, ``lower``, ``upper`` ``(S, K)`` in the data's units
    (``lower``/``upper`` NaN where no interval is known), and the future time stamps (or None)."""

    series: Series
    targets: tuple[str, ...]
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float | None
    times: np.ndarray | None


def check_forecast_run(trained: Any) -> None:
    """Refuse a run of another task: `rnnkit forecast` needs the forecast recipe's artifacts."""
    from .forecast import ForecastRecipe

    if not isinstance(trained.recipe, ForecastRecipe):
        raise ValueError(
            f"{trained.run.path} is a {trained.recipe.name!r} run; `rnnkit forecast` takes a forecast run "
            "(rnnkit train forecast ...). Use `rnnkit predict` for this one."
        )


def read_series(
    trained: Any, artifacts: Mapping[str, Any], csv_path: str | None, data_dir: str | None
) -> Series:
    """The run's own series, or ``csv_path`` read with the run's columns (checked against them)."""
    info: SeriesInfo = artifacts["series_info"]
    config = trained.config
    if csv_path is None:
        series = load_series(config.data, data_dir, config.train.seed)
    else:
        from ..data.datasets.csv_series import load_csv_series

        features = [c for c in info.columns if c not in info.targets]
        series = load_csv_series(
            csv_path,
            list(info.targets),
            time=info.time or None,
            features=features or None,
            missing="previous" if config.data.missing == "error" else config.data.missing,
        )
    artifacts["scaler"].scaler.check_columns(series.columns, series.source)
    info.check_frequency(series)
    return series


def forecast_future(
    trained: Any, csv_path: str | None = None, horizon: int | None = None, data_dir: str | None = None
) -> FutureForecast:
    """Forecast ``horizon`` rows (default: the model's) after the last row of the series.

    Raises:
        ValueError: a horizon below 1, a roll-out the run cannot make, a series shorter than the look-back,
            a CSV whose columns or step are not the run's.
    """
    model, artifacts = trained.load_model()
    info: SeriesInfo = artifacts["series_info"]
    scaler = artifacts["scaler"]
    lookback, model_horizon = trained.config.data.lookback, trained.config.data.horizon
    steps = model_horizon if horizon is None else horizon
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"--horizon {steps}: must be a whole number of rows >= 1.")
    if steps > model_horizon and not info.all_targets:
        raise ValueError(
            f"--horizon {steps}: the model forecasts {model_horizon} rows; going further feeds forecasts "
            f"back in, which needs every input column to be forecast, but {list(info.columns)} has inputs "
            f"that are not targets ({list(info.targets)}). Use --horizon {model_horizon} or less."
        )
    series = read_series(trained, artifacts, csv_path, data_dir)
    where = f"{series.source}: " if series.source else ""
    if series.n_rows < lookback:
        raise ValueError(
            f"{where}the series has {series.n_rows} rows, fewer than the run's look-back of {lookback}; give "
            "a longer file."
        )
    values = scaler.transform(series.values, source=series.source)  # (T, C)
    forecast_fn = point_forecaster(model)
    if steps <= model_horizon:
        z = forecast_fn(values[None, -lookback:])[0][:steps]  # (S, K)
    else:
        z = roll_forward(forecast_fn, values, steps, lookback)[:, list(info.target_indices)]
    width = np.full_like(z, np.nan)
    intervals = artifacts.get("intervals")
    level = None
    if intervals is not None and "half_width" in intervals:
        known = np.asarray(intervals["half_width"])[: min(steps, model_horizon)]
        width[: len(known)] = known
        level = float(intervals["level"])
    mean = scaler.inverse_transform(z, info.targets)
    lower = scaler.inverse_transform(z - width, info.targets)
    upper = scaler.inverse_transform(z + width, info.targets)
    return FutureForecast(series, info.targets, mean, lower, upper, level, _future_times(series, steps))


def _future_times(series: Series, steps: int) -> np.ndarray | None:
    stamps = series.timestamps
    if stamps is None or len(stamps) < 2:
        return None
    step = stamps[-1] - stamps[-2]
    return stamps[-1] + step * np.arange(1, steps + 1)


def forecast_rows(result: FutureForecast) -> list[dict[str, Any]]:
    """One row per forecast step: ``step``, ``time`` (if known), and per target its value and bounds."""
    rows = []
    for i in range(len(result.mean)):
        row: dict[str, Any] = {"step": i + 1}
        if result.times is not None:
            row["time"] = str(result.times[i])
        for k, name in enumerate(result.targets):
            row[name] = float(result.mean[i, k])
            row[f"{name}_lower"] = "" if np.isnan(result.lower[i, k]) else float(result.lower[i, k])
            row[f"{name}_upper"] = "" if np.isnan(result.upper[i, k]) else float(result.upper[i, k])
        rows.append(row)
    return rows


def rows_to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def plot_future(result: FutureForecast, path: str | Path, history_rows: int = 0) -> Path:
    """PNG of the last observed rows, the forecast and its interval (the first target)."""
    from ..atomic import atomic_write_bytes
    from ..plots import forecast_figure, to_png

    column = result.series.values[:, result.series.columns.index(result.targets[0])]
    shown = history_rows or max(4 * len(result.mean), 48)
    history = column[-shown:]
    has_band = not np.isnan(result.lower[:, 0]).all()
    label = f"{result.level:.0%} prediction interval" if result.level is not None else "prediction interval"
    figure = forecast_figure(
        history,
        result.mean[:, 0],
        lower=np.where(np.isnan(result.lower[:, 0]), result.mean[:, 0], result.lower[:, 0])
        if has_band
        else None,
        upper=np.where(np.isnan(result.upper[:, 0]), result.mean[:, 0], result.upper[:, 0])
        if has_band
        else None,
        title=(
            f"{result.targets[0]}: {len(result.mean)} rows forecast past the end of "
            f"{Path(result.series.source).name}"
        ),
        y_label=result.targets[0],
        x_label="row (the last observed rows, then the forecast)",
        history_label="observed",
        interval_label=label,
    )
    atomic_write_bytes(path, to_png(figure))
    return Path(path)


def backtest_series(
    trained: Any, csv_path: str | None = None, stride: int = 1, data_dir: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Rolling-origin forecasts every ``stride`` rows: over the run's test part (its own series) or over
    every window of a new CSV. Returns the summary (model and naive errors) and one row per forecast value.
    """
    from ..models import baselines

    model, artifacts = trained.load_model()
    info: SeriesInfo = artifacts["series_info"]
    scaler = artifacts["scaler"]
    data = trained.config.data
    series = read_series(trained, artifacts, csv_path, data_dir)
    values = scaler.transform(series.values, source=series.source)
    targets = values[:, list(info.target_indices)]
    if csv_path is None:
        from .forecast_data import time_split

        part = time_split(data, series).test
    else:
        part = Part("file", 0, series.n_rows, 0)

    result = backtest(
        point_forecaster(model), values, targets, part, data.lookback, data.horizon, stride=stride
    )
    summary: dict[str, Any] = {
        "series": series.source,
        "part": f"rows {part.start}..{part.stop - 1}",
        "origins": len(result.origins),
        "stride": stride,
        "horizon": data.horizon,
        "model": errors(result.forecasts, result.targets, scaler, info.targets),
    }

    def naive_fn(window: np.ndarray) -> np.ndarray:
        import torch

        return baselines.naive(torch.from_numpy(window[..., list(info.target_indices)]), data.horizon).numpy()

    naive = backtest(naive_fn, values, targets, part, data.lookback, data.horizon, stride=stride)
    summary["naive"] = errors(naive.forecasts, naive.targets, scaler, info.targets)
    forecast_units = scaler.inverse_transform(result.forecasts, info.targets)
    truth_units = scaler.inverse_transform(result.targets, info.targets)
    rows = []
    for i, origin in enumerate(result.origins):
        stamp = str(series.timestamps[origin]) if series.timestamps is not None else int(origin)
        for h in range(data.horizon):
            for k, name in enumerate(info.targets):
                rows.append(
                    {
                        "origin": stamp,
                        "step": h + 1,
                        "column": name,
                        "forecast": float(forecast_units[i, h, k]),
                        "actual": float(truth_units[i, h, k]),
                    }
                )
    return summary, rows
