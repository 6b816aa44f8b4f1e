"""Distributed data parallel training: PyTorch's torchrun + DDP, with nothing home-made.

The trainer detects a torchrun launch from the environment (``RANK``, ``WORLD_SIZE``,
``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``), joins the process group (NCCL on GPUs, gloo on
CPU), wraps the model in :class:`~torch.nn.parallel.DistributedDataParallel`, shards the training
data with a seeded :class:`~torch.utils.data.DistributedSampler` (``set_epoch`` every epoch), adds
loss and metric sums over ranks with all-reduce, and lets only rank 0 write files and draw a
progress bar. Without those variables everything runs in one process and nothing here is used.

``batch_size`` is per process: one optimiser step sees ``batch_size * world_size`` examples (DDP
averages the gradients of the ranks, so the step equals one process's step on that global batch).
The DistributedSampler pads the training data by repeating a few examples so that every rank gets
the same number of batches; validation is sharded without padding, so its metrics are exact.

One machine, 4 processes (4 GPUs, or 4 CPU processes with gloo)::

    torchrun --nproc_per_node 4 train.py

Two machines with 8 GPUs each (run on both; ``--node_rank`` 0 on the machine at ``--master_addr``)::

    torchrun --nnodes 2 --node_rank 0 --nproc_per_node 8 --master_addr 10.0.0.1 --master_port 29500 train.py
    torchrun --nnodes 2 --node_rank 1 --nproc_per_node 8 --master_addr 10.0.0.1 --master_port 29500 train.py

Here ``train.py`` builds a :class:`rnnkit.training.Trainer` and calls ``fit`` as in one process;
use it as a context manager (or call ``close()``) so the process group is destroyed at the end.

Example:
    >>> context = DistributedContext.from_env(device="cpu")
    >>> context.world_size, context.rank, context.is_main
    (1, 0, True)
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch import Tensor, nn
from torch.utils.data import Dataset, DistributedSampler, Sampler

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=nn.Module)


def resolve_device(device: str, local_rank: int = 0) -> torch.device:
    """``auto``: ``cuda:<local_rank>`` if CUDA is available, else ``cpu``; ``cuda`` without CUDA: error."""
    if device == "cpu":
        return torch.device("cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "TrainConfig.device='cuda' but CUDA is not available (CPU-only torch build or no GPU). "
            "Use device='auto' or 'cpu'."
        )
    if device in ("cuda", "auto") and torch.cuda.is_available():
        return torch.device("cuda", local_rank)
    if device == "auto":
        return torch.device("cpu")
    raise ValueError(f"device: expected 'auto', 'cpu' or 'cuda', got {device!r}.")


def launched_by_torchrun() -> bool:
    """Whether the environment describes a multi-process launch (``WORLD_SIZE`` > 1)."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


@dataclass
class DistributedContext:
    """Where this process stands: rank, world size, device, and whether it owns the process group."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")
    owns_group: bool = False

    @classmethod
    def from_env(cls, device: str = "auto") -> DistributedContext:
        """Join the process group described by torchrun's variables, or describe a single process.

        A process group that already exists (the caller initialised it) is used and left alone at
        :meth:`close`.
        """
        if dist.is_available() and dist.is_initialized():
            local_rank = int(os.environ.get("LOCAL_RANK", "0"))
            resolved = resolve_device(device, local_rank)
            return cls(dist.get_rank(), local_rank, dist.get_world_size(), resolved, owns_group=False)
        if not launched_by_torchrun():
            return cls(device=resolve_device(device, 0))
        missing = [v for v in ("RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT") if v not in os.environ]
        if missing:
            raise ValueError(
                f"WORLD_SIZE={os.environ['WORLD_SIZE']} asks for distributed training but {missing} "
                "are not set. Launch with torchrun (it sets them), or unset WORLD_SIZE."
            )
        local_rank = int(os.environ["LOCAL_RANK"])
        resolved = resolve_device(device, local_rank)
        backend = "nccl" if resolved.type == "cuda" else "gloo"
        if resolved.type == "cuda":
            torch.cuda.set_device(resolved)
        dist.init_process_group(backend=backend)
        context = cls(dist.get_rank(), local_rank, dist.get_world_size(), resolved, owns_group=True)
        logger.info("joined %s process group: rank %d of %d", backend, context.rank, context.world_size)
        return context

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Rank 0: the process that writes files, logs epochs and draws the progress bar."""
        return self.rank == 0

    def wrap(self, model: nn.Module) -> nn.Module:
        """The model wrapped in DDP when distributed (its gradients are averaged over ranks), else itself."""
        if not self.enabled:
            return model
        device_ids = [self.device.index] if self.device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(model, device_ids=device_ids)

    def train_sampler(self, dataset: Dataset, shuffle: bool, seed: int) -> DistributedSampler:
        """The seeded, padded sampler that gives this rank its shard of the training data."""
        return DistributedSampler(
            dataset, num_replicas=self.world_size, rank=self.rank, shuffle=shuffle, seed=seed, drop_last=False
        )

    def eval_sampler(self, dataset: Dataset) -> Sampler[int]:
        """Every ``world_size``-th example from ``rank``, without padding (exact metrics after all-reduce)."""
        return ShardSampler(len(dataset), self.rank, self.world_size)  # type: ignore[arg-type]  # map-style

    def reduce_sum(self, tensor: Tensor) -> Tensor:
        """The element-wise sum of ``tensor`` over all ranks (the tensor itself in one process)."""
        if not self.enabled:
            return tensor
        # gloo reduces float64 on CPU; NCCL reduces on the GPU, so move there first.
        work = tensor.to(self.device) if self.device.type == "cuda" else tensor.cpu()
        dist.all_reduce(work, op=dist.ReduceOp.SUM)
        return work.to(tensor.device)

    def any(self, flag: bool) -> bool:
        """True on every rank if ``flag`` is True on any rank (one tiny all-reduce)."""
        if not self.enabled:
            return flag
        return bool(self.reduce_sum(torch.tensor([float(flag)], device=self.device)).item() > 0)

    def union_names(self, names: list[str]) -> list[str]:
        """The sorted union of ``names`` over all ranks, so every rank reduces the same metric list."""
        if not self.enabled:
            return sorted(names)
        gathered: list[list[str] | None] = [None] * self.world_size
        dist.all_gather_object(gathered, list(names))
        return sorted({name for part in gathered for name in (part or [])})

    def barrier(self) -> None:
        if self.enabled:
            dist.barrier()

    def close(self, synchronize: bool = True) -> None:
        """Destroy the process group if this context created it.

        With ``synchronize`` every rank first waits at a barrier, so no rank tears gloo down while
        another still talks to it (that aborted a rank once in CI-like runs: "terminate called
        without an active exception"). After an error pass False: a barrier would wait for ranks
        that may be stuck in a collective with the failed one.
        """
        if self.owns_group and dist.is_initialized():
            if synchronize:
                dist.barrier()
            dist.destroy_process_group()
            self.owns_group = False


class ShardSampler(Sampler[int]):
    """Indices ``rank, rank + world_size, ...`` below ``length``: a padding-free shard for evaluation.

    Example:
        >>> list(ShardSampler(5, rank=1, world_size=2))
        [1, 3]
    """

    def __init__(self, length: int, rank: int, world_size: int) -> None:
        self.length, self.rank, self.world_size = length, rank, world_size

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.rank, self.length, self.world_size))

    def __len__(self) -> int:
        return len(range(self.rank, self.length, self.world_size))


class ShardedBatchSampler(Sampler[list[int]]):
    """This rank's share of another batch sampler's batches: batches ``rank, rank + world_size, ...``.

    Every rank must draw the same batches from ``batch_sampler`` (seed it, e.g. per epoch with
    ``set_epoch``). With ``pad`` (training), the batch list is first extended by repeating its first
    batches to a multiple of ``world_size``, so every rank takes the same number of optimiser steps (as
    DistributedSampler pads); without it (evaluation), no batch is seen twice.

    Example:
        >>> list(ShardedBatchSampler([[0, 1], [2, 3], [4]], rank=1, world_size=2))
        [[2, 3], [0, 1]]
    """

    def __init__(self, batch_sampler: Any, rank: int, world_size: int, pad: bool = True) -> None:
        self.batch_sampler, self.rank, self.world_size, self.pad = batch_sampler, rank, world_size, pad

    def set_epoch(self, epoch: int) -> None:
        if hasattr(self.batch_sampler, "set_epoch"):
            self.batch_sampler.set_epoch(epoch)

    def __iter__(self) -> Iterator[list[int]]:
        batches = list(self.batch_sampler)
        if self.pad and batches and len(batches) % self.world_size:
            extra = self.world_size - len(batches) % self.world_size
            batches += (batches * math.ceil(extra / len(batches)))[:extra]
        return iter(batches[self.rank :: self.world_size])

    def __len__(self) -> int:
        count = len(self.batch_sampler)
        if self.pad:
            return math.ceil(count / self.world_size)
        return len(range(self.rank, count, self.world_size))


def unwrap_ddp(model: nn.Module, expected: type[M], task: str) -> M:
    """The module inside a DistributedDataParallel wrapper (or ``model`` itself), checked to be an
    ``expected``; a TypeError naming ``task`` otherwise."""
    inner = getattr(model, "module", model)
    if not isinstance(inner, expected):
        raise TypeError(f"the {task} task needs a {expected.__name__}, got {type(inner).__name__}.")
    return inner
