"""The map from a series' units to what a model reads: an optional log, then standardisation.

    z = (log(v) - mean) / std      (``log=True``; every value must be positive)
    z = (v - mean) / std           (``log=False``)
    v = exp(z * std + mean)   or   z * std + mean                     the inverse, for forecasts

The log turns a multiplicative season (a yearly swing that grows with the level, as the air passengers'
does) into an additive one (Box & Jenkins' airline model works on log passengers); ``mean`` and ``std``
are the training rows' (:class:`~rnnkit.data.scaling.StandardScaler`). Intervals are made in ``z`` and
mapped back bound by bound, so under the log they are asymmetric in the data's units, as they should be.

Example:
    >>> import numpy as np
    >>> from rnnkit.data.scaling import StandardScaler
    >>> values = np.array([[1.0], [10.0], [100.0]])
    >>> t = ValueTransform.fit(values, ("v",), log=True)
    >>> np.allclose(t.inverse_transform(t.transform(values)), values)
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .scaling import StandardScaler


class ValueTransform:
    """``log`` (optional) then ``scaler``; ``transform`` and ``inverse_transform`` as a scaler's."""

    def __init__(self, scaler: StandardScaler, log: bool = False) -> None:
        self.scaler, self.log = scaler, log

    @classmethod
    def fit(
        cls,
        train_values: np.ndarray,
        columns: Sequence[str],
        log: bool = False,
        scale: bool = True,
        source: str = "",
    ) -> ValueTransform:
        """Fit on the training rows ``(N, C)`` (after the log, if any); ``scale=False``: mean 0, std 1."""
        if log:
            check_positive(train_values, columns, source)
            train_values = np.log(train_values)
        if scale:
            scaler = StandardScaler.fit(train_values, columns)
        else:
            scaler = StandardScaler(tuple(columns), np.zeros(len(columns)), np.ones(len(columns)))
        return cls(scaler, log)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.scaler.columns

    def transform(
        self, values: np.ndarray, columns: Sequence[str] | None = None, source: str = ""
    ) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        if self.log:
            check_positive(values, columns or self.columns, source)
            values = np.log(values)
        return self.scaler.transform(values, columns)

    def inverse_transform(self, values: np.ndarray, columns: Sequence[str] | None = None) -> np.ndarray:
        out = self.scaler.inverse_transform(values, columns)
        return np.exp(out) if self.log else out


def check_positive(values: np.ndarray, columns: Sequence[str], source: str = "") -> None:
    """Refuse a value <= 0 under the log, naming its column (and the file)."""
    values = np.asarray(values)
    bad = np.argwhere(values.reshape(-1, values.shape[-1]) <= 0)
    if len(bad):
        row, col = bad[0]
        where = f"{source}: " if source else ""
        value = values.reshape(-1, values.shape[-1])[row, col]
        raise ValueError(
            f"{where}column {list(columns)[col]!r} has the value {value:g} "
            f"(row {row}); data.transform=log needs every value > 0. Use data.transform=none."
        )
