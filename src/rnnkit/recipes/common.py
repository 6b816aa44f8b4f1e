"""What the task recipes share: the classification task (losses and accuracy) and token-sequence batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
