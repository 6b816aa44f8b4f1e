"""The forecast recipe's figures over seeds: one preset, trained once per seed, the model beside its
baselines on the same test windows, median [min, max] over the seeds.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/forecast_recipe.py --preset airline --seeds 0 1 2
    .venv/bin/python bench/forecast_recipe.py --preset sine --seeds 0 --set train.epochs=2   # a smoke run

Each seed is ``rnnkit train forecast --preset P --set train.seed=S`` (the recipe's runner, into a temporary
run folder). The table gives, per metric, the model and each baseline (their figures do not depend on the
seed: they are fitted or computed the same way each time), then the roll-out and the intervals' coverage.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import torch
from recipe_runs import machine_line, spread

from rnnkit.recipes import runner
from rnnkit.recipes.registry import build_config, get_recipe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--keep", metavar="DIR", help="write the run folders here (default: a temporary one)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    recipe = get_recipe("forecast")
    summaries, walls = [], []
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or temporary
        for seed in args.seeds:
            config = build_config(
                recipe, args.preset, overrides=[*args.set, f"train.seed={seed}", "train.progress=false"]
            )
            started = time.time()
            summaries.append(
                runner.train(
                    recipe, config, args.preset, Path(folder) / f"seed{seed}", os.environ.get("RNNKIT_DATA")
                )
            )
            walls.append(time.time() - started)
    metrics = ["mse", "mae", "mae_units", "mape", "mape_last_step"]
    names = ["model", *summaries[0]["baselines"]]
    print(f"preset {args.preset}, seeds {args.seeds}, {summaries[0]['test_windows_scored']} test windows")
    print("| forecaster | " + " | ".join(metrics) + " |")
    print("|---|" + "---|" * len(metrics))
    for name in names:
        rows = [s["model"] if name == "model" else s["baselines"][name] for s in summaries]
        cells = [spread([r[m] for r in rows if m in r], 3 if m.startswith("mape") else 4) for m in metrics]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if "rollout" in summaries[0] and "steps" in summaries[0]["rollout"]:
        roll = [s["rollout"] for s in summaries]
        print(
            f"roll-out of {roll[0]['steps']} rows: "
            f"MAPE {spread([r['mape'] for r in roll if 'mape' in r], 3)}, "
            f"MSE {spread([r['mse'] for r in roll])}"
        )
        hw = [r["holt_winters"] for r in roll if isinstance(r.get("holt_winters"), dict)]
        if hw:
            print(
                f"  Holt-Winters over the same rows: MAPE {spread([h['mape'] for h in hw if 'mape' in h], 3)}"
            )
    cover = [s["intervals"]["test_coverage"] for s in summaries if "test_coverage" in s["intervals"]]
    if cover:
        print(
            f"{summaries[0]['intervals']['level']:.0%} conformal intervals, test coverage {spread(cover, 3)}"
        )
    if "validation" in summaries[0]:
        val = [s["validation"]["model"] for s in summaries]
        print(
            f"validation ({summaries[0]['validation']['windows']} windows, what settings are chosen by): "
            "model "
            + ", ".join(
                f"{m} {spread([v[m] for v in val if m in v], 3 if m.startswith('mape') else 4)}"
                for m in metrics
            )
        )
        for name, figures in summaries[0]["validation"]["baselines"].items():
            print(f"  {name}: " + ", ".join(f"{m} {figures[m]:.4g}" for m in metrics if m in figures))
    best_val = [s.get("best_val_mse") for s in summaries]
    print(
        f"per seed: test MSE {[round(s['test_mse'], 4) for s in summaries]}, best validation MSE "
        f"{[round(v, 4) if v is not None else None for v in best_val]}, epochs (best) "
        f"{[(s['epochs_run'], s['best_epoch']) for s in summaries]}, wall {[round(w) for w in walls]} s"
    )
    for key, note in summaries[0].get("baseline_notes", {}).items():
        print(f"note {key}: {note}")
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
