"""The run folder: the one owner of a training run's files. It knows every file name and does every write.

======================  ===========================================================================
``config.json``         what ran, exactly: ``rnnkit_version``, ``task`` and ``preset`` (for a recipe
                        run), and ``config``, the whole config (its ``train`` section is the
                        TrainConfig); the only config file of a run
``vocab.json``          the vocabulary of a text task
``scaler.json``         a forecasting run's StandardScaler (fitted on the training rows only)
``series.json``         a forecasting run's columns, targets, time column and frequency, checked
                        against a new CSV before it is forecast
``intervals.json``      a forecasting run's prediction-interval half-widths per step ahead (split
                        conformal, from the validation windows' errors)
``trainer_state.pt``    everything a resume needs, written last each epoch (the commit point): the
                        weights after the epoch, the best weights so far, optimiser, scheduler and
                        grad-scaler states, epoch, step, best metric, patience counter, history and
                        every RNG state (per rank); loads with ``torch.load(weights_only=True)``
``model.safetensors``   the weights after the last epoch; at the end of a run with
                        ``restore_best``, the best epoch's weights
``best.safetensors``    the best weights by ``monitor`` (with early stopping or ``restore_best``)
``log.csv``             one row per completed epoch (the history)
``metrics.json``        a summary: epochs completed, best epoch and value, last and best rows
``test_metrics.json``   a recipe run's test-split figures, written once training has finished
``forecast.png``        a forecasting recipe's plot of held-out series and forecasts
``loss_curves.png``     the loss (and validation metric) per epoch, drawn from ``log.csv``
                        (:func:`rnnkit.plots.plot_run`)
``confusion_matrix.png`` a classifier's test-split confusion matrix (its counts are in
                        ``test_metrics.json``: ``test_confusion``, ``class_names``)
``.lock``               held (``flock``) by the process that is writing the run
======================  ===========================================================================

Lifecycle: nothing is written until every input has been checked; :meth:`create` makes the folder;
:meth:`lock` keeps a second process out; a folder "holds a run" once an epoch has been committed
(``trainer_state.pt``) or weights exist; a folder that holds only a config (a run killed before its
first checkpoint) can be started again. Every write is atomic (:mod:`rnnkit.atomic`) and made by rank 0.

Example:
    >>> import tempfile
    >>> run = RunFolder(tempfile.mkdtemp())
    >>> run.has_state(), run.file(RunFolder.MODEL).name, run.holds_run()
    (False, 'model.safetensors', [])
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import is_dataclass
from pathlib import Path
from typing import IO, Any

import torch

from .._version import __version__
from ..atomic import atomic_write_bytes, atomic_write_text, write_json
from ..config import to_dict
from ..data.vocab import Vocab
from .checkpoint import (
    CheckpointError,
    load_state,
    load_weights,
    read_weights_metadata,
    save_state,
    save_weights,
)
from .history import History

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, the run is not guarded
    fcntl = None  # type: ignore[assignment]


class RunFolderLockedError(ValueError):
    """Another process is writing this run folder."""


class RunFolder:
    """Paths, checks and writers of a run folder (see the module docstring for the layout)."""

    CONFIG = "config.json"
    VOCAB = "vocab.json"
    SCALER = "scaler.json"
    SERIES = "series.json"
    INTERVALS = "intervals.json"
    STATE = "trainer_state.pt"
    MODEL = "model.safetensors"
    BEST = "best.safetensors"
    LOG = "log.csv"
    METRICS = "metrics.json"
    TEST_METRICS = "test_metrics.json"
    FORECAST_PLOT = "forecast.png"
    LOSS_PLOT = "loss_curves.png"
    CONFUSION_PLOT = "confusion_matrix.png"
    ATTENTION_PLOT = "attention.png"
    SOURCE_SUBWORDS = "source_subwords.model"
    TARGET_SUBWORDS = "target_subwords.model"
    TRANSLATIONS = "test_translations.txt"
    CHAR_VOCAB = "char_vocab.json"
    TAGS = "tags.json"
    LOCK = ".lock"

    def __init__(self, path: str | Path, task: str | None = None, preset: str | None = None) -> None:
        self.path = Path(path)
        self.task, self.preset = task, preset  # recorded in config.json by recipe runs
        self._lock_file: IO[str] | None = None
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(
                f"run folder {str(self.path)!r} exists and is not a folder; pass a folder path (--out)."
            )

    def file(self, name: str) -> Path:
        return self.path / name

    # --- the lifecycle ----------------------------------------------------------------------------

    def has_state(self) -> bool:
        """Whether an epoch has been committed here (``trainer_state.pt`` exists)."""
        return self.file(self.STATE).exists()

    def holds_run(self) -> list[str]:
        """The files that make this folder a run that a fresh start would destroy (empty if none)."""
        return [name for name in (self.STATE, self.MODEL) if self.file(name).exists()]

    def check_fresh(self) -> None:
        """Refuse a folder that holds a run, before anything is written (see :meth:`holds_run`)."""
        held = self.holds_run()
        if held:
            raise ValueError(
                f"{self.path} already holds a run ({', '.join(held)}). Add --resume to continue it, or pass "
                "a new --out folder to start a fresh run."
            )

    def create(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's lock for the block; a second holder gets RunFolderLockedError.

        The lock is an ``flock`` on ``.lock``, so the kernel releases it when the process dies (even by
        ``kill -9``) and a stale lock never blocks a resume.
        """
        self.create()
        handle = open(self.file(self.LOCK), "a+", encoding="utf-8")  # noqa: SIM115 - held across the block
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise RunFolderLockedError(
                        f"{self.path} is in use by another rnnkit process (pid {holder}); wait for it to "
                        "finish or stop it, then try again."
                    ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            self._lock_file = handle
            yield
        finally:
            self._lock_file = None
            handle.close()  # releases the flock

    # --- config -----------------------------------------------------------------------------------

    def write_config(self, config: Any) -> None:
        """``config.json``: the rnnkit version, the task and preset (recipe runs) and the whole config.

        ``config`` is a config dataclass (a recipe's, with a ``train`` section) or a mapping of them.
        """
        data: dict[str, Any] = {"rnnkit_version": __version__}
        if self.task is not None:
            data["task"], data["preset"] = self.task, self.preset
        if isinstance(config, Mapping):
            data["config"] = {k: to_dict(v) if is_dataclass(v) else v for k, v in config.items()}
        else:
            data["config"] = to_dict(config)
        write_json(self.file(self.CONFIG), data)

    def read_config(self) -> dict[str, Any]:
        """``config.json`` as written by :meth:`write_config`, with an error that names the file."""
        data = self.read_json(self.CONFIG, "run folder")
        if not isinstance(data, dict) or not isinstance(data.get("config"), dict):
            raise ValueError(
                f"{self.file(self.CONFIG)} is not an rnnkit run config (no 'config' table); "
                "was it written by `rnnkit train`?"
            )
        return data

    def saved_train_config(self) -> dict[str, Any] | None:
        """The ``train`` section of ``config.json``, or None if there is none to read."""
        try:
            data = json.loads(self.file(self.CONFIG).read_text(encoding="utf-8"))
            train = data["config"]["train"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return train if isinstance(train, dict) else None

    # --- JSON and text files ----------------------------------------------------------------------

    def read_json(self, name: str, what: str) -> Any:
        path = self.file(name)
        if not path.is_file():
            raise FileNotFoundError(
                f"{what}: {path} does not exist. Is {self.path} a run folder written by `rnnkit train`?"
            )
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(
                f"{what}: {path} is not valid JSON ({error}); re-run training to rewrite it."
            ) from None

    def write_json(self, name: str, data: Any) -> Path:
        """A JSON file (strict, indented, atomic); returns its path."""
        path = self.file(name)
        write_json(path, data)
        return path

    def write_vocab(self, vocab: Vocab) -> None:
        vocab.to_json(self.file(self.VOCAB))

    def read_vocab(self) -> Vocab:
        path = self.file(self.VOCAB)
        if not path.is_file():
            raise FileNotFoundError(f"{path} does not exist; the run folder {self.path} is incomplete.")
        return Vocab.from_json(path)

    def write_test_metrics(self, summary: Mapping[str, Any]) -> None:
        write_json(self.file(self.TEST_METRICS), dict(summary))

    def write_text(self, name: str, text: str) -> Path:
        """A text file; returns its path."""
        path = self.file(name)
        atomic_write_text(path, text)
        return path

    def write_bytes(self, name: str, data: bytes) -> Path:
        """A binary file (a tokenizer's model), written atomically; returns its path."""
        path = self.file(name)
        atomic_write_bytes(path, data)
        return path

    def read_bytes(self, name: str, what: str) -> bytes:
        path = self.file(name)
        if not path.is_file():
            raise FileNotFoundError(
                f"{what}: {path} does not exist; the run folder {self.path} is incomplete."
            )
        return path.read_bytes()

    def write_png(self, name: str, png: bytes) -> Path:
        """A plot: PNG bytes (:func:`rnnkit.plots.to_png`) under a ``*_PLOT`` name; returns its path."""
        path = self.file(name)
        atomic_write_bytes(path, png)
        return path

    def write_log(self, history: History) -> None:
        atomic_write_text(self.file(self.LOG), history.to_csv())

    def write_metrics(self, history: History, monitor: str) -> None:
        best_row = next((r for r in history.rows if r["epoch"] == history.best_epoch), None)
        summary = {
            "epochs_completed": len(history),
            "monitor": monitor,
            "best_epoch": history.best_epoch,
            "best_value": history.best_value,
            "stopped_early": history.stopped_early,
            "last": history.rows[-1] if history.rows else None,
            "best": best_row,
        }
        write_json(self.file(self.METRICS), summary)

    # --- weights and state ------------------------------------------------------------------------

    def save_weights(self, state: Mapping[str, torch.Tensor], best: bool = False, **metadata: str) -> None:
        """Weights, with the epoch they are from and (for a recipe run) the task they belong to."""
        if self.task is not None:
            metadata.setdefault("task", self.task)
        save_weights(state, self.file(self.BEST if best else self.MODEL), metadata)

    def weights_metadata(self) -> dict[str, str]:
        """What ``model.safetensors`` says of itself: ``epoch``, ``task`` (recipe runs), ``restored_best``."""
        return read_weights_metadata(self.file(self.MODEL)) if self.file(self.MODEL).is_file() else {}

    def is_finished(self) -> bool:
        """Whether training ran to its end (``test_metrics.json`` is written last)."""
        return self.file(self.TEST_METRICS).is_file()

    def load_weights(self) -> dict[str, torch.Tensor]:
        if not self.file(self.MODEL).is_file():
            raise CheckpointError(
                f"{self.path} has no {self.MODEL}: the run has not completed an epoch yet. "
                f"Resume it with `rnnkit train {self.task or '<task>'} --out {self.path} --resume`."
            )
        return load_weights(self.file(self.MODEL))

    def save_state(self, state: Mapping[str, Any]) -> None:
        save_state(state, self.file(self.STATE))

    def load_state(self) -> dict[str, Any]:
        return load_state(self.file(self.STATE))
