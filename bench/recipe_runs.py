"""What the recipe bench scripts (forecast_recipe, translate_recipe, ner_recipe) print alike: a figure as
median [min, max] over seeds, and the machine line written beside every recorded figure."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time

import torch


def spread(values: list[float], digits: int = 4) -> str:
    """``median [min, max]`` of ``values`` with ``digits`` decimals; ``-`` for none.

    Example:
        >>> spread([0.3, 0.1, 0.2], 2)
        '0.20 [0.10, 0.30]'
    """
    if not values:
        return "-"
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}, {max(values):.{digits}f}]"


def machine_line() -> str:
    """CPUs, torch version and threads, today's date and the command line that produced the figures."""
    return (
        f"machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); {time.strftime('%Y-%m-%d')}; "
        f"command: {' '.join(sys.argv)}"
    )
