"""Forecasting (N vs N-ahead): a window of a series in, the next ``horizon`` rows out.

The series: a dataset of the mirror (ETTh1/ETTh2, Weather, monthly sunspots, air passengers, Beijing
PM2.5), seeded sine waves, or any CSV (``--csv FILE --target COL [--time COL] [--features a,b|all]``). It
is split in time order (:func:`~rnnkit.recipes.forecast_data.time_split`), standardised with the
training rows' statistics only, and cut into every (look-back, horizon) window of each part; no window's
targets cross a border and the test part is scored on every window.

The models (``model.architecture``): ``rnn`` (LSTM/GRU/Elman over every step, direct or autoregressive
head, optional Gaussian head, RevIN and channel independence), ``segrnn`` (the look-back in segments
through a GRU, parallel decoding, RevIN, channel independence: Lin et al. 2023) and ``dlinear``. The report
puts the model beside naive, seasonal naive, drift, a least-squares DLinear and Holt-Winters on the same
windows (:mod:`rnnkit.recipes.forecast_report`). ``rnnkit forecast RUN`` forecasts past the end of the
series, or of a new CSV with the same columns, and backtests (:mod:`rnnkit.recipes.forecast_future`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from .base import Prepared, Recipe, Split
from .forecast_config import PRESETS, ForecastConfig

if TYPE_CHECKING:
    from torch import nn

    from ..training.run_folder import RunFolder
    from .forecast_task import ForecastTask


class ForecastRecipe(Recipe):
    name = "forecast"
    description = (
        "forecast a time series: sine waves, ETTh1/ETTh2, Weather, sunspots, air passengers, PM2.5 or any CSV"
    )
    dataset = "the mirror's ett, weather, timeseries and beijing_pm25; generated sine waves; any CSV (--csv)"
    presets: ClassVar[Mapping[str, Any]] = PRESETS
    quick = (
        "train.epochs=1",
        "data.max_windows=256",
        "model.rnn.hidden_size=16",
        "report.holt_winters=false",
    )
    inputs = (
        "the last values of a one-column series, comma-separated (at least the look-back), e.g. 1,2,3,...; "
        "for a whole CSV use `rnnkit forecast RUN --csv FILE`"
    )
    next_commands = (
        "rnnkit forecast {run} --plot {run}/future.png   # past the end of the series",
        "rnnkit forecast {run} --backtest                # rolling-origin errors over the test part",
    )
    cli_options: ClassVar[Mapping[str, tuple[str, str, tuple[str, ...]]]] = {
        "--csv": (
            "data.path",
            "forecast: a CSV file, one row per time step (sets data.source=csv)",
            ("data.source=csv",),
        ),
        "--target": ("data.target", "forecast: the column(s) to forecast, comma-separated", ()),
        "--time": ("data.time", "forecast: the CSV's time-stamp column", ()),
        "--features": ("data.features", "forecast: other input columns, comma-separated, or 'all'", ()),
    }

    def check(self, config: ForecastConfig) -> None:
        model, data = config.model, config.data
        if model.architecture == "segrnn":
            for name in ("lookback", "horizon"):
                if getattr(data, name) % model.segment:
                    raise ValueError(
                        f"data.{name}={getattr(data, name)} must be a multiple of model.segment="
                        f"{model.segment} for SegRNN; change one of them."
                    )
            if model.rnn.cell != "gru":
                raise ValueError(
                    f"model.architecture=segrnn runs a GRU; set model.rnn.cell=gru, not {model.rnn.cell!r}."
                )
        if model.architecture != "rnn" and (model.gaussian or model.mode != "direct"):
            raise ValueError(
                f"model.gaussian and model.mode=autoregressive are heads of model.architecture=rnn, not "
                f"{model.architecture!r}."
            )
        if model.highway > data.lookback or (model.highway and model.architecture == "segrnn"):
            raise ValueError(
                f"model.highway={model.highway}: the highway reads the last rows of the look-back "
                f"(data.lookback={data.lookback}), for model.architecture rnn or dlinear."
            )
        if model.mode == "autoregressive" and model.rnn.bidirectional:
            raise ValueError(
                "model.mode=autoregressive steps forward in time; set model.rnn.bidirectional=false."
            )

    def prepare(self, config: ForecastConfig, data_dir: str | None) -> Prepared:
        from ..data.transform import ValueTransform
        from ..data.windows import WindowDataset, window_starts
        from .forecast_data import ForecastWindows, SeriesInfo, load_series, time_split

        data = config.data
        series = load_series(data, data_dir, config.train.seed)
        split = time_split(data, series)
        scaler = ValueTransform.fit(  # the training rows only
            series.values[split.train.rows],
            series.columns,
            data.transform == "log",
            data.scale,
            series.source,
        )
        values = scaler.transform(series.values, source=series.source)  # (T, C)
        info = SeriesInfo.of(series, data)
        targets = values[:, list(info.target_indices)]  # (T, K)
        parts = {}
        for part in split:
            starts = window_starts(part, data.lookback, data.horizon)
            if part.name == "train" and data.max_windows and len(starts) > data.max_windows:
                starts = starts[-data.max_windows :]  # the latest windows: --quick's pipeline check
            windows = WindowDataset(values, targets, data.lookback, data.horizon, starts)
            parts[part.name] = ForecastWindows(windows)
        artifacts = {
            "scaler": scaler,
            "series_info": info,
            "series": series,
            "split": split,
            "values": values,
        }
        counts = {
            "series_rows": series.n_rows,
            "columns": len(series.columns),
            "targets": list(info.targets),
            "split_rows": {p.name: [p.start, p.stop] for p in split},
            "missing_filled": int(series.missing.sum()) if series.missing is not None else 0,
        }
        return Prepared(
            Split(parts["train"]), Split(parts["validation"]), Split(parts["test"]), artifacts, counts
        )

    def build_model(self, config: ForecastConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        from ..models.config import ForecasterConfig, SegRNNConfig
        from ..models.window_forecaster import WindowForecaster

        info = artifacts["series_info"]
        model, data = config.model, config.data
        channels = len(info.columns)
        if model.architecture == "segrnn":
            from ..models.segrnn import SegRNN

            core = SegRNN(
                SegRNNConfig(
                    channels,
                    data.lookback,
                    data.horizon,
                    model.segment,
                    model.rnn.hidden_size,
                    model.dropout,
                    revin=True,
                )
            )
            return WindowForecaster(core, channels, info.target_indices)
        if model.architecture == "dlinear":
            from ..models.decomposition import DLinear

            return WindowForecaster(
                DLinear(data.lookback, data.horizon, model.kernel),
                channels,
                info.target_indices,
                revin=model.revin,
                highway=model.highway,
                horizon=data.horizon,
            )
        from ..models.forecaster import Forecaster

        width = 1 if model.channel_independent else channels
        rnn_core = Forecaster(
            ForecasterConfig(
                input_size=width,
                horizon=data.horizon,
                mode=model.mode,
                gaussian=model.gaussian,
                rnn=model.rnn,
                dropout=model.dropout,
            )
        )
        return WindowForecaster(
            rnn_core,
            channels,
            info.target_indices,
            model.revin,
            model.channel_independent,
            highway=model.highway,
            horizon=data.horizon,
        )

    def task(self, config: ForecastConfig, artifacts: Mapping[str, Any] | None = None) -> ForecastTask:
        from .forecast_task import ForecastTask

        return ForecastTask("gaussian" if config.model.gaussian else config.model.loss)

    def test_split(self, config: ForecastConfig, data_dir: str | None, artifacts: Mapping[str, Any]) -> Split:
        prepared = self.prepare(config, data_dir)
        self._check_same_series(prepared.artifacts, artifacts)
        return prepared.test

    def _check_same_series(self, fresh: Mapping[str, Any], saved: Mapping[str, Any]) -> None:
        import numpy as np

        fresh_scaler, saved_scaler = fresh["scaler"].scaler, saved["scaler"].scaler
        if fresh_scaler.columns != saved_scaler.columns or not np.allclose(
            fresh_scaler.mean, saved_scaler.mean
        ):
            raise ValueError(
                "the data read now is not the data this run was trained on (its training rows' statistics "
                "differ from the saved scaler.json); evaluate with the same --data-dir and file."
            )

    def save_artifacts(self, run: RunFolder, artifacts: Mapping[str, Any]) -> None:
        artifacts["scaler"].scaler.save(run.file(run.SCALER))
        description = {**artifacts["series_info"].to_dict(), "log": artifacts["scaler"].log}
        run.write_text(run.SERIES, json.dumps(description, indent=2))

    def load_artifacts(self, run: RunFolder) -> dict[str, Any]:
        from ..data.scaling import StandardScaler
        from ..data.transform import ValueTransform
        from .forecast_data import SeriesInfo

        description = run.read_json(run.SERIES, "series description")
        info = SeriesInfo.from_dict(description, str(run.file(run.SERIES)))
        scaler = ValueTransform(
            StandardScaler.load(run.file(run.SCALER)), bool(description.get("log", False))
        )
        artifacts: dict[str, Any] = {"scaler": scaler, "series_info": info}
        if run.file(run.INTERVALS).is_file():
            artifacts["intervals"] = run.read_json(run.INTERVALS, "prediction intervals")
        return artifacts

    def report(
        self, config: ForecastConfig, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        from .forecast_report import build_report

        return build_report(config, model, prepared, run)

    def announce(self, config: ForecastConfig) -> str:
        data, model = config.data, config.model
        return (
            f"{model.architecture} forecasts {data.horizon} rows of {data.source} from the previous "
            f"{data.lookback}, for {config.train.epochs} epochs"
        )

    def verdict(self, summary: Mapping[str, Any]) -> list[str]:
        from .forecast_verdict import verdict_lines

        return verdict_lines(summary)

    def predict(
        self,
        config: ForecastConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The next ``horizon`` values after each comma-separated window (one-column runs)."""
        import math

        import numpy as np

        from .forecast_report import model_forecast

        info, scaler = artifacts["series_info"], artifacts["scaler"]
        lookback = config.data.lookback
        if len(info.columns) != 1:
            raise ValueError(
                f"predict takes windows of a one-column series; this run reads {len(info.columns)} columns "
                f"{list(info.columns)}. Use `rnnkit forecast RUN --csv FILE` with a CSV of those columns."
            )
        rows = []
        for item in inputs:
            try:
                values = [float(v) for v in str(item).replace("\n", ",").split(",") if v.strip()]
            except ValueError:
                raise ValueError(
                    f"predict: {str(item)[:40]!r} is not a comma-separated list of numbers."
                ) from None
            if len(values) < lookback or not all(math.isfinite(v) for v in values):
                raise ValueError(
                    f"predict: give at least the run's look-back of {lookback} finite values (the last "
                    f"{lookback} are used); got {len(values)}."
                )
            window = scaler.transform(np.array(values[-lookback:]).reshape(1, lookback, 1))
            forecast = scaler.inverse_transform(model_forecast(model, window)[0][0], info.targets)[:, 0]
            rows.append({"forecast": ",".join(f"{v:.6g}" for v in forecast)})
        return rows
