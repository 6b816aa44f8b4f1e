"""Loss curves: the train and validation loss per epoch, and the validation metrics, from ``log.csv``.

``log.csv`` is the run folder's history (:mod:`rnnkit.training.history`): one row per epoch with
``epoch``, ``train_loss``, ``val_loss`` and ``val_<metric>`` (when there was validation data), and
``grad_norm``, ``lr``, ``seconds``. The loss goes on the left panel (log scale when it falls by more
than 10x); validation metrics other than the loss (e.g. ``val_accuracy``) on a right panel. One
legend below both panels; the best epoch is marked when it is known.

Example:
    >>> rows = [{"epoch": 1, "train_loss": 0.9, "val_loss": 1.0, "val_accuracy": 0.6},
    ...         {"epoch": 2, "train_loss": 0.5, "val_loss": 0.7, "val_accuracy": 0.8}]
    >>> figure = loss_curves_figure(rows, best_epoch=2)
    >>> [ax.get_title() for ax in figure.axes]
    ['loss', 'validation metrics']
    >>> [text.get_text() for text in figure.legends[0].get_texts()]
    ['train loss', 'validation loss', 'best epoch (2)', 'validation accuracy']
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .canvas import legend_below, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LOSSES = {"train_loss": "train loss", "val_loss": "validation loss"}
LOG_SCALE_RATIO = 10.0  # the loss axis is logarithmic when the loss spans more than this factor
MARKERS_UP_TO = 40  # epochs; more and the points are drawn as a plain line


def read_log(path: str | Path) -> list[dict[str, float]]:
    """The rows of a ``log.csv`` as numbers (an empty cell, a column an epoch lacks, becomes NaN).

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: a cell is not a number, or the file has no ``epoch`` column.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; it is written after each epoch of `rnnkit train`.")
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        if "epoch" not in (reader.fieldnames or []):
            raise ValueError(f"{path} has no 'epoch' column (columns: {reader.fieldnames}); is it a log.csv?")
        rows = []
        for line, record in enumerate(reader, start=2):
            row = {}
            for column, cell in record.items():
                try:
                    row[column] = float(cell) if cell else math.nan
                except (TypeError, ValueError):
                    raise ValueError(
                        f"{path}, line {line}: column {column!r} holds {cell!r}, not a number; "
                        "the log is damaged: re-run training to rewrite it."
                    ) from None
            rows.append(row)
    return rows


def _label(column: str) -> str:
    return LOSSES.get(column) or column.replace("val_", "validation ", 1).replace("_", " ")


def _column(rows: list[Mapping[str, Any]], column: str) -> list[float]:
    return [float(row.get(column, math.nan)) for row in rows]


def _draw(ax: Axes, epochs: list[float], values: list[float], label: str, markers: bool) -> None:
    ax.plot(epochs, values, marker="o" if markers else None, markersize=3.5, linewidth=1.6, label=label)


def loss_curves_figure(
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str = "training curves",
    best_epoch: int | None = None,
    monitor: str | None = None,
) -> Figure:
    """Draw the loss (and the validation metrics) per epoch.

    Args:
        rows: epochs as mappings (:func:`read_log`'s rows, or a :class:`~rnnkit.training.History`).
        title: what is shown (e.g. the task and the run folder).
        best_epoch: the epoch to mark (``metrics.json``'s ``best_epoch``); monitor: the column it was
            chosen by, for the legend.

    Returns:
        The figure (save it with :func:`~rnnkit.plots.to_png`).

    Raises:
        ValueError: no rows, or neither ``train_loss`` nor ``val_loss`` holds a value.
        PlotsUnavailableError: matplotlib is not installed.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("loss curves: the log has no epochs yet; plot after the first epoch has finished.")
    columns = list(dict.fromkeys(name for row in rows for name in row))

    def has_values(column: str) -> bool:
        return any(math.isfinite(value) for value in _column(rows, column))

    losses = [column for column in LOSSES if column in columns and has_values(column)]
    if not losses:
        raise ValueError(f"loss curves: no train_loss or val_loss values to draw (columns: {columns}).")
    metrics = [c for c in columns if c.startswith("val_") and c != "val_loss" and has_values(c)]
    epochs = _column(rows, "epoch")
    markers = len(rows) <= MARKERS_UP_TO

    figure = new_figure(10.0 if metrics else 7.0, 4.6)  # first: it reports a missing matplotlib
    from matplotlib.ticker import MaxNLocator

    panels = figure.subplots(1, 2 if metrics else 1, squeeze=False)[0]
    loss_ax = panels[0]
    for column in losses:
        _draw(loss_ax, epochs, _column(rows, column), _label(column), markers)
    finite = [v for column in losses for v in _column(rows, column) if math.isfinite(v)]
    if min(finite) > 0 and max(finite) / min(finite) > LOG_SCALE_RATIO:
        loss_ax.set_yscale("log")
    loss_ax.set_title("loss")
    loss_ax.set_ylabel("loss (log scale)" if loss_ax.get_yscale() == "log" else "loss")
    if metrics:
        metric_ax = panels[1]
        metric_ax.set_prop_cycle(color=["tab:green", "tab:purple", "tab:brown", "tab:olive"])
        for column in metrics:
            _draw(metric_ax, epochs, _column(rows, column), _label(column), markers)
        metric_ax.set_title("validation metrics")
        metric_ax.set_ylabel(metrics[0].removeprefix("val_") if len(metrics) == 1 else "metric")
    for index, ax in enumerate(panels):
        if best_epoch is not None:
            label = f"best epoch ({best_epoch}{f', by {monitor}' if monitor else ''})"
            ax.axvline(
                best_epoch, color="0.4", linestyle=":", linewidth=1.2, label=label if index == 0 else None
            )
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    figure.suptitle(title)
    handles, labels = [], []
    for ax in panels:
        more_handles, more_labels = ax.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    legend_below(figure, handles, labels)
    return figure
