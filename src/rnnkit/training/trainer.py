"""Trainer: one training loop for every task (classification, tagging, language models, seq2seq, ...).

Each epoch: train (autocast, backward, clipping with the pre-clip norm recorded, optimiser step,
NaN/inf check on every step) -> validate -> schedule -> early stopping on ``monitor`` -> checkpoint.
At the end, optionally restore the best epoch's weights. A killed run continues with
``fit(..., resume=True)`` from its last completed epoch, bit-identically on CPU (see
:mod:`rnnkit.training.run_folder` for what is saved). Under torchrun the same code trains with DDP
(see :mod:`rnnkit.training.distributed`).

The trainer never prints: it returns a :class:`History`, logs to the ``rnnkit.training`` logger,
calls :class:`Callback` hooks, and draws a progress bar on stderr only when asked or on a terminal
(:class:`rnnkit.progress.ProgressBar`: one line per epoch with rate, ETA and the running loss, ending
with the epoch's validation metrics).

Example:
    >>> import torch
    >>> from torch import nn
    >>> from torch.utils.data import TensorDataset
    >>> x = torch.randn(32, 3)
    >>> data = TensorDataset(x, x.sum(1, keepdim=True))
    >>> loss_fn = lambda model, batch: nn.functional.mse_loss(model(batch[0]), batch[1])
    >>> config = TrainConfig(epochs=30, lr=0.05, batch_size=8, progress=False)
    >>> trainer = Trainer(nn.Linear(3, 1), loss_fn, config)
    >>> history = trainer.fit(data)
    >>> history["train_loss"][-1] < 0.01 * history["train_loss"][0]
    True
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, Sampler

from ..progress import ProgressBar
from .callbacks import Callback, StepInfo
from .config import TrainConfig
from .distributed import DistributedContext
from .history import History, Monitor
from .loaders import check_batch_sampler, make_eval_loader, make_train_loader, split_dataset
from .optim import build_optimizer, build_scheduler, current_lr, step_scheduler
from .run_folder import RunFolder
from .state import Checkpointer, RunState, TrainingParts, seed_everything
from .step import (
    NonFiniteLossError,
    autocast,
    check_precision,
    clip_gradients,
    divergence_error,
    make_grad_scaler,
    move_to_device,
)
from .task import MetricSums, as_task, check_loss_output

logger = logging.getLogger("rnnkit.training")


class Trainer:
    """Trains ``model`` on a task with the settings of a :class:`TrainConfig`.

    Args:
        model: any ``nn.Module``; moved to the configured device (and wrapped in DDP under torchrun).
        task: an object with ``compute_loss(model, batch) -> (mean loss, count)`` and optionally
            ``metrics(model, batch) -> {name: (sum, count)}`` (see :mod:`rnnkit.training.task`), or a
            plain ``loss_fn(model, batch) -> loss``.
        config: the settings (default ``TrainConfig()``).
        run_dir: folder (or :class:`RunFolder`) for checkpoints and logs (see
            :mod:`rnnkit.training.run_folder`); None = keep nothing on disk.
        callbacks: :class:`Callback` objects called during ``fit``.
        run_config: the caller's whole config (a dataclass, e.g. a recipe's), saved in ``config.json``.

    Attributes:
        model: the bare model (use it for inference; ``train_model`` is the DDP wrapper, if any).
        state: where the run stands (:class:`~rnnkit.training.state.RunState`: epoch, step, history,
            monitor, best weights); ``history`` and ``epoch`` are shortcuts to it.
        should_stop: set it (e.g. from a callback) to end the run after the current epoch.
    """

    def __init__(
        self,
        model: nn.Module,
        task: Any,
        config: TrainConfig | None = None,
        run_dir: str | Path | RunFolder | None = None,
        callbacks: Iterable[Callback] = (),
        run_config: Any = None,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model: expected a torch.nn.Module, got {type(model).__name__}.")
        config = TrainConfig() if config is None else config
        if not isinstance(config, TrainConfig):
            raise TypeError(f"config: expected a TrainConfig, got {type(config).__name__}.")
        self.config = config
        self.task = as_task(task)
        self.callbacks = list(callbacks)
        self.context = DistributedContext.from_env(config.device)
        self.device = self.context.device
        check_precision(config.precision, self.device)
        self.model = model.to(self.device)
        self.train_model = self.context.wrap(self.model)
        self.optimizer = build_optimizer(self.model.parameters(), config)
        self.scheduler = build_scheduler(self.optimizer, config)
        self.scaler = make_grad_scaler(config.precision, self.device)
        self.run = run_dir if isinstance(run_dir, RunFolder) or run_dir is None else RunFolder(run_dir)
        self.run_config = run_config
        self.generator = torch.Generator()  # shuffles the training data; saved with every checkpoint
        monitor = Monitor(
            config.monitor, config.monitor_mode, config.min_delta, config.early_stopping_patience
        )
        self.state = RunState(monitor)
        self.checkpointer = Checkpointer(self.run, self.context, config) if self.run is not None else None
        self.should_stop = False

    @property
    def history(self) -> History:
        """The rows of the epochs completed so far."""
        return self.state.history

    @property
    def epoch(self) -> int:
        """The number of completed epochs."""
        return self.state.epoch

    @property
    def parts(self) -> TrainingParts:
        return TrainingParts(self.model, self.optimizer, self.scheduler, self.scaler, self.generator)

    @property
    def is_main(self) -> bool:
        """Whether this process is rank 0 (the one that writes files)."""
        return self.context.is_main

    # --- the run ----------------------------------------------------------------------------------

    def fit(
        self,
        train_dataset: Dataset,
        val_dataset: Dataset | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        resume: bool = False,
        *,
        batch_sampler: Sampler[list[int]] | None = None,
        val_batch_sampler: Sampler[list[int]] | None = None,
    ) -> History:
        """Train for ``config.epochs`` epochs (in total, counting the epochs of a resumed run).

        Args:
            train_dataset: a map-style dataset; batches are ``collate_fn([dataset[i], ...])``.
            val_dataset: validation data; if None and ``config.validation_split > 0``, a seeded split
                of ``train_dataset`` is held out instead.
            collate_fn: merges examples into a batch (default: torch's ``default_collate``).
            resume: continue the run saved in ``run_dir`` from its last completed epoch.
            batch_sampler: yields the index lists of the training batches (e.g. length buckets,
                :class:`~rnnkit.data.BucketBatchSampler`) instead of shuffled ``batch_size`` slices. Its
                ``batch_size`` must equal ``config.batch_size`` (so the saved config is the one that
                ran); its ``set_epoch(epoch)``, if it has one, is called before each epoch, so a sampler
                seeded per epoch reshuffles every epoch and resumes exactly. Under DDP each rank takes
                every ``world_size``-th batch.
            val_batch_sampler: the same for the validation data (e.g. unshuffled buckets).

        Returns:
            The history: one row per epoch (see :mod:`rnnkit.training.history`).

        Raises:
            NonFiniteLossError: the loss or gradient norm became NaN/inf (names epoch, step, value).
            CheckpointError: ``resume=True`` but the saved state is missing or corrupt.
            ValueError: ``monitor`` cannot be computed, or ``run_dir`` already holds a run and
                ``resume`` is False.
        """
        config = self.config
        check_batch_sampler(batch_sampler, config, "batch_sampler")
        check_batch_sampler(val_batch_sampler, config, "val_batch_sampler")
        if val_dataset is None and config.validation_split > 0:
            if batch_sampler is not None:
                raise ValueError(
                    "validation_split cannot be drawn from a dataset that a batch_sampler indexes; "
                    "split the data yourself and pass val_dataset, or set validation_split=0."
                )
            train_dataset, val_dataset = split_dataset(train_dataset, config.validation_split, config.seed)
        self.state.monitor.check_available(val_dataset is not None, config.uses_monitor)
        train_loader = make_train_loader(
            train_dataset, config, collate_fn, self.context, self.generator, batch_sampler
        )
        val_loader = None
        if val_dataset is not None:
            val_loader = make_eval_loader(
                val_dataset, config, collate_fn, self.context, batch_sampler=val_batch_sampler
            )
        if resume:
            if self.checkpointer is None:
                raise ValueError(
                    "resume=True needs a run_dir: pass Trainer(..., run_dir=<the run's folder>)."
                )
            self.checkpointer.restore(self.state, self.parts)
        else:
            self._start_fresh()
        self.should_stop = False
        self._emit("on_fit_start")
        while self.epoch < config.epochs and not self.should_stop and not self.history.stopped_early:
            self._run_epoch(self.epoch + 1, train_loader, val_loader)
        self._finish()
        return self.history

    def _start_fresh(self) -> None:
        """Seed the training stream (torch, NumPy, ``random``, the shuffles) and write ``config.json``.

        Seeding here, as well as before the model was built (the recipes do that), makes the training
        stream the same whatever building the model drew from the generators.
        """
        if self.run is not None and self.run.has_state():
            raise ValueError(
                f"run_dir {str(self.run.path)!r} already holds a run ({RunFolder.STATE}). "
                "Pass resume=True to continue it, or choose a new run_dir to start a fresh run."
            )
        seed_everything(self.config.seed + self.context.rank, self.generator)
        self.state.reset()
        if self.run is not None and self.is_main:
            record = self.run_config if self.run_config is not None else {"train": self.config}
            self.run.write_config(record)

    def _finish(self) -> None:
        """Restore the best weights if asked (and export them), then tell the callbacks."""
        history, best = self.history, self.state.best_weights
        if self.config.restore_best and best is not None:
            if history.best_epoch != self.epoch:
                self.model.load_state_dict(best)
                if self.is_main:
                    message = "restored the weights of epoch %d (%s %.6g)"
                    logger.info(message, history.best_epoch, self.config.monitor, history.best_value)
            if self.checkpointer is not None:
                self.checkpointer.export_final(self.model, history.best_epoch)
        self._emit("on_fit_end", history)

    def evaluate(
        self,
        dataset: Dataset,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        *,
        batch_sampler: Sampler[list[int]] | None = None,
    ) -> dict[str, float]:
        """``{"loss": ..., <metric>: ...}`` over ``dataset`` (eval mode, no gradients, all ranks)."""
        check_batch_sampler(batch_sampler, self.config, "batch_sampler")
        loader = make_eval_loader(
            dataset, self.config, collate_fn, self.context, name="dataset", batch_sampler=batch_sampler
        )
        return self._evaluate_loader(loader)

    def close(self, synchronize: bool = True) -> None:
        """Leave the process group if this trainer joined it (call after the last fit/evaluate)."""
        self.context.close(synchronize)

    def __enter__(self) -> Trainer:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(synchronize=exc_type is None)  # after an error, leave without waiting for the others

    # --- one epoch --------------------------------------------------------------------------------

    def _run_epoch(self, epoch: int, train_loader: DataLoader, val_loader: DataLoader | None) -> None:
        config = self.config
        started = time.perf_counter()
        lr = current_lr(self.optimizer)
        for sampler in (train_loader.sampler, train_loader.batch_sampler):
            set_epoch = getattr(sampler, "set_epoch", None)  # DistributedSampler, per-epoch seeded batches
            if set_epoch is not None:
                set_epoch(epoch)
        show = config.progress if self.is_main else False
        with ProgressBar(len(train_loader), f"epoch {epoch}/{config.epochs}", enabled=show) as bar:
            row: dict[str, Any] = {"epoch": epoch, **self._train_epoch(epoch, train_loader, bar)}
            if val_loader is not None:
                validation = self._evaluate_loader(val_loader)
                row.update({f"val_{name}": value for name, value in validation.items()})
            bar.close(**{name: value for name, value in row.items() if name.startswith("val_")})
        row["lr"] = lr
        row["seconds"] = time.perf_counter() - started
        state = self.state
        value = state.monitor.value(row, needed=config.uses_monitor)
        step_scheduler(self.scheduler, value if config.scheduler == "plateau" else None)
        keep = config.restore_best or config.early_stopping_patience is not None
        improved = state.update_best(epoch, value, self.model, keep_weights=keep)
        state.history.append(row)
        state.epoch = epoch
        if state.monitor.should_stop and epoch < config.epochs:
            state.history.stopped_early = True
        if self.checkpointer is not None:
            self.checkpointer.save(state, self.parts, improved)
        self._emit("on_epoch_end", row)
        if self.is_main:
            logger.info("epoch %d/%d: %s", epoch, config.epochs, _format_row(row))
            if self.history.stopped_early:
                message = "early stopping: %s has not improved for %d epochs (best %.6g at epoch %d)"
                best = state.monitor
                logger.info(message, config.monitor, best.bad_epochs, best.best_value, best.best_epoch)

    def _train_epoch(self, epoch: int, loader: DataLoader, bar: ProgressBar) -> dict[str, float]:
        """One pass over ``loader``; ``bar`` advances per step and shows the epoch's running mean loss."""
        config = self.config
        self.train_model.train()
        sums = MetricSums()
        norms: list[float] = []
        seen_loss, seen = 0.0, 0.0  # this rank's running sum of loss * count, and of count
        for step, batch in enumerate(loader, start=1):
            batch = move_to_device(batch, self.device, non_blocking=True)
            self.optimizer.zero_grad(set_to_none=True)
            with autocast(config.precision, self.device):
                output = self.task.compute_loss(self.train_model, batch)
            loss, count = check_loss_output(output, training=True)
            loss_value = loss.item()
            if self.context.any(not math.isfinite(loss_value)):
                raise self._diverged("loss", loss_value, epoch, step, len(loader))
            if self.scaler is not None:
                self.scaler.scale(loss).backward()
                self.scaler.unscale_(self.optimizer)  # clip the true gradients, not the scaled ones
            else:
                loss.backward()
            norm = clip_gradients(self.model.parameters(), config.clip_norm, config.clip_value)
            if self.scaler is not None:  # skips the step (and lowers the scale) on overflow
                self.scaler.step(self.optimizer)
                self.scaler.update()
            elif not math.isfinite(norm):
                raise self._diverged("gradient norm", norm, epoch, step, len(loader))
            else:
                self.optimizer.step()
            self.state.global_step += 1
            sums.update({"loss": (loss_value * float(count), float(count))})
            if math.isfinite(norm):
                norms.append(norm)
            seen_loss, seen = seen_loss + loss_value * float(count), seen + float(count)
            bar.update(1, loss=seen_loss / seen if seen else loss_value)
            lr = current_lr(self.optimizer)
            self._after_step(StepInfo(epoch, step, self.state.global_step, loss_value, norm, lr))
        sums.all_reduce(self.context.reduce_sum, ["loss"])
        return {
            "train_loss": sums.compute()["loss"],
            "grad_norm": sum(norms) / len(norms) if norms else float("nan"),
            "grad_norm_max": max(norms) if norms else float("nan"),
        }

    def _diverged(self, what: str, value: float, epoch: int, step: int, steps: int) -> NonFiniteLossError:
        lr, clip = current_lr(self.optimizer), self.config.clip_norm
        return divergence_error(what, value, epoch, step, steps, self.state.global_step + 1, lr, clip)

    def _after_step(self, info: StepInfo) -> None:
        every = self.config.log_every
        if self.is_main and every and info.global_step % every == 0:
            message = "epoch %d step %d: loss %.6g, grad_norm %.4g, lr %.4g"
            logger.info(message, info.epoch, info.step, info.loss, info.grad_norm, info.lr)
        self._emit("on_step_end", info)

    @torch.no_grad()
    def _evaluate_loader(self, loader: DataLoader) -> dict[str, float]:
        model = self.model
        was_training = model.training
        model.eval()
        metrics_fn = getattr(self.task, "metrics", None)
        evaluate_fn = getattr(self.task, "evaluate_batch", None)  # loss and metrics from one forward
        sums = MetricSums()
        try:
            for batch in loader:
                batch = move_to_device(batch, self.device, non_blocking=True)
                with autocast(self.config.precision, self.device):
                    if evaluate_fn is not None:
                        loss, count, pairs = evaluate_fn(model, batch)
                        loss, count = check_loss_output((loss, count), training=False)
                        pairs = dict(pairs)
                    else:
                        loss, count = check_loss_output(self.task.compute_loss(model, batch), training=False)
                        pairs = dict(metrics_fn(model, batch)) if metrics_fn is not None else {}
                if "loss" in pairs:
                    raise ValueError(
                        "task.metrics returned a metric named 'loss'; the trainer reports the loss itself."
                    )
                pairs["loss"] = (loss.detach().double() * float(count), float(count))
                sums.update(pairs)
        finally:
            model.train(was_training)
        sums.all_reduce(self.context.reduce_sum, self.context.union_names(sums.names()))
        results = sums.compute()
        return {"loss": results.pop("loss"), **results}

    def _emit(self, hook: str, *args: Any) -> None:
        for callback in self.callbacks:
            method = getattr(callback, hook, None)
            if method is not None:
                method(self, *args)


def _format_row(row: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items() if k != "epoch"
    )
