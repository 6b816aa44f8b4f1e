"""What the task recipes share: the classification task (losses and accuracy), token-sequence batches and
images read as sequences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.utils.data import Dataset

from ..data.batching import pad_sequences
from ..training.task import accuracy, binary_accuracy


@dataclass
class ClassificationTask:
    """Cross-entropy (C >= 2 logits) or binary cross-entropy (1 logit) over ``(inputs, lengths, labels)``.

    Batches are ``(x, lengths, labels)`` with ``lengths`` possibly None; ``metrics`` gives accuracy.
    """

    num_classes: int

    def logits(self, model: nn.Module, batch: Sequence[Tensor | None]) -> tuple[Tensor, Tensor]:
        x, lengths, labels = batch
        if labels is None:
            raise ValueError("ClassificationTask: the batch has no labels; expected (x, lengths, labels).")
        return model(x, lengths), labels  # (B, C)

    def loss_of(self, logits: Tensor, labels: Tensor) -> Tensor:
        if self.num_classes == 1:
            return F.binary_cross_entropy_with_logits(logits.squeeze(-1), labels.float())
        return F.cross_entropy(logits, labels)

    def compute_loss(self, model: nn.Module, batch: Sequence[Tensor | None]) -> tuple[Tensor, int]:
        logits, labels = self.logits(model, batch)
        return self.loss_of(logits, labels), labels.shape[0]

    def accuracy_of(self, logits: Tensor, labels: Tensor) -> tuple[Tensor, Tensor]:
        if self.num_classes == 1:
            return binary_accuracy(logits.squeeze(-1), labels)
        return accuracy(logits, labels)

    def metrics(self, model: nn.Module, batch: Sequence[Tensor | None]) -> dict[str, tuple[Tensor, Tensor]]:
        return {"accuracy": self.accuracy_of(*self.logits(model, batch))}

    def confusion(self, model: nn.Module, split: Any) -> list[list[int]]:
        """Counts ``(C, C)`` over a :class:`~rnnkit.recipes.base.Split`: row = true class, column = predicted
        (C = 2 for one logit). One more pass over the split, in eval mode and without gradients."""
        from torch.utils.data import DataLoader

        classes = max(self.num_classes, 2)
        counts = torch.zeros(classes, classes, dtype=torch.long)
        if split.batch_sampler is not None:
            loader = DataLoader(split.dataset, batch_sampler=split.batch_sampler, collate_fn=split.collate_fn)
        else:
            loader = DataLoader(split.dataset, batch_size=256, collate_fn=split.collate_fn)
        device = next(model.parameters()).device
        was_training = model.training
        model.eval()
        with torch.no_grad():
            for x, lengths, labels in loader:
                logits = model(x.to(device), lengths)
                predicted = (logits.squeeze(-1) > 0).long() if self.num_classes == 1 else logits.argmax(-1)
                flat = labels.long().cpu() * classes + predicted.cpu()
                counts += torch.bincount(flat, minlength=classes * classes).view(classes, classes)
        model.train(was_training)
        return counts.tolist()

    def evaluate_batch(
        self, model: nn.Module, batch: Sequence[Tensor | None]
    ) -> tuple[Tensor, int, dict[str, tuple[Tensor, Tensor]]]:
        """Loss and accuracy from one forward pass (the trainer's evaluation path)."""
        logits, labels = self.logits(model, batch)
        return self.loss_of(logits, labels), labels.shape[0], {"accuracy": self.accuracy_of(logits, labels)}


class TokenSequences(Dataset):
    """Token-id sequences with one label each: item ``i`` is ``(ids_i, label_i)``.

    Batch them with :func:`collate_token_sequences`, typically through a length-bucketing batch sampler.
    """

    def __init__(self, ids: list[list[int]], labels: list[int]) -> None:
        if len(ids) != len(labels):
            raise ValueError(f"TokenSequences: {len(ids)} sequences but {len(labels)} labels.")
        self.ids, self.labels = ids, labels

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> tuple[list[int], int]:
        return self.ids[index], self.labels[index]


def collate_token_sequences(items: list[tuple[list[int], int]]) -> tuple[Tensor, Tensor, Tensor]:
    """``(ids (B, T) padded with 0, lengths (B,), labels (B,))``."""
    ids, labels = zip(*items, strict=True)
    padded, lengths = pad_sequences(list(ids))
    return padded, lengths, torch.tensor(labels)


class ImageSequences(Dataset):
    """Grey images ``(N, H, W)`` with pixels 0-255, read as sequences: item ``i`` is ``(x_i, label_i)``
    with ``x_i`` float32 in [0, 1] of shape ``(H, W)`` (one row per step) or ``(H*W, 1)`` with
    ``pixels=True`` (one pixel per step, as in sequential MNIST's T=784)."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, pixels: bool) -> None:
        x = torch.from_numpy(images.astype(np.float32) / 255.0)  # (N, H, W)
        self.x = x.reshape(len(x), -1, 1) if pixels else x
        self.y = torch.from_numpy(labels.astype(np.int64))

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.x[index], self.y[index]


def collate_fixed_length(items: list[tuple[Tensor, Tensor]]) -> tuple[Tensor, None, Tensor]:
    """``(x (B, T, D), None, labels (B,))`` for sequences that all have the same length."""
    x, y = zip(*items, strict=True)
    return torch.stack(x), None, torch.stack(y)


def confusion_report(
    task: ClassificationTask, model: nn.Module, split: Any, class_names: Sequence[str], run: Any, title: str
) -> dict[str, Any]:
    """The test split's confusion counts for the summary, and ``confusion_matrix.png`` in ``run`` (rank 0)
    when matplotlib is there (otherwise the summary says why there is no plot)."""
    from ..plots import PlotsUnavailableError, confusion_figure, to_png

    counts = task.confusion(model, split)
    figures: dict[str, Any] = {"test_confusion": counts, "class_names": list(class_names)}
    if run is not None:
        try:
            figure = confusion_figure(counts, class_names, title=title)
            figures["confusion_plot"] = str(run.write_png(run.CONFUSION_PLOT, to_png(figure)))
        except PlotsUnavailableError as error:
            figures["plot_unavailable"] = str(error)
    return figures
