"""The forecast recipe's report: the model beside its baselines on the same test windows, in standardised and
in the data's own units, its prediction intervals with their measured coverage, a roll-out, and a plot.

Every figure is computed on the test part's windows (all of them, stride ``report.stride``):

- ``test_mse`` / ``test_mae`` (the trainer's, standardised units: the LTSF protocol's figures);
- ``baselines``: naive (last value), seasonal naive (the last season repeated), drift, ``linear`` (DLinear
  fitted by least squares on the training windows, its ridge chosen on validation:
  :mod:`rnnkit.models.linear_fit`) and, for one target column, Holt-Winters (statsmodels, optional);
  each with ``mse`` / ``mae`` in standardised units and ``mae`` / ``mape`` in the data's units;
- ``intervals``: split-conformal half-widths per step from the validation windows' errors at
  ``report.level`` (:mod:`rnnkit.training.intervals`) and the coverage they reach on the test windows;
- ``rollout`` (``report.rollout`` > 0): the test part forecast from its first row by feeding forecasts back;
- ``validation``: the model and the same baselines (Holt-Winters aside) on every validation window, in the
  same units: what settings are chosen by (the test figures are read only after the choice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.transform import ValueTransform
from ..models import baselines as naive_models
from ..models.linear_fit import CHUNK, fit_dlinear_chunked
from ..training.intervals import conformal_width, coverage
from ..training.rollout import roll_forward
from .forecast_config import ForecastConfig
from .forecast_data import ForecastWindows, SeriesInfo

HOLT_WINTERS_MAX_ORIGINS = 2000  # the baseline refilters the history at every origin


def model_forecast(
    model: nn.Module, x: np.ndarray, batch_size: int = 512
) -> tuple[np.ndarray, np.ndarray | None]:
    """The mean forecast ``(N, H, K)`` of windows ``x (N, L, C)``, and the scale of a Gaussian head."""
    device = next(model.parameters()).device
    means, scales = [], []
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for first in range(0, len(x), batch_size):
            out = model(torch.as_tensor(x[first : first + batch_size], dtype=torch.float32, device=device))
            mean, scale = out if isinstance(out, tuple) else (out, None)
            means.append(mean.double().cpu().numpy())
            if scale is not None:
                scales.append(scale.double().cpu().numpy())
    model.train(was_training)
    return np.concatenate(means), (np.concatenate(scales) if scales else None)


def point_forecaster(model: nn.Module) -> Callable[[np.ndarray], np.ndarray]:
    """``model`` as a NumPy function: windows ``(N, L, C)`` to mean forecasts ``(N, H, K)``, in eval mode
    (what the roll-out and the backtests call once per origin or block)."""

    def forecast(windows: np.ndarray) -> np.ndarray:
        return model_forecast(model, windows)[0]

    return forecast


def errors(
    forecast: np.ndarray, truth: np.ndarray, scaler: ValueTransform, targets: tuple[str, ...]
) -> dict[str, float]:
    """MSE and MAE (standardised), MAE and MAPE in the data's units (MAPE only for a positive series),
    and the MAPE of the last step ahead alone (the figure Darts' ``historical_forecasts`` scores)."""
    result = {"mse": float(np.mean((forecast - truth) ** 2)), "mae": float(np.mean(np.abs(forecast - truth)))}
    forecast_units = scaler.inverse_transform(forecast, targets)
    truth_units = scaler.inverse_transform(truth, targets)
    result["mae_units"] = float(np.mean(np.abs(forecast_units - truth_units)))
    if np.all(truth_units > 0):  # MAPE is a figure of strictly positive series
        ape = np.abs(forecast_units - truth_units) / np.abs(truth_units) * 100
        result["mape"] = float(ape.mean())
        result["mape_last_step"] = float(ape[:, -1].mean())
    return result


def _baselines(
    config: ForecastConfig, x: np.ndarray, targets_idx: tuple[int, ...], period: int, prepared: Any
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The no-learning and linear baselines' forecasts of windows ``x``, and why any is missing."""

    horizon = config.data.horizon
    xt = torch.from_numpy(x[..., list(targets_idx)])
    forecasts = {
        "naive": naive_models.naive(xt, horizon).numpy(),
        "drift": naive_models.drift(xt, horizon).numpy(),
    }
    notes = {}
    if period <= x.shape[1]:
        forecasts["seasonal_naive"] = naive_models.seasonal_naive(xt, horizon, period).numpy()
    else:
        notes["seasonal_naive"] = f"its period ({period} rows) is longer than the look-back ({x.shape[1]})"
    linear, ridge = fit_dlinear_chunked(
        _window_chunks(prepared.train.dataset.windows, targets_idx),
        _window_chunks(prepared.validation.dataset.windows, targets_idx),
        config.model.kernel,
    )
    with torch.no_grad():
        forecasts["linear"] = linear(xt.float()).double().numpy()
    notes["linear_ridge"] = f"{ridge:g}"
    return forecasts, notes


def _window_chunks(
    windows: Any, columns: tuple[int, ...], size: int = CHUNK
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The windows of a :class:`~rnnkit.data.windows.WindowDataset`, ``size`` at a time, inputs cut to
    ``columns``: ``(x (n, L, len(columns)), y (n, H, K))`` (the whole split would not fit: Weather's)."""
    for first in range(0, len(windows), size):
        x, y = windows.arrays(range(first, min(first + size, len(windows))))
        yield x[..., list(columns)], y


def _holt_winters(
    values_units: np.ndarray,
    fit_rows: int,
    origins: list[int],
    steps: int,
    period: int,
    scaler: ValueTransform,
    target: str,
) -> tuple[np.ndarray | None, np.ndarray | None, str]:
    """Holt-Winters' forecasts ``(len(origins), steps)`` in the data's units, the same ``(.., steps, 1)`` in
    the model's, and how it was fitted; or None, None and why it did not run (statsmodels is not
    installed, or the series is one it or a log transform refuses)."""
    from ..models.holt_winters import HoltWintersUnavailableError, holt_winters_forecasts

    try:
        units, described = holt_winters_forecasts(values_units, fit_rows, origins, steps, period)
        return units, scaler.transform(units[..., None], (target,)), described
    except (HoltWintersUnavailableError, ValueError) as error:
        return None, None, f"not run: {error}"


def build_report(config: ForecastConfig, model: nn.Module, prepared: Any, run: Any) -> dict[str, Any]:
    """The figures above for the summary, ``intervals.json`` and ``forecast.png`` in ``run`` (rank 0)."""
    info: SeriesInfo = prepared.artifacts["series_info"]
    scaler: ValueTransform = prepared.artifacts["scaler"]
    series = prepared.artifacts["series"]
    split = prepared.artifacts["split"]
    targets, targets_idx = info.targets, info.target_indices
    test: ForecastWindows = prepared.test.dataset
    stride = config.report.stride
    x, y = test.windows.arrays(range(0, len(test), stride))
    origins = test.origins[::stride]
    forecast, scale = model_forecast(model, x)
    figures: dict[str, Any] = {"test_windows_scored": len(x), "model": errors(forecast, y, scaler, targets)}
    baseline_forecasts, notes = _baselines(config, x, targets_idx, info.period, prepared)
    if config.report.holt_winters and len(targets) == 1:
        if len(origins) > HOLT_WINTERS_MAX_ORIGINS:  # it refilters the history at every origin
            notes["holt_winters"] = (
                f"not run: {len(origins)} forecast origins (above {HOLT_WINTERS_MAX_ORIGINS}); "
                "set report.stride to thin them"
            )
        else:
            _, hw, notes["holt_winters"] = _holt_winters(
                series.values[:, targets_idx[0]],
                split.test.start,
                origins.tolist(),
                config.data.horizon,
                info.period,
                scaler,
                targets[0],
            )
            if hw is not None:
                baseline_forecasts["holt_winters"] = hw
    figures["baselines"] = {name: errors(f, y, scaler, targets) for name, f in baseline_forecasts.items()}
    figures["baseline_notes"] = notes
    figures["validation"] = _validation(config, model, prepared, scaler, targets, targets_idx, info.period)
    figures["intervals"] = _intervals(config, model, prepared, forecast, scale, y)
    if run is not None:
        run.write_text(run.INTERVALS, _json(figures["intervals"]))
    if config.report.rollout:
        figures["rollout"] = _rollout(config, model, prepared, info, scaler)
    if run is not None:
        figures.update(_plot(config, model, prepared, figures, run))
    if "rollout" in figures:  # the values are drawn in the plot; the summary keeps the figures
        figures["rollout"].pop("forecast", None)
        figures["rollout"].pop("holt_winters_forecast", None)
    # the (H, K) widths live in intervals.json (Weather's are 2,016 numbers); the summary keeps the coverage
    figures["intervals"] = {k: v for k, v in figures["intervals"].items() if k != "half_width"}
    return figures


def _validation(
    config: ForecastConfig,
    model: nn.Module,
    prepared: Any,
    scaler: ValueTransform,
    targets: tuple[str, ...],
    targets_idx: tuple[int, ...],
    period: int,
) -> dict[str, Any]:
    """The model's and the no-learning/linear baselines' errors on every validation window, in the same
    units as the test figures: what settings that change the model's own units (``data.transform=log``)
    are compared by, since the trainer's ``val_mse`` is in those units."""
    val_x, val_y = prepared.validation.dataset.windows.arrays()
    result: dict[str, Any] = {
        "windows": len(val_x),
        "model": errors(model_forecast(model, val_x)[0], val_y, scaler, targets),
    }
    baseline_forecasts, _ = _baselines(config, val_x, targets_idx, period, prepared)
    result["baselines"] = {name: errors(f, val_y, scaler, targets) for name, f in baseline_forecasts.items()}
    return result


def _intervals(
    config: ForecastConfig,
    model: nn.Module,
    prepared: Any,
    forecast: np.ndarray,
    scale: np.ndarray | None,
    y: np.ndarray,
) -> dict[str, Any]:
    level = config.report.level
    val_x, val_y = prepared.validation.dataset.windows.arrays()
    val_forecast, _ = model_forecast(model, val_x)
    width = conformal_width(val_y - val_forecast, level)  # (H, K), standardised units
    if not np.isfinite(width).all():
        needed = int(np.ceil(level / (1 - level)))
        return {
            "level": level,
            "method": f"split conformal: the errors of {len(val_x)} validation windows",
            "unavailable": (
                f"{len(val_x)} validation windows are too few for a {level:.0%} interval (it needs at least "
                f"{needed}); lower report.level or use more validation rows"
            ),
        }
    result: dict[str, Any] = {
        "level": level,
        "method": f"split conformal: the errors of {len(val_x)} validation windows",
        "half_width": width.tolist(),
        "test_coverage": coverage(forecast - width, forecast + width, y),
    }
    if scale is not None:
        z = float(torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor(0.5 + level / 2)))
        result["gaussian_test_coverage"] = coverage(forecast - z * scale, forecast + z * scale, y)
    return result


def _rollout(
    config: ForecastConfig, model: nn.Module, prepared: Any, info: SeriesInfo, scaler: ValueTransform
) -> dict[str, Any]:
    split = prepared.artifacts["split"]
    values = prepared.artifacts["values"]  # (T, C) standardised
    if not info.all_targets:
        return {"skipped": "a roll-out feeds forecasts back as inputs, so every column must be a target"}
    steps = min(config.report.rollout, split.test.n_rows)
    start = split.test.start

    rolled = roll_forward(point_forecaster(model), values[:start], steps, config.data.lookback)  # (S, C)
    truth = values[start : start + steps]
    result = {"origin_row": start, "steps": steps, **errors(rolled[None], truth[None], scaler, info.targets)}
    result["forecast"] = scaler.inverse_transform(rolled, info.targets)[:, 0].tolist()
    if config.report.holt_winters and len(info.targets) == 1:
        series = prepared.artifacts["series"]
        hw_units, hw, described = _holt_winters(
            series.values[:, 0], start, [start], steps, info.period, scaler, info.targets[0]
        )
        if hw_units is None or hw is None:
            result["holt_winters"] = described
        else:
            result["holt_winters"] = errors(hw, truth[None], scaler, info.targets)
            result["holt_winters_forecast"] = hw_units[0].tolist()
    return result


def _plot(
    config: ForecastConfig, model: nn.Module, prepared: Any, figures: Mapping[str, Any], run: Any
) -> dict[str, Any]:
    from ..plots import PlotsUnavailableError, forecast_figure, to_png

    info: SeriesInfo = prepared.artifacts["series_info"]
    scaler: ValueTransform = prepared.artifacts["scaler"]
    series = prepared.artifacts["series"]
    target = info.targets[0]
    column = series.values[:, info.target_indices[0]]
    rollout = figures.get("rollout", {})
    try:
        if "forecast" in rollout:
            start, steps = rollout["origin_row"], rollout["steps"]
            shown = max(3 * steps, config.data.lookback)
            history = column[max(0, start - shown) : start]
            figure = forecast_figure(
                history,
                rollout["forecast"],
                truth=column[start : start + steps],
                title=(
                    f"{target}: {steps}-step roll-out from the test part's start (forecasts fed back in); "
                    f"MAE {rollout['mae_units']:.4g}"
                ),
                y_label=target,
                history_label="observed (the model's input)",
                prediction_label="forecast (free-running)",
            )
        else:
            test: ForecastWindows = prepared.test.dataset
            x, y = test.windows.arrays([len(test) - 1])
            z = model_forecast(model, x)[0][0]  # (H, K) in the model's units
            width = np.asarray(figures["intervals"].get("half_width", np.full(z.shape, np.nan)))  # (H, K)
            mean, lower, upper = (
                scaler.inverse_transform(v, info.targets)[:, 0] for v in (z, z - width, z + width)
            )
            origin = int(test.origins[-1])
            shown = min(origin, max(config.data.lookback, 4 * config.data.horizon, 48))  # context to read
            history = column[origin - shown : origin]
            level = figures["intervals"]["level"]
            banded = bool(np.isfinite(width).all())
            figure = forecast_figure(
                history,
                mean,
                truth=column[origin : origin + config.data.horizon],
                lower=lower if banded else None,
                upper=upper if banded else None,
                title=f"{target}: the last test window's forecast"
                + (f", {level:.0%} conformal interval" if banded else ""),
                y_label=target,
                history_label=f"observed (the model reads the last {config.data.lookback} rows)",
                interval_label=f"{level:.0%} prediction interval",
            )
        return {"plot": str(run.write_png(run.FORECAST_PLOT, to_png(figure)))}
    except PlotsUnavailableError as error:
        return {"plot_unavailable": str(error)}


def _json(data: Any) -> str:
    import json

    return json.dumps(data, indent=2)
