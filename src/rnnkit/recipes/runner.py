"""The one lifecycle every recipe runs through: train, resume, evaluate, predict.

Training, in this order (so that nothing is written before every input has been checked, and the seed
is applied before anything random is built)::

    recipe.check(config); the device; the --out folder (not a file, holds no run)   -> errors, no writes
    seed_everything(train.seed)
    recipe.prepare(config)             the data is read (missing data is an error here)
    recipe.build_model(config)         a bad model setting is an error here
    run.create(); run.lock()           rank 0 only; a second process is refused
    config.json, artifacts             rank 0 only
    Trainer.fit -> Trainer.evaluate(test) -> recipe.report -> test_metrics.json

Resuming reads ``config.json`` (the one record of what ran), accepts ``train.epochs`` as the only
change (a longer run, refused where the schedule cannot stretch), and starts from epoch 1 with the
saved config when no epoch was committed before the run was killed.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from torch import nn

from ..config import apply_overrides, from_dict
from ..training.distributed import resolve_device
from ..training.run_folder import RunFolder
from ..training.state import seed_everything
from ..training.trainer import Trainer
from .base import Prepared, Recipe, Split, split_counts
from .inputs import as_input
from .registry import get_recipe

logger = logging.getLogger("rnnkit.recipes")

RESUMABLE_KEYS = ("train.epochs",)


def process_rank() -> int:
    """This process's rank under torchrun (0 when not distributed): only rank 0 writes the run folder."""
    return int(os.environ.get("RANK", "0"))


def default_run_path(task: str) -> Path:
    return Path("runs") / f"{task}-{time.strftime('%Y%m%d-%H%M%S')}"


def train(
    recipe: Recipe,
    config: Any,
    preset: str = "default",
    out: str | Path | None = None,
    data_dir: str | None = None,
) -> dict[str, Any]:
    """Train ``recipe`` with ``config`` into a new run folder; returns the summary (test figures).

    Raises:
        ValueError: a bad config, device or ``out`` (nothing has been written then).
    """
    recipe.check(config)
    resolve_device(config.train.device)
    run = RunFolder(out if out is not None else default_run_path(recipe.name), recipe.name, preset)
    if process_rank() == 0:
        run.check_fresh()
    return _run(recipe, config, run, data_dir, resume=False)


def resume(
    out: str | Path, task: str | None = None, overrides: Iterable[str] = (), data_dir: str | None = None
) -> dict[str, Any]:
    """Continue the run in ``out`` where it stopped (from epoch 1 if it never committed an epoch).

    ``overrides`` may only raise ``train.epochs``; anything else is refused, since the run must go on
    with the settings it started with.
    """
    trained = open_run(out)
    if task is not None and trained.recipe.name != task:
        raise ValueError(f"--resume: {out} is a {trained.recipe.name!r} run, not {task!r}.")
    config = _extend(trained, list(overrides))
    resumable = trained.run.has_state()
    if not resumable:
        logger.info("%s holds no completed epoch yet: starting it from epoch 1 with its saved config", out)
    return _run(trained.recipe, config, trained.run, data_dir, resume=resumable)


def _extend(trained: TrainedRun, overrides: list[str]) -> Any:
    config, run = trained.config, trained.run
    if not overrides:
        return config
    keys = [item.split("=", 1)[0].strip() for item in overrides]
    refused = [key for key in keys if key not in RESUMABLE_KEYS]
    if refused:
        raise ValueError(
            f"--resume continues {run.path} with the settings in its {RunFolder.CONFIG}; it cannot change "
            f"{', '.join(refused)} (only train.epochs can be raised). Start a fresh run with a new --out to "
            "change them."
        )
    new = apply_overrides(config, overrides)
    old_epochs, new_epochs = config.train.epochs, new.train.epochs
    if new_epochs == old_epochs:
        return new
    state = run.load_state() if run.has_state() else None
    done = state["epoch"] if state is not None else 0
    if new_epochs <= done:
        raise ValueError(
            f"--set train.epochs={new_epochs}: {run.path} has already completed {done} epochs; "
            f"pass a larger number to train longer."
        )
    if config.train.scheduler == "cosine":
        raise ValueError(
            f"--set train.epochs={new_epochs}: this run's cosine schedule decays the learning rate over "
            f"its {old_epochs} epochs, and stretching it mid-run would not be the schedule it started "
            f"with. Resume without --set to finish the {old_epochs} epochs, or start a fresh run with "
            f"train.epochs={new_epochs}."
        )
    if state is not None and state["history"]["stopped_early"]:
        raise ValueError(
            f"--set train.epochs={new_epochs}: {run.path} stopped early after epoch {done} (its monitor "
            "stopped improving), so more epochs would not run. Start a fresh run to train longer."
        )
    logger.info(
        "extending %s from %d to %d epochs (scheduler %r continues as it was)",
        run.path,
        old_epochs,
        new_epochs,
        config.train.scheduler,
    )
    return new


def _run(recipe: Recipe, config: Any, run: RunFolder, data_dir: str | None, resume: bool) -> dict[str, Any]:
    is_main = process_rank() == 0
    seed_everything(config.train.seed)  # before the data is split and the model is built
    prepared = recipe.prepare(config, data_dir)
    model = recipe.build_model(config, prepared.artifacts)
    with run.lock() if is_main else contextlib.nullcontext():
        if is_main:
            if not resume:
                run.check_fresh()  # again, now that this process holds the lock
            run.write_config(config)
            recipe.save_artifacts(run, prepared.artifacts)
        return _fit_and_test(recipe, config, run, model, prepared, resume, is_main)


def _fit_and_test(
    recipe: Recipe,
    config: Any,
    run: RunFolder,
    model: nn.Module,
    prepared: Prepared,
    resume: bool,
    is_main: bool,
) -> dict[str, Any]:
    train_split, val_split, test_split = prepared.train, prepared.validation, prepared.test
    with Trainer(
        model, recipe.task(config, prepared.artifacts), config.train, run_dir=run, run_config=config
    ) as trainer:
        history = trainer.fit(
            train_split.dataset,
            val_split.dataset if val_split is not None else None,
            collate_fn=train_split.collate_fn,
            resume=resume,
            batch_sampler=train_split.batch_sampler,
            val_batch_sampler=val_split.batch_sampler if val_split is not None else None,
        )
        test = _evaluate_split(trainer, test_split, recipe)
        summary: dict[str, Any] = {"task": recipe.name, **test, **split_counts(prepared), **prepared.counts}
        summary.update(
            {
                "epochs_run": len(history),
                "best_epoch": history.best_epoch,
                "best_" + config.train.monitor: history.best_value,
                "seconds_per_epoch": [round(s, 1) for s in history["seconds"]] if len(history) else [],
            }
        )
        summary.update(recipe.report(config, trainer.model, prepared, run if is_main else None))
    if is_main:
        run.write_test_metrics(summary)
    return summary


def _evaluate_split(trainer: Trainer, split: Split, recipe: Recipe, prefix: str = "test") -> dict[str, Any]:
    """``{prefix}_<metric>`` for every metric of ``split``, and the recipe's figures derived from them."""
    result = trainer.evaluate(split.dataset, collate_fn=split.collate_fn, batch_sampler=split.batch_sampler)
    figures: dict[str, Any] = {f"{prefix}_{name}": value for name, value in result.items()}
    figures.update(recipe.derived_figures(figures))
    return figures


# --- finished runs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainedRun:
    """A run folder written by ``rnnkit train``: its recipe, its config and its files.

    :func:`load_run` opens one; :meth:`predict` answers a list of inputs in batches::

        run = rnnkit.recipes.load_run("runs/sentiment-20261202-101500")
        rows = run.predict(["A moving film.", "Dull."])  # [{"input": ..., "label": ..., ...}, ...]
    """

    run: RunFolder
    recipe: Recipe
    config: Any
    preset: str

    def load_model(self) -> tuple[nn.Module, dict[str, Any]]:
        """The trained model (eval mode) and the artifacts it needs, with errors that say what is wrong."""
        metadata = self.run.weights_metadata()
        owner = metadata.get("task")
        if owner is not None and owner != self.recipe.name:
            raise ValueError(
                f"{self.run.file(RunFolder.MODEL)} holds the weights of a {owner!r} run, but "
                f"{RunFolder.CONFIG} describes a {self.recipe.name!r} run; the files come from two runs. "
                "Copy a run folder whole, or retrain."
            )
        artifacts = self.recipe.load_artifacts(self.run)
        model = self.recipe.build_model(self.config, artifacts)
        weights = self.run.load_weights()
        try:
            model.load_state_dict(weights)
        except RuntimeError as error:
            first = str(error).strip().splitlines()[-1].strip()
            raise ValueError(
                f"{self.run.file(RunFolder.MODEL)} does not fit the {self.recipe.name!r} model that "
                f"{RunFolder.CONFIG} describes ({first}); the weights belong to another run. Copy the "
                "run folder whole, or retrain."
            ) from None
        self._warn_if_unfinished(metadata)
        return model.eval(), artifacts

    def _warn_if_unfinished(self, metadata: Mapping[str, str]) -> None:
        if self.run.is_finished():
            return
        epochs = self.config.train.epochs
        logger.warning(
            "warning: %s is unfinished: its weights are from epoch %s of %d (the run stopped before its "
            "end; `rnnkit train %s --out %s --resume` finishes it)",
            self.run.path,
            metadata.get("epoch", "?"),
            epochs,
            self.recipe.name,
            self.run.path,
        )

    @functools.cached_property
    def _loaded(self) -> tuple[nn.Module, dict[str, Any]]:
        return self.load_model()

    def predict(
        self, inputs: Sequence[Any], batch_size: int = 256, data_dir: str | None = None
    ) -> list[dict[str, Any]]:
        """One row per input (``{"input": its label, ...the recipe's answer}``), in batches of
        ``batch_size``. Inputs are what the task takes (``self.recipe.input_kind``): review texts, or
        ``test:N``, image paths and ``(28, 28)`` arrays; or :class:`~rnnkit.recipes.inputs.PredictInput`.
        """
        if isinstance(inputs, (str, bytes)):
            raise TypeError("predict takes a list of inputs; wrap a single one: run.predict([text]).")
        if batch_size < 1:
            raise ValueError(f"predict: batch_size must be >= 1, got {batch_size}.")
        items = [as_input(item) for item in inputs]
        model, artifacts = self._loaded
        rows: list[dict[str, Any]] = []
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            answers = self.recipe.predict(self.config, model, artifacts, [i.value for i in batch], data_dir)
            rows.extend({"input": item.label, **answer} for item, answer in zip(batch, answers, strict=True))
        return rows


def generate(path: str | Path, prime: str, length: int, **sampling: Any) -> Iterator[str]:
    """Text after ``prime`` from a finished run, streamed piece by piece (``rnnkit generate``)."""
    trained = open_run(path)
    model, artifacts = trained.load_model()
    return trained.recipe.generate(trained.config, model, artifacts, prime, length, **sampling)


def open_run(path: str | Path) -> TrainedRun:
    """Read the ``config.json`` of a run folder and rebuild its recipe and config."""
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"run folder {folder} does not exist; pass the folder `rnnkit train` printed."
        )
    record = RunFolder(folder).read_config()
    task = record.get("task")
    if not isinstance(task, str):
        raise ValueError(
            f"{folder / RunFolder.CONFIG} names no task: it was written by a Trainer, not `rnnkit train`."
        )
    recipe = get_recipe(task)
    config = from_dict(recipe.config_type(), record["config"])
    preset = str(record.get("preset") or "default")
    return TrainedRun(RunFolder(folder, task, preset), recipe, config, preset)


load_run = open_run  # the name the Python API documents: load_run(path).predict([...])


def evaluate(
    path: str | Path, data_dir: str | None = None, file: str | None = None, reference: str | None = None
) -> dict[str, Any]:
    """The test-split figures of a finished run, recomputed from its weights; with ``file``, the
    figures of that file instead (tasks that score files: ``textgen``; ``translate`` with its
    ``reference`` translations), named ``file_<metric>``."""
    trained = open_run(path)
    if reference is not None and file is None:
        raise ValueError("--reference goes with --source (the sentences it translates); pass both.")
    model, artifacts = trained.load_model()
    config, recipe = trained.config, trained.recipe
    if file is None:
        split, prefix = recipe.test_split(config, data_dir, artifacts), "test"
    elif reference is None:
        split, prefix = recipe.file_split(config, artifacts, file), "file"
    else:
        split, prefix = recipe.file_split(config, artifacts, file, reference), "file"
    eval_config = replace(config.train, progress=False)
    with Trainer(model, recipe.task(config, artifacts), eval_config) as trainer:
        figures = _evaluate_split(trainer, split, recipe, prefix)
    figures.update(recipe.split_figures(config, model, artifacts, split, prefix))
    where = {"file": file} if file is not None else {}
    if reference is not None:
        where["reference"] = reference
    return {"task": recipe.name, **where, **figures, f"{prefix}_examples": len(split)}


def predict(
    path: str | Path, inputs: Sequence[Any], data_dir: str | None = None, batch_size: int = 256
) -> list[dict[str, Any]]:
    """The model's answer for each input, in the recipe's terms (one dict per input)."""
    return open_run(path).predict(inputs, batch_size=batch_size, data_dir=data_dir)
