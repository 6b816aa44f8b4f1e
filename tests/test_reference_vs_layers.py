"""The NumPy reference and rnnkit's own layers agree: outputs, final states and every gradient.

The same checks as against torch.nn (tests/reference_checks.py), with rnnkit.RNN/LSTM/GRU on both
backends as the layer under test: the hand-written BPTT is the oracle for autograd through the loop.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from reference_checks import Spec, check_against_torch

import rnnkit
from rnnkit.reference import (
    elman_backward,
    elman_forward,
    gru_backward,
    gru_forward,
    init_elman_params,
    init_gru_params,
    init_lstm_params,
    lstm_backward,
    lstm_forward,
)

SPECS = {
    "elman": (Spec("elman", init_elman_params, elman_forward, elman_backward, torch.nn.RNN), rnnkit.RNN),
    "lstm": (Spec("lstm", init_lstm_params, lstm_forward, lstm_backward, torch.nn.LSTM), rnnkit.LSTM),
    "gru": (Spec("gru", init_gru_params, gru_forward, gru_backward, torch.nn.GRU), rnnkit.GRU),
}


@pytest.mark.parametrize("backend", ["loop", "fused"])
@pytest.mark.parametrize("lengths", [None, np.array([5, 2, 4])], ids=["full", "ragged"])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_reference_equals_rnnkit_layer(name, lengths, backend):
    spec, layer_cls = SPECS[name]

    def make_layer(input_size: int, hidden_size: int):
        return layer_cls(input_size, hidden_size, backend=backend).double()

    check_against_torch(spec, lengths, make_layer)
