"""Bad input gets a ValueError/TypeError that names the argument, what was expected and what came."""

from __future__ import annotations

import pytest
import torch

import rnnkit


@pytest.fixture
def lstm() -> rnnkit.LSTM:
    return rnnkit.LSTM(4, 6, num_layers=2)


def test_wrong_rank(lstm):
    with pytest.raises(ValueError, match=r"x must be 3-D .* got a 4-D tensor of shape \(2, 3, 5, 4\)"):
        lstm(torch.randn(2, 3, 5, 4))
    with pytest.raises(ValueError, match="got a 1-D tensor"):
        lstm(torch.randn(4))


def test_wrong_feature_size(lstm):
    with pytest.raises(ValueError, match="x has 7 features .* input_size=4"):
        lstm(torch.randn(2, 3, 7))


def test_integer_input(lstm):
    with pytest.raises(TypeError, match=r"x must hold floats, got dtype torch.int64.*Embedding"):
        lstm(torch.randint(0, 5, (2, 3, 4)))


def test_not_a_tensor(lstm):
    with pytest.raises(TypeError, match="x must be a torch.Tensor .* got list"):
        lstm([[0.0] * 4])


def test_dtype_mismatch(lstm):
    with pytest.raises(TypeError, match="x is torch.float64 but the layer's parameters are torch.float32"):
        lstm(torch.randn(2, 3, 4, dtype=torch.float64))


def test_state_of_wrong_shape(lstm):
    h = torch.zeros(2, 2, 6)
    with pytest.raises(ValueError, match=r"state h_0 must have shape \(2, 3, 6\) .* got \(2, 2, 6\)"):
        lstm(torch.randn(3, 5, 4), (h, h))
    with pytest.raises(TypeError, match=r"state must be a tuple \(h_0, c_0\)"):
        lstm(torch.randn(3, 5, 4), torch.zeros(2, 3, 6))
    with pytest.raises(ValueError, match=r"must have shape \(1, 3, 6\)"):
        rnnkit.GRU(4, 6)(torch.randn(3, 5, 4), torch.zeros(3, 6))


def test_lengths_longer_than_time(lstm):
    with pytest.raises(ValueError, match=r"lengths must be <= the time axis \(5\), got 9 at index 1"):
        lstm(torch.randn(3, 5, 4), lengths=torch.tensor([5, 9, 2]))


@pytest.mark.parametrize("bad", [0, -2])
def test_zero_or_negative_lengths(lstm, bad):
    with pytest.raises(ValueError, match=f"every length must be >= 1, got {bad} at index 2"):
        lstm(torch.randn(3, 5, 4), lengths=torch.tensor([5, 1, bad]))


def test_lengths_not_matching_batch(lstm):
    with pytest.raises(ValueError, match=r"lengths must have shape \(3,\).* got shape \(2,\)"):
        lstm(torch.randn(3, 5, 4), lengths=torch.tensor([5, 1]))


def test_float_lengths(lstm):
    with pytest.raises(TypeError, match="lengths must hold integers, got dtype torch.float32"):
        lstm(torch.randn(3, 5, 4), lengths=torch.tensor([5.0, 1.0, 2.0]))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"num_layers": 0}, "num_layers must be an int >= 1, got 0"),
        ({"dropout": 1.5}, r"dropout must be a float in \[0, 1\), got 1.5"),
        ({"recurrent_dropout": -0.1}, "recurrent_dropout must be a float"),
        ({"hidden_size": -3}, "hidden_size must be a positive int, got -3"),
    ],
)
def test_bad_constructor_arguments(kwargs, match):
    config = {"input_size": 4, "hidden_size": 6, **kwargs}
    with pytest.raises(ValueError, match=match):
        rnnkit.GRU(**config)
