"""Bad input gets a ValueError/TypeError that names the argument, what was expected and what came;
where torch.nn raises another type, the error is of both (rnnkit.layers.errors)."""

from __future__ import annotations

import pytest
import torch

import rnnkit
from rnnkit.layers.errors import ArgumentTypeError, DtypeError, ShapeError


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
        ({"num_layers": 0}, "num_layers must be greater than zero, got 0"),
        ({"dropout": 1.5}, r"dropout must be a number in \[0, 1\], .* got 1.5"),
        ({"recurrent_dropout": -0.1}, r"recurrent_dropout must be a number in \[0, 1\)"),
        ({"recurrent_dropout": 1.0}, r"recurrent_dropout must be a number in \[0, 1\)"),
        ({"hidden_size": -3}, "hidden_size must be greater than zero, got -3"),
    ],
)
def test_bad_constructor_arguments(kwargs, match):
    config = {"input_size": 4, "hidden_size": 6, **kwargs}
    with pytest.raises(ValueError, match=match):
        rnnkit.GRU(**config)


@pytest.mark.parametrize("backend", ["loop", "fused"])
def test_shape_errors_are_runtime_errors_too(lstm, backend):
    """torch.nn raises RuntimeError for these: code that catches it around torch.nn catches ours."""
    lstm.backend = backend
    h = torch.zeros(2, 3, 6)
    for call in (
        lambda: lstm(torch.randn(3, 5, 7)),  # features
        lambda: lstm(torch.randn(3, 5, 4), (torch.zeros(2, 2, 6), h)),  # state batch
        lambda: lstm(torch.randn(3, 5, 4), (h, torch.zeros(1, 3, 6))),  # state layers
        lambda: lstm(torch.randn(3, 0, 4)),  # empty time axis
    ):
        with pytest.raises(RuntimeError) as raised:
            call()
        assert isinstance(raised.value, ShapeError) and isinstance(raised.value, ValueError)
    with pytest.raises(ShapeError, match="empty time axis"):
        lstm(torch.randn(3, 0, 4))


def test_dtype_errors_are_value_errors_too(lstm):
    with pytest.raises(ValueError, match=r"Convert input: input.to\(torch.float32\)") as raised:
        lstm(torch.randn(2, 3, 4, dtype=torch.float64))
    assert isinstance(raised.value, DtypeError) and isinstance(raised.value, TypeError)
    with pytest.raises(ValueError, match="state h_0 is torch.float64"):
        lstm(torch.randn(3, 5, 4), (torch.zeros(2, 3, 6, dtype=torch.float64), torch.zeros(2, 3, 6)))


@pytest.mark.parametrize("arg", ["bias", "batch_first", "bidirectional"])
@pytest.mark.parametrize("value", ["False", "True", 1, 0, None])
def test_boolean_arguments_must_be_bools(arg, value):
    with pytest.raises(
        TypeError, match=f"{arg} should be of type bool, got: .*Pass {arg}=True or {arg}=False"
    ):
        rnnkit.LSTM(4, 6, **{arg: value})


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"input_size": 4.0}, "input_size should be of type int, got: float"),
        ({"hidden_size": "6"}, "hidden_size should be of type int, got: str"),
        ({"num_layers": 2.0}, "num_layers should be of type int, got: float"),
        ({"num_layers": True}, "num_layers should be of type int, got: bool"),
    ],
)
def test_sizes_of_the_wrong_type_are_type_errors_and_value_errors(kwargs, match):
    config = {"input_size": 4, "hidden_size": 6, **kwargs}
    with pytest.raises(TypeError, match=match) as raised:
        rnnkit.GRU(**config)
    assert isinstance(raised.value, ArgumentTypeError) and isinstance(raised.value, ValueError)


@pytest.mark.parametrize("dropout", [1, 1.0])
def test_dropout_may_be_one_as_in_torch_nn(dropout):
    layer = rnnkit.GRU(4, 6, num_layers=2, dropout=dropout, backend="loop").train()
    out, _ = layer(torch.randn(2, 3, 4))
    assert layer.dropout == float(dropout) and out.shape == (2, 3, 6)
