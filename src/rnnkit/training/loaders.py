"""DataLoaders built by the trainer: seeded shuffling, validation splits, DDP sharding.

Training data is shuffled by a dedicated :class:`torch.Generator` (saved in checkpoints, so a
resumed run draws the same orders), or by a seeded DistributedSampler under DDP. Evaluation loaders
never touch the global random state. ``validation_split`` holds out a seeded random subset of the
training dataset, the same subset for a given seed and length.

Example:
    >>> import torch
    >>> from torch.utils.data import TensorDataset
    >>> train, val = split_dataset(TensorDataset(torch.arange(10)), fraction=0.2, seed=0)
    >>> len(train), len(val)
    (8, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import Any, cast

import torch
from torch.utils.data import (
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
)

from ..data.splits import random_split
from .config import TrainConfig
from .distributed import DistributedContext, ShardedBatchSampler


def check_dataset(dataset: Any, name: str) -> int:
    """The length of a map-style dataset; a clear error for anything else or for an empty one."""
    if isinstance(dataset, IterableDataset) or not hasattr(dataset, "__getitem__"):
        raise TypeError(
            f"{name}: expected a map-style torch Dataset (with __len__ and __getitem__), got "
            f"{type(dataset).__name__}. Wrap the data in a torch.utils.data.Dataset or TensorDataset."
        )
    try:
        length = len(dataset)
    except TypeError:
        raise TypeError(f"{name}: the dataset has no length; implement __len__.") from None
    if length == 0:
        raise ValueError(f"{name}: the dataset is empty; expected at least one example.")
    return length


def check_batch_sampler(sampler: Sampler[list[int]] | None, config: TrainConfig, name: str) -> None:
    """A batch sampler's ``batch_size`` (if it states one) must be the config's, so that the saved
    config says what ran."""
    size = getattr(sampler, "batch_size", None)
    if sampler is not None and size is not None and size != config.batch_size:
        raise ValueError(
            f"{name} makes batches of {size} but TrainConfig.batch_size is {config.batch_size}; build the "
            "sampler with the config's batch_size so that the saved config is the one that ran."
        )


def split_dataset(dataset: Dataset, fraction: float, seed: int) -> tuple[Subset, Subset]:
    """A seeded random ``(train, validation)`` split with ``round(fraction * len)`` validation examples."""
    length = check_dataset(dataset, "train_dataset")
    n_val = round(fraction * length)
    if n_val < 1 or n_val >= length:
        raise ValueError(
            f"validation_split={fraction} of {length} examples leaves {n_val} for validation and "
            f"{length - n_val} for training; expected at least one of each. Change validation_split "
            "or pass val_dataset."
        )
    val_idx, train_idx = random_split(length, fraction, seed)
    return Subset(dataset, train_idx), Subset(dataset, val_idx)


def _seed_worker(worker_id: int) -> None:
    """Seed NumPy and ``random`` in a DataLoader worker from the seed torch gave that worker."""
    import random

    import numpy as np

    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)


def make_train_loader(
    dataset: Dataset,
    config: TrainConfig,
    collate_fn: Callable[[list[Any]], Any] | None,
    context: DistributedContext,
    generator: torch.Generator,
    batch_sampler: Sampler[list[int]] | None = None,
) -> DataLoader:
    """The training loader: shuffled by ``generator`` (one process) or a DistributedSampler (DDP);
    with a ``batch_sampler``, its batches (every ``world_size``-th one on each rank under DDP)."""
    check_dataset(dataset, "train_dataset")
    if batch_sampler is not None:
        return _batch_sampler_loader(dataset, config, collate_fn, context, batch_sampler, generator)
    sized = cast(Sized, dataset)  # check_dataset made sure it has a length
    sampler: Sampler[int]
    if context.enabled:
        sampler = context.train_sampler(dataset, shuffle=config.shuffle, seed=config.seed)
    elif config.shuffle:
        sampler = RandomSampler(sized, generator=generator)
    else:
        sampler = SequentialSampler(sized)
    return DataLoader(
        dataset,
        batch_size=config.batch_size,
        sampler=sampler,
        collate_fn=collate_fn,
        num_workers=config.num_workers,
        generator=generator,  # also draws the workers' base seed, so the global RNG is untouched
        worker_init_fn=_seed_worker if config.num_workers else None,
        pin_memory=context.device.type == "cuda",
    )


def make_eval_loader(
    dataset: Dataset,
    config: TrainConfig,
    collate_fn: Callable[[list[Any]], Any] | None,
    context: DistributedContext,
    name: str = "val_dataset",
    batch_sampler: Sampler[list[int]] | None = None,
) -> DataLoader:
    """An evaluation loader in dataset order (this rank's shard under DDP); leaves all RNGs alone."""
    check_dataset(dataset, name)
    if batch_sampler is not None:
        generator = torch.Generator().manual_seed(config.seed)
        return _batch_sampler_loader(
            dataset, config, collate_fn, context, batch_sampler, generator, pad=False
        )
    sampler = context.eval_sampler(dataset) if context.enabled else SequentialSampler(cast(Sized, dataset))
    return DataLoader(
        dataset,
        batch_size=config.batch_size,
        sampler=sampler,
        collate_fn=collate_fn,
        num_workers=config.num_workers,
        generator=torch.Generator().manual_seed(config.seed),
        worker_init_fn=_seed_worker if config.num_workers else None,
        pin_memory=context.device.type == "cuda",
    )


def _batch_sampler_loader(
    dataset: Dataset,
    config: TrainConfig,
    collate_fn: Callable[[list[Any]], Any] | None,
    context: DistributedContext,
    batch_sampler: Sampler[list[int]],
    generator: torch.Generator,
    pad: bool = True,
) -> DataLoader:
    if context.enabled:
        batch_sampler = ShardedBatchSampler(batch_sampler, context.rank, context.world_size, pad=pad)
    return DataLoader(
        dataset,
        batch_sampler=batch_sampler,
        collate_fn=collate_fn,
        num_workers=config.num_workers,
        generator=generator,
        worker_init_fn=_seed_worker if config.num_workers else None,
        pin_memory=context.device.type == "cuda",
    )
