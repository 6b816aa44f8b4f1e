"""rnnkit.plots.canvas: matplotlib only when drawing, no pyplot, valid PNGs, a one-line error without it."""

from __future__ import annotations

import builtins
import subprocess
import sys
import textwrap

import pytest
from plot_checks import png_shape

from rnnkit import plots
from rnnkit.plots import PlotsUnavailableError, to_png
from rnnkit.plots.canvas import DPI, legend_below, new_figure
from rnnkit.training import History, RunFolder


def test_a_figure_becomes_a_png_of_its_size() -> None:
    figure = new_figure(5.0, 2.5)
    figure.add_subplot().plot([0, 1, 2], [2, 0, 1])
    assert png_shape(to_png(figure)) == (int(2.5 * DPI), 5 * DPI, 4)


def test_importing_rnnkit_plots_loads_no_matplotlib_and_drawing_never_loads_pyplot() -> None:
    script = textwrap.dedent(
        """
        import sys
        import rnnkit.plots
        assert "matplotlib" not in sys.modules, "imported at import time"
        png = rnnkit.plots.to_png(rnnkit.plots.forecast_figure([0.0, 1.0], [2.0]))
        assert "matplotlib.pyplot" not in sys.modules and png[:4] == b"\\x89PNG"
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_a_long_legend_wraps_into_rows_that_fit_the_figure() -> None:
    figure = new_figure(4.0, 3.0)
    ax = figure.add_subplot()
    for k in range(4):
        ax.plot([0, 1], [k, k], label=f"a rather long legend entry number {k}")
    legend = legend_below(figure, *ax.get_legend_handles_labels())
    assert legend._ncols < 4  # how many columns it settled on
    figure.canvas.draw()
    assert legend.get_window_extent(figure.canvas.get_renderer()).width <= figure.bbox.width


@pytest.fixture
def no_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import matplotlib...`` fail as it does where matplotlib is not installed."""
    real_import = builtins.__import__

    def failing_import(name: str, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plots.forecast_figure([0.0, 1.0], [2.0]),
        lambda: plots.attention_figure([[1.0]], ["a"], ["b"]),
        lambda: plots.loss_curves_figure([{"epoch": 1, "train_loss": 0.5}]),
        lambda: plots.confusion_figure([[1, 0], [0, 1]], ["a", "b"]),
    ],
    ids=["forecast", "attention", "loss_curves", "confusion"],
)
def test_without_matplotlib_every_plot_says_how_to_install_it(no_matplotlib, draw) -> None:
    with pytest.raises(PlotsUnavailableError) as error:
        draw()
    assert str(error.value) == "matplotlib is not installed: pip install 'rnnkit[plots]'"
    assert isinstance(error.value, ImportError) and isinstance(
        error.value, ValueError
    )  # the CLI's one red line


def test_without_matplotlib_plot_run_writes_nothing(tmp_path, no_matplotlib) -> None:
    run = RunFolder(tmp_path)
    run.write_log(History([{"epoch": 1, "train_loss": 0.5}]))
    with pytest.raises(PlotsUnavailableError, match=r"pip install 'rnnkit\[plots\]'"):
        plots.plot_run(tmp_path)
    assert not run.file(RunFolder.LOSS_PLOT).exists()
