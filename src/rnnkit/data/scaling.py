"""Standardisation per column, fitted on the training part only, saved as JSON with its column names.

Equations (per column c, over the N training rows):

    mean_c = (1/N) sum_n v_{n,c}
    std_c  = sqrt((1/N) sum_n (v_{n,c} - mean_c)^2)         (population std, ddof 0, as sklearn's)
    z      = (v - mean_c) / std_c         v = z * std_c + mean_c   (inverse)

A constant training column (``std_c`` at or below ``10 eps max(|mean_c|, 1)``, so rounding noise counts as
zero) gets ``std_c = 1``: it is centred, not blown up, and is listed in ``constant_columns``.

Fit on ``values[split.train.rows]`` only: validation and test rows must not shape the statistics the model
sees them through. The JSON keeps the columns, so data loaded later (a new CSV for a trained model) is
checked against them (:meth:`StandardScaler.check_columns`).

Example:
    >>> scaler = StandardScaler.fit(np.array([[1.0, 5.0], [3.0, 5.0]]), ("a", "b"))
    >>> scaler.mean.tolist(), scaler.std.tolist(), scaler.constant_columns
    ([2.0, 5.0], [1.0, 1.0], ('b',))
    >>> scaler.transform(np.array([[3.0, 7.0]])).tolist()
    [[1.0, 2.0]]
    >>> scaler.inverse_transform(np.array([[1.0]]), columns=("a",)).tolist()
    [[3.0]]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import write_json

KIND = "standard"
_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True, eq=False)
class StandardScaler:
    """Per-column ``z = (v - mean) / std`` over the last axis of any ``(..., C)`` array.

    Args:
        columns: the ``C`` column names, in order.
        mean: ``(C,)`` float64.
        std: ``(C,)`` float64, positive (constant columns already set to 1).
        constant_columns: the columns whose training std was zero.
    """

    columns: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    constant_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.columns)
        if self.mean.shape != (n,) or self.std.shape != (n,) or len(set(self.columns)) != n:
            raise ValueError(
                f"a scaler needs one unique column name, mean and std per column; got {n} columns, mean "
                f"{self.mean.shape}, std {self.std.shape}."
            )
        if not (np.isfinite(self.mean).all() and np.isfinite(self.std).all() and (self.std > 0).all()):
            raise ValueError("a scaler's mean must be finite and its std finite and positive.")

    @classmethod
    def fit(cls, values: np.ndarray, columns: Sequence[str]) -> StandardScaler:
        """Fit on ``(N, C)`` training rows (``values[split.train.rows]``).

        Raises:
            ValueError: no rows, a column count that is not ``len(columns)``, or a value that is not finite.
        """
        values = np.asarray(values, dtype=np.float64)
        columns = tuple(columns)
        if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] != len(columns):
            raise ValueError(
                f"fit a scaler on (N, C) training rows with N >= 1 and C = {len(columns)} (the columns "
                f"{list(columns)}); got {values.shape}."
            )
        if not np.isfinite(values).all():
            col = int(np.argwhere(~np.isfinite(values))[0, 1])
            raise ValueError(
                f"column {columns[col]!r} has a value that is not finite; fill missing values before "
                "fitting the scaler."
            )
        shift = values[0]  # statistics of v - v_0: exact for a constant column, less rounding for large means
        mean = shift + (values - shift).mean(axis=0)
        std = (values - shift).std(axis=0)
        constant = std <= 10 * _EPS * np.maximum(np.abs(mean), 1.0)
        std = np.where(constant, 1.0, std)
        return cls(columns, mean, std, tuple(c for c, k in zip(columns, constant, strict=True) if k))

    def _select(self, columns: Sequence[str] | None) -> tuple[np.ndarray, np.ndarray]:
        if columns is None:
            return self.mean, self.std
        unknown = [c for c in columns if c not in self.columns]
        if unknown:
            raise ValueError(f"column(s) {unknown} are not among the scaler's columns {list(self.columns)}.")
        index = [self.columns.index(c) for c in columns]
        return self.mean[index], self.std[index]

    def _check_width(self, values: np.ndarray, mean: np.ndarray) -> None:
        if values.ndim == 0 or values.shape[-1] != len(mean):
            raise ValueError(
                f"expected (..., {len(mean)}) values, one per scaled column; got shape {values.shape}."
            )

    def transform(self, values: np.ndarray, columns: Sequence[str] | None = None) -> np.ndarray:
        """``(v - mean) / std`` on ``(..., C)`` values (or ``(..., K)`` for the named ``columns``), a copy."""
        values = np.asarray(values, dtype=np.float64)
        mean, std = self._select(columns)
        self._check_width(values, mean)
        return (values - mean) / std

    def inverse_transform(self, values: np.ndarray, columns: Sequence[str] | None = None) -> np.ndarray:
        """``z * std + mean``: back to the data's units (forecasts of the target ``columns``), a copy."""
        values = np.asarray(values, dtype=np.float64)
        mean, std = self._select(columns)
        self._check_width(values, mean)
        return values * std + mean

    def check_columns(self, columns: Sequence[str], source: str = "") -> None:
        """Refuse data whose columns are not the scaler's, in the scaler's order.

        Raises:
            ValueError: naming the missing and unexpected columns (or the order), and ``source``.
        """
        columns = tuple(columns)
        if columns == self.columns:
            return
        missing = [c for c in self.columns if c not in columns]
        extra = [c for c in columns if c not in self.columns]
        detail = (
            f"missing {missing}, unexpected {extra}"
            if missing or extra
            else "the same names in another order"
        )
        where = f"{source}: " if source else ""
        raise ValueError(
            f"{where}columns {list(columns)} do not match the {len(self.columns)} columns the scaler was "
            f"fitted on, {list(self.columns)} ({detail}); the data must have the columns the model was "
            "trained on."
        )

    def to_dict(self) -> dict[str, Any]:
        """``kind``, ``columns``, ``mean``, ``std``, ``constant_columns`` as JSON types (exact floats)."""
        return {
            "kind": KIND,
            "columns": list(self.columns),
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
            "constant_columns": list(self.constant_columns),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "") -> StandardScaler:
        """The inverse of :meth:`to_dict`.

        Raises:
            ValueError: another kind, missing keys, or values of the wrong type or length; names ``source``.
        """
        where = f"{source}: " if source else ""
        if not isinstance(data, Mapping) or data.get("kind") != KIND:
            kind = data.get("kind") if isinstance(data, Mapping) else type(data).__name__
            raise ValueError(f"{where}not a standard scaler (kind {kind!r}; expected {KIND!r}).")
        try:
            columns = tuple(str(c) for c in data["columns"])
            mean = np.array(data["mean"], dtype=np.float64)
            std = np.array(data["std"], dtype=np.float64)
            constant = tuple(str(c) for c in data.get("constant_columns", ()))
            return cls(columns, mean, std, constant)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"{where}not a valid scaler ({type(exc).__name__}: {exc}); expected the keys columns, mean "
                "and std, one entry per column. Save it again with StandardScaler.save."
            ) from exc

    def save(self, path: str | Path) -> None:
        """Write :meth:`to_dict` as JSON, atomically (``rnnkit.atomic.write_json``)."""
        write_json(path, self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> StandardScaler:
        """Read a scaler written by :meth:`save`.

        Raises:
            FileNotFoundError: no such file.
            ValueError: not JSON, or not a scaler; names the file.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not a JSON scaler file ({exc}).") from exc
        return cls.from_dict(data, str(path))
