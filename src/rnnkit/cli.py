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
from pathlib import Path

from . import __version__


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, default=str))


def _train(args: argparse.Namespace) -> int:
    from .recipes import registry
    from .recipes.common import new_run_dir
    from .training.checkpoint import write_json
    from .training.overrides import load_toml

    module = registry.recipe(args.task)
    if args.resume:
        if not args.out:
            raise ValueError("--resume needs --out RUN, the run folder to continue.")
        run = registry.open_run(args.out)
        if run.task != args.task:
            raise ValueError(f"--resume: {args.out} is a {run.task!r} run, not {args.task!r}.")
        config, run_dir = run.config, run.path
        print(f"rnnkit train {args.task}: resuming {run_dir}")
    else:
        overrides = list(module.QUICK) if args.quick else []
        overrides += args.set or []
        if args.device:
            overrides.append(f"train.device={args.device}")
        toml = load_toml(args.config) if args.config else None
        config = registry.build_config(args.task, args.preset, toml, overrides)
        run_dir = new_run_dir(args.task, args.out)
        registry.write_recipe(run_dir, args.task, args.preset, config)
        print(f"rnnkit train {args.task} (preset {args.preset}) -> {run_dir}")
    results = module.run(config, run_dir, args.data_dir, resume=args.resume)
    summary = {k: v for k, v in results.items() if k != "history"}
    write_json(run_dir / "test_metrics.json", summary)
    _print_json(summary)
    print(f"Next: rnnkit evaluate {run_dir}   |   rnnkit predict {run_dir} ...")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .recipes.registry import open_run

    run = open_run(args.run)
    _print_json(run.module.evaluate(run.config, run.path, args.data_dir))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from .recipes.registry import open_run

    run = open_run(args.run)
    kwargs = {"data_dir": args.data_dir} if run.task == "mnist" else {}
    for row in run.module.predict(run.config, run.path, args.inputs, **kwargs):
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    return 0


def _data(args: argparse.Namespace) -> int:
    from .data.catalog import describe, download, verify

    action = {"list": describe, "download": download, "verify": verify}[args.action]
    for line in action(args.names, args.data_dir):
        print(line)
    return 0


def _tasks(args: argparse.Namespace) -> int:
    from .recipes.registry import PLANNED, TASKS, recipe
    from .training.coerce import to_dict

    for name in TASKS:
        module = recipe(name)
        config = to_dict(module.default_config())
        print(f"{name:10s} {module.SUMMARY}")
        print(f"{'':10s} dataset: {module.DATASET}; presets: {', '.join(module.PRESETS)}")
        print(f"{'':10s} model: {json.dumps(config['model'])}")
        train = config["train"]
        print(
            f"{'':10s} train: epochs={train['epochs']} batch_size={train['batch_size']} "
            f"optimizer={train['optimizer']} lr={train['lr']}"
        )
    print(f"planned: {', '.join(PLANNED)}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .recipes.sine_demo import SineDemoConfig, run

    config = SineDemoConfig(epochs=args.epochs, seed=args.seed)
    print(
        f"rnnkit demo: an LSTM ({config.hidden_size} hidden units) learns to predict the next value "
        f"of noisy sine waves from the previous {config.window}."
    )

    def report(epoch: int, loss: float) -> None:
        if epoch == 0 or (epoch + 1) % 5 == 0 or epoch + 1 == config.epochs:
            print(f"  epoch {epoch + 1:3d}/{config.epochs}  train MSE {loss:.5f}")

    result = run(config, on_epoch=report)
    print(f"\ntest MSE {result.test_mse:.5f}  ({result.seconds:.1f} s of training)")
    print(f"  baseline 'repeat the last value':  {result.baseline_last_value_mse:.5f}")
    print(f"  baseline 'linear extrapolation':   {result.baseline_linear_mse:.5f}")
    best_baseline = min(result.baseline_last_value_mse, result.baseline_linear_mse)
    verdict = "beats" if result.test_mse < best_baseline else "does not beat"
    print(
        f"The LSTM {verdict} both baselines (lower is better; the inputs carry noise of std {config.noise})."
    )
    from .recipes.svg_plot import line_plot_svg

    plot = line_plot_svg(
        {
            "input series (noisy)": result.rolling_truth,
            "LSTM one-step-ahead forecast": result.rolling_prediction,
        },
        Path(args.out) / "demo_forecast.svg",
        title="rnnkit demo: a held-out sine series and the LSTM's next-step forecasts",
    )
    print(f"Plot: {plot} (open it in a browser): the forecast should track the series, smoothing its noise.")
    print("Next: `rnnkit tasks` lists the real-data tasks (e.g. `rnnkit train mnist --quick`);")
    print("`python -m rnnkit.reference.char_model` shows the same ideas in NumPy with hand-written BPTT.")
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
        "inputs", nargs="+", help="review texts or files (sentiment); test:N or .npy (mnist)"
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
    demo.add_argument("--out", default="runs/demo", help="folder for the plot")
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
