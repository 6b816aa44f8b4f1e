"""Lazy package exports (PEP 562): a package names what it exports, and a name's module is imported on
first use.

So ``import rnnkit`` and the ``rnnkit`` command do not load torch (about a second) until a layer, a
model or the trainer is used: ``rnnkit --help``, ``rnnkit tasks`` and ``rnnkit data list`` answer at
once. Each package keeps the real imports under ``TYPE_CHECKING`` for type checkers and editors.

Example:
    >>> __getattr__, __dir__ = lazy_exports("rnnkit", {"ElmanCell": ".cells"})
    >>> __getattr__("ElmanCell").__name__
    'ElmanCell'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``; ``exports`` maps a name to the relative module
    that defines it (``".layers"``), or to ``""`` for a subpackage of that name."""

    def getattr_(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        where = exports[name]
        module = importlib.import_module(where or f".{name}", package)
        value = module if not where else getattr(module, name)
        globals_of_package = importlib.import_module(package).__dict__
        globals_of_package[name] = value  # later lookups skip this function
        return value

    def dir_() -> list[str]:
        return sorted({*exports, *importlib.import_module(package).__dict__})

    return getattr_, dir_
