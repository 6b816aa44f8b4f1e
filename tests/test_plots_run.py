"""rnnkit.plots.plot_run: a real run folder's loss curves, written through the run folder."""

from __future__ import annotations

import pytest
import torch
from plot_checks import png_shape
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit.plots import plot_run
from rnnkit.plots.loss_curves import loss_curves_figure
from rnnkit.training import RunFolder, TrainConfig, Trainer


def test_plot_run_draws_the_loss_curves_of_a_trained_run(tmp_path) -> None:
    torch.manual_seed(0)
    x = torch.randn(32, 3)
    data = TensorDataset(x, x.sum(1, keepdim=True))
    config = TrainConfig(
        epochs=3, batch_size=8, lr=0.05, progress=False, log_every=0, device="cpu", restore_best=True
    )
    loss = lambda model, batch: nn.functional.mse_loss(model(batch[0]), batch[1])  # noqa: E731
    Trainer(nn.Linear(3, 1), loss, config, run_dir=tmp_path / "run").fit(data, val_dataset=data)

    paths = plot_run(tmp_path / "run")
    assert paths == [tmp_path / "run" / RunFolder.LOSS_PLOT]
    height, width, channels = png_shape(paths[0].read_bytes())
    assert (width, height, channels) == (840, 552, 4)  # 7 x 4.6 inches at 120 dpi: one loss panel
    assert sorted(p.name for p in (tmp_path / "run").glob(".*.tmp")) == []  # written atomically, no leftovers


def test_the_plot_marks_the_best_epoch_from_metrics_json(tmp_path, monkeypatch) -> None:
    run = RunFolder(tmp_path)
    (tmp_path / RunFolder.LOG).write_text("epoch,train_loss,val_loss\n1,0.9,1.0\n2,0.5,0.6\n3,0.4,0.7\n")
    (tmp_path / RunFolder.METRICS).write_text('{"best_epoch": 2, "monitor": "val_loss"}')
    (tmp_path / RunFolder.CONFIG).write_text('{"task": "sine", "config": {}}')
    seen = {}

    def spy(rows, **kwargs):
        seen.update(kwargs)
        return loss_curves_figure(rows, **kwargs)

    monkeypatch.setattr("rnnkit.plots.run.loss_curves_figure", spy)
    plot_run(run.path)
    assert seen == {
        "title": f"sine: loss per epoch ({tmp_path.name})",
        "best_epoch": 2,
        "monitor": "val_loss",
    }


def test_a_folder_without_log_csv_is_refused(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="log.csv does not exist: .* is not a run folder"):
        plot_run(tmp_path)
