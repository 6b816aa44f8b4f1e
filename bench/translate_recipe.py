"""The translate recipe's BLEU over seeds: one preset trained once per seed, greedy and beam figures,
median [min, max] over the seeds, with training and decoding times.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/translate_recipe.py --preset default --seeds 0 1 2
    .venv/bin/python bench/translate_recipe.py --seeds 0 --quick      # a smoke run

Each seed is ``rnnkit train translate --preset P --set train.seed=S`` (the recipe's runner) into
``--keep DIR/seedS`` (default: a temporary folder). BLEU is sacreBLEU's on the detokenised test output.
"""

from __future__ import annotations

import argparse
import sys

from recipe_runs import machine_line, spread, train_seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="default")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--quick", action="store_true", help="the recipe's --quick settings (a smoke run)")
    parser.add_argument("--keep", metavar="DIR", help="write the run folders here (default: a temporary one)")
    args = parser.parse_args(argv)
    summaries, walls = train_seeds("translate", args.preset, args.seeds, args.set, args.quick, args.keep)
    first = summaries[0]
    beam = next(
        k.removeprefix("test_bleu_") for k in first if k.startswith("test_bleu_beam") and k[-1].isdigit()
    )
    sentences = first["test_examples"]
    print(f"preset {args.preset} ({first['direction']}), seeds {args.seeds}, {sentences} test sentences")
    print("| decoding | BLEU (cased) | BLEU (lower-cased) | sentences/s |")
    print("|---|---|---|---|")
    for name in ("greedy", beam):
        cells = [
            spread([s[f"test_bleu_{name}"] for s in summaries], 2),
            spread([s[f"test_bleu_{name}_lowercase"] for s in summaries], 2),
            spread([s[f"test_{name}_sentences_per_second"] for s in summaries], 0),
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"signature: {first['bleu_signature']}")
    print(
        f"per seed: best validation loss {[round(s['best_val_loss'], 4) for s in summaries]}, test loss "
        f"{[round(s['test_loss'], 4) for s in summaries]}, epochs (best) "
        f"{[(s['epochs_run'], s['best_epoch']) for s in summaries]}, wall {[round(w) for w in walls]} s, "
        f"greedy {[s['test_bleu_greedy'] for s in summaries]}, "
        f"{beam} {[s[f'test_bleu_{beam}'] for s in summaries]}"
    )
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
