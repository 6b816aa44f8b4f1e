"""Entity tag schemes (IOB1, IOB2, IOBES) and the entity spans a tag sequence holds.

Every tag is ``O`` or ``<prefix>-<TYPE>`` (``B-PER``, ``I-LOC``). The schemes differ in how an entity
begins:

==========  ============================================================================================
``iob2``    ``B-`` begins every entity, ``I-`` continues it (CoNLL-2003 as commonly distributed)
``iob1``    ``I-`` begins an entity too; ``B-`` only begins one that directly follows another entity of
            the same type (the original 2003 release)
``iobes``   ``S-`` a one-token entity, ``B-`` / ``I-`` / ``E-`` the first / inner / last token of a longer one
==========  ============================================================================================

Inside rnnkit every sequence is IOB2: files are converted on reading (:func:`to_iob2`) and back on
writing (:func:`from_iob2`). :func:`entities` reads spans the way conlleval does: an entity begins at
``B-``, and also at an ``I-`` that follows ``O`` or another type (a broken IOB2 sequence is repaired,
not dropped), so the spans of a broken sequence are those of its :func:`to_iob2` repair.

Example:
    >>> to_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC"], "iob1")
    ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC']
    >>> from_iob2(["B-PER", "I-PER", "O", "B-LOC"], "iobes")
    ['B-PER', 'E-PER', 'O', 'S-LOC']
    >>> entities(["B-PER", "I-PER", "O", "I-LOC"])
    [('PER', 0, 2), ('LOC', 3, 4)]
"""

from __future__ import annotations

from collections.abc import Sequence

SCHEMES = ("iob1", "iob2", "iobes")
_PREFIXES = {"iob1": "BI", "iob2": "BI", "iobes": "BIES"}

Span = tuple[str, int, int]
"""An entity: ``(type, start, end)`` over token positions, ``end`` exclusive."""


def split_tag(tag: str) -> tuple[str, str]:
    """``("B", "PER")`` for ``B-PER``, ``("O", "")`` for ``O``; anything else is a ValueError."""
    if tag == "O":
        return "O", ""
    prefix, dash, kind = tag.partition("-")
    if not dash or len(prefix) != 1 or not kind:
        raise ValueError(f"tag {tag!r} is neither O nor PREFIX-TYPE (e.g. B-PER)")
    return prefix, kind


def check_scheme(scheme: str) -> str:
    """The scheme's name, lower-cased, or a ValueError that lists the known ones."""
    name = scheme.lower()
    if name not in SCHEMES:
        raise ValueError(f"unknown tag scheme {scheme!r}; choose one of {list(SCHEMES)}.")
    return name


def check_tags(tags: Sequence[str], scheme: str) -> None:
    """Every tag is ``O`` or a prefix the scheme knows followed by a type (ValueError naming the tag)."""
    allowed = _PREFIXES[check_scheme(scheme)]
    for tag in tags:
        prefix, _ = split_tag(tag)
        if prefix != "O" and prefix not in allowed:
            raise ValueError(
                f"tag {tag!r} is not {scheme.upper()} (prefixes {', '.join(allowed)}); set the scheme the "
                f"file uses (one of {list(SCHEMES)})"
            )


def to_iob2(tags: Sequence[str], scheme: str) -> list[str]:
    """The IOB2 form of ``tags`` written in ``scheme``; an ``I-`` that cannot continue becomes ``B-``."""
    scheme = check_scheme(scheme)
    check_tags(tags, scheme)
    result: list[str] = []
    previous = ""  # the type of the entity the previous token belongs to ("" outside)
    for tag in tags:
        prefix, kind = split_tag(tag)
        if prefix == "O":
            result.append("O")
            previous = ""
            continue
        begins = prefix in "BS" or kind != previous
        result.append(("B-" if begins else "I-") + kind)
        # IOBES: an entity ends at E- or S-, so the next I- of the same type begins a new one.
        previous = "" if prefix in "ES" else kind
    return result


def from_iob2(tags: Sequence[str], scheme: str) -> list[str]:
    """``tags`` (IOB2, as :func:`to_iob2` returns them) written in ``scheme``."""
    scheme = check_scheme(scheme)
    spans = entities(tags)
    result = ["O"] * len(tags)
    previous_end, previous_kind = -1, ""
    for kind, start, end in spans:
        if scheme == "iob2":
            result[start] = "B-" + kind
        elif scheme == "iob1":
            follows_same = start == previous_end and kind == previous_kind
            result[start] = ("B-" if follows_same else "I-") + kind
        elif end - start == 1:
            result[start] = "S-" + kind
        else:
            result[start], result[end - 1] = "B-" + kind, "E-" + kind
        for position in range(start + 1, end - (scheme == "iobes")):
            result[position] = "I-" + kind
        previous_end, previous_kind = end, kind
    return result


def entities(tags: Sequence[str]) -> list[Span]:
    """The entities of an IOB2 sequence, in order, as conlleval reads them (see the module docstring)."""
    spans: list[Span] = []
    start, kind = -1, ""
    for position, tag in enumerate(tags):
        prefix, tag_kind = split_tag(tag)
        continues = prefix == "I" and tag_kind == kind and start >= 0
        if continues:
            continue
        if start >= 0:
            spans.append((kind, start, position))
            start, kind = -1, ""
        if prefix != "O":
            start, kind = position, tag_kind
    if start >= 0:
        spans.append((kind, start, len(tags)))
    return spans


def allowed_transitions(labels: Sequence[str]) -> tuple[list[list[bool]], list[bool], list[bool]]:
    """Which IOB2 tag may follow which: ``(transitions[i][j], start[j], end[j])`` over ``labels``.

    ``I-X`` may only follow ``B-X`` or ``I-X`` and may not begin a sentence; every other pair is allowed,
    and every tag may end one. A Viterbi path through these never holds a broken entity.

    Example:
        >>> trans, start, end = allowed_transitions(["O", "B-PER", "I-PER"])
        >>> trans[0][2], trans[1][2], start[2]
        (False, True, False)
    """
    parsed = [split_tag(label) for label in labels]

    def may_follow(previous: tuple[str, str], current: tuple[str, str]) -> bool:
        if current[0] != "I":
            return True
        return previous[0] in "BI" and previous[1] == current[1]

    transitions = [[may_follow(p, c) for c in parsed] for p in parsed]
    start = [c[0] != "I" for c in parsed]
    return transitions, start, [True] * len(parsed)
