"""Entity F1 as conlleval counts it, checked against seqeval (the field's library) on generated tag
sequences, broken IOB included; and the confusion of types by hand."""

from __future__ import annotations

import random

import pytest

from rnnkit.recipes.ner_metrics import entity_scores

seqeval_metrics = pytest.importorskip("seqeval.metrics")

TAGS = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]


def random_tags(rng: random.Random, length: int) -> list[str]:
    """Any tags at all: I- after O or after another type (broken IOB2) as often as not."""
    return [rng.choice(TAGS) for _ in range(length)]


def noisy_copy(rng: random.Random, tags: list[str]) -> list[str]:
    return [rng.choice(TAGS) if rng.random() < 0.3 else tag for tag in tags]


@pytest.mark.parametrize("seed", range(5))
def test_micro_and_per_type_figures_equal_seqeval(seed: int) -> None:
    rng = random.Random(seed)
    gold = [random_tags(rng, rng.randint(1, 15)) for _ in range(200)]
    predicted = [noisy_copy(rng, tags) for tags in gold]
    scores = entity_scores(gold, predicted)
    assert scores.f1 == pytest.approx(seqeval_metrics.f1_score(gold, predicted), abs=1e-12)
    assert scores.micro.precision == pytest.approx(
        seqeval_metrics.precision_score(gold, predicted), abs=1e-12
    )
    assert scores.micro.recall == pytest.approx(seqeval_metrics.recall_score(gold, predicted), abs=1e-12)
    report = seqeval_metrics.classification_report(gold, predicted, output_dict=True, zero_division=0)
    for kind, counts in scores.per_type.items():
        assert counts.f1 == pytest.approx(report[kind]["f1-score"], abs=1e-12), kind
        assert counts.gold == report[kind]["support"], kind


def test_the_confusion_counts_misses_mix_ups_and_spurious_entities() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG"]]
    predicted = [["B-PER", "I-PER", "O", "B-ORG", "B-MISC", "O"]]
    scores = entity_scores(gold, predicted)
    confusion = scores.confusion
    assert confusion["PER"]["PER"] == 1 and confusion["LOC"]["ORG"] == 1
    assert confusion["ORG"]["none"] == 1  # missed
    assert confusion["none"]["MISC"] == 1  # spurious
    assert sum(sum(row.values()) for row in confusion.values()) == 4
    assert scores.token_accuracy == pytest.approx(3 / 6)


def test_misaligned_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="sentence 0 has 2 gold tags but 1 predicted"):
        entity_scores([["O", "O"]], [["O"]])
