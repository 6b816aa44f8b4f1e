"""Moving batches to the device, whatever their structure (tensor, tuple, list, dict, nested).

Example:
    >>> batch = {"x": torch.zeros(2, 3), "lengths": torch.tensor([3, 1]), "ids": ["a", "b"]}
    >>> moved = move_to_device(batch, torch.device("cpu"))
    >>> sorted(moved), moved["ids"]
    (['ids', 'lengths', 'x'], ['a', 'b'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor


def move_to_device(batch: Any, device: torch.device, non_blocking: bool = False) -> Any:
    """Every tensor inside ``batch`` moved to ``device``; other values (strings, ints) unchanged.

    Tuples (named tuples included), lists and mappings keep their type.
    """
    if isinstance(batch, Tensor):
        return batch.to(device, non_blocking=non_blocking)
    if isinstance(batch, Mapping):
        moved = {k: move_to_device(v, device, non_blocking) for k, v in batch.items()}
        try:
            return type(batch)(moved)
        except TypeError:  # a mapping type whose constructor takes something else (e.g. defaultdict)
            return moved
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # named tuple
        return type(batch)(*(move_to_device(v, device, non_blocking) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(move_to_device(v, device, non_blocking) for v in batch)
    return batch
