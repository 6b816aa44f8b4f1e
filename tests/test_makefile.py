"""`make install` says what it is doing and how long it takes, instead of a silent `pip -q` of minutes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_install_announces_each_step_and_the_time_it_takes():
    # -n: print the recipe without running it; -B: as if nothing were installed yet
    result = subprocess.run(
        ["make", "-n", "-B", "install"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    recipe = result.stdout
    assert "about 2 minutes" in recipe and "torch 2.13.0" in recipe
    steps = [line for line in recipe.splitlines() if line.startswith('echo "[')]
    assert [s.split("]")[0] for s in steps] == ['echo "[1/3', 'echo "[2/3', 'echo "[3/3']
    assert "source .venv/bin/activate" in recipe
