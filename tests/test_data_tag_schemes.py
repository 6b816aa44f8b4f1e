"""Tag schemes: IOB1 and IOBES round-trip through IOB2, broken IOB2 is repaired the way conlleval reads
it, and the IOB2 transition rules forbid exactly the broken pairs."""

from __future__ import annotations

import random

import pytest

from rnnkit.data.tag_schemes import SCHEMES, allowed_transitions, entities, from_iob2, split_tag, to_iob2

TYPES = ("PER", "LOC", "ORG")


def random_iob2(rng: random.Random, length: int) -> list[str]:
    """A valid IOB2 sequence: entities of random types and lengths, often side by side."""
    tags: list[str] = []
    while len(tags) < length:
        if rng.random() < 0.4:
            tags.append("O")
            continue
        kind = rng.choice(TYPES)
        tags.extend(["B-" + kind] + ["I-" + kind] * rng.randint(0, 2))
    return tags[:length]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_round_trips_through_iob2(scheme: str) -> None:
    rng = random.Random(0)
    for _ in range(500):
        tags = random_iob2(rng, rng.randint(1, 12))
        written = from_iob2(tags, scheme)
        assert to_iob2(written, scheme) == tags
        assert entities(written if scheme == "iob2" else tags) == entities(tags)


def test_the_schemes_write_what_their_definitions_say() -> None:
    tags = ["B-PER", "I-PER", "B-PER", "O", "B-LOC"]
    assert from_iob2(tags, "iob1") == ["I-PER", "I-PER", "B-PER", "O", "I-LOC"]
    assert from_iob2(tags, "iobes") == ["B-PER", "E-PER", "S-PER", "O", "S-LOC"]


def test_broken_iob2_is_repaired_as_conlleval_reads_it() -> None:
    assert to_iob2(["O", "I-PER", "I-LOC", "I-LOC"], "iob2") == ["O", "B-PER", "B-LOC", "I-LOC"]
    assert entities(["O", "I-PER", "I-LOC", "I-LOC"]) == [("PER", 1, 2), ("LOC", 2, 4)]


def test_an_unknown_scheme_or_tag_names_itself() -> None:
    with pytest.raises(ValueError, match="unknown tag scheme 'bilou'"):
        to_iob2(["O"], "bilou")
    with pytest.raises(ValueError, match="'S-PER' is not IOB2"):
        to_iob2(["S-PER"], "iob2")
    with pytest.raises(ValueError, match="neither O nor PREFIX-TYPE"):
        split_tag("PER")


def test_the_iob2_rules_forbid_exactly_an_i_that_cannot_continue() -> None:
    labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    transitions, start, end = allowed_transitions(labels)
    for i, previous in enumerate(labels):
        for j, current in enumerate(labels):
            continues = previous != "O" and previous[2:] == current[2:]
            assert transitions[i][j] == (not current.startswith("I-") or continues), (previous, current)
    assert start == [not label.startswith("I") for label in labels] and all(end)
