"""WindowForecaster (RevIN, channel independence, target columns), the least-squares DLinear, Holt-Winters."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.models.config import ForecasterConfig, RNNConfig
from rnnkit.models.decomposition import DLinear
from rnnkit.models.forecaster import Forecaster
from rnnkit.models.linear_fit import array_chunks, fit_dlinear, fit_dlinear_chunked
from rnnkit.models.revin import RevIN
from rnnkit.models.window_forecaster import WindowForecaster


def test_channel_independence_runs_each_column_alone_through_the_shared_core() -> None:
    torch.manual_seed(0)
    core = Forecaster(ForecasterConfig(input_size=1, horizon=3, rnn=RNNConfig(hidden_size=8)))
    model = WindowForecaster(core, channels=4, channel_independent=True).eval()
    x = torch.randn(2, 10, 4)
    out = model(x)
    for c in range(4):  # brute force: column c on its own through the same core
        torch.testing.assert_close(out[..., c], core(x[..., c : c + 1])[..., 0])


def test_revin_wrapper_equals_normalise_core_denormalise_and_picks_targets() -> None:
    torch.manual_seed(0)
    core = DLinear(12, 4)
    model = WindowForecaster(core, channels=3, targets=(2, 0), revin=True).eval()
    with torch.no_grad():
        model.revin.gamma.copy_(torch.tensor([1.5, 0.5, 2.0]))
        model.revin.beta.copy_(torch.tensor([0.1, -0.2, 0.3]))
    x = torch.randn(5, 12, 3) * 4 + 7
    reference = RevIN(3)
    reference.load_state_dict(model.revin.state_dict())
    normed, stats = reference.normalise(x)
    expected = reference.denormalise(core(normed), stats)[..., [2, 0]]
    torch.testing.assert_close(model(x), expected)


def test_revin_wrapper_scales_a_gaussian_heads_scale_by_sigma_over_gamma() -> None:
    torch.manual_seed(0)
    core = Forecaster(ForecasterConfig(input_size=2, horizon=2, gaussian=True, rnn=RNNConfig(hidden_size=4)))
    model = WindowForecaster(core, channels=2, revin=True).eval()
    with torch.no_grad():
        model.revin.gamma.copy_(torch.tensor([2.0, -0.5]))
    x = torch.randn(3, 6, 2) * 10
    mean, scale = model(x)
    normed, (mu, sigma) = model.revin.normalise(x)
    _, core_scale = core(normed)
    torch.testing.assert_close(scale, core_scale * sigma / torch.tensor([2.0, 0.5]), rtol=1e-4, atol=1e-5)
    assert (scale > 0).all()


def test_wrapper_refuses_targets_outside_the_columns() -> None:
    with pytest.raises(ValueError, match="column indices in 0..2"):
        WindowForecaster(DLinear(4, 2), channels=3, targets=(3,))


def test_least_squares_dlinear_matches_numpy_lstsq_and_beats_adam() -> None:
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.standard_normal(600))[:, None]  # a random walk
    starts = np.arange(0, 600 - 24 - 6)
    x = np.stack([series[s : s + 24] for s in starts])  # (N, 24, 1)
    y = np.stack([series[s + 24 : s + 30] for s in starts])  # (N, 6, 1)
    model, ridge = fit_dlinear(x, y, x, y, kernel=5, ridges=(0.0,))
    rows = np.hstack([x[..., 0], np.ones((len(x), 1))])
    coef = np.linalg.lstsq(rows, y[..., 0], rcond=None)[0]
    with torch.no_grad():
        ours = model(torch.from_numpy(x).float()).double().numpy()[..., 0]
    np.testing.assert_allclose(ours, rows @ coef, atol=2e-3)
    assert ridge == 0.0
    # a DLinear trained by Adam from its default init reaches no lower training MSE
    torch.manual_seed(0)
    adam_model = DLinear(24, 6, kernel=5)
    optimiser = torch.optim.Adam(adam_model.parameters(), lr=1e-2)
    xt, yt = torch.from_numpy(x).float(), torch.from_numpy(y).float()
    for _ in range(300):
        optimiser.zero_grad()
        loss = torch.nn.functional.mse_loss(adam_model(xt), yt)
        loss.backward()
        optimiser.step()
    least_squares = float(np.mean((ours - y[..., 0]) ** 2))
    assert least_squares <= loss.item() + 1e-4


def test_least_squares_ridge_is_chosen_on_the_validation_windows() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((40, 30, 1))  # few windows, many inputs: least squares overfits noise
    y = rng.standard_normal((40, 2, 1))
    x_val, y_val = rng.standard_normal((200, 30, 1)), rng.standard_normal((200, 2, 1))
    _, ridge = fit_dlinear(x, y, x_val, y_val, kernel=3)
    assert ridge > 0.0


def test_least_squares_dlinear_in_blocks_equals_the_whole_split_at_once() -> None:
    # the report fits Weather's training windows block by block (they do not fit in memory at once); the
    # blocks' sum of normal equations must give the fit of the whole split, ridge choice included
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((53, 12, 2)), rng.standard_normal((53, 3, 2))
    x_val, y_val = rng.standard_normal((17, 12, 2)), rng.standard_normal((17, 3, 2))
    whole, whole_ridge = fit_dlinear_chunked([(x, y)], [(x_val, y_val)], kernel=3)
    blocks, block_ridge = fit_dlinear_chunked(array_chunks(x, y, 5), array_chunks(x_val, y_val, 4), kernel=3)
    assert block_ridge == whole_ridge
    for name, weight in whole.state_dict().items():
        torch.testing.assert_close(blocks.state_dict()[name], weight, atol=1e-6, rtol=1e-5)
    with pytest.raises(ValueError, match="no training windows"):
        fit_dlinear_chunked([], [(x_val, y_val)])
    with pytest.raises(ValueError, match="no validation windows"):
        fit_dlinear_chunked([(x, y)], [])


def test_holt_winters_from_many_origins_equals_refiltering_each_history() -> None:
    pytest.importorskip("statsmodels")  # the test extra installs it; the recipe says when it is absent
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    from rnnkit.models.holt_winters import holt_winters_forecasts

    t = np.arange(96)
    series = (100 + t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12))
    forecasts, described = holt_winters_forecasts(series, 72, [72, 80], 6, 12)
    assert forecasts.shape == (2, 6) and "multiplicative" in described
    fitted = ExponentialSmoothing(
        series[:72], trend="add", seasonal="mul", seasonal_periods=12, initialization_method="estimated"
    ).fit()
    np.testing.assert_allclose(forecasts[0], fitted.forecast(6), rtol=1e-6)
    mape = np.mean(np.abs(forecasts[1] - series[80:86]) / series[80:86])
    assert mape < 0.02  # an exactly seasonal series is forecast closely


def test_holt_winters_without_statsmodels_says_how_to_install_it(monkeypatch) -> None:
    import builtins

    from rnnkit.models import holt_winters

    real_import = builtins.__import__

    def no_statsmodels(name, *args, **kwargs):
        if name.startswith("statsmodels"):
            raise ImportError("No module named 'statsmodels'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_statsmodels)
    with pytest.raises(holt_winters.HoltWintersUnavailableError, match=r"pip install 'rnnkit\[forecast\]'"):
        holt_winters.holt_winters_forecasts(np.ones(48), 36, [36], 3, 12)


def test_the_highway_adds_a_shared_linear_map_of_the_last_q_values() -> None:
    torch.manual_seed(0)
    core = DLinear(10, 3)
    model = WindowForecaster(core, channels=2, highway=4, horizon=3).eval()
    x = torch.randn(5, 10, 2)
    expected = core(x) + (model.highway(x[:, -4:, :].transpose(1, 2))).transpose(1, 2)
    torch.testing.assert_close(model(x), expected)
    with torch.no_grad():  # a zero core: the output is the highway alone, column by column
        for p in core.parameters():
            p.zero_()
        model.highway.weight.zero_()
        model.highway.weight[:, -1] = 1.0
        model.highway.bias.zero_()
    torch.testing.assert_close(model(x), x[:, -1:, :].expand(-1, 3, -1))


def test_a_highway_needs_its_horizon() -> None:
    with pytest.raises(ValueError, match="highway needs its horizon"):
        WindowForecaster(DLinear(4, 2), channels=1, highway=2)
