"""Every torch.nn compatibility case by name, for tests/test_layers_torch_compat.py and bench/torch_compat.py.

``moduleinfo:<check>[<kind>]`` (tests/compat_moduleinfo.py, PyTorch's ModuleInfo samples) and
``nn:<check>`` (tests/compat_nn.py, the behaviours PyTorch's test_nn.py checks). A case is
``case(flavour)``; it raises on a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from compat_flavours import KINDS, Flavour
from compat_moduleinfo import MODULEINFO_CASES
from compat_nn import NN_CASES


def all_cases() -> dict[str, Callable[[Flavour], None]]:
    """Each case by name, the ModuleInfo ones once per layer."""
    cases: dict[str, Callable[[Flavour], None]] = {}
    for check, case in MODULEINFO_CASES.items():
        for kind in KINDS:
            cases[f"moduleinfo:{check}[{kind}]"] = partial(case, kind=kind)
    cases.update({f"nn:{name}": case for name, case in NN_CASES.items()})
    return cases
