"""Free-running forecasts past a model's horizon: each forecast fed back in as the next input.

For a forecaster ``f: (N, L, C) -> (N, H, C)`` (every column a target) and the observed history
``x[0 : T]``::

    window_0 = x[T-L : T]
    y_hat[0 : H] = f(window_0)
    window_1 = [window_0, y_hat[0 : H]][-L:]     the last L rows, forecasts included
    ...                                          until ``steps`` rows are forecast (the last block cut)

so errors compound over the roll-out, as they do in the textbook's autoregressive generation. A model
whose inputs include columns it does not forecast cannot roll out (nothing would fill them).

Example:
    >>> import numpy as np
    >>> step = lambda w: w[:, -1:, :] + 1.0  # "the last value plus one", H = 1
    >>> roll_forward(step, np.zeros((3, 1)), steps=4, lookback=2).ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def roll_forward(
    forecast: Callable[[np.ndarray], np.ndarray], history: np.ndarray, steps: int, lookback: int
) -> np.ndarray:
    """``(steps, C)``: ``steps`` rows after ``history (T, C)``, ``H`` at a time (``forecast``'s horizon).

    Raises:
        ValueError: ``steps`` below 1, a history shorter than ``lookback``, or a forecast whose columns are
            not the history's.
    """
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"roll_forward: steps must be an int >= 1, got {steps!r}.")
    history = np.asarray(history, dtype=np.float64)
    if history.ndim != 2 or len(history) < lookback:
        raise ValueError(
            f"roll_forward: the history must be (T, C) with T >= the look-back {lookback}; got "
            f"{history.shape}."
        )
    window = history[-lookback:]
    produced: list[np.ndarray] = []
    done = 0
    while done < steps:
        block = np.asarray(forecast(window[None]), dtype=np.float64)[0]  # (H, C)
        if block.ndim != 2 or block.shape[1] != history.shape[1]:
            raise ValueError(
                f"roll_forward: a roll-out feeds forecasts back as inputs, so they need every input column "
                f"({history.shape[1]}); the forecast has shape {block.shape}."
            )
        produced.append(block)
        done += len(block)
        window = np.concatenate([window, block])[-lookback:]
    return np.concatenate(produced)[:steps]
