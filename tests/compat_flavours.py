"""torch.nn and rnnkit side by side: the two flavours of RNN/GRU/LSTM, PyTorch's ModuleInfo samples,
and the comparison the compatibility cases use (tests/compat_moduleinfo.py, tests/compat_nn.py).

rnnkit's layers default to ``batch_first=True``; :meth:`Flavour.build` fills in ``batch_first=False``
where a call gives none, as a user dropping rnnkit in for torch.nn does.
"""

from __future__ import annotations

import importlib.util
import sys
import types
import unittest
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

import rnnkit

KINDS = ("RNN", "GRU", "LSTM")
BATCH_FIRST_POSITION = {"RNN": 5, "GRU": 4, "LSTM": 4}  # index of batch_first among positional args
DTYPES = (torch.float32, torch.float64)
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}


@dataclass(frozen=True)
class Flavour:
    """One implementation of the three layers, built as a torch.nn user builds them."""

    name: str
    classes: dict[str, type[nn.Module]]

    def build(self, kind: str, *args: Any, **kwargs: Any) -> nn.Module:
        """``classes[kind](*args, **kwargs)``, with ``batch_first=False`` unless the call gives it."""
        if "batch_first" not in kwargs and len(args) <= BATCH_FIRST_POSITION[kind]:
            kwargs["batch_first"] = False
        return self.classes[kind](*args, **kwargs)


TORCH = Flavour("torch.nn", {"RNN": nn.RNN, "GRU": nn.GRU, "LSTM": nn.LSTM})
RNNKIT = Flavour("rnnkit", {"RNN": rnnkit.RNN, "GRU": rnnkit.GRU, "LSTM": rnnkit.LSTM})
FLAVOURS = (RNNKIT, TORCH)


@cache
def module_infos() -> dict[str, Any]:
    """The ``ModuleInfo`` entries of ``nn.RNN``, ``nn.GRU``, ``nn.LSTM`` that ship inside torch, by kind.

    Importing ``torch.testing._internal.common_modules`` has effects on the whole process, which are
    undone here so that the tests after these run as before: its ``common_utils`` freezes
    ``torch.backends`` flags (``disable_global_flags``) and wraps TorchScript calls. It also imports
    the ``expecttest`` package, only for a TestCase base class and an ``ACCEPT`` flag; where that is not
    installed a stand-in is lent for the import.
    """
    frozen = torch.backends.flags_frozen()
    script_calls = torch._C.ScriptFunction.__call__, torch._C.ScriptMethod.__call__
    lent = "expecttest" not in sys.modules and importlib.util.find_spec("expecttest") is None
    if lent:
        stand_in = types.ModuleType("expecttest")
        stand_in.TestCase = unittest.TestCase  # type: ignore[attr-defined]
        stand_in.ACCEPT = False  # type: ignore[attr-defined]
        sys.modules["expecttest"] = stand_in
    try:
        from torch.testing._internal import common_modules
    finally:
        if lent:
            del sys.modules["expecttest"]
        if not frozen:  # the flag is a global of torch/backends/__init__.py, behind a module wrapper
            torch.backends.flags_frozen.__globals__["__allow_nonbracketed_mutation_flag"] = True
        torch._C.ScriptFunction.__call__, torch._C.ScriptMethod.__call__ = script_calls  # type: ignore[method-assign]

    wanted = {nn.RNN: "RNN", nn.GRU: "GRU", nn.LSTM: "LSTM"}
    return {wanted[i.module_cls]: i for i in common_modules.module_db if i.module_cls in wanted}


def samples(kind: str, dtype: torch.dtype, *, packed: bool = False) -> list[Any]:
    """PyTorch's ``ModuleInput`` samples of one layer on the CPU; ``packed``: the PackedSequence ones
    (PyTorch has them for RNN and GRU only)."""
    info = module_infos()[kind]
    extra = {"with_packed_sequence": True} if packed else {}
    found = info.module_inputs_func(
        info, device="cpu", dtype=dtype, requires_grad=False, training=True, **extra
    )
    return [s for s in found if isinstance(s.forward_input.args[0], PackedSequence) == packed]


def error_samples(kind: str) -> list[Any]:
    """PyTorch's ``ErrorModuleInput`` samples: arguments that must raise, with the type and message."""
    info = module_infos()[kind]
    return info.module_error_inputs_func(info, device="cpu", dtype=torch.float32, requires_grad=False,
                                         training=True)  # fmt: skip


def twins(
    flavour: Flavour, kind: str, args: tuple, kwargs: dict, dtype: torch.dtype
) -> tuple[nn.Module, nn.Module]:
    """(the flavour's module, torch.nn's), built from the same arguments, torch.nn's weights copied over."""
    theirs = TORCH.build(kind, *args, **kwargs).to(dtype)
    ours = flavour.build(kind, *args, **kwargs).to(dtype)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def sample_twins(flavour: Flavour, kind: str, sample: Any, dtype: torch.dtype) -> tuple[nn.Module, nn.Module]:
    """:func:`twins` for a ModuleInfo sample's constructor arguments."""
    return twins(flavour, kind, sample.constructor_input.args, sample.constructor_input.kwargs, dtype)


def assert_same(got: object, want: object, tol: float, what: str = "output") -> None:
    """Tensors close, PackedSequences equal field by field (None where the other has None), tuples
    element by element."""
    if isinstance(want, PackedSequence):
        if not isinstance(got, PackedSequence):
            raise AssertionError(f"{what}: expected a PackedSequence, got {type(got).__name__}")
        assert_same(got.data, want.data, tol, f"{what}.data")
        for field in ("batch_sizes", "sorted_indices", "unsorted_indices"):
            a, b = getattr(got, field), getattr(want, field)
            if (a is None) != (b is None) or (a is not None and not torch.equal(a, b)):
                raise AssertionError(f"{what}.{field}: got {a}, expected {b}")
    elif isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            raise AssertionError(f"{what}: expected {len(want)} items, got {type(got).__name__}")
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            assert_same(a, b, tol, f"{what}[{i}]")
    elif isinstance(want, Tensor):
        if not isinstance(got, Tensor):
            raise AssertionError(f"{what}: expected a tensor, got {type(got).__name__}")
        torch.testing.assert_close(got, want, atol=tol, rtol=tol, msg=lambda m: f"{what}: {m}")
    elif got != want:
        raise AssertionError(f"{what}: got {got!r}, expected {want!r}")


def tensors_of(result: object) -> Iterator[Tensor]:
    """Every floating tensor of a forward result or argument list (a PackedSequence gives its data)."""
    if isinstance(result, PackedSequence):
        yield result.data
    elif isinstance(result, (tuple, list)):
        for item in result:
            yield from tensors_of(item)
    elif isinstance(result, Tensor) and result.is_floating_point():
        yield result


def total(result: object) -> Tensor:
    """A scalar that every output tensor reaches with its own random weights, for backward."""
    parts = list(tensors_of(result))
    g = torch.Generator().manual_seed(len(parts))
    return sum((t * torch.randn(t.shape, generator=g, dtype=t.dtype)).sum() for t in parts)  # type: ignore[return-value]
