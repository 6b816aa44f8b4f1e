"""Trainer: learning, early stopping with best-weight restore, clipping, NaN errors, schedules, precision."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import TensorDataset

import rnnkit
from rnnkit.training import (
    Callback,
    NonFiniteLossError,
    TrainConfig,
    Trainer,
    accuracy,
    load_weights,
)


class TinyClassifier(nn.Module):
    def __init__(self, vocab: int = 8, hidden: int = 16, classes: int = 2, dropout: float = 0.0) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 8)
        self.rnn = rnnkit.GRU(8, hidden)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.embed(x))  # (B, T, H)
        return self.head(self.drop(out[:, -1]))  # (B, C)


class ClassifyTask:
    def compute_loss(self, model, batch):
        x, y = batch
        return F.cross_entropy(model(x), y), len(y)

    def metrics(self, model, batch):
        x, y = batch
        return {"accuracy": accuracy(model(x), y)}


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny models gain nothing from 2 threads, and on a busy machine thread hand-offs dominate."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def mse_task(model, batch):
    x, y = batch
    return F.mse_loss(model(x), y)


def line_model(weight: float = 0.0) -> nn.Linear:
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(weight)
    return model


class RecordWeights(Callback):
    def __init__(self) -> None:
        self.weights: list[torch.Tensor] = []

    def on_epoch_end(self, trainer, row) -> None:
        self.weights.append(trainer.model.weight.detach().clone())


def config(**overrides) -> TrainConfig:
    base = {"progress": False, "log_every": 0}
    return TrainConfig(**{**base, **overrides})


def test_tiny_rnn_overfits_tiny_dataset() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 8, (16, 5), generator=g)
    y = torch.randint(0, 2, (16,), generator=g)
    trainer = Trainer(TinyClassifier(), ClassifyTask(), config(epochs=60, batch_size=8, lr=0.03))
    history = trainer.fit(TensorDataset(x, y), val_dataset=TensorDataset(x, y))
    assert len(history) == 60 and history["val_accuracy"][-1] == 1.0
    assert history["train_loss"][-1] < 0.05 < history["train_loss"][0]
    result = trainer.evaluate(TensorDataset(x, y))
    assert result["accuracy"] == 1.0 and result["loss"] == pytest.approx(history["val_loss"][-1])


def test_epoch_loss_weighs_every_example_equally() -> None:
    x, y = torch.randn(10, 1), torch.randn(10, 1)
    trainer = Trainer(line_model(0.3), mse_task, config(batch_size=4))  # batches of 4, 4, 2
    expected = F.mse_loss(0.3 * x, y).item()  # the mean over all 10 examples, not over 3 batch means
    assert trainer.evaluate(TensorDataset(x, y))["loss"] == pytest.approx(expected, rel=1e-6)


def test_early_stopping_stops_at_the_right_epoch_and_restores_best(tmp_path) -> None:
    # Gradient descent moves w monotonically from 0 towards 1 (the training target y = x), while the
    # validation target is y = 0.5 x: validation loss falls until w passes 0.5, then provably rises.
    x = torch.linspace(-1, 1, 20).unsqueeze(1)
    record = RecordWeights()
    patience = 3
    settings = config(epochs=40, batch_size=20, optimizer="sgd", lr=0.2, shuffle=False)
    settings = TrainConfig(**{**settings.__dict__, "early_stopping_patience": patience, "restore_best": True})
    trainer = Trainer(line_model(), mse_task, settings, run_dir=tmp_path, callbacks=[record])
    history = trainer.fit(TensorDataset(x, x), val_dataset=TensorDataset(x, 0.5 * x))

    ws = torch.cat([w.reshape(1) for w in record.weights])  # weight after each epoch
    assert bool((ws[1:] > ws[:-1]).all())  # monotone, as the construction needs
    oracle_val = ((ws - 0.5) ** 2) * (x**2).mean()
    torch.testing.assert_close(torch.tensor(history["val_loss"]), oracle_val, rtol=1e-5, atol=1e-7)
    best = int(torch.argmin(oracle_val)) + 1
    assert 2 < best < 30
    assert len(history) == best + patience and history.stopped_early and history.best_epoch == best
    assert torch.equal(trainer.model.weight, record.weights[best - 1])  # best weights restored
    assert torch.equal(load_weights(tmp_path / "best.safetensors")["weight"], record.weights[best - 1])
    assert torch.equal(load_weights(tmp_path / "model.safetensors")["weight"], record.weights[best - 1])


def _one_sgd_step(clip_norm=None, clip_value=None):
    torch.manual_seed(1)
    model = nn.Linear(3, 2)
    x, y = torch.randn(8, 3) * 5, torch.randn(8, 2)
    reference = nn.Linear(3, 2)
    reference.load_state_dict(model.state_dict())
    F.mse_loss(reference(x), y).backward()
    grads = {name: p.grad.clone() for name, p in reference.named_parameters()}
    seen = []

    def record_norm(optimizer, args, kwargs):
        params = [p for group in optimizer.param_groups for p in group["params"]]
        seen.append(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in params])).item())

    settings = config(
        epochs=1, batch_size=8, optimizer="sgd", lr=1.0, clip_norm=clip_norm, clip_value=clip_value
    )
    trainer = Trainer(model, mse_task, settings)
    trainer.optimizer.register_step_pre_hook(record_norm)
    history = trainer.fit(TensorDataset(x, y))
    return reference, model, grads, seen, history


def test_clip_norm_bounds_the_norm_the_optimizer_sees() -> None:
    reference, model, grads, seen, history = _one_sgd_step(clip_norm=0.1)
    norm = torch.linalg.vector_norm(torch.stack([g.norm() for g in grads.values()])).item()
    assert norm > 1.0  # the clip is active
    assert seen[0] <= 0.1 * (1 + 1e-5)
    assert history["grad_norm"][0] == pytest.approx(norm, rel=1e-5)  # the pre-clip norm is logged
    scale = 0.1 / (norm + 1e-6)  # torch's clip_grad_norm_ coefficient
    for name, p in model.named_parameters():
        expected = dict(reference.named_parameters())[name].detach() - 1.0 * scale * grads[name]
        torch.testing.assert_close(p.detach(), expected, rtol=1e-5, atol=1e-6)


def test_clip_value_clamps_each_entry() -> None:
    reference, model, grads, _, _ = _one_sgd_step(clip_value=0.05)
    assert any(bool((g.abs() > 0.05).any()) for g in grads.values())
    for name, p in model.named_parameters():
        expected = dict(reference.named_parameters())[name].detach() - grads[name].clamp(-0.05, 0.05)
        torch.testing.assert_close(p.detach(), expected, rtol=1e-6, atol=1e-7)


def test_nan_loss_raises_naming_epoch_step_and_value() -> None:
    x, y = torch.randn(12, 1), torch.randn(12, 1)
    x[5] = float("nan")  # in the third batch of two
    trainer = Trainer(line_model(0.5), mse_task, config(epochs=2, batch_size=2, shuffle=False, lr=0.1))
    with pytest.raises(NonFiniteLossError, match=r"loss is nan at epoch 1, step 3 of 6") as info:
        trainer.fit(TensorDataset(x, y))
    assert isinstance(info.value, ValueError)
    assert "lr=0.1" in str(info.value) and "clip_norm" in str(info.value)


def test_nan_gradient_raises() -> None:
    class SqrtTask:  # loss sqrt(w^2) = |w| is 0 at w = 0, but its autograd gradient there is 0/0
        def compute_loss(self, model, batch):
            return torch.sqrt((model.weight**2).sum()), 1

    trainer = Trainer(line_model(0.0), SqrtTask(), config(epochs=1, batch_size=4))
    with pytest.raises(NonFiniteLossError, match=r"gradient norm is nan at epoch 1, step 1"):
        trainer.fit(TensorDataset(torch.zeros(4, 1)))


def test_cosine_schedule_steps_per_epoch_as_documented() -> None:
    x = torch.randn(8, 1)
    epochs, lr, min_lr = 6, 0.1, 0.01
    settings = config(epochs=epochs, batch_size=4, optimizer="sgd", lr=lr, scheduler="cosine", min_lr=min_lr)
    history = Trainer(line_model(), mse_task, settings).fit(TensorDataset(x, x))
    expected = [min_lr + (lr - min_lr) * (1 + math.cos(math.pi * (e - 1) / epochs)) / 2 for e in range(1, 7)]
    assert history["lr"] == pytest.approx(expected, rel=1e-9)


def test_plateau_schedule_follows_the_documented_rule() -> None:
    x = torch.linspace(-1, 1, 16).unsqueeze(1)
    settings = config(
        epochs=9,
        batch_size=16,
        optimizer="sgd",
        lr=0.1,
        scheduler="plateau",
        plateau_patience=1,
        plateau_factor=0.5,
    )
    # validation target -x: validation loss rises every epoch as w moves towards +1
    history = Trainer(line_model(), mse_task, settings).fit(
        TensorDataset(x, x), val_dataset=TensorDataset(x, -x)
    )
    lr, best, bad, expected = 0.1, math.inf, 0, []
    for value in history["val_loss"]:
        expected.append(lr)
        if value < best:
            best, bad = value, 0
        else:
            bad += 1
        if bad > 1:
            lr, bad = lr * 0.5, 0
    assert history["lr"] == pytest.approx(expected, rel=1e-12)
    assert expected[-1] < 0.1  # the rule did fire


def test_validation_split_and_monitor_errors() -> None:
    x = torch.randn(20, 1)
    history = Trainer(line_model(), mse_task, config(epochs=1, validation_split=0.25)).fit(
        TensorDataset(x, x)
    )
    assert "val_loss" in history.columns()
    with pytest.raises(ValueError, match="needs validation data"):
        Trainer(line_model(), mse_task, config(early_stopping_patience=2)).fit(TensorDataset(x, x))
    with pytest.raises(ValueError, match=r"monitor='val_accuracy' is not a column"):
        Trainer(line_model(), mse_task, config(restore_best=True, monitor="val_accuracy")).fit(
            TensorDataset(x, x), val_dataset=TensorDataset(x, x)
        )


def test_precision_and_device_checks() -> None:
    with pytest.raises(ValueError, match=r"precision='fp16' needs a CUDA device.*bf16"):
        Trainer(line_model(), mse_task, config(precision="fp16", device="cpu"))
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            Trainer(line_model(), mse_task, config(device="cuda"))
    x = torch.randint(0, 8, (8, 4))
    trainer = Trainer(
        TinyClassifier(), ClassifyTask(), config(epochs=2, batch_size=4, precision="bf16", device="cpu")
    )
    history = trainer.fit(TensorDataset(x, x[:, 0] % 2))
    assert all(math.isfinite(v) for v in history["train_loss"])
    assert trainer.model.head.weight.dtype == torch.float32  # weights stay fp32 under autocast


def test_task_errors_and_quiet_library(capsys) -> None:
    x = torch.randn(4, 1)

    class NoCount:
        def compute_loss(self, model, batch):
            return F.mse_loss(model(batch[0]), batch[1])

    with pytest.raises(TypeError, match=r"must return \(loss, count\)"):
        Trainer(line_model(), NoCount(), config(epochs=1)).fit(TensorDataset(x, x))
    with pytest.raises(TypeError, match="expected an object with compute_loss"):
        Trainer(line_model(), 3, config())
    Trainer(line_model(), mse_task, config(epochs=2, log_every=1)).fit(TensorDataset(x, x))
    assert capsys.readouterr().out == ""  # the library never prints


def test_progress_bar_on_stderr_only_when_asked(capsys) -> None:
    x = torch.randn(8, 1)
    Trainer(line_model(), mse_task, config(epochs=1, batch_size=4, progress=None)).fit(TensorDataset(x, x))
    assert capsys.readouterr().err == ""  # not a terminal
    Trainer(line_model(), mse_task, config(epochs=1, batch_size=4, progress=True)).fit(TensorDataset(x, x))
    captured = capsys.readouterr()
    assert captured.out == "" and "epoch 1/1" in captured.err and "2/2" in captured.err


def test_callback_can_stop_the_run() -> None:
    class StopAfterTwo(Callback):
        def on_epoch_end(self, trainer, row) -> None:
            trainer.should_stop = row["epoch"] == 2

    x = torch.randn(4, 1)
    history = Trainer(line_model(), mse_task, config(epochs=5), callbacks=[StopAfterTwo()]).fit(
        TensorDataset(x, x)
    )
    assert len(history) == 2


def test_exponential_schedule_multiplies_the_lr_each_epoch(tmp_path):
    from torch.utils.data import TensorDataset

    from rnnkit.training import TrainConfig, Trainer

    x, y = torch.randn(16, 3), torch.randn(16, 1)
    config = TrainConfig(
        epochs=4, batch_size=8, lr=0.8, scheduler="exponential", lr_decay=0.5, progress=False
    )
    model = torch.nn.Linear(3, 1)
    loss = lambda m, batch: torch.nn.functional.mse_loss(m(batch[0]), batch[1])  # noqa: E731
    history = Trainer(model, loss, config).fit(TensorDataset(x, y))
    assert history["lr"] == pytest.approx([0.8, 0.4, 0.2, 0.1])


def test_exponential_schedule_can_hold_the_lr_first(tmp_path):
    """Zaremba et al.'s PTB schedule: lr kept for ``lr_decay_after`` epochs, then divided each epoch;
    a resumed run continues the same schedule."""
    from torch.utils.data import TensorDataset

    from rnnkit.training import TrainConfig, Trainer

    x, y = torch.randn(16, 3), torch.randn(16, 1)
    settings = {"batch_size": 8, "lr": 1.0, "scheduler": "exponential", "lr_decay": 0.5, "progress": False}
    config = TrainConfig(epochs=5, lr_decay_after=2, **settings)
    loss = lambda m, batch: torch.nn.functional.mse_loss(m(batch[0]), batch[1])  # noqa: E731
    history = Trainer(torch.nn.Linear(3, 1), loss, config).fit(TensorDataset(x, y))
    assert history["lr"] == pytest.approx([1.0, 1.0, 0.5, 0.25, 0.125])
    short = TrainConfig(epochs=3, lr_decay_after=2, **settings)
    Trainer(torch.nn.Linear(3, 1), loss, short, run_dir=tmp_path / "run").fit(TensorDataset(x, y))
    longer = TrainConfig(epochs=5, lr_decay_after=2, **settings)
    resumed = Trainer(torch.nn.Linear(3, 1), loss, longer, run_dir=tmp_path / "run").fit(
        TensorDataset(x, y), resume=True
    )
    assert resumed["lr"] == pytest.approx([1.0, 1.0, 0.5, 0.25, 0.125])
    with pytest.raises(ValueError, match="lr_decay_after"):
        TrainConfig(lr_decay_after=0)
