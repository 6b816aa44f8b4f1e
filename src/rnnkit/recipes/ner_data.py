"""The ``ner`` recipe's data: sentences read, split, and turned into id tensors.

A word is read three ways, each its own input of the tagger:

- its **word id**, looked up as written or lower-cased with digits as ``0`` (``data.lowercase``,
  ``data.zero_digits``), unknown words as ``<unk>``;
- its **characters**, as written (``data.max_word_length`` at most), unknown characters as id 1;
- its **case class** (:func:`case_class`): what lower-casing took away.

Batches are ``(words (B, T), lengths (B,), chars (B, T, W), case (B, T), tags (B, T))``, ``tags`` None for
untagged sentences.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import Tensor
from torch.utils.data import Dataset

from ..data.conll import TaggedSentence
from ..data.vocab import Vocab
from .ner_config import NerData

CASES = ("<pad>", "lower", "UPPER", "Title", "mIxed", "digits", "has_digit", "other")
CHAR_SPECIALS = ("<pad>", "<unk>")
_DIGIT = re.compile(r"\d")


def case_class(word: str) -> int:
    """The id in :data:`CASES` of a word's case: all lower, all upper, first letter upper, other mixed
    letters, only digits, some digits, no letters nor digits.

    Example:
        >>> [CASES[case_class(w)] for w in ["lamb", "EU", "German", "iPod", "1996", "1996-08-22", "."]]
        ['lower', 'UPPER', 'Title', 'mIxed', 'digits', 'has_digit', 'other']
    """
    if word.isdigit():
        return CASES.index("digits")
    if any(c.isalpha() for c in word):
        if word.islower():
            return CASES.index("lower")
        if word.isupper():
            return CASES.index("UPPER")
        if word[0].isupper() and (len(word) == 1 or not any(c.isupper() for c in word[1:])):
            return CASES.index("Title")
        return CASES.index("mIxed")
    if _DIGIT.search(word):
        return CASES.index("has_digit")
    return CASES.index("other")


def normalise(word: str, data: NerData) -> str:
    """The form a word is looked up in the vocabulary by."""
    if data.lowercase:
        word = word.lower()
    return _DIGIT.sub("0", word) if data.zero_digits else word


def build_vocabularies(sentences: Sequence[TaggedSentence], data: NerData) -> tuple[Vocab, Vocab, list[str]]:
    """The word vocabulary, the character vocabulary and the tag names, from the training sentences.

    Tags are ``O`` first, then each type's ``B-``/``I-`` pair in type order, so their ids never depend
    on which tag the data happens to show first.
    """
    words = Vocab.build(
        ([normalise(token, data) for token in s.tokens] for s in sentences), min_freq=data.min_freq
    )
    chars = Vocab.build((list(token) for s in sentences for token in s.tokens), specials=CHAR_SPECIALS)
    kinds = sorted({tag[2:] for s in sentences for tag in s.tags or () if tag != "O"})
    tags = ["O"] + [f"{prefix}-{kind}" for kind in kinds for prefix in "BI"]
    return words, chars, tags


@dataclass(frozen=True)
class EncodedSentence:
    words: list[int]
    chars: list[list[int]]
    case: list[int]
    tags: list[int] | None


def encode_sentence(
    tokens: Sequence[str],
    tags: Sequence[str] | None,
    vocabularies: tuple[Vocab, Vocab, list[str]],
    data: NerData,
) -> EncodedSentence:
    """One sentence as ids; a tag the training data never showed is a ValueError naming it."""
    words, chars, tag_names = vocabularies
    tag_ids = None
    if tags is not None:
        index = {name: i for i, name in enumerate(tag_names)}
        unknown = sorted({tag for tag in tags if tag not in index})
        if unknown:
            raise ValueError(
                f"tag(s) {unknown} never occur in the training data (known: {tag_names}); the model cannot "
                "predict them."
            )
        tag_ids = [index[tag] for tag in tags]
    return EncodedSentence(
        words.encode(normalise(token, data) for token in tokens),
        [chars.encode(token[: data.max_word_length]) for token in tokens],
        [case_class(token) for token in tokens],
        tag_ids,
    )


class EncodedSentences(Dataset):
    """Encoded sentences, with their tokens kept for the report and the predictions.

    With ``singleton_unk = p > 0`` (the training split only), each occurrence of a word id in
    ``singletons`` is read as ``unk_id`` with probability ``p`` every time the sentence is drawn: Lample et
    al. (2016) replace the training words seen once by the unknown word with p = 0.5, so that ``<unk>``'s
    vector is learnt from words like the ones a test set brings. The draw uses torch's generator, which the
    trainer seeds.
    """

    def __init__(
        self,
        encoded: list[EncodedSentence],
        sentences: list[TaggedSentence],
        singletons: frozenset[int] = frozenset(),
        singleton_unk: float = 0.0,
        unk_id: int = 1,
    ) -> None:
        self.encoded, self.sentences = encoded, sentences
        self.singletons, self.singleton_unk, self.unk_id = singletons, singleton_unk, unk_id

    def __len__(self) -> int:
        return len(self.encoded)

    def __getitem__(self, index: int) -> EncodedSentence:
        sentence = self.encoded[index]
        if self.singleton_unk <= 0 or not self.singletons:
            return sentence
        draws = torch.rand(len(sentence.words)).tolist()
        words = [
            self.unk_id if word in self.singletons and draw < self.singleton_unk else word
            for word, draw in zip(sentence.words, draws, strict=True)
        ]
        return replace(sentence, words=words)


def collate(batch: list[EncodedSentence]) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor | None]:
    """Pad a list of sentences into ``(words, lengths, chars, case, tags)`` (padding id 0; tags -100)."""
    B = len(batch)
    T = max(len(s.words) for s in batch)
    W = max((len(chars) for s in batch for chars in s.chars), default=1)
    words = torch.zeros(B, T, dtype=torch.long)
    case = torch.zeros(B, T, dtype=torch.long)
    chars = torch.zeros(B, T, max(W, 1), dtype=torch.long)
    tagged = all(s.tags is not None for s in batch)
    tags = torch.full((B, T), -100, dtype=torch.long) if tagged else None
    for b, sentence in enumerate(batch):
        n = len(sentence.words)
        words[b, :n] = torch.tensor(sentence.words)
        case[b, :n] = torch.tensor(sentence.case)
        for t, word_chars in enumerate(sentence.chars):
            chars[b, t, : len(word_chars)] = torch.tensor(word_chars)
        if tags is not None and sentence.tags is not None:
            tags[b, :n] = torch.tensor(sentence.tags)
    lengths = torch.tensor([len(s.words) for s in batch])
    return words, lengths, chars, case, tags


def held_out_documents(
    sentences: list[TaggedSentence], fraction: float
) -> tuple[list[TaggedSentence], list[TaggedSentence]]:
    """``(train, held_out)``: the last ``fraction`` of the documents (at least one) held out whole, or the
    last ``fraction`` of the sentences when the file has one document."""
    documents = sorted({s.document for s in sentences})
    if len(documents) > 1:
        keep = set(documents[: max(1, len(documents) - max(1, round(fraction * len(documents))))])
        return [s for s in sentences if s.document in keep], [s for s in sentences if s.document not in keep]
    cut = max(1, len(sentences) - max(1, round(fraction * len(sentences))))
    return sentences[:cut], sentences[cut:]


def encode_split(
    sentences: list[TaggedSentence],
    vocabularies: tuple[Vocab, Vocab, list[str]],
    data: NerData,
    train: bool = False,
) -> EncodedSentences:
    """The sentences as ids; for the training split (``train``) with ``data.singleton_unk > 0``, its
    singletons (word ids seen once in it) are read as unknown at that rate (:class:`EncodedSentences`)."""
    encoded = []
    for sentence in sentences:
        try:
            encoded.append(encode_sentence(sentence.tokens, sentence.tags, vocabularies, data))
        except ValueError as error:
            raise ValueError(f"{sentence.where}: {error}") from None
    if not (train and data.singleton_unk > 0):
        return EncodedSentences(encoded, sentences)
    counts = Counter(word for sentence in encoded for word in sentence.words)
    words = vocabularies[0]
    singletons = frozenset(word for word, count in counts.items() if count == 1 and word != words.unk_id)
    return EncodedSentences(encoded, sentences, singletons, data.singleton_unk, words.unk_id)


def describe_counts(sentences: Sequence[TaggedSentence]) -> dict[str, Any]:
    """Sentences, tokens and documents of a split, for the summary."""
    return {
        "sentences": len(sentences),
        "tokens": sum(len(s.tokens) for s in sentences),
        "documents": len({s.document for s in sentences}),
    }
