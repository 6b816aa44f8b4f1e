"""rnnkit.reference.lstm: BPTT against finite differences and torch.nn.LSTM; padding; init; errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from reference_checks import Spec, check_against_torch, check_gradients, check_init, check_padding

from rnnkit.reference import init_lstm_params, lstm_backward, lstm_forward, sigmoid

SPEC = Spec("lstm", init_lstm_params, lstm_forward, lstm_backward, torch.nn.LSTM)


@pytest.mark.parametrize("lengths", [None, np.array([4, 2, 3])], ids=["full", "ragged"])
def test_lstm_gradients_match_finite_differences(lengths):
    check_gradients(SPEC, lengths)


def test_lstm_padded_batch_equals_each_sequence_alone():
    check_padding(SPEC)


@pytest.mark.parametrize("lengths", [None, np.array([5, 2, 4])], ids=["full", "ragged"])
def test_lstm_matches_torch_lstm(lengths):
    check_against_torch(SPEC, lengths)


def test_lstm_init_statistics():
    check_init(SPEC)


def test_lstm_follows_its_equations_for_one_step():
    rng = np.random.default_rng(0)
    p = init_lstm_params(3, 4, rng)
    p = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in p.items()}
    x, h, c = rng.standard_normal((2, 1, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))

    def gate(k, act):
        return act(x[:, 0] @ p[f"W_x{k}"].T + h @ p[f"W_h{k}"].T + p[f"b_{k}"])

    i, f, g, o = gate("i", sigmoid), gate("f", sigmoid), gate("g", np.tanh), gate("o", sigmoid)
    c1 = f * c + i * g
    hs, (h_T, c_T), _ = lstm_forward(p, x, (h, c))
    np.testing.assert_allclose(c_T, c1, rtol=0, atol=1e-14)
    np.testing.assert_allclose(hs[:, 0], o * np.tanh(c1), rtol=0, atol=1e-14)


def test_lstm_state_may_be_partly_none():
    rng = np.random.default_rng(0)
    p = init_lstm_params(3, 4, rng)
    x = rng.standard_normal((2, 3, 3))
    hs_none, _, _ = lstm_forward(p, x, None)
    hs_pair, _, _ = lstm_forward(p, x, (np.zeros((2, 4)), None))
    np.testing.assert_array_equal(hs_none, hs_pair)


def test_lstm_rejects_bad_state():
    p = init_lstm_params(3, 4, np.random.default_rng(0))
    x = np.zeros((2, 5, 3))
    with pytest.raises(ValueError, match=r"state0 must be None or a tuple \(h, c\)"):
        lstm_forward(p, x, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"c_0 must have shape \(2, 4\)"):
        lstm_forward(p, x, (np.zeros((2, 4)), np.zeros((1, 4))))
    with pytest.raises(ValueError, match="D=3"):
        lstm_forward(p, np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match="missing"):
        lstm_forward({k: v for k, v in p.items() if k != "b_o"}, x)
