"""The run folder: one training run's files, written by rank 0, every write atomic.

======================  ===========================================================================
``config.json``         the TrainConfig (``train``), the caller's whole config if given (``run``)
                        and ``rnnkit_version``
``trainer_state.pt``    everything a resume needs, written last each epoch (the commit point): the
                        weights after the epoch, the best weights so far, optimiser, scheduler and
                        grad-scaler states, epoch, step, best metric, patience counter, history and
                        every RNG state (per rank); loads with ``torch.load(weights_only=True)``
``model.safetensors``   the weights after the last epoch; at the end of a run with
                        ``restore_best``, the best epoch's weights
``best.safetensors``    the best weights by ``monitor`` (with early stopping or ``restore_best``)
``log.csv``             one row per completed epoch (the history)
``metrics.json``        a summary: epochs completed, best epoch and value, last and best rows
======================  ===========================================================================

Example:
    >>> import tempfile
    >>> run = RunFolder(tempfile.mkdtemp())
    >>> run.has_state(), run.file(RunFolder.MODEL).name
    (False, 'model.safetensors')
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from .checkpoint import atomic_write_text, write_json
from .coerce import to_dict
from .history import History


def rnnkit_version() -> str:
    """``rnnkit.__version__``, imported when needed (rnnkit's ``__init__`` may import this package)."""
    return str(getattr(importlib.import_module("rnnkit"), "__version__", "unknown"))


class RunFolder:
    """Paths and writers of a run folder (see the module docstring for the layout)."""

    MODEL = "model.safetensors"
    BEST = "best.safetensors"
    CONFIG = "config.json"
    STATE = "trainer_state.pt"
    LOG = "log.csv"
    METRICS = "metrics.json"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"run_dir {str(self.path)!r} exists and is not a folder. Choose another path.")

    def file(self, name: str) -> Path:
        return self.path / name

    def has_state(self) -> bool:
        return self.file(self.STATE).exists()

    def write_config(self, train_config: Any, run_config: Any = None) -> None:
        data: dict[str, Any] = {"rnnkit_version": rnnkit_version(), "train": to_dict(train_config)}
        if run_config is not None:
            data["run"] = to_dict(run_config)
        write_json(self.file(self.CONFIG), data)

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
