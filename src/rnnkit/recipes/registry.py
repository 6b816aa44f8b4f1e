"""The one place tasks are registered: task name -> its :class:`~rnnkit.recipes.base.Recipe` class.

The CLI knows no task names; it asks this module. A recipe's module is imported only when the task is
used, so ``rnnkit --help`` and ``rnnkit tasks`` stay light.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..config import apply_overrides

if TYPE_CHECKING:
    from .base import Recipe

TASKS: dict[str, str] = {
    "sentiment": "rnnkit.recipes.sentiment:SentimentRecipe",
    "mnist": "rnnkit.recipes.mnist:MnistRecipe",
    "sine": "rnnkit.recipes.sine_demo:SineRecipe",
    "forecast": "rnnkit.recipes.forecast:ForecastRecipe",
    "textgen": "rnnkit.recipes.textgen:TextgenRecipe",
    "translate": "rnnkit.recipes.translate:TranslateRecipe",
    "ner": "rnnkit.recipes.ner:NerRecipe",
}
DEMO_TASK = "sine"  # what `rnnkit demo` trains
PLANNED = ("speech", "captioning", "gestures", "dna", "chatbot")


def get_recipe(task: str) -> Recipe:
    """The recipe of ``task``, with a clear error for an unknown or not-yet-built task."""
    if task not in TASKS:
        if task in PLANNED:
            raise ValueError(f"task {task!r} is planned but not built yet; available: {sorted(TASKS)}.")
        raise ValueError(f"unknown task {task!r}; available: {sorted(TASKS)} (see `rnnkit tasks`).")
    module_name, class_name = TASKS[task].split(":")
    recipe: Recipe = getattr(importlib.import_module(module_name), class_name)()
    return recipe


def build_config(
    recipe: Recipe,
    preset: str = "default",
    quick: bool = False,
    toml: Mapping[str, Any] | None = None,
    overrides: Iterable[str] = (),
) -> Any:
    """The preset, then ``--quick``'s settings, then the TOML file, then ``--set`` (each type-checked).

    Later sources win: a value in ``--config`` overrides the one ``--quick`` sets.
    """
    config = recipe.default_config(preset)
    if quick and recipe.quick:
        config = apply_overrides(config, list(recipe.quick))
    if toml:
        config = apply_overrides(config, toml)
    overrides = list(overrides)
    return apply_overrides(config, overrides) if overrides else config
