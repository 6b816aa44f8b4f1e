"""rnnkit.data.datasets.mnist: a tiny npz in the Keras layout, malformed files, and the shared mirror."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from rnnkit.data.datasets.mnist import MNIST_NPZ, MNIST_REPACKS, load_mnist, mnist_structural_check
from rnnkit.data.download import fetch, sha256_of


def tiny_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "y_train": np.array([5, 0, 4, 1, 9, 2], dtype=np.uint8),
        "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": np.array([7, 2, 1], dtype=np.uint8),
    }


def write_npz(root: Path, arrays: dict[str, np.ndarray]) -> Path:
    path = root / "mnist" / "mnist.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        np.savez_compressed(out, **arrays)
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def test_tiny_npz_loads_with_a_digest_warning(tmp_path: Path) -> None:
    arrays = tiny_arrays()
    path = write_npz(tmp_path, arrays)
    with pytest.warns(UserWarning, match="structure checks out") as record:
        loaded = load_mnist(tmp_path)
    assert sha256_of(path) in str(record[0].message) and MNIST_NPZ.sha256 in str(record[0].message)
    assert list(loaded) == ["x_train", "y_train", "x_test", "y_test"]
    for key, array in arrays.items():
        assert loaded[key].dtype == np.uint8 and np.array_equal(loaded[key], array)


def modified(key: str, value: np.ndarray | None) -> dict[str, np.ndarray]:
    arrays = tiny_arrays()
    if value is None:
        del arrays[key]
    else:
        arrays[key] = value
    return arrays


@pytest.mark.parametrize(
    ("arrays", "match"),
    [
        (modified("y_test", None), r"missing key\(s\) \['y_test'\]"),
        (modified("x_train", np.zeros((6, 28, 27), np.uint8)), r"x_train is uint8 \(6, 28, 27\)"),
        (modified("x_test", np.zeros((3, 28, 28), np.float32)), r"x_test is float32 \(3, 28, 28\)"),
        (modified("x_train", np.zeros((0, 28, 28), np.uint8)), r"x_train is uint8 \(0, 28, 28\)"),
        (modified("y_train", np.zeros(5, np.uint8)), r"y_train is uint8 \(5,\); expected uint8 \(6,\)"),
        (modified("y_train", np.zeros(6, np.int64)), r"y_train is int64 \(6,\)"),
        (modified("y_test", np.array([7, 10, 1], np.uint8)), r"y_test has label 10"),
    ],
)
def test_malformed_npz_names_the_key(tmp_path: Path, arrays: dict[str, np.ndarray], match: str) -> None:
    path = write_npz(tmp_path, arrays)
    with pytest.raises(ValueError, match=match):
        mnist_structural_check(path)
    with pytest.raises(ValueError, match=match) as error:
        load_mnist(tmp_path)
    assert MNIST_NPZ.sha256 in str(error.value) and sha256_of(path) in str(error.value)


def test_not_an_npz(tmp_path: Path) -> None:
    path = tmp_path / "mnist" / "mnist.npz"
    path.parent.mkdir(parents=True)
    path.write_text("<html>404 Not Found</html>")
    with pytest.raises(ValueError, match="not a readable .npz file") as error:
        load_mnist(tmp_path)
    assert str(path) in str(error.value) and sha256_of(path) in str(error.value)
    np.save(path.with_suffix(".npy"), np.zeros(3))
    os.replace(path.with_suffix(".npy"), path)
    with pytest.raises(ValueError, match="single array"):
        mnist_structural_check(path)


def test_truncated_npz(tmp_path: Path) -> None:
    path = write_npz(tmp_path, tiny_arrays())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="mnist.npz") as error:
        load_mnist(tmp_path)
    assert MNIST_NPZ.sha256 in str(error.value)


def test_missing_without_download(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="tf-keras-datasets/mnist.npz"):
        load_mnist(tmp_path, download=False)


# --- the shared mirror ------------------------------------------------------------------------


def mirror_root() -> Path:
    root = os.environ.get("RNNKIT_DATA")
    if not root:
        pytest.skip("RNNKIT_DATA is not set: the dataset mirror is needed (the Makefile and CI set it)")
    return Path(root)


def test_mirror_checksum_is_the_known_repack() -> None:
    path = mirror_root() / "mnist" / "mnist.npz"
    repack = sha256_of(path)
    assert repack in MNIST_REPACKS
    with pytest.warns(UserWarning) as record:
        assert fetch(MNIST_NPZ, mirror_root(), download=False, known_repacks=MNIST_REPACKS) == path
    message = str(record[0].message)
    assert repack in message and MNIST_NPZ.sha256 in message and "known repack" in message


def test_mirror_arrays() -> None:
    root = mirror_root()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the known-repack warning, checked above
        arrays = load_mnist(root, download=False)
    assert arrays["x_train"].shape == (60_000, 28, 28) and arrays["x_test"].shape == (10_000, 28, 28)
    assert all(array.dtype == np.uint8 for array in arrays.values())
    assert int(arrays["x_train"].min()) == 0 and int(arrays["x_train"].max()) == 255
    # label counts from the mirror's README
    train_counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    test_counts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert np.bincount(arrays["y_train"], minlength=10).tolist() == train_counts
    assert np.bincount(arrays["y_test"], minlength=10).tolist() == test_counts
    # the first records of the official files
    assert arrays["y_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert arrays["y_test"][:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    # the commonly used normalisation constants are these statistics: mean 0.1307, std 0.3081 (x/255)
    counts = np.bincount(arrays["x_train"].ravel(), minlength=256)  # pixel histogram: exact and fast
    values = np.arange(256) / 255
    mean = (counts * values).sum() / counts.sum()
    std = np.sqrt((counts * (values - mean) ** 2).sum() / counts.sum())
    assert mean == pytest.approx(0.1307, abs=1e-4) and std == pytest.approx(0.3081, abs=1e-4)
