"""rnnkit.reference.gru: BPTT against finite differences and torch.nn.GRU; padding; init; errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from reference_checks import Spec, check_against_torch, check_gradients, check_init, check_padding

from rnnkit.reference import gru_backward, gru_forward, init_gru_params, sigmoid

SPEC = Spec("gru", init_gru_params, gru_forward, gru_backward, torch.nn.GRU)


@pytest.mark.parametrize("lengths", [None, np.array([4, 2, 3])], ids=["full", "ragged"])
def test_gru_gradients_match_finite_differences(lengths):
    check_gradients(SPEC, lengths)


def test_gru_padded_batch_equals_each_sequence_alone():
    check_padding(SPEC)


@pytest.mark.parametrize("lengths", [None, np.array([5, 2, 4])], ids=["full", "ragged"])
def test_gru_matches_torch_gru(lengths):
    check_against_torch(SPEC, lengths)


def test_gru_init_statistics():
    check_init(SPEC)


def test_gru_reset_gate_scales_the_recurrent_bias():
    # b_hn sits inside r ⊙ (W_hn h + b_hn); b_xn outside. With h = 0 and r = σ(b_r), moving 1.0
    # from b_xn to b_hn changes n by the factor r, so the two biases are not interchangeable.
    rng = np.random.default_rng(0)
    p = init_gru_params(3, 4, rng) | {"b_r": np.full(4, -1.0), "b_xn": np.ones(4)}
    x = rng.standard_normal((1, 1, 3))
    z = sigmoid(x[:, 0] @ p["W_xz"].T)
    r = sigmoid(x[:, 0] @ p["W_xr"].T - 1.0)
    hs, _, _ = gru_forward(p, x)
    np.testing.assert_allclose(hs[:, 0], (1 - z) * np.tanh(x[:, 0] @ p["W_xn"].T + 1.0), atol=1e-14)
    moved = p | {"b_xn": np.zeros(4), "b_hn": np.ones(4)}
    hs_moved, _, _ = gru_forward(moved, x)
    np.testing.assert_allclose(hs_moved[:, 0], (1 - z) * np.tanh(x[:, 0] @ p["W_xn"].T + r), atol=1e-14)


def test_gru_rejects_bad_input():
    p = init_gru_params(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="x must be 3-D"):
        gru_forward(p, np.zeros(3))
    with pytest.raises(ValueError, match=r"params\['b_hn'\] must have shape \(4,\)"):
        gru_forward(p | {"b_hn": np.zeros(5)}, np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match=r"params has no 'W_hr'"):
        gru_forward({"W_xr": p["W_xr"]}, np.zeros((1, 2, 3)))
