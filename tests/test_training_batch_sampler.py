"""The trainer with a batch sampler: buckets re-formed every epoch, the config is what ran, exact resume."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

from rnnkit.data import BucketBatchSampler
from rnnkit.training import Callback, TrainConfig, Trainer
from rnnkit.training.distributed import ShardedBatchSampler


class Ragged(Dataset):
    """Sequences of lengths 1..8 with a target: the sum of their values."""

    def __init__(self, n: int = 40) -> None:
        g = torch.Generator().manual_seed(0)
        self.lengths = [1 + i % 8 for i in range(n)]
        self.x = [torch.randn(length, generator=g) for length in self.lengths]

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.x[index], index


def collate(items: list[tuple[torch.Tensor, int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    xs, indices = zip(*items, strict=True)
    padded = nn.utils.rnn.pad_sequence(list(xs), batch_first=True)  # (B, T)
    return padded, torch.stack([x.sum() for x in xs]), torch.tensor(indices)


class SumTask:
    seen: list[list[int]]

    def __init__(self) -> None:
        self.seen = []

    def compute_loss(self, model: nn.Module, batch: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, int]:
        x, target, indices = batch
        if model.training:
            self.seen.append(sorted(indices.tolist()))
        return nn.functional.mse_loss(model(x.sum(1, keepdim=True)).squeeze(1), target), len(x)


def config(**overrides) -> TrainConfig:
    settings = {"epochs": 3, "batch_size": 4, "lr": 0.01, "progress": False, "log_every": 0, "device": "cpu"}
    return TrainConfig(**(settings | overrides))


def test_buckets_are_reformed_every_epoch_and_cover_the_data() -> None:
    data = Ragged()
    task = SumTask()
    sampler = BucketBatchSampler(data.lengths, 4, bucket_size_multiplier=2, seed=3)
    Trainer(nn.Linear(1, 1), task, config()).fit(data, collate_fn=collate, batch_sampler=sampler)
    per_epoch = len(sampler)
    epochs = [task.seen[i * per_epoch : (i + 1) * per_epoch] for i in range(3)]
    for batches in epochs:
        assert sorted(i for b in batches for i in b) == list(range(len(data)))  # each example once
        assert all(max(data.lengths[i] for i in b) - min(data.lengths[i] for i in b) <= 7 for b in batches)
    assert epochs[0] != epochs[1] != epochs[2]  # reshuffled, not a fixed list of batches
    again = BucketBatchSampler(data.lengths, 4, bucket_size_multiplier=2, seed=3)
    again.set_epoch(2)
    assert [sorted(b) for b in again] == epochs[1]  # epoch e is a function of (seed, e) only


def test_a_sampler_with_another_batch_size_is_refused() -> None:
    data = Ragged()
    sampler = BucketBatchSampler(data.lengths, 8, seed=0)
    with pytest.raises(ValueError, match="batches of 8 but TrainConfig.batch_size is 4"):
        Trainer(nn.Linear(1, 1), SumTask(), config()).fit(data, collate_fn=collate, batch_sampler=sampler)
    with pytest.raises(ValueError, match="validation_split cannot be drawn"):
        Trainer(nn.Linear(1, 1), SumTask(), config(validation_split=0.2)).fit(
            data, collate_fn=collate, batch_sampler=BucketBatchSampler(data.lengths, 4, seed=0)
        )


def test_resume_with_a_bucket_sampler_is_bit_identical(tmp_path) -> None:
    data = Ragged()

    def run(folder, stop_after: int | None = None, resume: bool = False) -> nn.Module:
        class Stop(Callback):
            def on_epoch_end(self, trainer, row) -> None:
                if stop_after is not None and row["epoch"] == stop_after:
                    trainer.should_stop = True

        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(1, 4), nn.Dropout(0.3), nn.Linear(4, 1))
        sampler = BucketBatchSampler(data.lengths, 4, seed=1)
        trainer = Trainer(model, SumTask(), config(), run_dir=folder, callbacks=[Stop()])
        trainer.fit(data, collate_fn=collate, resume=resume, batch_sampler=sampler)
        return trainer.model

    straight = run(tmp_path / "straight")
    run(tmp_path / "killed", stop_after=1)
    resumed = run(tmp_path / "killed", resume=True)
    for a, b in zip(straight.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b)


def test_sharded_batches_split_one_epoch_between_ranks() -> None:
    batches = [[0, 1], [2, 3], [4, 5], [6]]
    shards = [list(ShardedBatchSampler(batches, rank, 3)) for rank in range(3)]
    assert shards == [[[0, 1], [6]], [[2, 3], [0, 1]], [[4, 5], [2, 3]]]  # padded to 6 by repeating
    assert [len(ShardedBatchSampler(batches, rank, 3)) for rank in range(3)] == [2, 2, 2]
    unpadded = [list(ShardedBatchSampler(batches, rank, 3, pad=False)) for rank in range(3)]
    assert sorted(i for shard in unpadded for b in shard for i in b) == list(range(7))
    assert [len(ShardedBatchSampler(batches, rank, 3, pad=False)) for rank in range(3)] == [2, 1, 1]
