"""Seeded sine waves: the textbook forecasting series, generated (nothing to download).

One column ``value``, ``rows`` steps of a sine of period ``period`` steps plus Gaussian noise::

    value[t] = sin(2 pi t / period + phase) + noise * eps_t,        eps_t ~ N(0, 1),  phase ~ U[0, 2 pi)

drawn from a NumPy generator seeded by ``seed``, so the same seed gives the same series on every machine.
No time stamps (rows are positions), frequency None.

Example:
    >>> s = sine_series(rows=5, period=4.0, noise=0.0, seed=0)
    >>> s.columns, s.values.shape, bool(abs(s.values).max() <= 1.0)
    (('value',), (5, 1), True)
"""

from __future__ import annotations

import math

import numpy as np

from ..series import Series


def sine_series(rows: int = 2000, period: float = 50.0, noise: float = 0.05, seed: int = 0) -> Series:
    """``rows`` noisy sine values ``(rows, 1)`` with a random phase, seeded."""
    if rows < 1 or period <= 0 or noise < 0:
        raise ValueError(
            f"sine_series: rows must be >= 1, period > 0 and noise >= 0; got {rows}, {period}, {noise}."
        )
    generator = np.random.default_rng(seed)
    phase = generator.uniform(0.0, 2 * math.pi)
    t = np.arange(rows, dtype=np.float64)
    values = np.sin(2 * math.pi * t / period + phase) + noise * generator.standard_normal(rows)
    return Series(values.reshape(rows, 1), ("value",), ("value",), source=f"sine(seed={seed})")
