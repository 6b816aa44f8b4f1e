"""The ``rnnkit`` command line: argument parsing and printing only; the work is in the recipes.

    rnnkit train <task> [--preset P] [--config file.toml] [--set key=value ...] [--data-dir DIR]
                        [--out DIR] [--device cpu|cuda|auto] [--quick]
    rnnkit evaluate RUN [--data-dir DIR]
    rnnkit predict RUN INPUT [INPUT ...]
    rnnkit data list|download|verify [NAME ...] [--data-dir DIR]
    rnnkit tasks
    rnnkit demo

Bad input (unknown keys, bad values, missing files, bad data) is one red line and exit code 2;
``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from . import __version__


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, default=str))


def _train(args: argparse.Namespace) -> int:
    from .config import load_toml
    from .recipes import runner
    from .recipes.registry import build_config, get_recipe

    recipe = get_recipe(args.task)
    if args.resume:
        if not args.out:
            raise ValueError("--resume needs --out RUN, the run folder to continue.")
        given = [
            flag
            for flag, on in (
                ("--quick", args.quick),
                ("--config", args.config),
                ("--preset", args.preset != "default"),
                ("--device", args.device),
            )
            if on
        ]
        if given:
            raise ValueError(
                f"--resume continues {args.out} with the settings it started with; drop {', '.join(given)} "
                "(only --set train.epochs=N may raise the number of epochs)."
            )
        _say(f"rnnkit train {args.task}: resuming {args.out}")
        summary = runner.resume(args.out, args.task, args.set or [], args.data_dir)
        out = args.out
    else:
        overrides = list(args.set or [])
        if args.device:
            overrides.append(f"train.device={args.device}")
        toml = load_toml(args.config) if args.config else None
        config = build_config(recipe, args.preset, args.quick, toml, overrides)
        out = args.out or str(runner.default_run_path(recipe.name))
        _say(f"rnnkit train {args.task} (preset {args.preset}) -> {out}")
        summary = runner.train(recipe, config, args.preset, out, args.data_dir)
    _say(json.dumps(summary, indent=2, default=str))
    for line in recipe.verdict(summary):
        _say(line)
    _say(f"Next: rnnkit evaluate {out}   |   rnnkit predict {out} ...")
    return 0


def _say(text: str) -> None:
    """Print on rank 0 only (under torchrun every rank runs this code)."""
    from .recipes.runner import process_rank

    if process_rank() == 0:
        print(text)


def _evaluate(args: argparse.Namespace) -> int:
    from .recipes.runner import evaluate

    _print_json(evaluate(args.run, args.data_dir))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from .recipes.runner import predict

    for row in predict(args.run, args.inputs, args.data_dir):
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    return 0


def _data(args: argparse.Namespace) -> int:
    from .data.catalog import describe, download, verify

    action = {"list": describe, "download": download, "verify": verify}[args.action]
    for line in action(args.names, args.data_dir):
        print(line)
    return 0


def _tasks(args: argparse.Namespace) -> int:
    from .config import to_dict
    from .recipes.registry import PLANNED, TASKS, get_recipe

    for name in TASKS:
        recipe = get_recipe(name)
        config = to_dict(recipe.default_config())
        print(f"{name:10s} {recipe.description}")
        print(f"{'':10s} dataset: {recipe.dataset}; presets: {', '.join(recipe.presets)}")
        print(f"{'':10s} predict inputs: {recipe.inputs}")
        print(f"{'':10s} --quick sets: {' '.join(recipe.quick)} (checks the pipeline; expect chance figures)")
        print(f"{'':10s} model: {json.dumps(config['model'])}")
        train = config["train"]
        print(
            f"{'':10s} train: epochs={train['epochs']} batch_size={train['batch_size']} "
            f"optimizer={train['optimizer']} lr={train['lr']}"
        )
    print(f"planned: {', '.join(PLANNED)}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .recipes import runner
    from .recipes.registry import DEMO_TASK, build_config, get_recipe

    recipe = get_recipe(DEMO_TASK)
    config = build_config(recipe, overrides=[f"train.epochs={args.epochs}", f"train.seed={args.seed}"])
    out = args.out or str(runner.default_run_path("demo"))
    print(f"rnnkit demo: {recipe.announce(config)} -> {out}")
    summary = runner.train(recipe, config, "default", out)
    for line in recipe.verdict(summary):
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rnnkit", description="Recurrent neural networks, verified.")
    parser.add_argument("--version", action="version", version=f"rnnkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a task's recipe end to end")
    train.add_argument("task", help="a task name (see `rnnkit tasks`)")
    train.add_argument("--preset", default="default", help="a named configuration of the task")
    train.add_argument("--config", help="a TOML file of overrides, e.g. [train] lr = 0.001")
    train.add_argument("--set", action="append", metavar="KEY=VALUE", help="e.g. --set train.epochs=3")
    train.add_argument("--data-dir", help="data root (default: $RNNKIT_DATA or ~/.cache/rnnkit)")
    train.add_argument("--out", help="run folder (default: runs/<task>-<timestamp>)")
    train.add_argument("--device", choices=("auto", "cpu", "cuda"))
    train.add_argument("--quick", action="store_true", help="a tiny run, to check the pipeline")
    train.add_argument("--resume", action="store_true", help="continue the interrupted run in --out")
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser("evaluate", help="test-split metrics of a finished run")
    evaluate.add_argument("run")
    evaluate.add_argument("--data-dir")
    evaluate.set_defaults(handler=_evaluate)

    predict = commands.add_parser("predict", help="predict with a finished run")
    predict.add_argument("run")
    predict.add_argument(
        "inputs", nargs="+", help="what the run's task takes as input (each task's forms: `rnnkit tasks`)"
    )
    predict.add_argument("--data-dir")
    predict.set_defaults(handler=_predict)

    data = commands.add_parser("data", help="list, download or verify datasets")
    data.add_argument("action", choices=("list", "download", "verify"))
    data.add_argument("names", nargs="*", help="dataset names (default: all)")
    data.add_argument("--data-dir")
    data.set_defaults(handler=_data)

    commands.add_parser("tasks", help="the tasks, their data, models and settings").set_defaults(
        handler=_tasks
    )

    demo = commands.add_parser("demo", help="train a small LSTM on built-in sine waves (< 1 min)")
    demo.add_argument("--epochs", type=int, default=40)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--out", help="run folder (default: runs/demo-<timestamp>)")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        return args.handler(args)
    except (ValueError, TypeError, FileNotFoundError, KeyError) as error:
        if args.debug:
            raise
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"\033[31mrnnkit: error: {message}\033[0m", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
