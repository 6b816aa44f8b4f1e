"""The trainer's task for ``ner``: the tagger's loss, and entity F1 on the validation batches.

Entity F1 is a ratio of sums, so it aggregates exactly over batches and ranks as a ``(sum, count)``
pair::

    F1 = 2 P R / (P + R) = 2 |correct| / (|gold| + |predicted|)

``val_f1`` is that pair summed over the validation batches (the figure early stopping watches);
``val_token_accuracy`` counts tags right per real token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ..data.tag_schemes import entities
from ..layers.masking import lengths_to_mask
from ..models.tagger import SequenceTagger
from ..training.distributed import unwrap_ddp

Batch = tuple[Tensor, Tensor, Tensor, Tensor, Tensor | None]


def unwrap_tagger(model: nn.Module) -> SequenceTagger:
    """The tagger inside a DDP wrapper (or the model itself)."""
    return unwrap_ddp(model, SequenceTagger, "ner")


@dataclass
class NerTask:
    """CRF (or softmax) loss per sentence; entity F1 and token accuracy from Viterbi paths."""

    tag_names: Sequence[str]

    def _emissions(self, model: nn.Module, batch: Batch) -> tuple[Tensor, Tensor, Tensor]:
        words, lengths, chars, case, tags = batch
        if tags is None:
            raise ValueError("NerTask: the batch has no tags; the sentences need a tag column.")
        emissions = model(words, lengths, chars=chars, case=case)  # through DDP's forward
        mask = lengths_to_mask(lengths.to(emissions.device), emissions.shape[1])  # (B, T)
        return emissions, mask, tags

    def compute_loss(self, model: nn.Module, batch: Batch) -> tuple[Tensor, int]:
        emissions, mask, tags = self._emissions(model, batch)
        return unwrap_tagger(model).loss_of_emissions(emissions, tags, mask), int(mask.shape[0])

    def evaluate_batch(
        self, model: nn.Module, batch: Batch
    ) -> tuple[Tensor, int, dict[str, tuple[Tensor, Tensor]]]:
        emissions, mask, tags = self._emissions(model, batch)
        tagger = unwrap_tagger(model)
        loss = tagger.loss_of_emissions(emissions, tags, mask)
        paths = tagger.decode(emissions, mask)
        return loss, int(mask.shape[0]), self._figures(paths, tags)

    def metrics(self, model: nn.Module, batch: Batch) -> dict[str, tuple[Tensor, Tensor]]:
        return self.evaluate_batch(model, batch)[2]

    def _figures(self, paths: list[list[int]], tags: Tensor) -> dict[str, tuple[Tensor, Tensor]]:
        names = self.tag_names
        correct = gold_count = predicted_count = right = total = 0
        for path, row in zip(paths, tags.tolist(), strict=True):
            gold_tags = [names[i] for i in row[: len(path)]]
            predicted_tags = [names[i] for i in path]
            gold, predicted = set(entities(gold_tags)), set(entities(predicted_tags))
            correct += len(gold & predicted)
            gold_count, predicted_count = gold_count + len(gold), predicted_count + len(predicted)
            right += sum(g == p for g, p in zip(row, path, strict=False))
            total += len(path)
        as_tensor = torch.tensor
        return {
            "f1": (as_tensor(2.0 * correct), as_tensor(float(gold_count + predicted_count))),
            "token_accuracy": (as_tensor(float(right)), as_tensor(float(total))),
        }
