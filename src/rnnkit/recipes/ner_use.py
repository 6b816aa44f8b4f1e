"""Using a trained ``ner`` run: sentences in, entities out (``rnnkit predict``).

A sentence given as text is split into tokens the way CoNLL-2003 is: at spaces, with punctuation at a
word's ends split off (``lamb.`` -> ``lamb`` ``.``; ``U.S.`` and ``1996-08-22`` kept whole; ``won't`` ->
``wo`` ``n't`` as in the Penn Treebank).
A CoNLL file given to ``--file`` is read as sentences with their tokens (and gold tags, when it has a tag
column) instead of one sentence per line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..data.conll import TaggedSentence, looks_like_conll, parse_conll
from ..data.tag_schemes import entities, from_iob2
from .inputs import PredictInput
from .ner_config import NerConfig
from .ner_data import collate, encode_sentence
from .ner_task import unwrap_tagger

_LEADING = "\"'([{«“‘"
_TRAILING = "\"'.,;:!?)]}»”’"
_INITIALS = re.compile(r"^(?:[A-Za-z]\.){2,}$")  # U.S., kept whole anywhere
_ABBREVIATION = re.compile(r"^[A-Z][a-z]{0,3}\.$")  # Mr. / Corp., kept whole inside a sentence


def tokenize(text: str) -> list[str]:
    """CoNLL-style tokens of a sentence.

    Example:
        >>> tokenize('EU rejects German call to boycott British lamb.')
        ['EU', 'rejects', 'German', 'call', 'to', 'boycott', 'British', 'lamb', '.']
        >>> tokenize('"Mr. Blair and the U.S. said (on 1996-08-22) it won\\'t."')
        ... # doctest: +NORMALIZE_WHITESPACE
        ['"', 'Mr.', 'Blair', 'and', 'the', 'U.S.', 'said', '(', 'on', '1996-08-22', ')', 'it', 'wo', "n't",
         '.', '"']
    """
    tokens: list[str] = []
    pieces = text.split()
    for number, piece in enumerate(pieces, start=1):
        before: list[str] = []
        after: list[str] = []
        while len(piece) > 1 and piece[0] in _LEADING:
            before.append(piece[0])
            piece = piece[1:]
        keep = _INITIALS.match(piece) or (number < len(pieces) and _ABBREVIATION.match(piece))
        while len(piece) > 1 and piece[-1] in _TRAILING and not keep:
            after.insert(0, piece[-1])
            piece = piece[:-1]
        tokens.extend(before)
        if piece.lower().endswith("n't") and len(piece) > 3:
            tokens.extend([piece[:-3], piece[-3:]])
        elif "'" in piece[1:] and piece.rsplit("'", 1)[1].lower() in ("s", "t", "re", "ve", "ll", "d", "m"):
            head, tail = piece.rsplit("'", 1)
            tokens.extend([head, "'" + tail])
        else:
            tokens.append(piece)
        tokens.extend(after)
    return tokens


def file_inputs(path: Path) -> list[PredictInput] | None:
    """The sentences of a CoNLL file as inputs (None: the file is plain text, one sentence per line)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise ValueError(
            f"predict: {path} is not UTF-8 text (byte {error.start}); save it as UTF-8."
        ) from None
    if not looks_like_conll(lines):
        return None
    tagged = len(lines) > 0 and len(next(line for line in lines if line.strip()).split()) > 1
    sentences = parse_conll(lines, str(path), tagged=tagged)
    return [PredictInput(sentence, sentence.where) for sentence in sentences]


def as_sentence(value: Any) -> TaggedSentence:
    """A text or a sentence read from a CoNLL file, as tokens (and gold tags)."""
    if isinstance(value, TaggedSentence):
        return value
    if not isinstance(value, str):
        raise TypeError(f"ner predict: a sentence is a str, got {type(value).__name__}.")
    tokens = tokenize(value)
    if not tokens:
        raise ValueError("ner predict: an empty sentence; give at least one word.")
    return TaggedSentence(tokens, None)


def tag_sentences(
    config: NerConfig, model: nn.Module, artifacts: Mapping[str, Any], sentences: Sequence[TaggedSentence]
) -> list[list[str]]:
    """The IOB2 tags the model gives each sentence (any words, known or not), in batches of 256."""
    vocabularies = (artifacts["words"], artifacts["chars"], artifacts["tags"])
    tagger = unwrap_tagger(model)
    device = next(tagger.parameters()).device
    names = artifacts["tags"]
    result: list[list[str]] = []
    was_training = tagger.training
    tagger.eval()
    with torch.no_grad():
        for start in range(0, len(sentences), 256):
            chunk = sentences[start : start + 256]
            encoded = [encode_sentence(s.tokens, None, vocabularies, config.data) for s in chunk]
            words, lengths, chars, case, _ = collate(encoded)
            paths = tagger.predict(words.to(device), lengths, chars=chars.to(device), case=case.to(device))
            result.extend([names[i] for i in path] for path in paths)
    tagger.train(was_training)
    return result


def entity_rows(sentence: TaggedSentence, tags: Sequence[str], scheme: str) -> dict[str, Any]:
    """One ``rnnkit predict`` row: the entities (text, type, token span), and the tokens and tags."""
    found = [
        {"text": " ".join(sentence.tokens[start:end]), "type": kind, "start": start, "end": end}
        for kind, start, end in entities(tags)
    ]
    row: dict[str, Any] = {
        "entities": found,
        "tokens": list(sentence.tokens),
        "tags": from_iob2(tags, scheme),
    }
    if sentence.tags is not None:
        row["gold_tags"] = from_iob2(sentence.tags, scheme)
    return row
