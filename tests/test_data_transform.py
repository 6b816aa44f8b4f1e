"""The log + standardise transform: fitted on training rows only, exact inverse, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.data.transform import ValueTransform


def test_log_then_standardise_uses_the_training_rows_statistics() -> None:
    values = np.array([[1.0, 2.0], [4.0, 8.0], [16.0, 32.0]])
    t = ValueTransform.fit(values[:2], ("a", "b"), log=True)
    np.testing.assert_allclose(t.scaler.mean, np.log(values[:2]).mean(axis=0))
    z = t.transform(values)
    np.testing.assert_allclose(z, (np.log(values) - t.scaler.mean) / t.scaler.std)
    np.testing.assert_allclose(t.inverse_transform(z), values)
    np.testing.assert_allclose(t.inverse_transform(z[:, 1:], ("b",)), values[:, 1:])


def test_no_scaling_is_the_identity() -> None:
    values = np.array([[3.0], [-1.0]])
    t = ValueTransform.fit(values, ("v",), scale=False)
    np.testing.assert_allclose(t.transform(values), values)


def test_a_non_positive_value_under_the_log_names_the_column_and_file() -> None:
    with pytest.raises(ValueError, match=r"data.csv: column 'b' has the value 0 .*data.transform=none"):
        ValueTransform.fit(np.array([[1.0, 2.0], [1.0, 0.0]]), ("a", "b"), log=True, source="data.csv")
