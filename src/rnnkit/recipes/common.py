"""What the task recipes share: run folders, classification losses and metrics, pre-bucketed batches."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.utils.data import Dataset

from ..training.metrics import accuracy, binary_accuracy
from ..training.run_folder import RunFolder


def new_run_dir(task: str, out: str | Path | None = None) -> Path:
    """``out`` if given, else ``runs/<task>-<YYYYmmdd-HHMMSS>`` (created).

    Refuses a folder that already holds a run, before anything is written into it: a fresh run there
    would overwrite the old run's ``recipe.json`` and vocabulary, and its weights would no longer load.
    """
    path = Path(out) if out is not None else Path("runs") / f"{task}-{time.strftime('%Y%m%d-%H%M%S')}"
    held = [name for name in ("recipe.json", RunFolder.STATE, RunFolder.MODEL) if (path / name).exists()]
    if held:
        raise ValueError(
            f"{path} already holds a run ({', '.join(held)}). Add --resume to continue it, or pass a "
            "new --out folder to start a fresh run."
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_json(path: Path, what: str) -> Any:
    """Read a run folder's JSON file with an error that names it when missing or malformed."""
    if not path.is_file():
        raise FileNotFoundError(
            f"{what}: {path} does not exist. Is {path.parent} a run folder written by `rnnkit train`?"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(
            f"{what}: {path} is not valid JSON ({error}); re-run training to rewrite it."
        ) from None


@dataclass
class ClassificationTask:
    """Cross-entropy (C >= 2 logits) or binary cross-entropy (1 logit) over ``(inputs, lengths, labels)``.

    Batches are ``(x, lengths, labels)`` with ``lengths`` possibly None; ``metrics`` gives accuracy.
    """

    num_classes: int

    def logits(self, model: nn.Module, batch: Sequence[Tensor | None]) -> tuple[Tensor, Tensor]:
        x, lengths, labels = batch
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


class BatchDataset(Dataset):
    """A dataset whose items are whole, pre-built batches (e.g. length-bucketed ones).

    Train with ``batch_size=1`` and ``collate_fn=unwrap``: the trainer then shuffles (and under DDP
    shards) the batches, and each step sees one bucket of similar lengths.
    """

    def __init__(self, batches: list[Any]) -> None:
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int) -> Any:
        return self.batches[index]


def unwrap(items: list[Any]) -> Any:
    """The collate function for :class:`BatchDataset`: one item per loader batch, returned as is."""
    return items[0]


def pick_device(name: str) -> torch.device:
    """``auto`` -> CUDA when available, else CPU; ``cuda`` without a GPU is an error that says so."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"--device {name}: CUDA is not available on this machine; use --device cpu.")
    return torch.device(name)


Progress = Callable[[str], None]
