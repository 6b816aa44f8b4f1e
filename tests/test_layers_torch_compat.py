"""rnnkit.RNN/GRU/LSTM drop in for torch.nn's: every compatibility case (tests/compat_cases.py) holds.

The ModuleInfo cases build torch.nn's module and rnnkit's from each of PyTorch's own samples (CPU,
float32 and float64), copy torch.nn's weights into rnnkit's and compare outputs, states and gradients;
the test_nn-style cases check projections, error types, dropout bounds, weight lists, packed
sequences. One test per check, over RNN, GRU and LSTM. ``bench/torch_compat.py`` runs the same cases
on torch.nn too and counts them.
"""

from __future__ import annotations

import pytest
from compat_cases import all_cases
from compat_flavours import RNNKIT

CASES = all_cases()
CHECKS = list(dict.fromkeys(name.split("[")[0] for name in CASES))  # "moduleinfo:forward", "nn:weight_norm"


@pytest.mark.parametrize("check", CHECKS)
def test_rnnkit_passes(check: str) -> None:
    failures = {}
    for name, case in CASES.items():
        if name.split("[")[0] == check:
            try:
                case(RNNKIT)
            except Exception as exc:  # noqa: BLE001 - every layer's failure is reported together
                failures[name] = f"{type(exc).__name__}: {exc}"
    assert not failures, "\n".join(f"{name}: {why}" for name, why in failures.items())
