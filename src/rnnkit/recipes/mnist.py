"""Sequential MNIST, N vs 1 on real-valued input: an image read row by row (T=28) or pixel by pixel (T=784).

Pipeline: the canonical ``mnist.npz`` -> pixels scaled to [0, 1] -> each image a sequence of 28 rows of
28 features (or 784 steps of 1 pixel with ``data.pixels=true``) -> :class:`~rnnkit.models.SequenceClassifier`
-> 10 logits, cross-entropy. 5,000 training images are held out for validation; the 10,000 test images
are touched once, after training.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset

from ..data.datasets.mnist import load_mnist
from ..models.classifier import ClassifierConfig, SequenceClassifier
from ..models.encoder import RNNConfig
from ..training.config import TrainConfig
from .base import Prepared, Recipe, Split
from .common import ClassificationTask


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


class ImageSequences(Dataset):
    """Images as sequences: ``(T, D)`` float32 with (T, D) = (28, 28) rows or (784, 1) pixels."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, pixels: bool) -> None:
        x = torch.from_numpy(images.astype(np.float32) / 255.0)  # (N, 28, 28)
        self.x = x.reshape(len(x), 784, 1) if pixels else x
        self.y = torch.from_numpy(labels.astype(np.int64))

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[index], self.y[index]


def collate(items: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, None, torch.Tensor]:
    """``(x (B, T, D), None, labels (B,))``: every image has the same length."""
    x, y = zip(*items, strict=True)
    return torch.stack(x), None, torch.stack(y)


def _splits(config: MnistConfig, data_dir: str | None) -> tuple[ImageSequences, ...]:
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
    inputs = "test:N (the N-th test image), a 28x28 .npy array (pixels 0-255), or a picture (PNG, JPEG, ...)"

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
        return Prepared(Split(train, collate), Split(validation, collate), Split(test, collate))

    def test_split(self, config: MnistConfig, data_dir: str | None, artifacts: Mapping[str, Any]) -> Split:
        return Split(_splits(config, data_dir)[2], collate)

    def build_model(self, config: MnistConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        return SequenceClassifier(replace(config.model, input_size=1 if config.data.pixels else 28))

    def task(self, config: MnistConfig) -> ClassificationTask:
        return ClassificationTask(num_classes=10)

    def predict(
        self,
        config: MnistConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: list[str],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The digit in each input: ``test:N`` (the N-th test image), a ``.npy`` file holding a 28x28
        image (pixels 0-255), or a picture file (PNG, JPEG, ...; see :func:`read_digit_image`)."""
        images = [_read_input(item, data_dir) for item in inputs]
        x = ImageSequences(np.stack(images), np.zeros(len(images)), config.data.pixels).x
        with torch.no_grad():
            probs = torch.softmax(model(x), dim=-1)  # (N, 10)
        best = probs.argmax(-1)
        return [
            {"input": item, "digit": int(d), "probability": round(float(p[d]), 4)}
            for item, d, p in zip(inputs, best, probs, strict=True)
        ]


def _read_input(item: str, data_dir: str | None) -> np.ndarray:
    if item.startswith("test:"):
        index = int(item[5:]) if item[5:].isdigit() else -1
        arrays = load_mnist(root=data_dir)
        if not 0 <= index < len(arrays["x_test"]):
            raise ValueError(f"predict: {item!r}: expected test:N with 0 <= N < {len(arrays['x_test'])}.")
        return arrays["x_test"][index]
    path = Path(item)
    suffix = path.suffix.lower()
    if not path.is_file() or suffix not in (".npy", *IMAGE_SUFFIXES):
        raise ValueError(
            f"predict: {item!r} is neither test:N nor an existing .npy or image file "
            f"({', '.join(IMAGE_SUFFIXES)}) of a digit."
        )
    if suffix != ".npy":
        return read_digit_image(path)
    image = np.load(path, allow_pickle=False)
    if image.shape != (28, 28):
        raise ValueError(
            f"predict: {path} holds an array of shape {image.shape}; expected (28, 28) pixels 0-255."
        )
    return image
