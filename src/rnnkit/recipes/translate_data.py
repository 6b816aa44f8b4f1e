"""The translate recipe's data: sentence pairs, their subwords, and batches of padded id tensors.

Pipeline::

    Multi30k (or the user's files)  ->  pairs (source, target) of the three splits
    training sources / targets       ->  one SentencePiece model per language (training split only)
    each pair                        ->  source ids x_1..x_S, target ids BOS y_1..y_T EOS
    length buckets                   ->  PairBatch(src (B, S), src_lengths (B,), tgt (B, T+2))

Training pairs with an empty side or longer than ``data.max_*_tokens`` subwords are left out (counted);
validation and test pairs are all kept, scored whole (their sources are cut to ``max_source_tokens`` and
the count of cut ones reported; Multi30k has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from torch import Tensor
from torch.utils.data import Dataset

from ..data.batching import BucketBatchSampler, pad_sequences
from ..data.subwords import BOS_ID, EOS_ID, PAD_ID, SubwordTokenizer
from .base import Split
from .translate_config import TranslateConfig


@dataclass(frozen=True)
class Pairs:
    """Aligned sentences of one split and where they came from (for messages)."""

    sources: list[str]
    targets: list[str]
    name: str

    def __len__(self) -> int:
        return len(self.sources)

    def head(self, count: int) -> Pairs:
        """The first ``count`` pairs."""
        return Pairs(self.sources[:count], self.targets[:count], f"the first {count} pairs of {self.name}")


@dataclass(frozen=True)
class Corpus:
    train: Pairs
    validation: Pairs
    test: Pairs
    test_part: str  # "the test files", or "the validation part (no test files)"


def load_corpus(config: TranslateConfig, data_dir: str | None) -> Corpus:
    """The pairs of the three splits (Multi30k's, or the user's files)."""
    from ..data.parallel import read_parallel

    data = config.data
    if not data.source:
        from ..data.datasets.multi30k import load_multi30k

        src, tgt = data.source_language, data.target_language

        def split(name: str) -> Pairs:
            sources, targets = load_multi30k(name, src, data_dir), load_multi30k(name, tgt, data_dir)
            return Pairs(sources, targets, f"Multi30k {name}")

        return Corpus(split("train"), split("validation"), split("test"), "Multi30k test_2016_flickr")
    sources, targets = read_parallel(data.source, data.target)
    if data.valid_source:
        train = Pairs(sources, targets, data.source)
        validation = Pairs(*read_parallel(data.valid_source, data.valid_target), data.valid_source)
    else:  # the last validation_fraction of the pairs, in file order
        cut = max(1, int(len(sources) * (1.0 - data.validation_fraction)))
        if cut >= len(sources):
            raise ValueError(
                f"{data.source} has {len(sources)} pair(s): too few to hold out a validation part; give "
                "more pairs or data.valid_source/data.valid_target."
            )
        train = Pairs(sources[:cut], targets[:cut], data.source)
        validation = Pairs(sources[cut:], targets[cut:], f"the last pairs of {data.source}")
    if data.test_source:
        test = Pairs(*read_parallel(data.test_source, data.test_target), data.test_source)
        return Corpus(train, validation, test, "the test files")
    return Corpus(train, validation, validation, "the validation part (no test files)")


def learn_subwords(config: TranslateConfig, train: Pairs) -> tuple[SubwordTokenizer, SubwordTokenizer]:
    """One subword model per language, from the training split only."""
    data = config.data
    source = SubwordTokenizer.train(train.sources, data.vocab_size, data.subword_model)
    target = SubwordTokenizer.train(train.targets, data.vocab_size, data.subword_model)
    return source, target


class PairBatch(NamedTuple):
    """``src (B, S)`` padded with 0, ``src_lengths (B,)``, ``tgt (B, T+2)``: BOS y_1..y_T EOS, padded."""

    src: Tensor
    src_lengths: Tensor
    tgt: Tensor


class EncodedPairs(Dataset):
    """Item ``i``: ``(source ids, target ids with BOS and EOS)``; ``texts``: the pairs as text (held-out
    splits keep every pair, so item i is pair i: what BLEU scores the decoded sources against)."""

    def __init__(
        self, sources: list[list[int]], targets: list[list[int]], texts: Pairs | None = None
    ) -> None:
        self.sources, self.targets, self.texts = sources, targets, texts

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, index: int) -> tuple[list[int], list[int]]:
        return self.sources[index], self.targets[index]


def collate_pairs(items: list[tuple[list[int], list[int]]]) -> PairBatch:
    sources, targets = zip(*items, strict=True)
    src, lengths = pad_sequences(list(sources), pad_id=PAD_ID)
    tgt, _ = pad_sequences(list(targets), pad_id=PAD_ID)
    return PairBatch(src, lengths, tgt)


@dataclass
class EncodedSplit:
    """A split's ids, what was left out or cut, and its batches."""

    split: Split
    dropped: int
    truncated: int


def encode_split(
    pairs: Pairs,
    tokenizers: tuple[SubwordTokenizer, SubwordTokenizer],
    config: TranslateConfig,
    training: bool,
) -> EncodedSplit:
    """Ids of every pair, batched in length buckets (shuffled each epoch when ``training``).

    Training drops pairs with an empty side or a side longer than the limits; a held-out split keeps
    every pair (an empty source is read as EOS alone; its target is still scored), its sources cut to
    ``max_source_tokens``.
    """
    data = config.data
    source_tok, target_tok = tokenizers
    source_ids = source_tok.encode_batch(pairs.sources)
    target_ids = target_tok.encode_batch(pairs.targets)
    kept_src, kept_tgt = [], []
    dropped = truncated = 0
    for src, tgt in zip(source_ids, target_ids, strict=True):
        if training and (
            not src or not tgt or len(src) > data.max_source_tokens or len(tgt) > data.max_target_tokens
        ):
            dropped += 1
            continue
        if len(src) > data.max_source_tokens:
            src, truncated = src[: data.max_source_tokens], truncated + 1
        kept_src.append(src or [EOS_ID])
        kept_tgt.append([BOS_ID, *tgt, EOS_ID])
    if not kept_src:
        raise ValueError(
            f"{pairs.name}: no pair left to train on (all empty or longer than data.max_source_tokens="
            f"{data.max_source_tokens} / data.max_target_tokens={data.max_target_tokens} subwords)."
        )
    lengths = [len(s) for s in kept_src]
    sampler = BucketBatchSampler(
        lengths, config.train.batch_size, shuffle=training, seed=config.train.seed if training else None
    )
    dataset = EncodedPairs(kept_src, kept_tgt, None if training else pairs)
    return EncodedSplit(Split(dataset, collate_pairs, sampler), dropped, truncated)


def source_batch(
    texts: list[str], tokenizer: SubwordTokenizer, max_tokens: int
) -> tuple[Tensor, Tensor, list[list[int]], list[int]]:
    """``src (B, S)``, ``lengths (B,)``, the ids of each (cut to ``max_tokens``), and how many ids each
    sentence lost to the cut."""
    ids = tokenizer.encode_batch(texts)
    cut = [max(0, len(s) - max_tokens) for s in ids]
    ids = [s[:max_tokens] or [EOS_ID] for s in ids]
    src, lengths = pad_sequences(ids, pad_id=PAD_ID)
    return src, lengths, ids, cut
