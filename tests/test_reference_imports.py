"""rnnkit.reference depends on NumPy and the standard library only, never on torch."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

REFERENCE = Path(importlib.util.find_spec("rnnkit").submodule_search_locations[0]) / "reference"
ALLOWED = {"numpy"} | set(sys.stdlib_module_names)


def test_reference_sources_import_numpy_stdlib_or_relative_only():
    files = sorted(REFERENCE.glob("*.py"))
    assert len(files) >= 10
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                tops = [] if node.level > 0 else [node.module.split(".")[0]]
            else:
                continue
            bad = [name for name in tops if name not in ALLOWED]
            assert not bad, f"{path.name}:{node.lineno} imports {bad}"


def test_reference_runs_with_torch_unavailable():
    # Bypass rnnkit/__init__.py (which imports torch) and make `import torch` fail outright.
    code = (
        "import sys, types\n"
        "sys.modules['torch'] = None\n"
        "pkg = types.ModuleType('rnnkit')\n"
        f"pkg.__path__ = [{str(REFERENCE.parent)!r}]\n"
        "sys.modules['rnnkit'] = pkg\n"
        "import numpy as np\n"
        "import rnnkit.reference as ref\n"
        "import rnnkit.reference.char_model\n"
        "p = ref.init_lstm_params(2, 3, np.random.default_rng(0))\n"
        "hs, state, cache = ref.lstm_forward(p, np.zeros((1, 2, 2)))\n"
        "ref.lstm_backward(p, hs, cache)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
