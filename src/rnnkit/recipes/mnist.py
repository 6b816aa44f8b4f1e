"""Sequential MNIST, N vs 1 on real-valued input: an image read row by row (T=28) or pixel by pixel (T=784).

Pipeline: the canonical ``mnist.npz`` -> pixels scaled to [0, 1] -> each image a sequence of 28 rows of
28 features (or 784 steps of 1 pixel with ``data.pixels=true``) -> :class:`~rnnkit.models.SequenceClassifier`
-> 10 logits, cross-entropy. 5,000 training images are held out for validation; the 10,000 test images
are touched once, after training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..data.datasets.mnist import load_mnist
from ..models.config import ClassifierConfig, RNNConfig
from ..training.config import TrainConfig
from .base import Prepared, Recipe, Split

if TYPE_CHECKING:  # torch is imported where it is used, so that listing the tasks does not load it
    from torch import nn

    from ..training.run_folder import RunFolder
    from .common import ClassificationTask, ImageSequences


@dataclass(frozen=True)
class MnistData:
    """``pixels``: one pixel per step (T=784) instead of one row (T=28). ``validation``: training images
    held out. ``limit``: a subset of the training and test images, for quick runs (0 = all)."""

    pixels: bool = False
    validation: int = 5000
    limit: int = 0

    def __post_init__(self) -> None:
        if self.validation < 1:
            raise ValueError(f"data.validation must be >= 1 held-out training images, got {self.validation}.")
        if self.limit < 0:
            raise ValueError(f"data.limit must be >= 0 (0 = every image), got {self.limit}.")


@dataclass(frozen=True)
class MnistConfig:
    """``model`` is the classifier's own config; the recipe sets ``input_size`` (28 rows or 1 pixel)."""

    data: MnistData = field(default_factory=MnistData)
    model: ClassifierConfig = field(
        default_factory=lambda: ClassifierConfig(
            num_classes=10,
            rnn=RNNConfig(cell="lstm", hidden_size=128, num_layers=2, bidirectional=True),
            pooling="last",
            dropout=0.1,
        )
    )
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            epochs=10,
            batch_size=128,
            lr=2e-3,
            scheduler="cosine",
            clip_norm=1.0,
            monitor="val_accuracy",
            monitor_mode="max",
            restore_best=True,
        )
    )


PRESETS = {"default": MnistConfig(), "pixels": MnistConfig(data=MnistData(pixels=True))}


def _splits(config: MnistConfig, data_dir: str | None) -> tuple[ImageSequences, ...]:
    from .common import ImageSequences

    arrays = load_mnist(root=data_dir)
    x, y = arrays["x_train"], arrays["y_train"]
    x_test, y_test = arrays["x_test"], arrays["y_test"]
    order = np.random.default_rng(config.train.seed).permutation(len(x))
    if config.data.limit:
        order = order[: config.data.limit + config.data.validation]
        x_test, y_test = x_test[: config.data.limit], y_test[: config.data.limit]
    val_idx, train_idx = order[: config.data.validation], order[config.data.validation :]
    if len(train_idx) == 0:
        raise ValueError(f"mnist: data.validation={config.data.validation} leaves no training images.")
    pixels = config.data.pixels
    return (
        ImageSequences(x[train_idx], y[train_idx], pixels),
        ImageSequences(x[val_idx], y[val_idx], pixels),
        ImageSequences(x_test, y_test, pixels),
    )


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".pgm", ".tif", ".tiff")


def read_digit_image(path: Path) -> np.ndarray:
    """A picture of a digit as MNIST pixels: ``(28, 28)`` uint8, light digit on a dark background.

    The picture is converted to grey, resized to 28x28 if it has another size, and inverted when its
    mean is above mid-grey (a dark digit on white paper), since MNIST digits are light on black.
    Needs Pillow (``pip install "rnnkit[images]"``).
    """
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise ValueError(
            f'predict: reading {path} needs Pillow: pip install "rnnkit[images]" '
            "(or pass a 28x28 .npy array)."
        ) from None
    try:
        with Image.open(path) as picture:
            grey = picture.convert("L")
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"predict: {path} is not a readable image ({error}).") from None
    if grey.size != (28, 28):
        grey = grey.resize((28, 28), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.uint8)
    return 255 - pixels if pixels.mean() > 127.5 else pixels


class MnistRecipe(Recipe):
    name = "mnist"
    description = "MNIST digits read row by row (T=28) or pixel by pixel (T=784) -> 10 classes (N vs 1)"
    dataset = "mnist"
    presets: ClassVar[Mapping[str, Any]] = PRESETS
    quick = ("data.limit=600", "data.validation=100", "train.epochs=1", "model.rnn.hidden_size=16")
    inputs = (
        "test:N (the N-th test image), a 28x28 .npy array (uint8 pixels 0-255, or floats in [0, 1]), a "
        "picture (PNG, JPEG, ...; needs rnnkit[images]), --file list.txt (one per line) or a folder"
    )
    input_kind = "item"
    example_inputs = ("test:0", "test:1")

    def check(self, config: MnistConfig) -> None:
        model = config.model
        if model.num_classes != 10:
            raise ValueError(f"model.num_classes={model.num_classes}: MNIST has 10 digits; leave it at 10.")
        if model.vocab_size is not None or model.input_size is not None:
            raise ValueError(
                "model.vocab_size and model.input_size are set by the mnist recipe (28 features per row, "
                "or 1 with data.pixels=true); leave them unset."
            )

    def prepare(self, config: MnistConfig, data_dir: str | None) -> Prepared:
        train, validation, test = _splits(config, data_dir)
        from .common import collate_fixed_length

        return Prepared(
            Split(train, collate_fixed_length),
            Split(validation, collate_fixed_length),
            Split(test, collate_fixed_length),
        )

    def test_split(self, config: MnistConfig, data_dir: str | None, artifacts: Mapping[str, Any]) -> Split:
        from .common import collate_fixed_length

        return Split(_splits(config, data_dir)[2], collate_fixed_length)

    def build_model(self, config: MnistConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        from ..models.classifier import SequenceClassifier

        return SequenceClassifier(replace(config.model, input_size=1 if config.data.pixels else 28))

    def task(self, config: MnistConfig, artifacts: Mapping[str, Any] | None = None) -> ClassificationTask:
        from .common import ClassificationTask

        return ClassificationTask(num_classes=10)

    def report(
        self, config: MnistConfig, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        """The test split's confusion matrix: counts in the summary, ``confusion_matrix.png`` in the run."""
        from .common import confusion_report

        digits = tuple(str(d) for d in range(10))
        title = "MNIST test digits: true digit (rows) against predicted (columns)"
        return confusion_report(self.task(config), model, prepared.test, digits, run, title)

    def predict(
        self,
        config: MnistConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The digit in each input: ``test:N`` (the N-th test image), a ``.npy`` file or an array holding
        a 28x28 image (see :func:`check_digit_array`), or a picture file (see :func:`read_digit_image`)."""
        import torch

        from .common import ImageSequences

        images = [_read_input(item, data_dir) for item in inputs]
        x = ImageSequences(np.stack(images), np.zeros(len(images)), config.data.pixels).x
        with torch.no_grad():
            probs = torch.softmax(model(x), dim=-1)  # (N, 10)
        best = probs.argmax(-1)
        return [
            {"digit": int(d), "probability": round(float(p[d]), 4)} for d, p in zip(best, probs, strict=True)
        ]


def check_digit_array(image: np.ndarray, source: str) -> np.ndarray:
    """A 28x28 image as MNIST pixels: ``uint8`` 0-255 as it is, or floats in [0, 1] scaled to 0-255.

    Anything else (another shape, integers of another type, floats outside [0, 1], NaN) is an error
    that says what was found, rather than a confident answer about a misread image.
    """
    if image.shape != (28, 28):
        raise ValueError(f"predict: {source} holds an array of shape {image.shape}; expected (28, 28).")
    if image.dtype == np.uint8:
        return image
    if not np.issubdtype(image.dtype, np.floating):
        raise ValueError(
            f"predict: {source} holds {image.dtype} pixels; expected uint8 0-255 or floats in [0, 1] "
            "(convert with image.astype(np.uint8) or image / 255)."
        )
    if not np.isfinite(image).all():
        raise ValueError(f"predict: {source} holds NaN or infinite pixels; expected floats in [0, 1].")
    low, high = float(image.min()), float(image.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"predict: {source} holds float pixels in [{low:g}, {high:g}]; float images must be in [0, 1] "
            "(0-255 images must be uint8: image.astype(np.uint8))."
        )
    return (image * 255.0).astype(np.float32)


def _read_input(item: Any, data_dir: str | None) -> np.ndarray:
    if isinstance(item, np.ndarray):
        return check_digit_array(item, "the array")
    if not isinstance(item, (str, Path)):
        raise TypeError(
            f"predict: an MNIST input is test:N, a path or a (28, 28) array, got {type(item).__name__}."
        )
    item = str(item)
    if item.startswith("test:"):
        index = int(item[5:]) if item[5:].isdigit() else -1
        arrays = load_mnist(root=data_dir)
        if not 0 <= index < len(arrays["x_test"]):
            raise ValueError(f"predict: {item!r}: expected test:N with 0 <= N < {len(arrays['x_test'])}.")
        return arrays["x_test"][index]
    path = Path(item)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise FileNotFoundError(
            f"predict: {item}: no such file (an MNIST input is test:N, a .npy or a picture)."
        )
    if suffix not in (".npy", *IMAGE_SUFFIXES):
        raise ValueError(
            f"predict: {item} is neither a .npy array nor a picture ({', '.join(IMAGE_SUFFIXES)})."
        )
    if suffix != ".npy":
        return read_digit_image(path)
    try:
        image = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as error:
        raise ValueError(f"predict: {path} is not a NumPy .npy array ({error}).") from None
    return check_digit_array(image, str(path))
