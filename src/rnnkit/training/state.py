"""The trainer's run state, and its checkpoints: what is saved at each epoch boundary and how it comes back.

:class:`RunState` is what the loop has done so far (epoch, step, history, the monitor's best and
patience, the best weights); the Trainer holds one. :class:`Checkpointer` writes it, with the
weights, the optimiser, scheduler and grad-scaler states and the state of every random number
generator of every rank (gathered to rank 0), to ``trainer_state.pt`` in one atomic replace: that file
is the commit point of the epoch. ``model.safetensors``, ``best.safetensors``, ``log.csv`` and
``metrics.json`` are exports derived from it, rewritten from it on resume. Restoring all of it before
the next epoch makes a resumed run draw the same shuffles and dropout masks as an uninterrupted one,
so on CPU it reaches bit-identical weights.

Seeding and snapshots of every random number generator a training run touches.

A run is reproducible epoch by epoch when, at each epoch boundary, the states of torch's CPU and
CUDA generators (dropout, initialisation), Python's ``random``, NumPy's global generator and the
DataLoader's shuffling generator are saved with the weights and restored on resume. The snapshot is
made of tensors, ints, floats and lists only, so it loads with ``torch.load(weights_only=True)``.

Example:
    >>> g = torch.Generator()
    >>> seed_everything(7, g)
    >>> snapshot = capture_rng_state(g)
    >>> a = torch.rand(2), torch.rand(2, generator=g)
    >>> restore_rng_state(snapshot, g)
    >>> b = torch.rand(2), torch.rand(2, generator=g)
    >>> all(torch.equal(x, y) for x, y in zip(a, b))
    True
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from ..config import to_dict
from .checkpoint import CheckpointError
from .config import TrainConfig
from .distributed import DistributedContext
from .history import History, Monitor
from .run_folder import RunFolder

logger = logging.getLogger("rnnkit.training")

STATE_FORMAT = 1


@dataclass
class RunState:
    """Where a run stands: completed epochs and steps, the history, the monitor and the best weights."""

    monitor: Monitor
    history: History = field(default_factory=History)
    epoch: int = 0
    global_step: int = 0
    best_weights: dict[str, torch.Tensor] | None = None

    def reset(self) -> None:
        self.history, self.epoch, self.global_step, self.best_weights = History(), 0, 0, None
        self.monitor.load_state_dict({"best_value": None, "best_epoch": None, "bad_epochs": 0})

    def update_best(self, epoch: int, value: float | None, model: nn.Module, keep_weights: bool) -> bool:
        """Record the epoch's monitored value; on a new best, copy the weights if ``keep_weights``."""
        improved = self.monitor.update(epoch, value)
        self.history.best_epoch, self.history.best_value = self.monitor.best_epoch, self.monitor.best_value
        if improved and keep_weights:
            self.best_weights = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        return improved

    def state_dict(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "global_step": self.global_step,
            "monitor": self.monitor.state_dict(),
            "history": self.history.state_dict(),
            "best_model": self.best_weights,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.history = History()
        self.history.load_state_dict(state["history"])
        self.epoch, self.global_step = state["epoch"], state["global_step"]
        self.monitor.load_state_dict(state["monitor"])
        best = state["best_model"]
        self.best_weights = {k: v.to("cpu") for k, v in best.items()} if best is not None else None


@dataclass
class TrainingParts:
    """The objects whose state a checkpoint holds besides :class:`RunState`."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: Any
    scaler: torch.amp.GradScaler | None
    generator: torch.Generator  # the training data's shuffles


class Checkpointer:
    """Writes and restores checkpoints of one run folder; rank 0 writes, every rank restores."""

    def __init__(self, run: RunFolder, context: DistributedContext, config: TrainConfig) -> None:
        self.run, self.context, self.config = run, context, config

    def _gather_rng(self, generator: torch.Generator) -> list[dict[str, Any]]:
        """Every rank's RNG snapshot, in rank order (a collective under DDP)."""
        mine = capture_rng_state(generator)
        if not self.context.enabled:
            return [mine]
        gathered: list[Any] = [None] * self.context.world_size
        dist.all_gather_object(gathered, mine)
        return gathered

    def save(self, state: RunState, parts: TrainingParts, improved: bool) -> None:
        """Commit the epoch (``trainer_state.pt``), then export weights, log and metrics."""
        rng = self._gather_rng(parts.generator)  # every rank takes part in the collective
        if not self.context.is_main:
            return
        run = self.run
        payload = {
            "format": STATE_FORMAT,
            **state.state_dict(),
            "world_size": self.context.world_size,
            "model": parts.model.state_dict(),
            "optimizer": parts.optimizer.state_dict(),
            "scheduler": parts.scheduler.state_dict() if parts.scheduler is not None else None,
            "scaler": parts.scaler.state_dict() if parts.scaler is not None else None,
            "rng": rng,
        }
        run.save_state(payload)  # the commit point
        run.save_weights(parts.model.state_dict(), epoch=str(state.epoch))
        if improved and state.best_weights is not None:
            run.save_weights(state.best_weights, best=True, epoch=str(state.history.best_epoch))
        run.write_log(state.history)
        run.write_metrics(state.history, self.config.monitor)

    def export_final(self, model: nn.Module, best_epoch: int | None) -> None:
        """``model.safetensors`` := the restored best weights, at the end of a ``restore_best`` run."""
        if self.context.is_main:
            self.run.save_weights(model.state_dict(), epoch=str(best_epoch), restored_best="true")

    def restore(self, state: RunState, parts: TrainingParts) -> None:
        """Load the committed checkpoint into ``state`` and ``parts``; rewrite the exports from it."""
        run = self.run
        saved = run.load_state()
        if saved.get("format") != STATE_FORMAT:
            raise CheckpointError(
                f"trainer state {str(run.file(RunFolder.STATE))!r} has format {saved.get('format')!r}, "
                f"expected {STATE_FORMAT}. It was written by another rnnkit version: resume with that "
                "version, or start a fresh run."
            )
        self._warn_config_changes()
        if (parts.scheduler is None) != (saved["scheduler"] is None):
            raise ValueError(
                f"scheduler={self.config.scheduler!r} differs from the resumed run's. "
                f"Use the run's scheduler (see {RunFolder.CONFIG}) or start a fresh run."
            )
        try:
            parts.model.load_state_dict(saved["model"])
            parts.optimizer.load_state_dict(saved["optimizer"])
            if parts.scheduler is not None and saved["scheduler"] is not None:
                parts.scheduler.load_state_dict(saved["scheduler"])
            if parts.scaler is not None and saved["scaler"] is not None:
                parts.scaler.load_state_dict(saved["scaler"])
        except (RuntimeError, ValueError, KeyError) as error:
            raise ValueError(
                f"the checkpoint in {str(run.path)!r} does not fit this trainer: {error}. "
                f"Build the model and TrainConfig as saved in {RunFolder.CONFIG}, "
                "or start a fresh run in a new run_dir."
            ) from None
        state.load_state_dict(saved)
        rng = saved["rng"]
        if len(rng) != self.context.world_size:
            logger.warning(
                "resuming a run saved with %d process(es) on %d: the random streams differ, so the run "
                "will not match an uninterrupted one exactly",
                len(rng),
                self.context.world_size,
            )
        restore_rng_state(rng[min(self.context.rank, len(rng) - 1)], parts.generator)
        if self.context.is_main:  # rewrite the exports from the commit (a crash may have left newer ones)
            run.write_log(state.history)
            run.write_metrics(state.history, self.config.monitor)
            if state.best_weights is not None:
                run.save_weights(state.best_weights, best=True, epoch=str(state.history.best_epoch))
            logger.info("resumed %s after epoch %d", run.path, state.epoch)

    def _warn_config_changes(self) -> None:
        saved = self.run.saved_train_config()
        if saved is None:
            logger.warning(
                "cannot read %s to compare configs; resuming anyway", self.run.file(RunFolder.CONFIG)
            )
            return
        current = to_dict(self.config)
        changed = sorted(k for k in current if k in saved and saved[k] != current[k])
        if changed and self.context.is_main:
            logger.warning("resuming with changed settings: %s", {k: (saved[k], current[k]) for k in changed})


def seed_everything(seed: int, generator: torch.Generator | None = None) -> None:
    """Seed torch (CPU and every CUDA device), ``random``, NumPy and optionally ``generator``."""
    random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if np is not None:
        np.random.seed(seed % 2**32)
    if generator is not None:
        generator.manual_seed(seed)


def capture_rng_state(generator: torch.Generator | None = None) -> dict[str, Any]:
    """The state of every generator, as tensors and primitives (safe for ``weights_only`` loads)."""
    version, internal, gauss_next = random.getstate()
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "python": {
            "version": version,
            "internal": torch.tensor(internal, dtype=torch.int64),
            "gauss_next": gauss_next,
        },
    }
    kind, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    state["numpy"] = {
        "kind": kind,
        "keys": torch.from_numpy(np.asarray(keys).astype(np.int64)),
        "pos": int(pos),
        "has_gauss": int(has_gauss),
        "cached_gaussian": float(cached),
    }
    if generator is not None:
        state["sampler"] = generator.get_state()
    return state


def restore_rng_state(state: dict[str, Any], generator: torch.Generator | None = None) -> None:
    """Put every generator back into the state :func:`capture_rng_state` returned.

    CUDA states are restored only when the number of visible devices matches the snapshot's.
    """
    torch.set_rng_state(state["torch"])
    cuda_states = state.get("cuda") or []
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda_states)
    python = state["python"]
    random.setstate((python["version"], tuple(python["internal"].tolist()), python["gauss_next"]))
    if "numpy" in state:
        numpy_state = state["numpy"]
        np.random.set_state(
            (
                numpy_state["kind"],
                numpy_state["keys"].numpy().astype(np.uint32),
                numpy_state["pos"],
                numpy_state["has_gauss"],
                numpy_state["cached_gaussian"],
            )
        )
    if generator is not None and "sampler" in state:
        generator.set_state(state["sampler"])
