"""The built-in demo: an LSTM learns to forecast noisy sine waves, one step ahead.

Data is generated, not downloaded: sums of two sines with random frequencies and phases plus
Gaussian noise, cut into windows. The model (:class:`~rnnkit.models.Forecaster`) reads a window of
``window`` values and predicts the next clean one (N vs 1 on real-valued input), trained by MSE. The
test loss is reported next to two baselines that need no learning (repeat the last value; linear
extrapolation from the last two), so the number means something.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from ..models.config import ForecasterConfig, RNNConfig
from ..training.config import TrainConfig
from .base import Prepared, Recipe, Split

if TYPE_CHECKING:  # torch is imported where it is used, so that listing the tasks does not load it
    import torch
    from torch import Tensor, nn

    from ..training.run_folder import RunFolder
    from .forecast_task import ForecastTask

PLOT_STEPS = 120  # one-step-ahead forecasts drawn in the demo's plot


@dataclass(frozen=True)
class SineData:
    """``series`` windows of ``window`` noisy values each; 70% train, 15% validation, 15% test."""

    series: int = 1024
    window: int = 48
    noise: float = 0.05

    def __post_init__(self) -> None:
        for name in ("series", "window"):
            if getattr(self, name) < 1:
                raise ValueError(f"data.{name} must be >= 1, got {getattr(self, name)}.")
        if self.noise < 0:
            raise ValueError(f"data.noise must be >= 0, got {self.noise}.")


@dataclass(frozen=True)
class SineConfig:
    """The defaults finish in well under a minute on 2 CPU cores."""

    data: SineData = field(default_factory=SineData)
    model: ForecasterConfig = field(
        default_factory=lambda: ForecasterConfig(input_size=1, rnn=RNNConfig(cell="lstm", hidden_size=32))
    )
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(epochs=40, batch_size=32, lr=5e-3, clip_norm=1.0)
    )


def make_sine_windows(data: SineData, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Windows ``(N, window, 1)`` of noisy two-tone sines and their next clean values ``(N, 1, 1)``."""
    import torch

    n, w = data.series, data.window
    t = torch.arange(w + 1, dtype=torch.float32)  # (W+1,)
    freq = 0.05 + 0.25 * torch.rand(n, 2, 1, generator=generator)  # (N, 2, 1) radians per step
    phase = 2 * math.pi * torch.rand(n, 2, 1, generator=generator)
    amp = torch.tensor([1.0, 0.5]).view(1, 2, 1)
    clean = (amp * torch.sin(freq * t + phase)).sum(1)  # (N, W+1)
    noisy = clean + data.noise * torch.randn(clean.shape, generator=generator)
    return noisy[:, :w].unsqueeze(-1), clean[:, w:].unsqueeze(-1)  # (N, W, 1), (N, 1, 1)


class SineRecipe(Recipe):
    name = "sine"
    description = "built-in noisy sine waves -> the next value (the demo; N vs 1 regression)"
    dataset = "generated (no download)"
    presets: ClassVar[Mapping[str, Any]] = {"default": SineConfig()}
    quick = ("data.series=128", "train.epochs=2")
    inputs = (
        "a window of the series as comma-separated numbers (at least 2), e.g. 0,0.5,0.87,1 -> the next value"
    )
    example_inputs = ("0,0.26,0.5,0.71,0.87,0.97,1",)

    def check(self, config: SineConfig) -> None:
        if config.data.series < 8:
            raise ValueError(
                f"data.series must be >= 8 (70% train, 15% validation, 15% test), got {config.data.series}."
            )
        model = config.model
        if model.input_size != 1 or model.horizon != 1 or model.targets != 1 or model.gaussian:
            raise ValueError(
                "the sine demo forecasts one series one step ahead: keep model.input_size=1, "
                "model.horizon=1, model.output_size unset and model.gaussian=false."
            )

    def prepare(self, config: SineConfig, data_dir: str | None) -> Prepared:
        import torch
        from torch.utils.data import TensorDataset

        x, y = make_sine_windows(config.data, torch.Generator().manual_seed(config.train.seed))
        n_train, n_val = int(0.7 * len(x)), int(0.15 * len(x))
        train = TensorDataset(x[:n_train], y[:n_train])
        validation = TensorDataset(x[n_train : n_train + n_val], y[n_train : n_train + n_val])
        test = TensorDataset(x[n_train + n_val :], y[n_train + n_val :])
        return Prepared(Split(train), Split(validation), Split(test))

    def build_model(self, config: SineConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        from ..models.forecaster import Forecaster

        return Forecaster(config.model)

    def task(self, config: SineConfig, artifacts: Mapping[str, Any] | None = None) -> ForecastTask:
        from .forecast_task import ForecastTask

        return ForecastTask("mse")

    def report(
        self, config: SineConfig, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        """The two no-learning baselines on the test windows, and a plot of one held-out series."""
        from torch import nn

        from ..plots import PlotsUnavailableError

        x, y = prepared.test.dataset.tensors  # type: ignore[attr-defined]  # a TensorDataset
        last = x[:, -1:]  # (N, 1, 1)
        linear = 2 * x[:, -1:] - x[:, -2:-1]
        figures: dict[str, Any] = {
            "baseline_last_value_mse": nn.functional.mse_loss(last, y).item(),
            "baseline_linear_mse": nn.functional.mse_loss(linear, y).item(),
        }
        if run is not None:
            try:
                figures["plot"] = str(run.write_png(run.FORECAST_PLOT, self.plot(config, model)))
            except PlotsUnavailableError as error:  # the demo still runs on a bare install
                figures["plot_unavailable"] = str(error)
        return figures

    def plot(self, config: SineConfig, model: nn.Module) -> bytes:
        """PNG: the model's one-step-ahead forecasts along a fresh series, with its noise-free curve."""
        import torch
        from torch import nn

        from ..plots import forecast_figure, to_png

        window = config.data.window
        seed = config.train.seed + 1  # a series the model has not seen
        long_data = SineData(series=1, window=window + PLOT_STEPS, noise=config.data.noise)
        series = make_sine_windows(long_data, torch.Generator().manual_seed(seed))[0][0, :, 0]  # (W+S,)
        clean_data = replace(long_data, noise=0.0)  # same generator draws: the same two sines, no noise
        clean = make_sine_windows(clean_data, torch.Generator().manual_seed(seed))[0][0, :, 0]  # (W+S,)
        windows = series.unfold(0, window, 1)[:-1].unsqueeze(-1)  # (S, W, 1): window i predicts step i+W
        model.eval()
        with torch.no_grad():
            rolling = model(windows.to(next(model.parameters()).device))[:, 0, 0].cpu()  # (S,)
        mse = nn.functional.mse_loss(rolling, clean[window:]).item()
        figure = forecast_figure(
            series.numpy(),
            rolling.numpy(),
            truth=clean[window:].numpy(),
            origin=window,
            title=(
                f"rnnkit demo: LSTM one-step-ahead forecasts of a held-out noisy sine series\n"
                f"(each from the previous {window} observations; MSE against the noise-free curve {mse:.4f})"
            ),
            y_label="value (arbitrary units)",
            history_label=f"observed (noise sd {config.data.noise:g}): the model's input",
            truth_label="noise-free curve (truth)",
            prediction_label="LSTM forecast of the next value",
        )
        return to_png(figure)

    def announce(self, config: SineConfig) -> str:
        return (
            f"an LSTM ({config.model.rnn.hidden_size} hidden units) learns to predict the next value of "
            f"noisy sine waves from the previous {config.data.window}, for {config.train.epochs} epochs"
        )

    def verdict(self, summary: Mapping[str, Any]) -> list[str]:
        best = min(summary["baseline_last_value_mse"], summary["baseline_linear_mse"])
        beats = "beats" if summary["test_loss"] < best else "does not beat"
        lines = [
            f"test MSE {summary['test_loss']:.5f}: the LSTM {beats} both baselines "
            f"('repeat the last value' {summary['baseline_last_value_mse']:.5f}, "
            f"'linear extrapolation' {summary['baseline_linear_mse']:.5f}; lower is better).",
        ]
        if "plot" in summary:
            lines.append(
                f"Plot: {summary['plot']}: the forecast (blue) should follow the noise-free curve (black), "
                "not the noise of the observed series (grey)."
            )
        elif "plot_unavailable" in summary:
            lines.append(f"No plot: {summary['plot_unavailable']}.")
        lines.append(
            "The same ideas in NumPy, with backpropagation through time written by hand: "
            "python -m rnnkit.reference.char_model"
        )
        return lines

    def predict(
        self,
        config: SineConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The next value after each comma-separated window of numbers, e.g. ``"0.1,0.3,0.5"``."""
        import torch

        rows = []
        for item in inputs:
            try:
                values = [float(v) for v in str(item).split(",") if v.strip()]
            except ValueError:
                raise ValueError(f"predict: {item!r} is not a comma-separated list of numbers.") from None
            if len(values) < 2 or not all(math.isfinite(v) for v in values):
                raise ValueError(
                    f"predict: {item!r}: give a window of at least 2 finite values, e.g. 0.1,0.3,0.5."
                )
            with torch.no_grad():
                forecast = model(torch.tensor(values).view(1, -1, 1))[0, 0, 0].item()
            rows.append({"next_value": round(forecast, 5)})
        return rows
