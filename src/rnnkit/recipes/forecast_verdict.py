"""What a forecast run's summary means, in a few lines: the model against each baseline, the intervals'
coverage, the roll-out and the plot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NAMES = {
    "naive": "naive (last value)",
    "seasonal_naive": "seasonal naive",
    "drift": "drift",
    "linear": "linear (least-squares DLinear)",
    "holt_winters": "Holt-Winters",
}


def _figure(errors: Mapping[str, float]) -> str:
    text = f"MSE {errors['mse']:.4f}, MAE {errors['mae']:.4f}"
    if "mape" in errors:
        text += f", MAPE {errors['mape']:.2f}%"
    return text


def verdict_lines(summary: Mapping[str, Any]) -> list[str]:
    if "model" not in summary:  # a run without its report (none to read)
        return []
    model = summary["model"]
    lines = [
        f"test ({summary['test_windows_scored']} windows, standardised units): the model {_figure(model)}",
    ]
    for name, errors in summary["baselines"].items():
        word = "beats" if model["mse"] < errors["mse"] else "does NOT beat"
        lines.append(f"  {word} {NAMES.get(name, name)}: {_figure(errors)}")
    for name, note in summary.get("baseline_notes", {}).items():
        if name == "linear_ridge":
            continue
        if str(note).startswith("not run") or name == "seasonal_naive":
            lines.append(f"  ({NAMES.get(name, name)}: {note})")
    intervals = summary.get("intervals")
    if intervals and "unavailable" in intervals:
        lines.append(f"no prediction intervals: {intervals['unavailable']}")
    elif intervals:
        lines.append(
            f"{intervals['level']:.0%} prediction intervals ({intervals['method']}) cover "
            f"{intervals['test_coverage']:.1%} of the test values"
            + (
                f"; the Gaussian head's cover {intervals['gaussian_test_coverage']:.1%}"
                if "gaussian_test_coverage" in intervals
                else ""
            )
        )
    rollout = summary.get("rollout")
    if rollout and "skipped" not in rollout:
        text = f"roll-out of {rollout['steps']} rows from the test part's start: {_figure(rollout)}"
        hw = rollout.get("holt_winters")
        if isinstance(hw, Mapping):
            text += f"; Holt-Winters {_figure(hw)}"
        lines.append(text)
    elif rollout:
        lines.append(f"no roll-out: {rollout['skipped']}")
    if "plot" in summary:
        lines.append(f"Plot: {summary['plot']}")
    elif "plot_unavailable" in summary:
        lines.append(f"No plot: {summary['plot_unavailable']}")
    return lines
