"""MNIST handwritten digits (LeCun, Cortes, Burges) in the Keras ``mnist.npz`` packaging.

One NumPy ``.npz`` with four arrays: ``x_train`` uint8 ``(60000, 28, 28)``, ``y_train`` uint8
``(60000,)``, ``x_test`` uint8 ``(10000, 28, 28)``, ``y_test`` uint8 ``(10000,)``; pixels 0-255,
labels 0-9. For a sequence model an image is 28 steps of 28 pixels (row by row), or 784 steps of one.

Example:
    >>> MNIST_NPZ.folder, MNIST_NPZ.name
    ('mnist', 'mnist.npz')
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from types import MappingProxyType

import numpy as np

from ..download import RemoteFile, fetch

MNIST_NPZ = RemoteFile(
    folder="mnist",
    name="mnist.npz",
    url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    size=11490434,
)
MNIST_REPACKS = MappingProxyType(
    {
        "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64": (
            "the rnnkit shared mirror's rebuild: the canonical arrays, checked byte for byte against the "
            "official idx files, re-saved with np.savez_compressed; see its README"
        ),
    }
)
KEYS = ("x_train", "y_train", "x_test", "y_test")
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
_FIX = f"Delete it and run again to download {MNIST_NPZ.url}."


def _read(path: Path) -> dict[str, np.ndarray]:
    """The four arrays of an npz file, or a ValueError naming the file (and the key)."""
    try:
        npz = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path} is not a readable .npz file ({type(exc).__name__}: {exc}). {_FIX}") from exc
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise ValueError(f"{path} holds a single array, not an .npz archive with keys {KEYS}. {_FIX}")
    with npz:
        missing = [key for key in KEYS if key not in npz.files]
        if missing:
            raise ValueError(
                f"{path}: missing key(s) {missing}; found {sorted(npz.files)}, expected {list(KEYS)} "
                f"(the Keras mnist.npz layout). {_FIX}"
            )
        arrays = {}
        for key in KEYS:
            try:
                arrays[key] = npz[key]
            except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
                raise ValueError(
                    f"{path}: cannot read array {key!r} ({type(exc).__name__}: {exc}); the file is damaged. "
                    f"{_FIX}"
                ) from exc
    return arrays


def _validate(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Shapes, dtypes and label range of the four arrays, or a ValueError naming the key."""
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE or len(x) == 0:
            raise ValueError(
                f"{path}: x_{split} is {x.dtype} {x.shape}; expected uint8 (N, 28, 28) with N >= 1. {_FIX}"
            )
        if y.dtype != np.uint8 or y.shape != (len(x),):
            raise ValueError(
                f"{path}: y_{split} is {y.dtype} {y.shape}; expected uint8 ({len(x)},), one label per "
                f"image of x_{split}. {_FIX}"
            )
        if y.max() >= NUM_CLASSES:
            raise ValueError(
                f"{path}: y_{split} has label {int(y.max())}; expected labels 0..{NUM_CLASSES - 1}. {_FIX}"
            )


def mnist_structural_check(path: str | Path) -> None:
    """Check that ``path`` is an npz with MNIST's keys, shapes, dtypes and label range.

    The image counts are not checked (a valid file may be a subset); each x has ``(N, 28, 28)`` uint8
    images and its y ``(N,)`` uint8 labels in 0..9.

    Raises:
        ValueError: naming the file and the offending key or shape.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     x, y = np.zeros((2, 28, 28), np.uint8), np.array([3, 12], np.uint8)
        ...     np.savez(f"{tmp}/m.npz", x_train=x, y_train=y, x_test=x, y_test=y)
        ...     try:
        ...         mnist_structural_check(f"{tmp}/m.npz")
        ...     except ValueError as exc:
        ...         print(str(exc).split(": ", 1)[1].split(";")[0])
        y_train has label 12
    """
    path = Path(path)
    _validate(_read(path), path)


def load_mnist(root: str | Path | None = None, download: bool = True) -> dict[str, np.ndarray]:
    """MNIST as NumPy arrays: ``x_train``, ``y_train``, ``x_test``, ``y_test`` (shapes in the module doc).

    Args:
        root: the data root (default ``$RNNKIT_DATA`` or ``~/.cache/rnnkit``); the file is
            ``root/mnist/mnist.npz``.
        download: download the file if it is missing.

    Returns:
        The four arrays, uint8, in the file's order (the official order).

    Raises:
        ValueError: the file is damaged, malformed or has an unaccepted digest.
        FileNotFoundError: the file is missing and ``download`` is False.
    """
    path = fetch(
        MNIST_NPZ,
        root,
        download=download,
        structural_check=mnist_structural_check,
        known_repacks=MNIST_REPACKS,
    )
    arrays = _read(path)
    _validate(arrays, path)
    return arrays
