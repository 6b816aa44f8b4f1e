"""A task's evaluate_batch gives loss and metrics from one forward pass per evaluation batch."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit.training import TrainConfig, Trainer


class CountingLinear(nn.Linear):
    calls = 0

    def forward(self, x):
        CountingLinear.calls += 1
        return super().forward(x)


class OneForwardTask:
    def compute_loss(self, model, batch):
        x, y = batch
        return nn.functional.mse_loss(model(x), y), len(x)

    def metrics(self, model, batch):  # would cost a second forward if the trainer called it
        x, y = batch
        return {"abs_error": ((model(x) - y).abs().sum(), y.numel())}

    def evaluate_batch(self, model, batch):
        x, y = batch
        pred = model(x)
        return nn.functional.mse_loss(pred, y), len(x), {"abs_error": ((pred - y).abs().sum(), y.numel())}


def test_evaluation_uses_one_forward_per_batch_and_the_same_numbers():
    x = torch.randn(12, 3)
    data = TensorDataset(x, x.sum(1, keepdim=True))
    model = CountingLinear(3, 1)
    trainer = Trainer(model, OneForwardTask(), TrainConfig(batch_size=4, progress=False, device="cpu"))
    CountingLinear.calls = 0
    result = trainer.evaluate(data)
    assert CountingLinear.calls == 3  # 3 batches, one forward each
    with torch.no_grad():
        pred = model(x)
    torch.testing.assert_close(result["loss"], nn.functional.mse_loss(pred, x.sum(1, keepdim=True)).item())
    torch.testing.assert_close(result["abs_error"], (pred - x.sum(1, keepdim=True)).abs().mean().item())
