"""Series decomposition and DLinear against a brute-force NumPy computation of the same definitions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.models.decomposition import DLinear, decompose


def moving_average_by_hand(x: np.ndarray, kernel: int) -> np.ndarray:
    batch, length, channels = x.shape
    half = (kernel - 1) // 2
    trend = np.zeros_like(x)
    for b in range(batch):
        for c in range(channels):
            for t in range(length):
                window = [x[b, min(max(t + j, 0), length - 1), c] for j in range(-half, half + 1)]
                trend[b, t, c] = sum(window) / kernel
    return trend


@pytest.mark.parametrize("kernel", [1, 3, 5, 25])
def test_trend_is_the_clipped_centred_moving_average(kernel):
    x = torch.randn(2, 17, 3, dtype=torch.float64)
    trend, remainder = decompose(x, kernel)
    assert np.allclose(trend.numpy(), moving_average_by_hand(x.numpy(), kernel), atol=1e-12)
    assert torch.allclose(trend + remainder, x)


def test_even_kernel_is_refused():
    with pytest.raises(ValueError, match="odd"):
        decompose(torch.zeros(1, 4, 1), 4)


def test_dlinear_is_two_linear_maps_per_channel():
    model = DLinear(lookback=12, horizon=5, kernel=3).double()
    x = torch.randn(3, 12, 2, dtype=torch.float64)
    trend = moving_average_by_hand(x.numpy(), 3)
    remainder = x.numpy() - trend
    wt, bt = model.trend.weight.detach().numpy(), model.trend.bias.detach().numpy()
    wr, br = model.remainder.weight.detach().numpy(), model.remainder.bias.detach().numpy()
    expected = np.einsum("hl,blc->bhc", wt, trend) + bt[None, :, None]
    expected += np.einsum("hl,blc->bhc", wr, remainder) + br[None, :, None]
    assert np.allclose(model(x).detach().numpy(), expected, atol=1e-12)
