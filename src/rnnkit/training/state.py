"""Checkpointing and resuming the trainer: what is saved at each epoch boundary and how it comes back.

At the end of every epoch the trainer snapshots the weights, the best weights so far, the
optimiser, scheduler and grad-scaler states, its counters, the history and the state of every random
number generator of every rank (gathered to rank 0), and rank 0 writes them to ``trainer_state.pt``
in one atomic replace: that file is the commit point of the epoch. ``model.safetensors``,
``best.safetensors``, ``log.csv`` and ``metrics.json`` are exports derived from it, rewritten from it
on resume. Restoring all of it before the next epoch makes a resumed run draw the same shuffles and
dropout masks as an uninterrupted one, so on CPU it reaches bit-identical weights.

Used as a mixin of :class:`rnnkit.training.Trainer`; not a public class.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import torch.distributed as dist

from .checkpoint import CheckpointError, load_state, save_state, save_weights
from .coerce import to_dict
from .history import History
from .run_folder import RunFolder
from .seed import capture_rng_state, restore_rng_state, seed_everything

logger = logging.getLogger("rnnkit.training")

STATE_FORMAT = 1


class TrainerStateMixin:
    """The Trainer's run state: start fresh, track the best weights, checkpoint, restore, finish.

    The attributes used here (model, optimizer, monitor, run, ...) are the Trainer's.
    """

    def _start_fresh(self) -> None:
        if self.run is not None and self.run.has_state():
            raise ValueError(
                f"run_dir {str(self.run.path)!r} already holds a run ({RunFolder.STATE}). "
                "Pass resume=True to continue it, or choose a new run_dir to start a fresh run."
            )
        seed_everything(self.config.seed + self.context.rank, self.generator)
        self.history, self.epoch, self.global_step = History(), 0, 0
        self.monitor.load_state_dict({"best_value": None, "best_epoch": None, "bad_epochs": 0})
        self.best_state, self.should_stop = None, False
        if self.run is not None and self.is_main:
            self.run.write_config(self.config, self.run_config)

    def _update_best(self, epoch: int, value: float | None) -> bool:
        improved = self.monitor.update(epoch, value)
        self.history.best_epoch, self.history.best_value = self.monitor.best_epoch, self.monitor.best_value
        if improved and (self.config.restore_best or self.config.early_stopping_patience is not None):
            self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}
        return improved

    def _finish(self) -> None:
        """Restore the best weights if asked (and export them), then tell the callbacks."""
        history = self.history
        restore = self.config.restore_best and self.best_state is not None
        if restore and history.best_epoch != self.epoch:
            self.model.load_state_dict(self.best_state)
            if self.is_main:
                message = "restored the weights of epoch %d (%s %.6g)"
                logger.info(message, history.best_epoch, self.config.monitor, history.best_value)
        if restore and self.run is not None and self.is_main:
            save_weights(
                self.model.state_dict(),
                self.run.file(RunFolder.MODEL),
                {"epoch": str(history.best_epoch), "restored_best": "true"},
            )
        self._emit("on_fit_end", history)

    def _gather_rng(self) -> list[dict[str, Any]]:
        """Every rank's RNG snapshot, in rank order (a collective under DDP)."""
        mine = capture_rng_state(self.generator)
        if not self.context.enabled:
            return [mine]
        gathered: list[Any] = [None] * self.context.world_size
        dist.all_gather_object(gathered, mine)
        return gathered

    def _state_dict(self, rng: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "epoch": self.epoch,
            "global_step": self.global_step,
            "monitor": self.monitor.state_dict(),
            "world_size": self.context.world_size,
            "history": self.history.state_dict(),
            "model": self.model.state_dict(),
            "best_model": self.best_state,
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
            "rng": rng,
        }

    def _checkpoint(self, improved: bool) -> None:
        if self.run is None:
            return
        rng = self._gather_rng()
        if not self.is_main:
            return
        run = self.run
        save_state(self._state_dict(rng), run.file(RunFolder.STATE))  # the commit point
        meta = {"epoch": str(self.epoch)}
        save_weights(self.model.state_dict(), run.file(RunFolder.MODEL), meta)
        if improved and self.best_state is not None:
            save_weights(self.best_state, run.file(RunFolder.BEST), {"epoch": str(self.history.best_epoch)})
        run.write_log(self.history)
        run.write_metrics(self.history, self.config.monitor)

    def _restore(self) -> None:
        if self.run is None:
            raise ValueError("resume=True needs a run_dir: pass Trainer(..., run_dir=<the run's folder>).")
        path = self.run.file(RunFolder.STATE)
        state = load_state(path)
        if state.get("format") != STATE_FORMAT:
            raise CheckpointError(
                f"trainer state {str(path)!r} has format {state.get('format')!r}, expected {STATE_FORMAT}. "
                "It was written by another rnnkit version: resume with that version, or start a fresh run."
            )
        self._warn_config_changes()
        if (self.scheduler is None) != (state["scheduler"] is None):
            raise ValueError(
                f"scheduler={self.config.scheduler!r} differs from the resumed run's. "
                f"Use the run's scheduler (see {RunFolder.CONFIG}) or start a fresh run."
            )
        try:
            self.model.load_state_dict(state["model"])
            self.optimizer.load_state_dict(state["optimizer"])
            if self.scheduler is not None and state["scheduler"] is not None:
                self.scheduler.load_state_dict(state["scheduler"])
            if self.scaler is not None and state["scaler"] is not None:
                self.scaler.load_state_dict(state["scaler"])
        except (RuntimeError, ValueError, KeyError) as error:
            raise ValueError(
                f"the checkpoint in {str(self.run.path)!r} does not fit this trainer: {error}. "
                f"Build the model and TrainConfig as saved in {RunFolder.CONFIG}, "
                "or start a fresh run in a new run_dir."
            ) from None
        self.history = History()
        self.history.load_state_dict(state["history"])
        self.epoch, self.global_step = state["epoch"], state["global_step"]
        self.monitor.load_state_dict(state["monitor"])
        best = state["best_model"]
        self.best_state = {k: v.to("cpu") for k, v in best.items()} if best is not None else None
        self.should_stop = False
        rng = state["rng"]
        if len(rng) != self.context.world_size:
            logger.warning(
                "resuming a run saved with %d process(es) on %d: the random streams differ, so the run "
                "will not match an uninterrupted one exactly",
                len(rng),
                self.context.world_size,
            )
        restore_rng_state(rng[min(self.context.rank, len(rng) - 1)], self.generator)
        if self.is_main:  # rewrite the exports from the committed state (a crash may have left newer ones)
            self.run.write_log(self.history)
            self.run.write_metrics(self.history, self.config.monitor)
            if self.best_state is not None:
                best_meta = {"epoch": str(self.history.best_epoch)}
                save_weights(self.best_state, self.run.file(RunFolder.BEST), best_meta)
            logger.info("resumed %s after epoch %d", self.run.path, self.epoch)

    def _warn_config_changes(self) -> None:
        path = self.run.file(RunFolder.CONFIG)
        try:
            saved = json.loads(path.read_text())["train"]
        except (OSError, ValueError, KeyError):
            logger.warning("cannot read %s to compare configs; resuming anyway", path)
            return
        current = to_dict(self.config)
        changed = sorted(k for k in current if k in saved and saved[k] != current[k])
        if changed and self.is_main:
            logger.warning("resuming with changed settings: %s", {k: (saved[k], current[k]) for k in changed})
