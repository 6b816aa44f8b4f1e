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
from .translate_data import PairBatch


def unwrap_seq2seq(model: nn.Module) -> Seq2Seq:
    """The Seq2Seq inside a DDP wrapper (or the model itself)."""
    inner = getattr(model, "module", model)
    if not isinstance(inner, Seq2Seq):
        raise TypeError(f"the translate task needs a Seq2Seq model, got {type(inner).__name__}.")
    return inner


class TranslationTask:
    """``compute_loss`` (label-smoothed) and ``evaluate_batch`` (plain cross-entropy) of a PairBatch."""

    def compute_loss(self, model: nn.Module, batch: PairBatch) -> tuple[Tensor, int]:
        config = unwrap_seq2seq(model).config
        logits = model(batch.src, batch.src_lengths, batch.tgt[:, :-1])  # (B, T+1, V); DDP's forward
        targets = batch.tgt[:, 1:]
        count = int((targets != config.pad_id).sum())
        return token_loss(logits, targets, config.pad_id, config.label_smoothing), count

    def evaluate_batch(self, model: nn.Module, batch: PairBatch) -> tuple[Tensor, int, dict[str, Any]]:
        config = unwrap_seq2seq(model).config
        logits = model(batch.src, batch.src_lengths, batch.tgt[:, :-1])
        targets = batch.tgt[:, 1:]
        count = int((targets != config.pad_id).sum())
        total = token_loss(logits, targets, config.pad_id, reduction="sum")
        return total / count, count, {}
