"""Compatibility cases for the behaviours PyTorch's test/test_nn.py checks of RNN, GRU and LSTM.

Written for rnnkit from the list of what those tests check (none of their code is copied). Each case
is ``case(flavour)`` and raises on a failure; it runs on torch.nn and on rnnkit alike. Shapes are
torch.nn's default layout, (T, B, D), since :meth:`compat_flavours.Flavour.build` fills in
``batch_first=False``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import partial

import torch
from compat_flavours import KINDS, Flavour, assert_same, total, twins
from torch import nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

F64 = torch.float64
LSTMP = {"proj_size": 3}  # an LSTM with projections, where a case wants one


def _expect(error: type[BaseException], fn: Callable[[], object], what: str) -> None:
    try:
        fn()
    except error:
        return
    except Exception as exc:  # noqa: BLE001 - the wrong type is the failure reported
        raise AssertionError(f"{what}: expected {error.__name__}, got {type(exc).__name__}: {exc}") from exc
    raise AssertionError(f"{what}: expected {error.__name__}, nothing raised")


def _options(kind: str) -> dict[str, int]:
    return LSTMP if kind == "LSTM" else {}


def case_projection_shapes(flavour: Flavour) -> None:
    """LSTM(proj_size=P): weight_hr (P, H), h (L*K, B, P), c (L*K, B, H), output K*P, and layer
    k > 0 reads K*P features; proj_size=0 (from a config, say) is a plain LSTM."""
    T, B, D, H, P = 4, 2, 5, 7, 3
    for num_layers in (1, 2):
        for bidirectional in (False, True):
            K = 2 if bidirectional else 1
            lstm = flavour.build("LSTM", D, H, num_layers, bidirectional=bidirectional, proj_size=P)
            assert_same(lstm.proj_size, P, 0, "proj_size")
            out, (h, c) = lstm(torch.randn(T, B, D))
            assert_same(out.shape, (T, B, K * P), 0, "output shape")
            assert_same((h.shape, c.shape), ((L := num_layers * K, B, P), (L, B, H)), 0, "state shapes")
            for k in range(num_layers):
                assert_same(getattr(lstm, f"weight_hr_l{k}").shape, (P, H), 0, "weight_hr shape")
                assert_same(getattr(lstm, f"weight_hh_l{k}").shape, (4 * H, P), 0, "weight_hh shape")
                assert_same(getattr(lstm, f"weight_ih_l{k}").shape[1], D if k == 0 else K * P, 0, "weight_ih")
    plain = flavour.build("LSTM", D, H, proj_size=0)
    assert_same((plain.proj_size, hasattr(plain, "weight_hr_l0")), (0, False), 0, "proj_size=0")


def case_projection_arguments(flavour: Flavour) -> None:
    """proj_size < 0 or >= hidden_size is a ValueError; states of the wrong size a RuntimeError."""
    for bad in (-1, 4, 5):
        _expect(ValueError, partial(flavour.build, "LSTM", 3, 4, proj_size=bad), f"proj_size={bad}")
    lstm = flavour.build("LSTM", 3, 4, 2, proj_size=2)
    x = torch.randn(5, 6, 3)  # (T, B, D)
    h, c = torch.zeros(2, 6, 2), torch.zeros(2, 6, 4)
    lstm(x, (h, c))
    _expect(RuntimeError, lambda: lstm(x, (torch.zeros(2, 6, 4), c)), "h of hidden_size, not proj_size")
    _expect(RuntimeError, lambda: lstm(x, (h, torch.zeros(2, 6, 2))), "c of proj_size, not hidden_size")


def case_shape_errors(flavour: Flavour, kind: str) -> None:
    """Wrong input features, state batch, state layers or state size: RuntimeError, as torch.nn's."""
    layer = flavour.build(kind, 3, 5, 2, **_options(kind))
    x = torch.randn(4, 6, 3)
    out_size = 3 if kind == "LSTM" else 5
    good = {"h": (2, 6, out_size), "c": (2, 6, 5)}

    def state(**wrong: tuple[int, ...]) -> object:
        shapes = {**good, **wrong}
        return tuple(torch.zeros(shapes[n]) for n in "hc") if kind == "LSTM" else torch.zeros(shapes["h"])

    layer(x, state())
    _expect(RuntimeError, lambda: layer(torch.randn(4, 6, 2)), "2 input features, input_size 3")
    for wrong in ((2, 7, out_size), (3, 6, out_size), (2, 6, out_size + 1)):
        _expect(RuntimeError, lambda wrong=wrong: layer(x, state(h=wrong)), f"h_0 of shape {wrong}")
    if kind == "LSTM":
        _expect(RuntimeError, lambda: layer(x, state(c=(2, 6, 4))), "c_0 of shape (2, 6, 4)")


def case_initial_state_zeros(flavour: Flavour, kind: str) -> None:
    """No initial state means zeros."""
    layer = flavour.build(kind, 3, 5, 2, bidirectional=True, **_options(kind))
    x = torch.randn(4, 2, 3)
    out_size = 3 if kind == "LSTM" else 5
    zeros = torch.zeros(4, 2, out_size)
    state = (zeros, torch.zeros(4, 2, 5)) if kind == "LSTM" else zeros
    assert_same(layer(x, state), layer(x), 0.0, "zeros given vs None")


def case_empty_batch(flavour: Flavour) -> None:
    """A batch of zero sequences runs, forward and backward (the LSTM with a projection)."""
    for kind in KINDS:
        layer = flavour.build(kind, 3, 4, **_options(kind))
        out, _ = layer(torch.zeros(5, 0, 3))  # (T, B=0, D)
        assert_same(out.shape, (5, 0, 3 if kind == "LSTM" else 4), 0, f"{kind} output shape")
        out.sum().backward()


def case_empty_time_axis(flavour: Flavour) -> None:
    """Sequences of length zero are a RuntimeError (the LSTM with a projection)."""
    for kind in KINDS:
        layer = flavour.build(kind, 3, 4, **_options(kind))
        _expect(RuntimeError, lambda layer=layer: layer(torch.zeros(0, 2, 3)), f"{kind} with T=0")


def case_dropout_bounds(flavour: Flavour) -> None:
    """dropout in [0, 1] (1 included) is accepted; outside it, or not a number, a ValueError."""
    for kind in KINDS:
        for p in (0, 0.0, 0.5, 1, 1.0):
            layer = flavour.build(kind, 3, 4, 2, dropout=p)
            layer.train()(torch.randn(2, 2, 3))
        for bad in (-0.1, 1.1, True, "0.5"):
            _expect(ValueError, partial(flavour.build, kind, 3, 4, 2, dropout=bad), f"dropout={bad!r}")


def case_nonlinearity(flavour: Flavour) -> None:
    """RNN: tanh by default; 'relu' also as the fourth positional argument (``mode`` follows it);
    anything else a ValueError."""
    tanh = flavour.build("RNN", 3, 4)
    assert_same((tanh.nonlinearity, tanh.mode), ("tanh", "RNN_TANH"), 0, "default nonlinearity")
    ours, theirs = twins(flavour, "RNN", (3, 4, 2, "relu"), {}, F64)
    assert_same((ours.nonlinearity, ours.mode), ("relu", "RNN_RELU"), 0, "positional nonlinearity")
    x = torch.randn(5, 2, 3, dtype=F64)
    assert_same(ours(x), theirs(x), 1e-12, "relu RNN against torch.nn")
    _expect(ValueError, partial(flavour.build, "RNN", 3, 4, nonlinearity="sigmoid"), "nonlinearity='sigmoid'")


def case_to_after_deleting_a_weight(flavour: Flavour) -> None:
    """``.to()`` runs while a weight is deleted; put back, the layer computes what it did."""
    lstm = flavour.build("LSTM", 10, 6, 2)
    x = torch.randn(3, 2, 10)
    expected = lstm(x)
    weight = lstm.weight_hh_l0
    del lstm.weight_hh_l0
    if hasattr(lstm, "weight_hh_l0"):
        raise AssertionError("the weight is still there after del")
    lstm.to(F64)
    lstm.weight_hh_l0 = weight.to(F64)
    out, (h, c) = expected
    assert_same(lstm(x.to(F64)), (out.double(), (h.double(), c.double())), 1e-5, "after .to(), weight back")


def case_weight_norm(flavour: Flavour) -> None:
    """weight_norm on one weight leaves a plain tensor in ``_flat_weights``; removing it, a Parameter
    again; the layer's outputs do not change."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.nn.utils.weight_norm is deprecated for parametrizations
        for options, name, count in (({}, "weight_ih_l0", 4), (LSTMP, "weight_hr_l0", 5)):
            lstm = flavour.build("LSTM", 8, 8, **options)
            x = torch.randn(3, 2, 8)
            expected = lstm(x)
            nn.utils.weight_norm(lstm, name=name)
            params = sum(isinstance(w, nn.Parameter) for w in lstm._flat_weights)
            assert_same(params, count - 1, 0, f"Parameters in _flat_weights with weight_norm on {name}")
            assert_same(lstm(x), expected, 1e-5, "output under weight_norm")
            nn.utils.remove_weight_norm(lstm, name=name)
            params = sum(isinstance(w, nn.Parameter) for w in lstm._flat_weights)
            assert_same(params, count, 0, "Parameters in _flat_weights after remove_weight_norm")
            assert_same(name in dict(lstm.named_parameters()), True, 0, f"{name} a parameter again")


def case_weight_lists(flavour: Flavour, kind: str) -> None:
    """``_flat_weights_names``, ``_flat_weights`` (a list, in step with the attributes), ``all_weights``
    and ``mode`` as torch.nn has them."""
    config = {"num_layers": 2, "bidirectional": True, **_options(kind)}
    ours, theirs = twins(flavour, kind, (3, 4), config, torch.float32)
    assert_same(ours._flat_weights_names, theirs._flat_weights_names, 0, "_flat_weights_names")
    assert_same(ours.mode, theirs.mode, 0, "mode")
    if not isinstance(ours._flat_weights, list):
        raise AssertionError(f"_flat_weights is {type(ours._flat_weights).__name__}, not a list")
    for name, w in zip(ours._flat_weights_names, ours._flat_weights, strict=True):
        if w is not getattr(ours, name):
            raise AssertionError(f"_flat_weights holds another tensor than {name}")
    shapes = [[tuple(w.shape) for w in group] for group in ours.all_weights]
    assert_same(shapes, [[tuple(w.shape) for w in group] for group in theirs.all_weights], 0, "all_weights")
    replacement = nn.Parameter(torch.randn_like(ours.weight_hh_l1))
    ours.weight_hh_l1 = replacement
    if not any(w is replacement for w in ours._flat_weights):
        raise AssertionError("_flat_weights did not follow an assigned weight")


def case_packed_indices(flavour: Flavour) -> None:
    """A PackedSequence output carries the input's sort indices: None after enforce_sorted=True."""
    for kind in KINDS:
        layer = flavour.build(kind, 3, 4, **_options(kind))
        sequences = [torch.randn(n, 3) for n in (5, 3, 2)]
        for enforce_sorted, order in ((True, (0, 1, 2)), (False, (1, 0, 2))):
            packed = pack_sequence([sequences[i] for i in order], enforce_sorted=enforce_sorted)
            out, _ = layer(packed)
            for field in ("sorted_indices", "unsorted_indices"):
                got, want = getattr(out, field), getattr(packed, field)
                if (got is None) != (want is None) or (got is not None and not torch.equal(got, want)):
                    raise AssertionError(f"{kind} output {field} {got}, the input's {want}")


def case_variable_lengths(flavour: Flavour, kind: str) -> None:
    """A packed batch gives each sequence what that sequence gives alone (outputs and final states)."""
    layer = flavour.build(kind, 3, 5, 2, bidirectional=True, **_options(kind)).double()
    sequences = [torch.randn(n, 3, dtype=F64) for n in (3, 6, 1)]
    out, state = layer(pack_sequence(sequences, enforce_sorted=False))
    padded, lengths = pad_packed_sequence(out)  # (T, B, K*H_out)
    states = state if isinstance(state, tuple) else (state,)
    for b, seq in enumerate(sequences):
        alone, alone_state = layer(seq.unsqueeze(1))  # (n, 1, K*H_out)
        assert_same(padded[: lengths[b], b], alone[:, 0], 1e-10, f"sequence {b} outputs")
        alone_states = alone_state if isinstance(alone_state, tuple) else (alone_state,)
        for s, a in zip(states, alone_states, strict=True):
            assert_same(s[:, b], a[:, 0], 1e-10, f"sequence {b} final state")


def case_backward_twice(flavour: Flavour) -> None:
    """With retain_graph, a second backward adds the same gradients again."""
    for kind in KINDS:
        layer = flavour.build(kind, 3, 4, 2, **_options(kind))
        x = torch.randn(5, 2, 3, requires_grad=True)
        loss = total(layer(x))
        loss.backward(retain_graph=True)
        first = [p.grad.clone() for p in layer.parameters()]
        loss.backward()
        for g, p in zip(first, layer.parameters(), strict=True):
            assert_same(p.grad, 2 * g, 1e-5, f"{kind} second backward")


def case_boolean_arguments(flavour: Flavour) -> None:
    """bias and batch_first must be bools: 1 or the string 'False' is a TypeError naming the argument."""
    for kind in KINDS:
        for arg, value in (("bias", "False"), ("bias", 1), ("batch_first", 1), ("batch_first", "False")):
            build = partial(flavour.build, kind, 3, 4, **{arg: value})
            try:
                build()
            except TypeError as exc:
                if f"{arg} should be of type bool" not in str(exc):
                    raise AssertionError(
                        f"{kind}({arg}={value!r}): the message does not name it: {exc}"
                    ) from exc
            else:
                raise AssertionError(f"{kind}({arg}={value!r}) was accepted")


def _per_kind(case: Callable[[Flavour, str], None]) -> dict[str, Callable[[Flavour], None]]:
    name = case.__name__.removeprefix("case_")
    return {f"{name}[{kind}]": partial(case, kind=kind) for kind in KINDS}


NN_CASES: dict[str, Callable[[Flavour], None]] = {
    "projection_shapes": case_projection_shapes,
    "projection_arguments": case_projection_arguments,
    **_per_kind(case_shape_errors),
    **_per_kind(case_initial_state_zeros),
    "empty_batch": case_empty_batch,
    "empty_time_axis": case_empty_time_axis,
    "dropout_bounds": case_dropout_bounds,
    "nonlinearity": case_nonlinearity,
    "to_after_deleting_a_weight": case_to_after_deleting_a_weight,
    "weight_norm": case_weight_norm,
    **_per_kind(case_weight_lists),
    "packed_indices": case_packed_indices,
    **_per_kind(case_variable_lengths),
    "backward_twice": case_backward_twice,
    "boolean_arguments": case_boolean_arguments,
}
"""Each test_nn-style case by name."""
