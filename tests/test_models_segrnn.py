"""SegRNN against a step-by-step re-implementation with torch.nn.GRUCell, and its structural properties:
channel independence, scale equivariance from RevIN, float64 gradients."""

from __future__ import annotations

import pytest
import torch

from rnnkit.models.config import SegRNNConfig
from rnnkit.models.segrnn import SegRNN

CONFIG = SegRNNConfig(channels=3, lookback=24, horizon=12, segment=6, hidden_size=8, revin=True)


def by_hand(model: SegRNN, x: torch.Tensor) -> torch.Tensor:
    """The paper's equations, one series, one segment and one horizon position at a time."""
    c = model.config
    cell = torch.nn.GRUCell(c.hidden_size, c.hidden_size).double()
    cell.load_state_dict(
        {name.replace("_l0", ""): value for name, value in model.encoder.state_dict().items()}
    )
    normed, stats = model.revin.normalise(x)
    out = torch.zeros(x.shape[0], c.horizon, c.channels, dtype=x.dtype)
    for b in range(x.shape[0]):
        for ch in range(c.channels):
            h = torch.zeros(1, c.hidden_size, dtype=x.dtype)
            for i in range(c.lookback // c.segment):
                segment = normed[b, i * c.segment : (i + 1) * c.segment, ch]
                h = cell(model.embed(segment).unsqueeze(0), h)
            for j in range(c.horizon // c.segment):
                query = torch.cat([model.position[j], model.channel[ch]]).unsqueeze(0)
                g = cell(query, h)
                out[b, j * c.segment : (j + 1) * c.segment, ch] = model.head(g)[0]
    return model.revin.denormalise(out, stats)


def test_matches_the_equations_step_by_step():
    torch.manual_seed(0)
    model = SegRNN(CONFIG).double().eval()
    with torch.no_grad():
        model.revin.gamma.uniform_(0.5, 1.5)
        model.revin.beta.uniform_(-0.5, 0.5)
    x = torch.randn(2, 24, 3, dtype=torch.float64) * 3 + 1
    with torch.no_grad():
        assert torch.allclose(model(x), by_hand(model, x), atol=1e-10)


def test_each_series_is_forecast_from_itself_only():
    model = SegRNN(CONFIG).double().eval()
    x = torch.randn(2, 24, 3, dtype=torch.float64, requires_grad=True)
    model(x)[:, :, 0].sum().backward()
    assert x.grad is not None and x.grad[:, :, 1:].abs().max() == 0 and x.grad[:, :, 0].abs().max() > 0


def test_revin_makes_the_forecast_follow_the_windows_level_and_scale():
    model = SegRNN(CONFIG).double().eval()
    x = torch.randn(2, 24, 3, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(model(x * 4.0 + 7.0), model(x) * 4.0 + 7.0, atol=1e-8)


def test_gradients_in_float64_match_finite_differences():
    small = SegRNNConfig(channels=2, lookback=8, horizon=4, segment=4, hidden_size=4)
    model = SegRNN(small).double()
    model.revin.detach_stats = False  # the full derivative, for finite differences
    x = torch.randn(2, 8, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: model(t), (x,))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lookback": 25}, "multiple of segment"),
        ({"horizon": 10}, "multiple of segment"),
        ({"dropout": 1.0}, "dropout"),
    ],
)
def test_bad_configs_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        SegRNNConfig(**{"channels": 2, "lookback": 24, "horizon": 12, "segment": 6, **settings})
