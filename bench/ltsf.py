"""Long-horizon forecasting benchmark (the LTSF protocol) for one model on ETTh1/ETTh2/Weather.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/ltsf.py --model dlinear --dataset etth1 \\
        --lookback 336 --horizon 96 --seeds 0 1 2 --threads 1
    .venv/bin/python bench/ltsf.py --model segrnn --dataset etth1 --lookback 720 --horizon 96 --smoke

The protocol: the dataset's standard borders (ETT 12/4/4 months, Weather 70/10/20) with the look-back
overlap rule, every channel standardised with the training rows' statistics, every channel a target
(the multivariate setting), MSE and MAE on the standardised test set over **every** test window (no
``drop_last``). Training is rnnkit's Trainer: Adam, MSE loss, validation on the validation part each
epoch, early stopping on ``val_mse`` with the best epoch's weights restored. The no-learning baselines
(naive, seasonal naive with a one-day period, drift) are scored on the same test windows. One row per
seed, then the median [min, max] over the seeds, with the machine, the date and the command.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch

from rnnkit.data.datasets.ett import load_ett
from rnnkit.data.datasets.weather import load_weather
from rnnkit.data.scaling import StandardScaler
from rnnkit.data.windows import WindowDataset, ett_hour_split, split_by_fraction
from rnnkit.models.baselines import drift, naive, seasonal_naive
from rnnkit.models.config import SegRNNConfig
from rnnkit.models.decomposition import DLinear
from rnnkit.models.segrnn import SegRNN
from rnnkit.recipes.forecast_data import ForecastWindows
from rnnkit.recipes.forecast_task import ForecastTask
from rnnkit.training import TrainConfig, Trainer, seed_everything
from rnnkit.training.backtest import backtest

PERIOD = {"etth1": 24, "etth2": 24, "weather": 144}  # one day of rows: hourly, 10-minute
SETTINGS = {  # the published training settings of each model (lr, schedule, batch, epochs, patience)
    # DLinear: the LTSF code's defaults for ETTh1, including its lradj="type1" (halve the lr each epoch)
    "dlinear": {"lr": 5e-3, "scheduler": "exponential", "batch_size": 32, "epochs": 10, "patience": 3},
    "segrnn": {"lr": 1e-3, "scheduler": "none", "batch_size": 256, "epochs": 30, "patience": 10},
}


def load(dataset: str, lookback: int):
    if dataset in ("etth1", "etth2"):
        series = load_ett("ETTh1" if dataset == "etth1" else "ETTh2")
        return series, ett_hour_split(lookback, series.n_rows)
    series = load_weather()
    return series, split_by_fraction(series.n_rows, lookback)


def build(model: str, channels: int, lookback: int, horizon: int) -> torch.nn.Module:
    if model == "dlinear":
        return DLinear(lookback, horizon, kernel=25)
    return SegRNN(SegRNNConfig(channels, lookback, horizon, segment=48, hidden_size=512, dropout=0.5))


def run(args: argparse.Namespace, seed: int) -> dict[str, float]:
    seed_everything(seed)
    series, split = load(args.dataset, args.lookback)
    scaler = StandardScaler.fit(series.values[split.train.rows], series.columns)
    values = scaler.transform(series.values)
    parts = {p.name: WindowDataset.of_part(values, values, p, args.lookback, args.horizon) for p in split}
    if args.smoke:
        parts = {
            name: WindowDataset(values, values, args.lookback, args.horizon, w.starts[:64])
            for name, w in parts.items()
        }
    settings = SETTINGS[args.model]
    config = TrainConfig(
        epochs=1 if args.smoke else (args.epochs or settings["epochs"]),
        batch_size=settings["batch_size"],
        lr=settings["lr"],
        scheduler=settings["scheduler"],
        lr_decay=0.5,
        early_stopping_patience=settings["patience"],
        monitor="val_mse",
        restore_best=True,
        seed=seed,
        progress=False,
        log_every=0,
    )
    model = build(args.model, len(series.columns), args.lookback, args.horizon)
    started = time.time()
    with Trainer(model, ForecastTask("mse"), config) as trainer:
        history = trainer.fit(ForecastWindows(parts["train"]), ForecastWindows(parts["validation"]))
        test = trainer.evaluate(ForecastWindows(parts["test"]))
    wall = time.time() - started
    x, y = parts["test"].arrays()
    xt, h = torch.from_numpy(x), args.horizon
    baselines = {
        "naive": naive(xt, h),
        "seasonal_naive": seasonal_naive(xt, h, PERIOD[args.dataset]),
        "drift": drift(xt, h),
    }
    row = {
        "seed": seed,
        "mse": test["mse"],
        "mae": test["mae"],
        "windows": len(parts["test"]),
        "epochs": len(history),
        "best_epoch": history.best_epoch,
        "wall_s": wall,
    }
    for name, forecast in baselines.items():
        row[f"{name}_mse"] = float(np.mean((forecast.numpy() - y) ** 2))
    if not args.smoke:  # the same figure through the backtest path: a check of the evaluation
        model.eval()

        def forecast(windows: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return model(torch.from_numpy(windows.astype(np.float32))).double().numpy()

        row["backtest_mse"] = backtest(forecast, values, values, split.test, args.lookback, args.horizon).mse
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=sorted(SETTINGS), required=True)
    parser.add_argument("--dataset", choices=sorted(PERIOD), required=True)
    parser.add_argument("--lookback", type=int, default=336)
    parser.add_argument("--horizon", type=int, default=96)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, default=None, help="cap on epochs (default: the model setting)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--smoke", action="store_true", help="64 windows per part, 1 epoch: checks the script"
    )
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    rows = [run(args, seed) for seed in args.seeds]
    keys = [
        "seed",
        "mse",
        "mae",
        "backtest_mse",
        "naive_mse",
        "seasonal_naive_mse",
        "drift_mse",
        "windows",
        "epochs",
        "best_epoch",
        "wall_s",
    ]
    print("| " + " | ".join(keys) + " |")
    for row in rows:
        print(
            "| "
            + " | ".join(
                f"{row[k]:.4f}" if isinstance(row.get(k), float) else str(row.get(k, "-")) for k in keys
            )
            + " |"
        )
    for metric in ("mse", "mae"):
        values = [row[metric] for row in rows]
        print(
            f"test {metric}: {statistics.median(values):.4f} [{min(values):.4f}, {max(values):.4f}] "
            f"over seeds {args.seeds}"
        )
    print(
        f"machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"torch {torch.__version__}, "
        f"{torch.get_num_threads()} thread(s); {time.strftime('%Y-%m-%d')}; command: {' '.join(sys.argv)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
