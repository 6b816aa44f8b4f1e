"""Forecasting: a window of a (multivariate) series in, the next ``horizon`` steps out."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .config import ForecasterConfig
from .config import RNNConfig as RNNConfig  # re-exported: the doctests and callers build one
from .encoder import build_rnn
from .pooling import last_state

MODES = ("direct", "autoregressive")


class Forecaster(nn.Module):
    """Recurrent forecaster with direct or autoregressive multi-step output.

    Equations (h_T the top layer's state after the window, both directions if bidirectional)::

        direct:          [ŷ_{T+1}, ..., ŷ_{T+k}] = W h_T + b                     one head, k*O outputs
        autoregressive:  ŷ_{T+1} = W h_T + b;  h_{T+j} = cell(ŷ_{T+j}, h_{T+j-1});  ŷ_{T+j+1} = W h_{T+j} + b
        gaussian:        μ = W_μ h + b_μ,  σ = softplus(W_σ h + b_σ) + 1e-4
                         NLL = ½ log(2π σ²) + (y - μ)² / (2σ²)

    Autoregressive mode runs free (it feeds its own forecasts back during training too), so it is
    trained on the errors it will make at inference.

    Shapes:
        x ``(B, T, D)``; output mean (and scale) ``(B, horizon, O)``; targets ``(B, horizon, O)``.

    Example:
        >>> model = Forecaster(ForecasterConfig(input_size=2, horizon=3, rnn=RNNConfig(hidden_size=8)))
        >>> tuple(model(torch.randn(4, 10, 2)).shape)
        (4, 3, 2)
    """

    def __init__(self, config: ForecasterConfig) -> None:
        super().__init__()
        if config.mode not in MODES:
            raise ValueError(f"ForecasterConfig: mode must be one of {MODES}, got {config.mode!r}.")
        if config.horizon < 1:
            raise ValueError(f"ForecasterConfig: horizon must be >= 1, got {config.horizon}.")
        if config.mode == "autoregressive":
            if config.targets != config.input_size:
                raise ValueError(
                    "ForecasterConfig: autoregressive mode feeds forecasts back as inputs, so "
                    f"output_size must equal input_size ({config.input_size}), got {config.targets}. "
                    "Use mode='direct' to forecast a subset of the series."
                )
            if config.rnn.bidirectional:
                raise ValueError(
                    "ForecasterConfig: autoregressive mode steps forward in time; set "
                    "rnn.bidirectional=False or use mode='direct'."
                )
        self.config = config
        self.rnn = build_rnn(config.rnn, config.input_size)
        per_step = config.targets * (2 if config.gaussian else 1)
        steps_per_call = config.horizon if config.mode == "direct" else 1
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.rnn.output_size, steps_per_call * per_step)

    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        """The forecast mean ``(B, horizon, O)``; with ``gaussian``, ``(mean, scale)``."""
        if x.dim() != 3 or x.shape[-1] != self.config.input_size:
            raise ValueError(
                f"Forecaster: x must be (batch, window, {self.config.input_size}), got shape "
                f"{tuple(x.shape)}."
            )
        _, state = self.rnn(x)
        if self.config.mode == "direct":
            raw = self.head(self.dropout(self._top(state)))  # (B, horizon * per_step)
            raw = raw.view(x.shape[0], self.config.horizon, -1)  # (B, horizon, per_step)
        else:
            steps = []
            for j in range(self.config.horizon):
                raw_j = self.head(self.dropout(self._top(state)))  # (B, per_step)
                steps.append(raw_j)
                if j + 1 < self.config.horizon:
                    _, state = self.rnn.step(raw_j[:, : self.config.targets], state)
            raw = torch.stack(steps, dim=1)  # (B, horizon, per_step)
        if not self.config.gaussian:
            return raw
        mean, scale_raw = raw.chunk(2, dim=-1)
        return mean, F.softplus(scale_raw) + 1e-4

    def _top(self, state: Tensor | tuple[Tensor, ...]) -> Tensor:
        h_n = state[0] if isinstance(state, tuple) else state  # (L*K, B, H)
        return last_state(h_n, self.config.rnn.num_directions)  # (B, K*H)

    def loss(self, x: Tensor, targets: Tensor) -> Tensor:
        """MSE, or the Gaussian negative log-likelihood when ``gaussian`` is set."""
        expected = (x.shape[0], self.config.horizon, self.config.targets)
        if tuple(targets.shape) != expected:
            raise ValueError(
                f"Forecaster: targets must have shape {expected} (batch, horizon, output_size), got "
                f"{tuple(targets.shape)}."
            )
        if not self.config.gaussian:
            return F.mse_loss(self(x), targets)
        mean, scale = self(x)
        return F.gaussian_nll_loss(mean, targets, scale.square(), full=True)

    @torch.no_grad()
    def predict_interval(self, x: Tensor, level: float = 0.9) -> tuple[Tensor, Tensor, Tensor]:
        """``(mean, low, high)``, the central ``level`` interval of the predicted Gaussian."""
        if not self.config.gaussian:
            raise ValueError("Forecaster: prediction intervals need gaussian=True in the config.")
        if not 0.0 < level < 1.0:
            raise ValueError(f"Forecaster: level must be in (0, 1), got {level}.")
        mean, scale = self(x)
        z = torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor(0.5 + level / 2)).item()
        return mean, mean - z * scale, mean + z * scale
