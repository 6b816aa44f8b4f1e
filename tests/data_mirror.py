"""The dataset mirror for the data tests: ``$RNNKIT_DATA`` (the Makefile and CI set it), or a skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def mirror_root() -> Path:
    """The mirror's folder; skips the calling test when ``RNNKIT_DATA`` is not set."""
    root = os.environ.get("RNNKIT_DATA")
    if not root:
        pytest.skip("RNNKIT_DATA is not set: the dataset mirror is needed (the Makefile and CI set it)")
    return Path(root)
