"""The tasks the CLI can run: name -> recipe module (each with default_config, run, evaluate, predict)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..training.coerce import from_dict, to_dict
from ..training.overrides import apply_overrides
from .common import read_json

TASKS = {"sentiment": "rnnkit.recipes.sentiment", "mnist": "rnnkit.recipes.mnist"}
PLANNED = ("forecast", "textgen", "translate", "ner")
RECIPE_FILE = "recipe.json"


def recipe(task: str) -> ModuleType:
    """The recipe module of ``task``, with a clear error for an unknown or not-yet-built task."""
    if task in TASKS:
        return importlib.import_module(TASKS[task])
    if task in PLANNED:
        raise ValueError(f"task {task!r} is planned but not built yet; available: {sorted(TASKS)}.")
    raise ValueError(f"unknown task {task!r}; available: {sorted(TASKS)} (see `rnnkit tasks`).")


def build_config(
    task: str, preset: str = "default", toml: dict[str, Any] | None = None, overrides: list[str] = ()
) -> Any:
    """``default_config(preset)``, then the TOML file's values, then ``--set`` overrides (type-checked)."""
    config = recipe(task).default_config(preset)
    if toml:
        config = apply_overrides(config, toml)
    return apply_overrides(config, list(overrides)) if overrides else config


@dataclass(frozen=True)
class TrainedRun:
    """A finished run folder: its task, its recipe module and its config."""

    path: Path
    task: str
    module: ModuleType
    config: Any


def write_recipe(run_dir: Path, task: str, preset: str, config: Any) -> None:
    from ..training.checkpoint import write_json

    write_json(run_dir / RECIPE_FILE, {"task": task, "preset": preset, "config": to_dict(config)})


def open_run(run_dir: str | Path) -> TrainedRun:
    """Read ``recipe.json`` of a run folder written by ``rnnkit train``."""
    path = Path(run_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"run folder {path} does not exist; pass the folder `rnnkit train` printed.")
    data = read_json(path / RECIPE_FILE, "run folder")
    module = recipe(data["task"])
    config = from_dict(type(module.default_config()), data["config"])
    return TrainedRun(path, data["task"], module, config)
