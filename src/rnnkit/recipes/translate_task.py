"""The trainer's task for translation: teacher-forced cross-entropy per target subword.

Training minimises the label-smoothed loss (``model.label_smoothing``); validation and test report the
plain cross-entropy per target subword in nats (``loss``, what early stopping watches) and its
perplexity, so that the figures do not depend on the smoothing. BLEU needs decoding and is computed by
the recipe's report (:mod:`rnnkit.recipes.translate_decode`), not per batch.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn

from ..models.seq2seq import Seq2Seq, token_loss
from ..training.distributed import unwrap_ddp
from .translate_data import PairBatch


def unwrap_seq2seq(model: nn.Module) -> Seq2Seq:
    """The Seq2Seq inside a DDP wrapper (or the model itself)."""
    return unwrap_ddp(model, Seq2Seq, "translate")


def _scored(model: nn.Module, batch: PairBatch) -> tuple[Tensor, Tensor, int, int]:
    """Teacher-forced logits ``(B, T+1, V)`` (through the wrapper's forward, so DDP averages the
    gradients), the targets ``(B, T+1)``, the pad id and the count of real target tokens."""
    pad_id = unwrap_seq2seq(model).config.pad_id
    logits = model(batch.src, batch.src_lengths, batch.tgt[:, :-1])
    targets = batch.tgt[:, 1:]
    return logits, targets, pad_id, int((targets != pad_id).sum())


class TranslationTask:
    """``compute_loss`` (label-smoothed) and ``evaluate_batch`` (plain cross-entropy) of a PairBatch."""

    def compute_loss(self, model: nn.Module, batch: PairBatch) -> tuple[Tensor, int]:
        logits, targets, pad_id, count = _scored(model, batch)
        smoothing = unwrap_seq2seq(model).config.label_smoothing
        return token_loss(logits, targets, pad_id, smoothing), count

    def evaluate_batch(self, model: nn.Module, batch: PairBatch) -> tuple[Tensor, int, dict[str, Any]]:
        logits, targets, pad_id, count = _scored(model, batch)
        return token_loss(logits, targets, pad_id, reduction="sum") / count, count, {}
