"""Compatibility cases driven by PyTorch's ModuleInfo samples of nn.RNN, nn.GRU and nn.LSTM.

Each case is ``case(flavour, kind)`` and raises on a failure; it runs on torch.nn and on rnnkit alike
(tests/test_layers_torch_compat.py and bench/torch_compat.py run them). Written for rnnkit after the
list of checks PyTorch's test/test_modules.py makes; none of its code is copied.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import torch
from compat_flavours import (
    DTYPES,
    TOLERANCE,
    TORCH,
    Flavour,
    assert_same,
    error_samples,
    sample_twins,
    samples,
    tensors_of,
    total,
)
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence


def _with_grad(args: tuple) -> tuple:
    """The same arguments, every floating tensor a fresh leaf that requires grad."""
    if isinstance(args, tuple):
        return tuple(_with_grad(a) for a in args)
    if isinstance(args, Tensor) and args.is_floating_point():
        return args.detach().clone().requires_grad_()
    return args


def case_forward(flavour: Flavour, kind: str) -> None:
    """Outputs, final states and every gradient equal torch.nn's with the same weights, and the
    unbatched sample equals the sample's own batched reference."""
    for dtype in DTYPES:
        tol = TOLERANCE[dtype]
        for sample in samples(kind, dtype):
            ours, theirs = sample_twins(flavour, kind, sample, dtype)
            args = sample.forward_input.args
            ours_args, theirs_args = _with_grad(args), _with_grad(args)
            out, ref = ours(*ours_args), theirs(*theirs_args)
            assert_same(out, ref, tol, "against torch.nn")
            assert_same(out, sample.reference_fn(ours, *args), tol, "against the batched reference")
            total(out).backward()
            total(ref).backward()
            for a, b in zip(tensors_of(ours_args), tensors_of(theirs_args), strict=True):
                assert_same(a.grad, b.grad, tol, "input grad")
            their_params = dict(theirs.named_parameters())
            for name, p in ours.named_parameters():
                assert_same(p.grad, their_params[name].grad, tol, f"grad {name}")


def _packed_inputs(kind: str, dtype: torch.dtype) -> list[tuple[Any, PackedSequence]]:
    """PyTorch's packed samples (RNN, GRU); for the LSTM the same construction, sorted and unsorted."""
    if kind != "LSTM":
        return [(s, s.forward_input.args[0]) for s in samples(kind, dtype, packed=True)]
    found = []
    for sample in samples(kind, dtype)[::2]:
        x = torch.randn(5, 3, 2, dtype=dtype)  # (T, B, D)
        for lengths, enforce_sorted in (([5, 3, 2], True), ([2, 5, 3], False)):
            found.append(
                (sample, nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=enforce_sorted))
            )
    return found


def case_packed(flavour: Flavour, kind: str) -> None:
    """A PackedSequence in gives torch.nn's PackedSequence out (data, batch sizes and the sort indices,
    None where the input had None), its final state and the gradient of the packed data."""
    for dtype in DTYPES:
        for sample, packed in _packed_inputs(kind, dtype):
            ours, theirs = sample_twins(flavour, kind, sample, dtype)
            data = packed.data.detach().requires_grad_()
            source = PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
            out, ref = ours(source), theirs(source)
            assert_same(out, ref, TOLERANCE[dtype], "packed forward")
            grads = [torch.autograd.grad(total(r), data)[0] for r in (out, ref)]
            assert_same(grads[0], grads[1], TOLERANCE[dtype], "grad of the packed data")


def _differentiable(
    flavour: Flavour, kind: str, sample: Any
) -> tuple[Callable[..., Any], tuple[Tensor, ...]]:
    """A function of (inputs..., parameters...) -> output tensors, for gradcheck, and its arguments."""
    ours, _ = sample_twins(flavour, kind, sample, torch.float64)
    names = [n for n, _ in ours.named_parameters()]
    params = tuple(p.detach().clone().requires_grad_() for p in ours.parameters())
    args = sample.forward_input.args
    inputs = tuple(t.detach().clone().requires_grad_() for t in tensors_of(args))

    def rebuild(values: Iterator[Tensor], item: object) -> object:
        if isinstance(item, tuple):
            return tuple(rebuild(values, i) for i in item)
        return next(values) if isinstance(item, Tensor) else item

    def fn(*flat: Tensor) -> tuple[Tensor, ...]:
        call_args = rebuild(iter(flat[: len(inputs)]), args)
        weights = dict(zip(names, flat[len(inputs) :], strict=True))
        return tuple(tensors_of(torch.func.functional_call(ours, weights, call_args)))

    return fn, inputs + params


def case_grad(flavour: Flavour, kind: str) -> None:
    """gradcheck in float64, with respect to the inputs and every parameter (every other sample)."""
    for sample in samples(kind, torch.float64)[::2]:
        fn, inputs = _differentiable(flavour, kind, sample)
        torch.autograd.gradcheck(fn, inputs)


def case_gradgrad(flavour: Flavour, kind: str) -> None:
    """gradgradcheck in float64, on every tenth sample (each with an initial state; for the LSTM: one
    projected, one bidirectional, one bidirectional and projected with biases)."""
    for sample in samples(kind, torch.float64)[3::10]:
        fn, inputs = _differentiable(flavour, kind, sample)
        torch.autograd.gradgradcheck(fn, inputs)


def case_factory_kwargs(flavour: Flavour, kind: str) -> None:
    """``device=`` and ``dtype=`` at construction reach every parameter."""
    for sample in samples(kind, torch.float32):
        args, kwargs = sample.constructor_input.args, sample.constructor_input.kwargs
        module = flavour.build(kind, *args, **kwargs, device="cpu", dtype=torch.float64)
        for name, p in module.named_parameters():
            if p.dtype != torch.float64 or p.device.type != "cpu":
                raise AssertionError(f"{name} is {p.dtype} on {p.device}, expected float64 on cpu")


def case_repr(flavour: Flavour, kind: str) -> None:
    """Every sample's module prints, naming its class."""
    for sample in samples(kind, torch.float32):
        text = repr(flavour.build(kind, *sample.constructor_input.args, **sample.constructor_input.kwargs))
        if kind not in text:
            raise AssertionError(f"repr {text!r} does not name the layer")


def case_save_load(flavour: Flavour, kind: str) -> None:
    """torch.save/torch.load of the whole module keeps its outputs; its state_dict loads into torch.nn."""
    for sample in samples(kind, torch.float64):
        ours, theirs = sample_twins(flavour, kind, sample, torch.float64)
        buffer = io.BytesIO()
        torch.save(ours, buffer)
        buffer.seek(0)
        loaded = torch.load(buffer, weights_only=False)
        args = sample.forward_input.args
        assert_same(loaded(*args), ours(*args), 0.0, "after torch.save/torch.load")
        back = TORCH.build(kind, *sample.constructor_input.args, **sample.constructor_input.kwargs).double()
        back.load_state_dict(ours.state_dict())
        assert_same(back(*args), theirs(*args), 1e-12, "torch.nn loading the state_dict")


def _strided(item: object) -> object:
    """The same values in a non-contiguous tensor (stride 2 in the last dimension)."""
    if isinstance(item, tuple):
        return tuple(_strided(i) for i in item)
    if isinstance(item, Tensor):
        return torch.stack([item, torch.full_like(item, float("nan"))], dim=-1)[..., 0]
    return item


def case_non_contiguous(flavour: Flavour, kind: str) -> None:
    """Non-contiguous inputs and states give the outputs their contiguous copies give."""
    for sample in samples(kind, torch.float64):
        ours, _ = sample_twins(flavour, kind, sample, torch.float64)
        args = sample.forward_input.args
        strided = _strided(args)
        assert_same(ours(*strided), ours(*args), 1e-12, "non-contiguous input")


def case_errors(flavour: Flavour, kind: str) -> None:
    """PyTorch's error inputs raise the exception type it expects, with a message matching its pattern."""
    from torch.testing._internal.common_modules import ModuleErrorEnum

    for error in error_samples(kind):
        given = error.module_error_input
        try:
            module = flavour.build(kind, *given.constructor_input.args, **given.constructor_input.kwargs)
            if error.error_on == ModuleErrorEnum.FORWARD_ERROR:
                module(*given.forward_input.args, **given.forward_input.kwargs)
        except Exception as exc:  # noqa: BLE001 - the type is what is checked
            if not isinstance(exc, error.error_type) or not re.search(error.error_regex, str(exc)):
                raise AssertionError(
                    f"expected {error.error_type.__name__} matching {error.error_regex!r}, got "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        else:
            raise AssertionError(f"no error; expected {error.error_type.__name__} ({error.error_regex!r})")


def case_to(flavour: Flavour, kind: str) -> None:
    """``.to(float64)`` converts the module, with and without swapping parameters on conversion."""
    previous = torch.__future__.get_swap_module_params_on_conversion()
    for swap in (False, True):
        for sample in samples(kind, torch.float64)[:4]:
            ours, theirs = sample_twins(flavour, kind, sample, torch.float32)
            torch.__future__.set_swap_module_params_on_conversion(swap)
            try:
                ours.to(torch.float64)
                theirs.to(torch.float64)
            finally:
                torch.__future__.set_swap_module_params_on_conversion(previous)
            args = sample.forward_input.args
            assert_same(ours(*args), theirs(*args), 1e-10, f".to(float64), swap={swap}")


MODULEINFO_CASES: dict[str, Callable[[Flavour, str], None]] = {
    "forward": case_forward,
    "packed": case_packed,
    "grad": case_grad,
    "gradgrad": case_gradgrad,
    "factory_kwargs": case_factory_kwargs,
    "repr": case_repr,
    "save_load": case_save_load,
    "non_contiguous": case_non_contiguous,
    "errors": case_errors,
    "to": case_to,
}
"""Each ModuleInfo case by check; every one runs for RNN, GRU and LSTM."""
