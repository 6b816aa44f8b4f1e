"""Batched translation of sentences, and BLEU with sacreBLEU on the detokenised output.

Sentences are decoded ``decode.batch_size`` at a time, sorted by source length so that a batch pads
little, and put back in input order. Greedy decoding and beam search are
:meth:`rnnkit.models.seq2seq.Seq2Seq.translate` (beam search is batched: ``B * K`` rows per step).
The output is SentencePiece's detokenisation of the subwords, so BLEU is computed on text as a user
reads it, with sacreBLEU's defaults (13a tokenisation, cased, exponential smoothing); the lower-cased
figure is given beside it, since some published Multi30k figures are lower-cased.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from ..data.subwords import SubwordTokenizer
from ..models.seq2seq import Seq2Seq
from .translate_config import TranslateConfig
from .translate_data import source_batch


@dataclass
class Translations:
    """The translations of some sentences, in input order, and what decoding them took."""

    texts: list[str]
    token_ids: list[list[int]]
    cut: list[int]  # source subwords lost to data.max_source_tokens, per sentence
    unknown: list[int]  # source subwords that are <unk> (characters never seen in training), per sentence
    seconds: float

    @property
    def sentences_per_second(self) -> float:
        return len(self.texts) / self.seconds if self.seconds > 0 else float("inf")


def translate_texts(
    model: Seq2Seq,
    tokenizers: tuple[SubwordTokenizer, SubwordTokenizer],
    config: TranslateConfig,
    texts: Sequence[str],
    beam_size: int | None = None,
) -> Translations:
    """Translate ``texts`` (greedy for ``beam_size=1``; default ``decode.beam_size``)."""
    source_tok, target_tok = tokenizers
    decode = config.decode
    beam = decode.beam_size if beam_size is None else beam_size
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    outputs: dict[int, list[int]] = {}
    cut: dict[int, int] = {}
    unknown: dict[int, int] = {}
    started = time.perf_counter()
    for first in range(0, len(order), decode.batch_size):
        rows = order[first : first + decode.batch_size]
        src, lengths, ids, lost = source_batch(
            [texts[i] for i in rows], source_tok, config.data.max_source_tokens
        )
        max_length = int(decode.max_length_ratio * int(lengths.max())) + decode.max_length_extra
        with torch.no_grad():
            result = model.translate(
                src, lengths, beam_size=beam, max_length=max_length, length_penalty=decode.length_penalty
            )
        tokens, out_lengths = result[0], result[1]
        for row, i in enumerate(rows):
            n = int(out_lengths[row])
            outputs[i] = tokens[row, :n].tolist()
            cut[i], unknown[i] = lost[row], source_tok.unknown(ids[row])
    seconds = time.perf_counter() - started
    token_ids = [outputs[i] for i in range(len(texts))]
    return Translations(
        [target_tok.decode(t) for t in token_ids],
        token_ids,
        [cut[i] for i in range(len(texts))],
        [unknown[i] for i in range(len(texts))],
        seconds,
    )


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, Any]:
    """Corpus BLEU of detokenised ``hypotheses`` against one reference each: sacreBLEU's default (cased,
    13a) with its signature, and the lower-cased score."""
    from sacrebleu.metrics import BLEU

    if len(hypotheses) != len(references):
        raise ValueError(f"BLEU: {len(hypotheses)} hypotheses but {len(references)} references.")
    cased, lowercased = BLEU(), BLEU(lowercase=True)
    score = cased.corpus_score(list(hypotheses), [list(references)])
    return {
        "bleu": round(score.score, 2),
        "bleu_lowercase": round(lowercased.corpus_score(list(hypotheses), [list(references)]).score, 2),
        "bleu_detail": str(score),
        "bleu_signature": str(cased.get_signature()),
    }


def decoded_figures(
    model: Seq2Seq,
    tokenizers: tuple[SubwordTokenizer, SubwordTokenizer],
    config: TranslateConfig,
    sources: Sequence[str],
    references: Sequence[str],
    prefix: str,
) -> tuple[dict[str, Any], Translations]:
    """BLEU of greedy decoding and of beam search (``decode.beam_size``) on ``sources``, with the
    decoding speed of each; returns the figures and the beam's translations."""
    figures: dict[str, Any] = {}
    beams = [1] if config.decode.beam_size == 1 else [1, config.decode.beam_size]
    translations = []
    for beam in beams:
        translations.append(translate_texts(model, tokenizers, config, sources, beam))
        name = "greedy" if beam == 1 else f"beam{beam}"
        scores = bleu(translations[-1].texts, references)
        figures[f"{prefix}_bleu_{name}"] = scores["bleu"]
        figures[f"{prefix}_bleu_{name}_lowercase"] = scores["bleu_lowercase"]
        figures[f"{prefix}_bleu_{name}_detail"] = scores["bleu_detail"]
        figures[f"{prefix}_{name}_sentences_per_second"] = round(translations[-1].sentences_per_second, 1)
        figures["bleu_signature"] = scores["bleu_signature"]
    return figures, translations[-1]
