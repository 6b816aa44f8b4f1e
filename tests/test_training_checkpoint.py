"""Run folders: contents, atomic writes, corrupt-file errors, kill-and-resume bit-identical to a full run."""

from __future__ import annotations

import csv
import json
import os
import random

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import TensorDataset

import rnnkit
from rnnkit.training import (
    Callback,
    CheckpointError,
    TrainConfig,
    Trainer,
    accuracy,
    from_dict,
    load_weights,
    save_weights,
)
from rnnkit.training.checkpoint import load_state, state_digest


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny models gain nothing from 2 threads, and on a busy machine thread hand-offs dominate."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class DropoutGRU(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 6)
        self.rnn = rnnkit.GRU(6, 12)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(12, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.drop(self.embed(x)))  # (B, T, H)
        return self.head(self.drop(out[:, -1]))  # (B, C)


class ClassifyTask:
    def compute_loss(self, model, batch):
        x, y = batch
        return F.cross_entropy(model(x), y), len(y)

    def metrics(self, model, batch):
        x, y = batch
        return {"accuracy": accuracy(model(x), y)}


class KilledError(Exception):
    """Stands for the process being killed."""


class KillAfter(Callback):
    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def on_epoch_end(self, trainer, row) -> None:
        if row["epoch"] == self.epoch:
            raise KilledError


def data(n: int, seed: int) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    return TensorDataset(torch.randint(0, 10, (n, 6), generator=g), torch.randint(0, 3, (n,), generator=g))


def settings(**overrides) -> TrainConfig:
    base = dict(
        epochs=4,
        batch_size=5,
        lr=0.02,
        optimizer="adamw",
        weight_decay=0.01,
        scheduler="cosine",
        clip_norm=0.5,
        shuffle=True,
        seed=3,
        progress=False,
        log_every=0,
    )
    return TrainConfig(**{**base, **overrides})


def fresh_model(seed: int) -> DropoutGRU:
    torch.manual_seed(seed)
    return DropoutGRU()


def without_seconds(rows):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def test_killed_run_resumes_bit_identical(tmp_path) -> None:
    train, val = data(23, 0), data(7, 1)  # 23 examples: the last batch is short
    full = Trainer(fresh_model(0), ClassifyTask(), settings(), run_dir=tmp_path / "full")
    full_history = full.fit(train, val)

    killed = Trainer(
        fresh_model(0), ClassifyTask(), settings(), run_dir=tmp_path / "killed", callbacks=[KillAfter(2)]
    )
    with pytest.raises(KilledError):
        killed.fit(train, val)
    torch.rand(100), random.random(), np.random.rand()  # the new process's RNGs are elsewhere

    resumed = Trainer(fresh_model(123), ClassifyTask(), settings(), run_dir=tmp_path / "killed")
    history = resumed.fit(train, val, resume=True)
    assert len(history) == 4
    for (name, a), b in zip(
        full.model.state_dict().items(), resumed.model.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b), f"{name} differs after resume"
    assert without_seconds(history.rows) == without_seconds(full_history.rows)
    full_weights = load_weights(tmp_path / "full" / "model.safetensors")
    resumed_weights = load_weights(tmp_path / "killed" / "model.safetensors")
    assert all(torch.equal(full_weights[k], resumed_weights[k]) for k in full_weights)


def test_run_folder_contents(tmp_path) -> None:
    config = settings(epochs=2, restore_best=True)
    Trainer(fresh_model(0), ClassifyTask(), config, run_dir=tmp_path).fit(data(10, 0), data(4, 1))
    names = sorted(os.listdir(tmp_path))
    assert names == [
        "best.safetensors",
        "config.json",
        "log.csv",
        "metrics.json",
        "model.safetensors",
        "trainer_state.pt",
    ]  # and no temporary files left behind
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["rnnkit_version"] == rnnkit.__version__
    assert from_dict(TrainConfig, saved["config"]["train"]) == config
    with open(tmp_path / "log.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert {"train_loss", "val_loss", "val_accuracy", "lr", "seconds", "grad_norm"} <= set(rows[0])
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["epochs_completed"] == 2 and metrics["best_epoch"] in (1, 2)
    raw = torch.load(tmp_path / "trainer_state.pt", weights_only=True)  # no pickled code needed
    assert raw["epoch"] == 2 and set(raw["rng"][0]) >= {"torch", "python", "numpy", "sampler"}


def test_fresh_fit_refuses_an_existing_run_and_finished_run_resumes_to_itself(tmp_path) -> None:
    trainer = Trainer(fresh_model(0), ClassifyTask(), settings(epochs=1), run_dir=tmp_path)
    trainer.fit(data(10, 0))
    with pytest.raises(ValueError, match="already holds a run.*resume=True"):
        Trainer(fresh_model(0), ClassifyTask(), settings(epochs=1), run_dir=tmp_path).fit(data(10, 0))
    again = Trainer(fresh_model(5), ClassifyTask(), settings(epochs=1), run_dir=tmp_path)
    assert without_seconds(again.fit(data(10, 0), resume=True).rows) == without_seconds(trainer.history.rows)
    assert all(
        torch.equal(a, b) for a, b in zip(again.model.parameters(), trainer.model.parameters(), strict=True)
    )
    with pytest.raises(CheckpointError, match="does not exist"):
        Trainer(fresh_model(0), ClassifyTask(), settings(), run_dir=tmp_path / "empty").fit(
            data(10, 0), resume=True
        )


def test_crash_during_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch) -> None:
    after_first: dict[str, torch.Tensor] = {}

    class BreakRenamesAfterFirstEpoch(Callback):
        def on_epoch_end(self, trainer, row) -> None:
            after_first.update({k: v.clone() for k, v in trainer.model.state_dict().items()})

            def failing_replace(src, dst):
                raise OSError(28, "No space left on device")

            monkeypatch.setattr(os, "replace", failing_replace)

    config = settings(epochs=2)
    trainer = Trainer(
        fresh_model(0), ClassifyTask(), config, run_dir=tmp_path, callbacks=[BreakRenamesAfterFirstEpoch()]
    )
    with pytest.raises(OSError, match="No space left"):
        trainer.fit(data(10, 0))
    monkeypatch.undo()
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]  # temporary files cleaned up
    assert load_state(tmp_path / "trainer_state.pt")["epoch"] == 1  # the previous commit is intact
    weights = load_weights(tmp_path / "model.safetensors")
    assert all(torch.equal(weights[k], after_first[k]) for k in after_first)
    history = Trainer(fresh_model(1), ClassifyTask(), config, run_dir=tmp_path).fit(data(10, 0), resume=True)
    assert [row["epoch"] for row in history] == [1, 2]


def _flip(path, position: int) -> None:
    blob = bytearray(path.read_bytes())
    blob[position] ^= 0xFF
    path.write_bytes(bytes(blob))


def test_truncated_or_flipped_trainer_state_is_a_clear_error(tmp_path) -> None:
    Trainer(fresh_model(0), ClassifyTask(), settings(epochs=1), run_dir=tmp_path).fit(data(10, 0))
    path = tmp_path / "trainer_state.pt"
    original = path.read_bytes()
    digest = state_digest(load_state(path))

    path.write_bytes(original[: len(original) // 2])
    with pytest.raises(CheckpointError, match=r"trainer_state\.pt.*cut short.*fresh run"):
        Trainer(fresh_model(0), ClassifyTask(), settings(), run_dir=tmp_path).fit(data(10, 0), resume=True)

    # Any flipped byte either leaves the content intact (zip padding) or is refused; never silent garbage.
    refused = 0
    for position in range(0, len(original), max(1, len(original) // 60)):
        path.write_bytes(original)
        _flip(path, position)
        try:
            state = load_state(path)
        except CheckpointError as error:
            assert "trainer_state.pt" in str(error)
            refused += 1
        else:
            assert state_digest(state) == digest
    assert refused > 30


def test_truncated_or_flipped_weights_are_a_clear_error(tmp_path) -> None:
    state = {"weight": torch.randn(64, 32), "bias": torch.randn(64)}
    path = tmp_path / "model.safetensors"
    save_weights(state, path)
    original = path.read_bytes()
    path.write_bytes(original[:-100])
    with pytest.raises(CheckpointError, match=r"model\.safetensors.*cut short"):
        load_weights(path)
    refused = 0
    for position in range(0, len(original), max(1, len(original) // 60)):
        path.write_bytes(original)
        _flip(path, position)
        try:
            loaded = load_weights(path)
        except CheckpointError:
            refused += 1
        else:
            assert all(torch.equal(loaded[k], state[k]) for k in state)
    assert refused > 50


def test_tied_weights_save_and_load(tmp_path) -> None:
    model = nn.Sequential(nn.Embedding(5, 4), nn.Linear(4, 5, bias=False))
    model[1].weight = model[0].weight  # tied
    save_weights(model.state_dict(), tmp_path / "tied.safetensors")
    loaded = load_weights(tmp_path / "tied.safetensors")
    assert torch.equal(loaded["0.weight"], loaded["1.weight"])
    model.load_state_dict(loaded)
