"""The forecast recipe's training task: the loss of a window's forecast, and MSE and MAE on every value.

Batches are ``(x (B, L, C), y (B, H, K))``; the model returns the forecast ``(B, H, K)``, or its mean and
scale for a Gaussian head. The loss::

    mse:       mean (y_hat - y)^2
    mae:       mean |y_hat - y|                              (the SegRNN paper's training loss)
    gaussian:  mean 1/2 log(2 pi sigma^2) + (y - mu)^2 / (2 sigma^2)

Validation and test report MSE and MAE of the (mean) forecast over every value of every window
(:func:`~rnnkit.training.forecast_errors`), whatever the loss.

Example:
    >>> import torch
    >>> task = ForecastTask("mae")
    >>> model = lambda x: x[:, -1:, :]  # repeat the last value, horizon 1
    >>> x, y = torch.zeros(2, 3, 1), torch.ones(2, 1, 1)
    >>> loss, count, metrics = task.evaluate_batch(model, (x, y))
    >>> float(loss), count, float(metrics["mse"][0] / metrics["mse"][1])
    (1.0, 2, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import Tensor
from torch.nn import functional as F

from ..training.task import forecast_errors

LOSSES = ("mse", "mae", "gaussian")


class ForecastTask:
    """The loss ``mse``, ``mae`` or ``gaussian`` of ``model(x)`` against ``y``."""

    def __init__(self, loss: str = "mse") -> None:
        if loss not in LOSSES:
            raise ValueError(f"ForecastTask: loss must be one of {list(LOSSES)}, got {loss!r}.")
        self.loss = loss

    def _loss(self, out: Any, y: Tensor) -> tuple[Tensor, Tensor]:
        if self.loss == "gaussian":
            mean, scale = out
            return F.gaussian_nll_loss(mean, y, scale.square(), full=True), mean
        forecast = out[0] if isinstance(out, tuple) else out
        loss = F.mse_loss(forecast, y) if self.loss == "mse" else F.l1_loss(forecast, y)
        return loss, forecast

    def compute_loss(
        self, model: Callable[[Tensor], Any], batch: tuple[Tensor, Tensor]
    ) -> tuple[Tensor, int]:
        x, y = batch
        return self._loss(model(x), y)[0], len(x)

    def evaluate_batch(
        self, model: Callable[[Tensor], Any], batch: tuple[Tensor, Tensor]
    ) -> tuple[Tensor, int, dict[str, tuple[Tensor, Tensor]]]:
        x, y = batch
        loss, forecast = self._loss(model(x), y)
        return loss, len(x), forecast_errors(forecast, y)
