"""Entity-level precision, recall and F1 as conlleval counts them, per type, and a confusion of types.

An entity counts as found only when a predicted span has the gold span's exact start, end and type::

    precision = |gold ∩ predicted| / |predicted|      recall = |gold ∩ predicted| / |gold|
    F1        = 2 P R / (P + R)                       (0 when P + R = 0)

Micro figures pool every entity of every type (the figure CoNLL papers report); per-type figures count
each type alone. Spans are read by :func:`rnnkit.data.tag_schemes.entities` (conlleval's reading, broken
IOB repaired), so the figures equal ``seqeval``'s default mode; the tests check that.

The confusion of types is square over the types and ``none``: for each gold entity, the type predicted
over exactly its span (``none``: no predicted entity has those bounds, a miss), and for each predicted
entity whose bounds no gold entity has, a count in the ``none`` row (a spurious entity).

Example:
    >>> gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    >>> predicted = [["B-PER", "I-PER", "O", "B-ORG"]]
    >>> scores = entity_scores(gold, predicted)
    >>> scores.f1, scores.per_type["PER"].f1, scores.per_type["LOC"].recall
    (0.5, 1.0, 0.0)
    >>> scores.confusion["LOC"]["ORG"]
    1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..data.tag_schemes import entities

NONE = "none"


@dataclass(frozen=True)
class Counts:
    """Counts of one type (or of all): entities in the gold tags, in the predictions, and in both."""

    gold: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class EntityScores:
    """Micro counts, counts per type, the type confusion (gold type -> predicted type -> count) and
    the token accuracy."""

    micro: Counts
    per_type: dict[str, Counts]
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    token_accuracy: float = 0.0

    @property
    def f1(self) -> float:
        return self.micro.f1

    def figures(self, prefix: str) -> dict[str, Any]:
        """Flat figures for a summary: ``{prefix}_f1``, ``{prefix}_precision``, ``{prefix}_recall``,
        ``{prefix}_f1_<TYPE>`` per type, the token accuracy and the confusion."""
        figures: dict[str, Any] = {
            f"{prefix}_f1": round(self.micro.f1, 4),
            f"{prefix}_precision": round(self.micro.precision, 4),
            f"{prefix}_recall": round(self.micro.recall, 4),
            f"{prefix}_token_accuracy": round(self.token_accuracy, 4),
        }
        for kind, counts in sorted(self.per_type.items()):
            figures[f"{prefix}_f1_{kind}"] = round(counts.f1, 4)
        figures[f"{prefix}_entities"] = self.micro.gold
        figures[f"{prefix}_type_confusion"] = self.confusion
        return figures


def entity_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> EntityScores:
    """Scores of ``predicted`` against ``gold``: one IOB2 tag sequence per sentence in each, aligned."""
    if len(gold) != len(predicted):
        raise ValueError(f"entity_scores: {len(gold)} gold sentences but {len(predicted)} predicted.")
    gold_counts: Counter[str] = Counter()
    predicted_counts: Counter[str] = Counter()
    correct_counts: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = {}
    right_tokens = total_tokens = 0
    for number, (gold_tags, predicted_tags) in enumerate(zip(gold, predicted, strict=True)):
        if len(gold_tags) != len(predicted_tags):
            raise ValueError(
                f"entity_scores: sentence {number} has {len(gold_tags)} gold tags but "
                f"{len(predicted_tags)} predicted."
            )
        right_tokens += sum(g == p for g, p in zip(gold_tags, predicted_tags, strict=True))
        total_tokens += len(gold_tags)
        gold_spans, predicted_spans = set(entities(gold_tags)), set(entities(predicted_tags))
        gold_counts.update(kind for kind, _, _ in gold_spans)
        predicted_counts.update(kind for kind, _, _ in predicted_spans)
        correct_counts.update(kind for kind, _, _ in gold_spans & predicted_spans)
        predicted_at = {(start, end): kind for kind, start, end in predicted_spans}
        gold_bounds = {(start, end) for _, start, end in gold_spans}
        for kind, start, end in gold_spans:
            confusion.setdefault(kind, Counter())[predicted_at.get((start, end), NONE)] += 1
        for kind, start, end in predicted_spans:
            if (start, end) not in gold_bounds:
                confusion.setdefault(NONE, Counter())[kind] += 1
    kinds = sorted(set(gold_counts) | set(predicted_counts))
    per_type = {k: Counts(gold_counts[k], predicted_counts[k], correct_counts[k]) for k in kinds}
    names = [*kinds, NONE]
    square = {row: {column: confusion.get(row, Counter())[column] for column in names} for row in names}
    micro = Counts(sum(gold_counts.values()), sum(predicted_counts.values()), sum(correct_counts.values()))
    return EntityScores(
        micro,
        per_type,
        square,
        right_tokens / total_tokens if total_tokens else 0.0,
    )
