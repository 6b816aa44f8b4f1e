"""The trainer's progress bar: one line per epoch with rate, ETA, running loss and validation metrics."""

from __future__ import annotations

import io
import re
import sys

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit.training import TrainConfig, Trainer


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class RegressionTask:
    """MSE, with a mean-absolute-error metric for the validation column."""

    def compute_loss(
        self, model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, int]:
        x, y = batch
        return nn.functional.mse_loss(model(x), y), len(x)

    def metrics(self, model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> dict[str, tuple]:
        x, y = batch
        return {"mae": ((model(x) - y).abs().sum(), float(y.numel()))}


def train(progress: bool | None) -> None:
    torch.manual_seed(0)
    x = torch.randn(24, 2)
    data = TensorDataset(x, x.sum(1, keepdim=True))
    config = TrainConfig(epochs=2, batch_size=4, lr=0.05, progress=progress, log_every=0, device="cpu")
    Trainer(nn.Linear(2, 1), RegressionTask(), config).fit(data, val_dataset=data)


def test_quiet_when_stderr_is_not_a_terminal_or_progress_is_false(monkeypatch, capsys) -> None:
    train(progress=None)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    train(progress=False)
    assert sys.stderr.getvalue() == ""


def test_on_a_terminal_each_epoch_ends_with_its_validation_metrics(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    train(progress=None)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", terminal.getvalue())  # without the colour codes
    epochs = [line.split("\r")[-1] for line in plain.rstrip("\n").split("\n")]
    assert [line.split(":")[0] for line in epochs] == ["epoch 1/2", "epoch 2/2"]
    for line in epochs:
        assert "100%" in line and "6/6" in line
        assert re.search(r"\[\d\d:\d\d<\d\d:\d\d, +\d+(\.\d+)?it/s", line)  # elapsed<ETA, rate
        assert re.search(r"loss=[\d.e+-]+, val_loss=[\d.e+-]+, val_mae=[\d.e+-]+\]$", line)
