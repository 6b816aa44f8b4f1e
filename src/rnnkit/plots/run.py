"""Plot a run folder: draw what it holds into it, as PNG, through :class:`~rnnkit.training.RunFolder`.

What is drawn: the loss curves from ``log.csv`` (``loss_curves.png``), with the best epoch of
``metrics.json`` marked; and for a finished classifier run, its test-split confusion matrix from the
counts in ``test_metrics.json`` (``confusion_matrix.png``). A run still in progress can be plotted: every
file read here is written atomically by the trainer.

Example:
    >>> import tempfile
    >>> from rnnkit.training import History, RunFolder
    >>> run = RunFolder(tempfile.mkdtemp())
    >>> run.write_log(History([{"epoch": 1, "train_loss": 0.9}, {"epoch": 2, "train_loss": 0.4}]))
    >>> [path.name for path in plot_run(run.path)]
    ['loss_curves.png']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..training.run_folder import RunFolder
from .canvas import to_png
from .confusion import confusion_figure
from .loss_curves import loss_curves_figure, read_log


def _read_optional(run: RunFolder, name: str) -> dict[str, Any]:
    """A JSON file of the run as a dict, or an empty dict if it is missing or unreadable."""
    try:
        data = run.read_json(name, "plot_run")
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def plot_run(run_dir: str | Path) -> list[Path]:
    """Draw the plots that ``run_dir`` has the data for into it; return the paths of the PNGs written.

    Raises:
        FileNotFoundError: ``run_dir`` has no ``log.csv`` (not a run folder, or no epoch has finished).
        ValueError: ``log.csv`` is damaged or holds no loss.
        PlotsUnavailableError: matplotlib is not installed.
    """
    run = RunFolder(run_dir)
    log = run.file(RunFolder.LOG)
    if not log.is_file():
        raise FileNotFoundError(
            f"{log} does not exist: {run.path} is not a run folder, or its run has not finished an epoch "
            "yet (log.csv is written after each one)."
        )
    task = _read_optional(run, RunFolder.CONFIG).get("task")
    metrics = _read_optional(run, RunFolder.METRICS)
    title = f"{task}: loss per epoch ({run.path.name})" if task else f"loss per epoch ({run.path.name})"
    figure = loss_curves_figure(
        read_log(log), title=title, best_epoch=metrics.get("best_epoch"), monitor=metrics.get("monitor")
    )
    written = [run.write_png(RunFolder.LOSS_PLOT, to_png(figure))]
    test = _read_optional(run, RunFolder.TEST_METRICS)
    if "test_confusion" in test and "class_names" in test:
        confusion = confusion_figure(
            test["test_confusion"], test["class_names"], title=f"{task}: test-split confusion matrix"
        )
        written.append(run.write_png(RunFolder.CONFUSION_PLOT, to_png(confusion)))
    return written
