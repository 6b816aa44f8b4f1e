"""The least-squares DLinear on the LTSF protocol, every horizon: the linear baseline of the forecast report.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/ltsf_linear.py --dataset etth1 --lookback 720

DLinear is a linear map of the look-back (``models/linear_fit.py``), so its least-squares fit is the exact
minimiser of its training MSE: no seeds, no epochs. The protocol is the forecast recipe's (the dataset's
borders, the training rows' statistics, every channel a target, every test window scored); the ridge is
chosen on the validation windows. One row per horizon beside the published DLinear figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch

from rnnkit.models.linear_fit import fit_dlinear
from rnnkit.recipes.registry import build_config, get_recipe

PUBLISHED = {  # DLinear, Zeng et al. 2023, Table 2 (MSE), L=336
    "etth1": {96: 0.375, 192: 0.405, 336: 0.439, 720: 0.472},
    "etth2": {96: 0.289, 192: 0.383, 336: 0.448, 720: 0.605},
    "weather": {96: 0.176, 192: 0.220, 336: 0.265, 720: 0.323},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=sorted(PUBLISHED), default="etth1")
    parser.add_argument("--lookback", type=int, default=720)
    parser.add_argument("--horizons", type=int, nargs="+", default=[96, 192, 336, 720])
    args = parser.parse_args(argv)
    recipe = get_recipe("forecast")
    print("| horizon | test MSE | test MAE | ridge | test windows | DLinear published (L=336) | seconds |")
    print("|---|---|---|---|---|---|---|")
    for horizon in args.horizons:
        started = time.time()
        overrides = [f"data.lookback={args.lookback}", f"data.horizon={horizon}"]
        config = build_config(recipe, args.dataset, overrides=overrides)
        prepared = recipe.prepare(config, os.environ.get("RNNKIT_DATA"))
        train_x, train_y = prepared.train.dataset.windows.arrays()
        val_x, val_y = prepared.validation.dataset.windows.arrays()
        test_x, test_y = prepared.test.dataset.windows.arrays()
        model, ridge = fit_dlinear(train_x, train_y, val_x, val_y, kernel=25)
        with torch.no_grad():
            forecast = model(torch.from_numpy(test_x).float()).double().numpy()
        mse, mae = float(np.mean((forecast - test_y) ** 2)), float(np.mean(np.abs(forecast - test_y)))
        published = PUBLISHED[args.dataset].get(horizon, "-")
        print(
            f"| {horizon} | {mse:.4f} | {mae:.4f} | {ridge:g} | {len(test_x)} | {published} | "
            f"{time.time() - started:.0f} |"
        )
    print(
        f"look-back {args.lookback}; torch {torch.__version__}; {time.strftime('%Y-%m-%d')}; "
        f"command: {' '.join(sys.argv)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
