"""Sequential MNIST, N vs 1 on real-valued input: an image read row by row (T=28) or pixel by pixel (T=784).

Pipeline: the canonical ``mnist.npz`` -> pixels scaled to [0, 1] -> each image a sequence of 28 rows of
28 features (or 784 steps of 1 pixel with ``data.pixels=true``) -> :class:`~rnnkit.models.SequenceClassifier`
-> 10 logits, cross-entropy. 5,000 training images are held out for validation; the 10,000 test images
are touched once, after training.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from ..data.datasets.mnist import load_mnist
from ..models.classifier import ClassifierConfig, SequenceClassifier
from ..models.encoder import RNNConfig
from ..training.checkpoint import load_weights
from ..training.config import TrainConfig
from ..training.trainer import Trainer
from .common import ClassificationTask

NAME = "mnist"
DATASET = "mnist"
SUMMARY = "MNIST digits read row by row (T=28) or pixel by pixel (T=784) -> 10 classes (N vs 1)"


@dataclass(frozen=True)
class MnistData:
    """``pixels``: one pixel per step (T=784) instead of one row (T=28). ``limit``: subset for quick runs."""

    pixels: bool = False
    validation: int = 5000
    limit: int = 0


@dataclass(frozen=True)
class MnistModel:
    rnn: RNNConfig = field(
        default_factory=lambda: RNNConfig(cell="lstm", hidden_size=128, num_layers=2, bidirectional=True)
    )
    pooling: str = "last"
    dropout: float = 0.1


@dataclass(frozen=True)
class MnistConfig:
    data: MnistData = field(default_factory=MnistData)
    model: MnistModel = field(default_factory=MnistModel)
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
QUICK = ["data.limit=600", "data.validation=100", "train.epochs=1", "model.rnn.hidden_size=16"]


def default_config(preset: str = "default") -> MnistConfig:
    if preset not in PRESETS:
        raise ValueError(f"mnist: unknown preset {preset!r}; choose one of {sorted(PRESETS)}.")
    return PRESETS[preset]


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


def build_model(config: MnistConfig) -> SequenceClassifier:
    return SequenceClassifier(
        ClassifierConfig(
            num_classes=10,
            input_size=1 if config.data.pixels else 28,
            rnn=config.model.rnn,
            pooling=config.model.pooling,
            dropout=config.model.dropout,
        )
    )


def _splits(
    config: MnistConfig, data_dir: str | None
) -> tuple[ImageSequences, ImageSequences, ImageSequences]:
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


def run(
    config: MnistConfig, run_dir: Path, data_dir: str | None = None, resume: bool = False
) -> dict[str, Any]:
    """Train with a held-out validation set, restore the best epoch, test once."""
    train_set, val_set, test_set = _splits(config, data_dir)
    model = build_model(config)
    loop_cfg = replace(config.train, validation_split=0.0)
    with Trainer(
        model, ClassificationTask(num_classes=10), loop_cfg, run_dir=run_dir, run_config=config
    ) as trainer:
        history = trainer.fit(train_set, val_set if len(val_set) else None, collate_fn=collate, resume=resume)
        test = trainer.evaluate(test_set, collate_fn=collate)
    return {
        "task": NAME,
        "test_accuracy": test["accuracy"],
        "test_loss": test["loss"],
        "test_examples": len(test_set),
        "train_examples": len(train_set),
        "epochs_run": len(history),
        "best_epoch": history.best_epoch,
        "seconds_per_epoch": [round(s, 1) for s in history["seconds"]],
        "history": history.rows,
    }


def load_trained(run_dir: Path, config: MnistConfig) -> SequenceClassifier:
    model = build_model(config)
    model.load_state_dict(load_weights(run_dir / "model.safetensors"))
    return model.eval()


def evaluate(config: MnistConfig, run_dir: Path, data_dir: str | None = None) -> dict[str, Any]:
    """Test-split accuracy of a finished run."""
    _, _, test_set = _splits(config, data_dir)
    eval_cfg = replace(config.train, validation_split=0.0, progress=False)
    with Trainer(load_trained(run_dir, config), ClassificationTask(num_classes=10), eval_cfg) as trainer:
        result = trainer.evaluate(test_set, collate_fn=collate)
    return {
        "task": NAME,
        "test_accuracy": result["accuracy"],
        "test_loss": result["loss"],
        "test_examples": len(test_set),
    }


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
        grey = grey.resize((28, 28), Image.LANCZOS)
    pixels = np.asarray(grey, dtype=np.uint8)
    return 255 - pixels if pixels.mean() > 127.5 else pixels


def predict(
    config: MnistConfig, run_dir: Path, inputs: list[str], data_dir: str | None = None
) -> list[dict[str, Any]]:
    """The digit in each input: ``test:N`` (the N-th test image), a ``.npy`` file holding a 28x28 image
    (pixels 0-255), or a picture file (PNG, JPEG, ...; see :func:`read_digit_image`)."""
    model = load_trained(run_dir, config)
    images = []
    for item in inputs:
        if item.startswith("test:"):
            index = int(item[5:]) if item[5:].isdigit() else -1
            arrays = load_mnist(root=data_dir)
            if not 0 <= index < len(arrays["x_test"]):
                raise ValueError(f"predict: {item!r}: expected test:N with 0 <= N < {len(arrays['x_test'])}.")
            images.append(arrays["x_test"][index])
            continue
        path = Path(item)
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in (".npy", *IMAGE_SUFFIXES):
            raise ValueError(
                f"predict: {item!r} is neither test:N nor an existing .npy or image file "
                f"({', '.join(IMAGE_SUFFIXES)}) of a digit."
            )
        if suffix != ".npy":
            images.append(read_digit_image(path))
            continue
        image = np.load(path, allow_pickle=False)
        if image.shape != (28, 28):
            raise ValueError(
                f"predict: {path} holds an array of shape {image.shape}; expected (28, 28) pixels 0-255."
            )
        images.append(image)
    x = ImageSequences(np.stack(images), np.zeros(len(images)), config.data.pixels).x
    with torch.no_grad():
        probs = torch.softmax(model(x), dim=-1)  # (N, 10)
    best = probs.argmax(-1)
    return [
        {"input": item, "digit": int(d), "probability": round(float(p[d]), 4)}
        for item, d, p in zip(inputs, best, probs, strict=True)
    ]
