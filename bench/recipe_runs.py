"""What the recipe bench scripts (forecast_recipe, translate_recipe, ner_recipe) share: training a preset
once per seed, a figure as median [min, max] over seeds, and the machine line written beside every
recorded figure."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from rnnkit.recipes import runner
from rnnkit.recipes.registry import build_config, get_recipe


def train_seeds(
    task: str, preset: str, seeds: list[int], sets: list[str], quick: bool = False, keep: str | None = None
) -> tuple[list[dict[str, Any]], list[float]]:
    """``rnnkit train TASK --preset PRESET --set train.seed=S`` once per seed (the recipe's runner), into
    ``keep/seedS`` (default: a temporary folder): each run's summary and wall seconds."""
    recipe = get_recipe(task)
    summaries, walls = [], []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(keep or temporary)
        for seed in seeds:
            overrides = [*(recipe.quick if quick else ()), *sets, f"train.seed={seed}"]
            config = build_config(recipe, preset, overrides=[*overrides, "train.progress=false"])
            started = time.time()
            run = folder / f"seed{seed}"
            summaries.append(runner.train(recipe, config, preset, run, os.environ.get("RNNKIT_DATA")))
            walls.append(time.time() - started)
    return summaries, walls


def spread(values: list[float], digits: int = 4) -> str:
    """``median [min, max]`` of ``values`` with ``digits`` decimals; ``-`` for none.

    Example:
        >>> spread([0.3, 0.1, 0.2], 2)
        '0.20 [0.10, 0.30]'
    """
    if not values:
        return "-"
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}, {max(values):.{digits}f}]"


def machine_line() -> str:
    """CPUs, torch version and threads, today's date and the command line that produced the figures."""
    return (
        f"machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); {time.strftime('%Y-%m-%d')}; "
        f"command: {' '.join(sys.argv)}"
    )
