"""rnnkit.plots.loss_curves: log.csv read back, loss and validation-metric panels, the legend off the data."""

from __future__ import annotations

import math

import pytest
from plot_checks import assert_legend_clear_of_data

from rnnkit.plots import loss_curves_figure, read_log
from rnnkit.training import History

ROWS = [
    {
        "epoch": e,
        "train_loss": 2.0 / e**2,
        "val_loss": 2.2 / e**2 + 0.01,
        "val_accuracy": 1 - 0.5 / e,
        "lr": 0.01,
    }
    for e in range(1, 9)
]


def test_read_log_reads_what_history_writes(tmp_path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        History([{"epoch": 1, "train_loss": 0.5}, {"epoch": 2, "train_loss": 0.25, "val_loss": 0.3}]).to_csv()
    )
    rows = read_log(path)
    assert rows[1] == {"epoch": 2.0, "train_loss": 0.25, "val_loss": 0.3}
    assert rows[0]["train_loss"] == 0.5 and math.isnan(rows[0]["val_loss"])  # a cell the epoch lacked


def test_read_log_errors_name_the_file_and_cell(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="log.csv does not exist"):
        read_log(tmp_path / "log.csv")
    (tmp_path / "log.csv").write_text("epoch,train_loss\n1,0.5\n2,oops\n")
    with pytest.raises(ValueError, match=r"line 3: column 'train_loss' holds 'oops', not a number"):
        read_log(tmp_path / "log.csv")
    (tmp_path / "log.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="no 'epoch' column"):
        read_log(tmp_path / "log.csv")


def test_loss_and_metric_panels_with_labels_and_one_legend() -> None:
    figure = loss_curves_figure(ROWS, title="imdb: loss per epoch", best_epoch=7, monitor="val_loss")
    loss_ax, metric_ax = figure.axes
    assert figure.get_suptitle() == "imdb: loss per epoch"
    assert (loss_ax.get_title(), metric_ax.get_title()) == ("loss", "validation metrics")
    assert (loss_ax.get_xlabel(), metric_ax.get_xlabel(), metric_ax.get_ylabel()) == (
        "epoch",
        "epoch",
        "accuracy",
    )
    assert loss_ax.get_yscale() == "log" and loss_ax.get_ylabel() == "loss (log scale)"  # it fell 64x
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["train loss", "validation loss", "best epoch (7, by val_loss)", "validation accuracy"]
    train = loss_ax.get_lines()[0]
    assert train.get_xdata().tolist() == list(range(1, 9)) and train.get_ydata()[1] == 0.5
    assert all(tick == int(tick) for tick in loss_ax.get_xticks())  # whole epochs
    assert_legend_clear_of_data(figure)


def test_training_loss_alone_is_one_linear_panel() -> None:
    figure = loss_curves_figure(History([{"epoch": e, "train_loss": 1.0 - 0.1 * e} for e in range(1, 4)]))
    (ax,) = figure.axes
    assert ax.get_yscale() == "linear" and [t.get_text() for t in figure.legends[0].get_texts()] == [
        "train loss"
    ]
    assert_legend_clear_of_data(figure)


def test_nothing_to_draw_is_an_error() -> None:
    with pytest.raises(ValueError, match="no epochs yet"):
        loss_curves_figure([])
    with pytest.raises(ValueError, match="no train_loss or val_loss values"):
        loss_curves_figure([{"epoch": 1, "lr": 0.1}])
