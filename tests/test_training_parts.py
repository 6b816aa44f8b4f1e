"""Small parts of rnnkit.training: RNG snapshots, batch moving, history CSV, task adapter."""

from __future__ import annotations

import random
from collections import namedtuple

import numpy as np
import pytest
import torch

from rnnkit.training import FunctionTask, History
from rnnkit.training.state import capture_rng_state, restore_rng_state, seed_everything
from rnnkit.training.step import move_to_device


def test_rng_snapshot_restores_every_generator() -> None:
    generator = torch.Generator()
    seed_everything(11, generator)
    snapshot = capture_rng_state(generator)
    first = (torch.rand(3), random.random(), np.random.rand(), torch.rand(3, generator=generator))
    torch.rand(7), random.random(), np.random.rand()
    restore_rng_state(snapshot, generator)
    second = (torch.rand(3), random.random(), np.random.rand(), torch.rand(3, generator=generator))
    assert torch.equal(first[0], second[0]) and first[1:3] == second[1:3] and torch.equal(first[3], second[3])


def test_move_to_device_keeps_structure() -> None:
    Pair = namedtuple("Pair", "x y")
    batch = {"a": [torch.ones(1), (torch.zeros(2), "name")], "p": Pair(torch.ones(1), 3)}
    moved = move_to_device(batch, torch.device("cpu"))
    assert isinstance(moved["p"], Pair) and moved["p"].y == 3 and moved["a"][1][1] == "name"
    assert isinstance(moved["a"][1], tuple) and torch.equal(moved["a"][0], torch.ones(1))


def test_history_columns_and_csv() -> None:
    history = History([{"epoch": 1, "train_loss": 1.0}, {"epoch": 2, "train_loss": 0.5, "val_loss": 0.7}])
    assert history.columns() == ["epoch", "train_loss", "val_loss"]
    assert history.to_csv().splitlines() == ["epoch,train_loss,val_loss", "1,1.0,", "2,0.5,0.7"]
    assert history["val_loss"][1] == 0.7
    with pytest.raises(KeyError, match="columns"):
        history["val_accuracy"]


def test_function_task_counts_the_leading_dimension() -> None:
    task = FunctionTask(lambda model, batch: batch["x"].sum())
    loss, count = task.compute_loss(None, {"x": torch.ones(5, 2), "lengths": torch.ones(5)})
    assert count == 5 and loss.item() == 10.0
