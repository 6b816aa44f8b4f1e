"""rnnkit.reference.elman: BPTT against finite differences and torch.nn.RNN; padding; init; errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from reference_checks import Spec, check_against_torch, check_gradients, check_init, check_padding

from rnnkit.reference import elman_backward, elman_forward, init_elman_params

SPECS = [
    Spec("elman", init_elman_params, elman_forward, elman_backward, torch.nn.RNN, {"nonlinearity": act})
    for act in ("tanh", "relu")
]
IDS = ["tanh", "relu"]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@pytest.mark.parametrize("lengths", [None, np.array([4, 2, 3])], ids=["full", "ragged"])
def test_elman_gradients_match_finite_differences(spec, lengths):
    check_gradients(spec, lengths)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_elman_padded_batch_equals_each_sequence_alone(spec):
    check_padding(spec)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@pytest.mark.parametrize("lengths", [None, np.array([5, 2, 4])], ids=["full", "ragged"])
def test_elman_matches_torch_rnn(spec, lengths):
    check_against_torch(spec, lengths)


def test_elman_init_statistics():
    check_init(SPECS[0])


def test_elman_follows_its_equation():
    rng = np.random.default_rng(0)
    p = init_elman_params(3, 4, rng)
    x, h = rng.standard_normal((2, 2, 3)), rng.standard_normal((2, 4))
    hs, h_T, _ = elman_forward(p, x, h)
    h1 = np.tanh(x[:, 0] @ p["W_xh"].T + h @ p["W_hh"].T + p["b_h"])
    h2 = np.tanh(x[:, 1] @ p["W_xh"].T + h1 @ p["W_hh"].T + p["b_h"])
    np.testing.assert_allclose(hs, np.stack([h1, h2], axis=1), rtol=0, atol=1e-14)
    np.testing.assert_allclose(h_T, h2, rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    "change,match",
    [
        ({"x": np.zeros((2, 3))}, "x must be 3-D"),
        ({"x": np.zeros((2, 5, 4))}, "D=3"),
        ({"x": np.zeros((2, 5, 3), dtype=int)}, "floats"),
        ({"state0": np.zeros((2, 5))}, r"state0 must have shape \(2, 4\)"),
        ({"lengths": np.array([5, 0])}, r"\[1, 5\]"),
        ({"lengths": np.array([6, 1])}, r"\[1, 5\]"),
        ({"lengths": np.array([5])}, r"lengths must have shape \(2,\)"),
        ({"lengths": np.array([5.0, 1.0])}, "integers"),
        ({"nonlinearity": "sigmoid"}, "nonlinearity"),
    ],
)
def test_elman_forward_rejects_bad_input(change, match):
    p = init_elman_params(3, 4, np.random.default_rng(0))
    kwargs = {"x": np.zeros((2, 5, 3))} | change
    with pytest.raises(ValueError, match=match):
        elman_forward(p, **kwargs)


def test_elman_rejects_bad_params_and_gradients():
    p = init_elman_params(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="missing"):
        elman_forward({"W_xh": p["W_xh"], "W_hh": p["W_hh"]}, np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match=r"params\['b_h'\] must have shape \(4,\)"):
        elman_forward(p | {"b_h": np.zeros(3)}, np.zeros((1, 2, 3)))
    hs, _, cache = elman_forward(p, np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match="dhs must have the shape"):
        elman_backward(p, np.zeros((1, 3, 4)), cache)
    with pytest.raises(ValueError, match="dstate_T"):
        elman_backward(p, hs, cache, np.zeros((2, 4)))
