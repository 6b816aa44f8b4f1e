"""LSTM with projections (``proj_size``, LSTMP): packed input, step, recurrent dropout, state_dict,
reassigned weights, argument checks; gradcheck on the loop backend with lengths. (Outputs, states and
gradients against torch.nn.LSTM on both backends, with lengths and both directions: test_layers_rnn.py.)"""

from __future__ import annotations

import pytest
import torch
from helpers import as_tuple, assert_close, make_pair
from torch import nn

import rnnkit

F64 = torch.float64


@pytest.mark.parametrize("backend", ["loop", "fused"])
def test_packed_input_like_torch(backend):
    ours, theirs = make_pair("lstm", F64, input_size=3, hidden_size=4, num_layers=2, bidirectional=True,
                             batch_first=False, proj_size=3)  # fmt: skip
    ours.backend = backend
    packed = nn.utils.rnn.pack_sequence(
        [torch.randn(n, 3, dtype=F64) for n in (2, 5, 3)], enforce_sorted=False
    )
    out, (h, c) = ours(packed)
    ref_out, (ref_h, ref_c) = theirs(packed)
    assert torch.equal(out.sorted_indices, ref_out.sorted_indices)
    assert_close(out.data, ref_out.data, 1e-10, "packed output")
    assert_close(h, ref_h, 1e-10, "h")
    assert_close(c, ref_c, 1e-10, "c")


def test_gradcheck_loop_backend_with_lengths():
    lstm = rnnkit.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=2, backend="loop").double()
    names = [n for n, _ in lstm.named_parameters()]
    params = tuple(p.detach().clone().requires_grad_() for p in lstm.parameters())
    x = torch.randn(2, 4, 2, dtype=F64, requires_grad=True)  # (B, T, D)
    h0 = torch.randn(4, 2, 2, dtype=F64, requires_grad=True)  # (L*K, B, P)
    c0 = torch.randn(4, 2, 3, dtype=F64, requires_grad=True)  # (L*K, B, H)
    lengths = torch.tensor([4, 2])

    def fn(x, h0, c0, *weights):
        call = torch.func.functional_call(lstm, dict(zip(names, weights, strict=True)), (x, (h0, c0)),
                                          {"lengths": lengths})  # fmt: skip
        out, (h, c) = call
        return out, h, c

    assert lstm.resolve_backend(x) == "loop"
    assert torch.autograd.gradcheck(fn, (x, h0, c0, *params))


def test_step_over_sequence_equals_forward():
    lstm = rnnkit.LSTM(4, 6, num_layers=2, proj_size=3).double().eval()
    x = torch.randn(2, 5, 4, dtype=F64)
    out, final = lstm(x)
    state = None
    for t in range(x.shape[1]):
        y_t, state = lstm.step(x[:, t], state)
        assert y_t.shape == (2, 3)
        assert_close(y_t, out[:, t], 1e-10, f"output at step {t}")
    for a, b in zip(state, final, strict=True):
        assert_close(a, b, 1e-10, "final state")


def test_recurrent_dropout_masks_the_projected_state():
    lstm = rnnkit.LSTM(3, 5, proj_size=2, recurrent_dropout=0.5)
    x = torch.randn(4, 6, 3)
    assert lstm.train().resolve_backend(x) == "loop"
    a, _ = lstm(x)
    b, _ = lstm(x)
    assert a.shape == (4, 6, 2) and not torch.allclose(a, b)
    lstm.eval()
    fused_out, _ = lstm(x)
    lstm.backend = "loop"
    loop_out, _ = lstm(x)
    assert_close(fused_out, loop_out, 1e-5, "eval: no mask, fused == loop")


def test_state_dict_names_and_shapes_are_torch_nn_s():
    ours, theirs = make_pair(
        "lstm", input_size=3, hidden_size=5, num_layers=2, bidirectional=True, proj_size=2
    )
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert {k: v.shape for k, v in ours.state_dict().items()} == {
        k: v.shape for k, v in theirs.state_dict().items()
    }
    assert ours.weight_hr_l1_reverse.shape == (2, 5) and ours.weight_ih_l1.shape == (20, 4)
    assert ours.proj_size == 2 and "proj_size=2" in repr(ours)


def test_reassigned_weight_reaches_the_fused_kernel():
    ours, theirs = make_pair("lstm", input_size=3, hidden_size=5, proj_size=2, batch_first=True)
    new = torch.randn(2, 5, dtype=F64)
    ours.weight_hr_l0 = nn.Parameter(new.clone())
    theirs.weight_hr_l0 = nn.Parameter(new.clone())
    x = torch.randn(2, 4, 3, dtype=F64)
    assert ours.resolve_backend(x) == "fused"
    assert_close(ours(x)[0], theirs(x)[0], 1e-10, "output with the new weight_hr")


@pytest.mark.parametrize("bad,error", [(-1, ValueError), (5, ValueError), (7, ValueError), (2.0, TypeError)])
def test_proj_size_is_checked(bad, error):
    with pytest.raises(error, match=r"LSTM: proj_size .*got.*\.") as raised:
        rnnkit.LSTM(3, 5, proj_size=bad)
    assert "LSTMCell" not in str(raised.value)  # the layer's own check, in the layer's name


def test_layernorm_lstm_refuses_a_projection():
    with pytest.raises(ValueError, match="has no projection.*rnnkit.LSTM"):
        rnnkit.LayerNormLSTM(3, 5, proj_size=2)
    assert as_tuple(rnnkit.LayerNormLSTM(3, 5, proj_size=0)(torch.randn(1, 2, 3))[1])[0].shape == (1, 1, 5)
