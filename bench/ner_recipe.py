"""The ner recipe's entity F1 over seeds: one preset trained once per seed, micro and per-type F1 on the
test split (testa for CoNLL-2003), median [min, max] over the seeds, with the held-out validation F1 that
chose each run's epoch.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/ner_recipe.py --preset default --seeds 0 1 2
    .venv/bin/python bench/ner_recipe.py --runs runs/ner0 runs/ner1 runs/ner2   # the table of trained runs
    .venv/bin/python bench/ner_recipe.py --seeds 0 --quick                      # a smoke run

Each seed is ``rnnkit train ner --preset P --set train.seed=S`` (the recipe's runner) into ``--keep
DIR/seedS`` (default: a temporary folder); ``--runs`` reads the ``test_metrics.json`` that such runs wrote.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from recipe_runs import machine_line, spread, train_seeds


def read_runs(folders: list[str]) -> list[dict[str, Any]]:
    summaries = []
    for folder in folders:
        path = Path(folder) / "test_metrics.json"
        if not path.is_file():
            raise SystemExit(f"{path} does not exist: {folder} is not a finished ner run.")
        summaries.append(json.loads(path.read_text()))
    return summaries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="default")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--quick", action="store_true", help="the recipe's --quick settings (a smoke run)")
    parser.add_argument("--keep", metavar="DIR", help="write the run folders here (default: a temporary one)")
    parser.add_argument("--runs", nargs="+", metavar="RUN", help="tabulate these finished runs, train none")
    args = parser.parse_args(argv)
    if args.runs:
        summaries, walls = read_runs(args.runs), []
    else:
        summaries, walls = train_seeds("ner", args.preset, args.seeds, args.set, args.quick, args.keep)
    first = summaries[0]
    kinds = sorted(k.removeprefix("test_f1_") for k in first if k.startswith("test_f1_"))
    sentences = first.get("test_sentences", "?")
    print(f"{len(summaries)} run(s), test part: {first['test_part']}, {sentences} sentences")
    print("| figure | median [min, max] | per run |")
    print("|---|---|---|")
    rows = [("F1", "test_f1"), ("precision", "test_precision"), ("recall", "test_recall")]
    rows += [(f"F1 {kind}", f"test_f1_{kind}") for kind in kinds]
    rows += [("held-out validation F1 (best epoch)", "best_val_f1")]
    for name, key in rows:
        values = [float(s[key]) for s in summaries if key in s]
        print(f"| {name} | {spread(values)} | {', '.join(f'{v:.4f}' for v in values)} |")
    print(
        f"epochs (best): {[(s.get('epochs_run'), s.get('best_epoch')) for s in summaries]}"
        + (f", wall {[round(w) for w in walls]} s" if walls else "")
    )
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
