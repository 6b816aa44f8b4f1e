"""Seeding and snapshots of every random number generator a training run touches.

A run is reproducible epoch by epoch when, at each epoch boundary, the states of torch's CPU and
CUDA generators (dropout, initialisation), Python's ``random``, NumPy's global generator and the
DataLoader's shuffling generator are saved with the weights and restored on resume. The snapshot is
made of tensors, ints, floats and lists only, so it loads with ``torch.load(weights_only=True)``.

Example:
    >>> g = torch.Generator()
    >>> seed_everything(7, g)
    >>> snapshot = capture_rng_state(g)
    >>> a = torch.rand(2), torch.rand(2, generator=g)
    >>> restore_rng_state(snapshot, g)
    >>> b = torch.rand(2), torch.rand(2, generator=g)
    >>> all(torch.equal(x, y) for x, y in zip(a, b))
    True
"""

from __future__ import annotations

import random
from typing import Any

import torch

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy is a dependency, but the trainer does not need it
    np = None


def seed_everything(seed: int, generator: torch.Generator | None = None) -> None:
    """Seed torch (CPU and every CUDA device), ``random``, NumPy and optionally ``generator``."""
    random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if np is not None:
        np.random.seed(seed % 2**32)
    if generator is not None:
        generator.manual_seed(seed)


def capture_rng_state(generator: torch.Generator | None = None) -> dict[str, Any]:
    """The state of every generator, as tensors and primitives (safe for ``weights_only`` loads)."""
    version, internal, gauss_next = random.getstate()
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "python": {
            "version": version,
            "internal": torch.tensor(internal, dtype=torch.int64),
            "gauss_next": gauss_next,
        },
    }
    if np is not None:
        kind, keys, pos, has_gauss, cached = np.random.get_state()
        state["numpy"] = {
            "kind": kind,
            "keys": torch.from_numpy(keys.astype(np.int64)),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached),
        }
    if generator is not None:
        state["sampler"] = generator.get_state()
    return state


def restore_rng_state(state: dict[str, Any], generator: torch.Generator | None = None) -> None:
    """Put every generator back into the state :func:`capture_rng_state` returned.

    CUDA states are restored only when the number of visible devices matches the snapshot's.
    """
    torch.set_rng_state(state["torch"])
    cuda_states = state.get("cuda") or []
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda_states)
    python = state["python"]
    random.setstate((python["version"], tuple(python["internal"].tolist()), python["gauss_next"]))
    if np is not None and "numpy" in state:
        numpy_state = state["numpy"]
        np.random.set_state(
            (
                numpy_state["kind"],
                numpy_state["keys"].numpy().astype(np.uint32),
                numpy_state["pos"],
                numpy_state["has_gauss"],
                numpy_state["cached_gaussian"],
            )
        )
    if generator is not None and "sampler" in state:
        generator.set_state(state["sampler"])
