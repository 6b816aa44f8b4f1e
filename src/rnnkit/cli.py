"""The ``rnnkit`` command line: argument parsing and printing only; the work is in the recipes."""

from __future__ import annotations

import argparse
import sys

from . import __version__


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
    verdict = (
        "beats"
        if result.test_mse < min(result.baseline_last_value_mse, result.baseline_linear_mse)
        else "does not beat"
    )
    print(
        f"The LSTM {verdict} both baselines (lower is better; the inputs carry noise of std {config.noise})."
    )
    print("Next: see README.md for rnnkit.LSTM/GRU/RNN, and `python -m rnnkit.reference.char_model`")
    print("for the same ideas in plain NumPy with hand-written backpropagation through time.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rnnkit", description="Recurrent neural networks, verified.")
    parser.add_argument("--version", action="version", version=f"rnnkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="train a small LSTM on built-in sine waves (< 1 min)")
    demo.add_argument("--epochs", type=int, default=40)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, TypeError, FileNotFoundError) as error:
        if args.debug:
            raise
        print(f"\033[31mrnnkit: error: {error}\033[0m", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
