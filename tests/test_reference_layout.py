"""rnnkit.reference.layout: textbook dicts <-> torch.nn state dicts, for parameters and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.reference import (
    elman_forward,
    from_torch,
    gru_forward,
    init_elman_params,
    init_gru_params,
    init_lstm_params,
    lstm_forward,
    to_torch,
)

INITS = {"elman": init_elman_params, "lstm": init_lstm_params, "gru": init_gru_params}
TORCH = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
GATES = {"elman": 1, "lstm": 4, "gru": 3}


def _random_params(cell, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    return {k: rng.standard_normal(v.shape) for k, v in INITS[cell](D, H, rng).items()}


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_round_trip_is_exact(cell):
    params = _random_params(cell)
    sd = to_torch(cell, params, suffix="_l1_reverse")
    G = GATES[cell]
    assert {k: v.shape for k, v in sd.items()} == {
        "weight_ih_l1_reverse": (G * 4, 3),
        "weight_hh_l1_reverse": (G * 4, 4),
        "bias_ih_l1_reverse": (G * 4,),
        "bias_hh_l1_reverse": (G * 4,),
    }
    back = from_torch(cell, sd, suffix="_l1_reverse")
    assert list(back) == list(params)
    for key in params:
        np.testing.assert_array_equal(back[key], params[key])


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_from_torch_sums_the_two_biases(cell):
    layer = TORCH[cell](3, 4, dtype=torch.float64)
    sd = layer.state_dict()
    params = from_torch(cell, sd, suffix="_l0")
    b_ih, b_hh = sd["bias_ih_l0"].numpy(), sd["bias_hh_l0"].numpy()
    gates = {"elman": "h", "lstm": "ifgo", "gru": "rzn"}[cell]
    for k, g in enumerate(gates):
        block = slice(4 * k, 4 * (k + 1))
        np.testing.assert_array_equal(params[f"W_x{g}"], sd["weight_ih_l0"][block].numpy())
        np.testing.assert_array_equal(params[f"W_h{g}"], sd["weight_hh_l0"][block].numpy())
        if cell == "gru" and g == "n":
            np.testing.assert_array_equal(params["b_xn"], b_ih[block])
            np.testing.assert_array_equal(params["b_hn"], b_hh[block])
        else:
            np.testing.assert_array_equal(params[f"b_{g}"], b_ih[block] + b_hh[block])


def _reference_stack(cell, layer_params, x):
    """A stacked bidirectional reference network; returns outputs (B, T, 2H) and finals (2L, B, H)."""
    forward = {"elman": elman_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    finals, inputs = [], x
    for fwd, rev in layer_params:
        hs_f, state_f, _ = forward(fwd, inputs)
        hs_r, state_r, _ = forward(rev, inputs[:, ::-1])
        inputs = np.concatenate([hs_f, hs_r[:, ::-1]], axis=-1)  # (B, T, 2H)
        finals += [state_f, state_r]
    return inputs, finals


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_layer_suffixes_read_a_stacked_bidirectional_torch_layer(cell):
    torch.manual_seed(0)
    layer = TORCH[cell](3, 4, num_layers=2, bidirectional=True, batch_first=True, dtype=torch.float64)
    sd = layer.state_dict()
    layer_params = [
        (from_torch(cell, sd, suffix=f"_l{k}"), from_torch(cell, sd, suffix=f"_l{k}_reverse"))
        for k in range(2)
    ]
    x = np.random.default_rng(0).standard_normal((2, 5, 3))
    out, final = layer(torch.from_numpy(x))
    ours, finals = _reference_stack(cell, layer_params, x)
    np.testing.assert_allclose(ours, out.detach().numpy(), rtol=0, atol=1e-12)
    h_n = final[0] if cell == "lstm" else final
    ours_h = np.stack([f[0] if cell == "lstm" else f for f in finals])  # (2L, B, H)
    np.testing.assert_allclose(ours_h, h_n.detach().numpy(), rtol=0, atol=1e-12)


def test_summed_bias_gradients_are_copies_not_halves():
    # torch's bias_ih and bias_hh enter every gate as a sum (GRU n-block aside), so their gradients are equal
    layer = torch.nn.GRU(3, 4, batch_first=True, dtype=torch.float64)
    out, _ = layer(torch.randn(2, 5, 3, dtype=torch.float64))
    (out * torch.randn_like(out)).sum().backward()
    g_ih, g_hh = layer.bias_ih_l0.grad.numpy(), layer.bias_hh_l0.grad.numpy()
    np.testing.assert_allclose(g_ih[:8], g_hh[:8], rtol=0, atol=1e-14)  # r and z blocks
    assert np.abs(g_ih[8:] - g_hh[8:]).max() > 1e-6  # the n-block's two biases differ
    grads = from_torch("gru", {n: p.grad for n, p in layer.named_parameters()}, "_l0", gradients=True)
    np.testing.assert_array_equal(grads["b_r"], g_ih[:4])
    np.testing.assert_array_equal(grads["b_hn"], g_hh[8:])


def test_bias_free_torch_layer_reads_zero_biases():
    layer = torch.nn.LSTM(3, 4, bias=False, dtype=torch.float64)
    params = from_torch("lstm", layer.state_dict(), "_l0")
    for g in "ifgo":
        np.testing.assert_array_equal(params[f"b_{g}"], np.zeros(4))


def test_layout_rejects_bad_input():
    with pytest.raises(ValueError, match="cell must be one of"):
        to_torch("rnn", {})
    with pytest.raises(ValueError, match="missing"):
        to_torch("lstm", init_elman_params(3, 4, np.random.default_rng(0)))
    sd = torch.nn.GRU(3, 4).state_dict()
    with pytest.raises(ValueError, match="no 'weight_ih_l1'"):
        from_torch("gru", sd, suffix="_l1")
    with pytest.raises(ValueError, match="G=4"):
        from_torch("lstm", sd, suffix="_l0")
