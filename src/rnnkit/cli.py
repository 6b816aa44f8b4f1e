"""The ``rnnkit`` command line: argument parsing and printing only; the work is in the recipes.

    rnnkit train <task> [--preset P] [--config file.toml] [--set key=value ...] [--data-dir DIR]
                        [--out DIR] [--device cpu|cuda|auto] [--quick] [--resume] [--quiet]
    rnnkit evaluate RUN [--file TEXT.txt | --source F.en --reference F.de] [--data-dir DIR]
    rnnkit generate RUN [--prime TEXT] [--length N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
    rnnkit translate RUN [SENTENCE ...] [--file IN.txt] [--output OUT.txt] [--beam K]
                         [--plot-attention FILE.png]
    rnnkit predict RUN [INPUT ...] [--file PATH ...] [--output FILE.csv|.jsonl] [--batch-size N]
    rnnkit forecast RUN [--csv FILE] [--horizon H] [--plot FILE.png] [--output FILE.csv]
                        [--backtest [--stride K]]
    rnnkit plot RUN
    rnnkit data list|download|verify [NAME ...] [--data-dir DIR]
    rnnkit tasks
    rnnkit demo [--epochs N] [--seed S] [--out DIR] [--quiet]

Bad input (unknown keys, bad values, missing files, bad data) is one line on stderr and exit code 2;
``--debug`` shows the traceback. Nothing here imports torch: ``--help``, ``tasks`` and ``data list``
answer at once, and a command that trains loads it when it starts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
import warnings
from collections.abc import Sequence
from typing import Any, TextIO

from ._version import __version__

USER_ERRORS = (ValueError, TypeError, OSError, KeyError)
"""What a user's input can cause (a bad value, a missing or unreadable file, an unknown name): one line.
Anything else is a bug in rnnkit and keeps its traceback."""


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def error_line(error: BaseException, stream: TextIO) -> str:
    """The one line a user error prints: ``rnnkit: error: <message>``, red on a terminal."""
    if isinstance(error, KeyError) and error.args:
        message = str(error.args[0])
    elif isinstance(error, OSError) and error.strerror and error.filename and not _has_message(error):
        message = f"{error.filename}: {error.strerror.lower()}"
    else:
        message = str(error)
    line = "rnnkit: error: " + " ".join(message.split())  # one line, whatever the message held
    return f"\033[31m{line}\033[0m" if use_colour(stream) else line


def _has_message(error: OSError) -> bool:
    return len(error.args) == 1  # raised with our own sentence rather than (errno, strerror, filename)


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    """Warnings as one line (``rnnkit: warning: ...``), without Python's source-line echo."""
    print(f"rnnkit: warning: {' '.join(str(message).split())}", file=sys.stderr)


def _say(text: str) -> None:
    """Print on rank 0 only (under torchrun every rank runs this code)."""
    if int(os.environ.get("RANK", "0")) == 0:
        print(text)


def _next_lines(recipe: Any, out: str) -> list[str]:
    """What to run next on this run folder, with inputs that work as printed."""
    run = shlex.quote(out)
    lines = [f"Next: rnnkit evaluate {run}", f"      rnnkit plot {run}"]
    if recipe.example_inputs:
        lines.append(f"      rnnkit predict {run} {' '.join(recipe.example_inputs)}")
    lines += [f"      {command.format(run=run)}" for command in recipe.next_commands]
    return lines


# --- commands ---------------------------------------------------------------------------------------


def _train(args: argparse.Namespace) -> int:
    from .config import load_toml
    from .recipes.registry import build_config, get_recipe

    recipe = get_recipe(args.task)
    quiet = ["train.progress=false"] if args.quiet else []
    task_flags = _task_flags(recipe, args)
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
                (" ".join(task_flags), bool(task_flags)),
            )
            if on
        ]
        if given:
            raise ValueError(
                f"--resume continues {args.out} with the settings it started with; drop {', '.join(given)} "
                "(only --set train.epochs=N may raise the number of epochs)."
            )
        from .recipes import runner

        _say(f"rnnkit train {args.task}: resuming {args.out}")
        summary = runner.resume(args.out, args.task, args.set or [], args.data_dir)
        out = args.out
    else:
        overrides = [item for items in task_flags.values() for item in items] + list(args.set or []) + quiet
        if args.device:
            overrides.append(f"train.device={args.device}")
        toml = load_toml(args.config) if args.config else None
        config = build_config(recipe, args.preset, args.quick, toml, overrides)
        from .recipes import runner

        out = args.out or str(runner.default_run_path(recipe.name))
        _say(f"rnnkit train {args.task} (preset {args.preset}) -> {out}")
        if args.quick:
            _say(f"--quick: {QUICK_MEANS} It sets {' '.join(recipe.quick)}.")
        summary = runner.train(recipe, config, args.preset, out, args.data_dir)
    _say(json.dumps(summary, indent=2, default=str))
    for line in recipe.verdict(summary):
        _say(line)
    if args.quick:
        _say(f"(--quick: {QUICK_MEANS} Drop --quick for the recipe's real settings.)")
    for line in _next_lines(recipe, out):
        _say(line)
    return 0


def _task_flags(recipe: Any, args: argparse.Namespace) -> dict[str, list[str]]:
    """Each task flag given (``--csv FILE``) and its ``--set`` overrides, refusing flags the task lacks."""
    given: dict[str, list[str]] = {}
    for flag in _all_task_flags():
        value = getattr(args, _flag_dest(flag), None)
        if value is None:
            continue
        if flag not in recipe.cli_options:
            options = ", ".join(recipe.cli_options) or "none"
            raise ValueError(
                f"{flag} is not an option of task {recipe.name!r} (its task options: {options})."
            )
        key, _, extra = recipe.cli_options[flag]
        given[flag] = [f"{key}={value}", *extra]
    return given


def _flag_dest(flag: str) -> str:
    return "task_" + flag.lstrip("-").replace("-", "_")


def _all_task_flags() -> dict[str, str]:
    """Every task's flags and their help (``forecast: ...``), for the train parser."""
    from .recipes.registry import TASKS, get_recipe

    flags: dict[str, str] = {}
    for name in TASKS:
        for flag, (_, text, _) in get_recipe(name).cli_options.items():
            flags.setdefault(flag, text)
    return flags


QUICK_MEANS = (
    "a tiny run that checks the whole pipeline in seconds; its figures are near chance, as expected."
)


def _evaluate(args: argparse.Namespace) -> int:
    from .recipes.runner import evaluate

    if args.file and args.source:
        raise ValueError("--file and --source both name the input to score; pass one.")
    figures = evaluate(args.run, args.data_dir, args.file or args.source, args.reference)
    print(json.dumps(figures, indent=2, default=str))
    return 0


def _translate(args: argparse.Namespace) -> int:
    from .data.parallel import read_lines
    from .recipes.runner import open_run
    from .recipes.translate_use import translate_run

    lines = read_lines(args.file, "--file") if args.file else []
    empty = next((number for number, line in enumerate(lines, 1) if not line), None)
    if empty is not None:
        raise ValueError(f"--file {args.file}: line {empty} is empty; give one sentence per line.")
    sentences = list(args.sentences) + lines
    if not sentences:
        raise ValueError('nothing to translate: give sentences ("A man rides a bike.") or --file IN.txt.')
    translations = translate_run(open_run(args.run), sentences, args.beam, args.plot_attention)
    if args.output:
        from .atomic import atomic_write_text

        atomic_write_text(args.output, "".join(t + "\n" for t in translations))
        print(f"{len(translations)} translations -> {args.output}", file=sys.stderr)
    else:
        for translation in translations:
            print(translation)
    if args.plot_attention:
        print(f"attention of the first sentence -> {args.plot_attention}", file=sys.stderr)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from .recipes.runner import generate

    sampling = {"temperature": args.temperature, "top_k": args.top_k, "top_p": args.top_p, "seed": args.seed}
    pieces = generate(args.run, args.prime, args.length, **sampling)
    out = sys.stdout
    try:
        out.write(args.prime)
        for piece in pieces:  # each piece as soon as it is sampled
            out.write(piece)
            out.flush()
    except KeyboardInterrupt:  # Ctrl-C ends the text where it is, cleanly
        out.write("\n")
        out.flush()
        return 130
    except BrokenPipeError:  # the reader left (`| head`): stop quietly, as a Unix filter does
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return 0
    out.write("\n")
    return 0


def _predict(args: argparse.Namespace) -> int:
    from .recipes.inputs import gather
    from .recipes.predictions import check_output, format_row, write_rows
    from .recipes.runner import open_run

    if args.batch_size < 1:
        raise ValueError(f"--batch-size {args.batch_size}: must be >= 1.")
    trained = open_run(args.run)  # reads config.json only; the model is loaded by predict
    formats = trained.recipe.output_formats
    if args.output:
        check_output(args.output, formats)  # before the model is loaded: a typo costs nothing
    inputs = gather(
        args.inputs, args.file or [], trained.recipe.input_kind, reader=trained.recipe.file_inputs
    )
    rows = trained.predict(inputs, batch_size=args.batch_size, data_dir=args.data_dir)
    if args.output:
        path = write_rows(rows, args.output, formats)
        print(f"{len(rows)} predictions -> {path}", file=sys.stderr)
    else:
        for row in rows:
            print(format_row(row))
    return 0


def _forecast(args: argparse.Namespace) -> int:
    from .recipes.forecast_future import (
        backtest_series,
        check_forecast_run,
        forecast_future,
        forecast_rows,
        plot_future,
        rows_to_csv,
    )
    from .recipes.predictions import check_output
    from .recipes.runner import open_run

    if args.output:
        check_output(args.output)
    if args.plot and not args.plot.lower().endswith(".png"):
        raise ValueError(f"--plot {args.plot}: give a .png file name.")
    if args.stride < 1:
        raise ValueError(f"--stride {args.stride}: must be >= 1.")
    trained = open_run(args.run)
    check_forecast_run(trained)
    from .atomic import atomic_write_text

    if args.backtest:
        if args.horizon is not None:
            raise ValueError("--backtest scores the run's own horizon; drop --horizon.")
        summary, rows = backtest_series(trained, args.csv, args.stride, args.data_dir)
        print(json.dumps(summary, indent=2))
        if args.output:
            atomic_write_text(args.output, rows_to_csv(rows))
            print(f"{len(rows)} backtest values -> {args.output}", file=sys.stderr)
        return 0
    result = forecast_future(trained, args.csv, args.horizon, args.data_dir)
    rows = forecast_rows(result)
    if args.output:
        atomic_write_text(args.output, rows_to_csv(rows))
        print(f"{len(rows)} forecast rows -> {args.output}", file=sys.stderr)
    else:
        print(rows_to_csv(rows), end="")
    if args.plot:
        print(f"plot -> {plot_future(result, args.plot)}", file=sys.stderr)
    return 0


def _plot(args: argparse.Namespace) -> int:
    from .plots import plot_run

    for path in plot_run(args.run):
        print(path)
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
    from .recipes.registry import DEMO_TASK, build_config, get_recipe

    recipe = get_recipe(DEMO_TASK)
    overrides = [f"train.epochs={args.epochs}", f"train.seed={args.seed}"]
    config = build_config(recipe, overrides=overrides + (["train.progress=false"] if args.quiet else []))
    from .recipes import runner

    out = args.out or str(runner.default_run_path("demo"))
    print(f"rnnkit demo: {recipe.announce(config)} -> {out}")
    summary = runner.train(recipe, config, "default", out)
    for line in recipe.verdict(summary):
        print(line)
    for line in _next_lines(recipe, out):
        print(line)
    print("      rnnkit tasks                       # the real-data tasks; try: rnnkit train mnist --quick")
    return 0


# --- help texts -------------------------------------------------------------------------------------


def _task_help(what: str) -> str:
    """Each task's presets and ``--quick`` settings (``train``) or its input forms (``predict``)."""
    from .recipes.registry import TASKS, get_recipe

    lines = []
    for name in TASKS:
        recipe = get_recipe(name)
        if what == "train":
            lines.append(f"  {name}: {recipe.description}")
            lines.append(f"      presets: {', '.join(recipe.presets)} (default: default)")
            lines.append(f"      --quick sets: {' '.join(recipe.quick) or '(nothing)'}")
        else:
            lines.append(f"  {name}: {recipe.inputs}")
            if recipe.example_inputs:
                lines.append(f"      e.g. rnnkit predict runs/{name}-... {' '.join(recipe.example_inputs)}")
    return "\n".join(lines)


TRAIN_EPILOG = """tasks:
{tasks}

Settings: the preset, then --quick ({quick}), then --config, then --set (later wins).
Data: --data-dir, else $RNNKIT_DATA, else ~/.cache/rnnkit (missing files are downloaded and verified)."""

PREDICT_EPILOG = """inputs by task:
{tasks}

Texts are passed as they are (a path is never guessed): @FILE reads one input from a file, --file FILE
one per line (or --file FOLDER, one per file), and - reads standard input. Rows go to the terminal, or
to --output as CSV (.csv) or JSON lines (.jsonl)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rnnkit", description="Recurrent neural networks, verified.")
    parser.add_argument("--version", action="version", version=f"rnnkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    train = commands.add_parser(
        "train",
        help="train a task's recipe end to end",
        formatter_class=raw,
        epilog=TRAIN_EPILOG.format(tasks=_task_help("train"), quick=QUICK_MEANS),
    )
    train.add_argument("task", help="a task name (see `rnnkit tasks`)")
    train.add_argument("--preset", default="default", help="a named configuration of the task")
    train.add_argument("--config", help="a TOML file of overrides, e.g. [train] lr = 0.001")
    train.add_argument("--set", action="append", metavar="KEY=VALUE", help="e.g. --set train.epochs=3")
    train.add_argument("--data-dir", help="data root (default: $RNNKIT_DATA or ~/.cache/rnnkit)")
    train.add_argument("--out", help="run folder (default: runs/<task>-<timestamp>)")
    train.add_argument("--device", choices=("auto", "cpu", "cuda"))
    train.add_argument("--quick", action="store_true", help="a tiny run that checks the pipeline (see below)")
    train.add_argument("--resume", action="store_true", help="continue the interrupted run in --out")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    for flag, text in _all_task_flags().items():
        train.add_argument(flag, dest=_flag_dest(flag), metavar="VALUE", help=text)
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser("evaluate", help="test-split metrics of a finished run")
    evaluate.add_argument("run")
    evaluate.add_argument(
        "--file", help="score this file instead of the test split (textgen: UTF-8 text; ner: a CoNLL file)"
    )
    evaluate.add_argument(
        "--source", help="translate: BLEU of these sentences' translations (with --reference)"
    )
    evaluate.add_argument("--reference", help="translate: the reference translations, line by line")
    evaluate.add_argument("--data-dir")
    evaluate.set_defaults(handler=_evaluate)

    translate = commands.add_parser("translate", help="translate sentences with a translate run")
    translate.add_argument("run", help="a run folder of `rnnkit train translate`")
    translate.add_argument("sentences", nargs="*", help="sentences to translate")
    translate.add_argument("--file", help="one sentence per line (translated in batches)")
    translate.add_argument("--output", metavar="FILE", help="write the translations here, one per line")
    translate.add_argument(
        "--beam", type=int, help="beam size (1: greedy; default: the run's decode.beam_size)"
    )
    translate.add_argument("--plot-attention", metavar="FILE.png", help="draw the first sentence's attention")
    translate.set_defaults(handler=_translate)

    generate = commands.add_parser(
        "generate",
        help="stream text from a textgen run",
        description="Continue --prime with text sampled one token at a time, printed as it comes "
        "(Ctrl-C stops).",
    )
    generate.add_argument("run", help="a run folder of `rnnkit train textgen`")
    generate.add_argument("--prime", default="\n", help="the text to continue (default: a new line)")
    generate.add_argument("--length", type=int, default=500, help="tokens to generate (500)")
    generate.add_argument("--temperature", type=float, default=1.0, help="> 0; 0 = greedy (1.0)")
    generate.add_argument("--top-k", type=int, help="sample among the K most probable tokens")
    generate.add_argument("--top-p", type=float, help="sample among the most probable tokens of mass P")
    generate.add_argument("--seed", type=int, help="the same seed gives the same text (default: random)")
    generate.set_defaults(handler=_generate)

    predict = commands.add_parser(
        "predict",
        help="predict with a finished run",
        formatter_class=raw,
        epilog=PREDICT_EPILOG.format(tasks=_task_help("predict")),
    )
    predict.add_argument("run", help="a run folder that `rnnkit train` wrote")
    predict.add_argument("inputs", nargs="*", help="inputs as the run's task takes them (see below)")
    predict.add_argument("--file", action="append", metavar="PATH", help="one input per line, or a folder")
    predict.add_argument(
        "--output", metavar="FILE", help="write the rows to FILE.csv or FILE.jsonl (ner: FILE.conll too)"
    )
    predict.add_argument("--batch-size", type=int, default=256, help="inputs per forward pass (256)")
    predict.add_argument("--data-dir")
    predict.set_defaults(handler=_predict)

    forecast = commands.add_parser(
        "forecast",
        help="forecast past the end of a forecast run's series (or a new CSV), or backtest it",
        description=(
            "Forecast the rows after the end of the run's series, or of --csv FILE with the run's columns; "
            "--backtest scores forecasts from many origins (the run's test part, or every window of FILE)."
        ),
    )
    forecast.add_argument("run", help="a run folder of `rnnkit train forecast`")
    forecast.add_argument("--csv", help="a new CSV with the run's columns (default: the run's own series)")
    forecast.add_argument("--horizon", type=int, help="rows to forecast (default: the model's horizon)")
    forecast.add_argument("--plot", metavar="FILE.png", help="draw history, forecast and interval")
    forecast.add_argument("--output", metavar="FILE.csv", help="write the rows to a CSV file")
    forecast.add_argument("--backtest", action="store_true", help="rolling-origin errors instead")
    forecast.add_argument("--stride", type=int, default=1, help="rows between backtest origins (1)")
    forecast.add_argument("--data-dir")
    forecast.set_defaults(handler=_forecast)

    plot = commands.add_parser("plot", help="draw a run's plots (loss curves, ...) as PNG files in it")
    plot.add_argument("run")
    plot.set_defaults(handler=_plot)

    data = commands.add_parser("data", help="list, download or verify datasets")
    data.add_argument("action", choices=("list", "download", "verify"))
    data.add_argument("names", nargs="*", help="dataset names (default: all)")
    data.add_argument("--data-dir", help="data root (default: $RNNKIT_DATA or ~/.cache/rnnkit)")
    data.set_defaults(handler=_data)

    commands.add_parser("tasks", help="the tasks, their data, models and settings").set_defaults(
        handler=_tasks
    )

    demo = commands.add_parser("demo", help="train a small LSTM on built-in sine waves (< 1 min)")
    demo.add_argument("--epochs", type=int, default=40)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--out", help="run folder (default: runs/demo-<timestamp>)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING if getattr(args, "quiet", False) else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    warnings.showwarning = _show_warning
    try:
        return int(args.handler(args))
    except USER_ERRORS as error:
        if args.debug:
            raise
        print(error_line(error, sys.stderr), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rnnkit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
