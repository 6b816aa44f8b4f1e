"""Machine translation with attention (N vs M): a bidirectional encoder, an attention decoder, subwords.

Pipeline: Multi30k task 1 from the data root (or any two aligned UTF-8 files) -> SentencePiece subwords
learnt on the training split, one model per language (:mod:`rnnkit.data.subwords`) -> length-bucketed
batches of id tensors (:mod:`rnnkit.recipes.translate_data`) -> :class:`~rnnkit.models.seq2seq.Seq2Seq`
trained by teacher forcing on the label-smoothed cross-entropy (:mod:`rnnkit.recipes.translate_task`)
-> greedy and beam-search translations of the test split, scored with sacreBLEU on the detokenised,
cased text (:mod:`rnnkit.recipes.translate_decode`). Settings and presets:
:mod:`rnnkit.recipes.translate_config`.

``rnnkit translate RUN "A man is riding a bike."`` translates sentences (``--file``, ``--beam``,
``--plot-attention``); ``rnnkit evaluate RUN --source f.en --reference f.de`` scores any pair of files.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .base import Prepared, Recipe, Split
from .translate_config import PRESETS, TranslateConfig, direction

if TYPE_CHECKING:
    from torch import nn

    from ..data.subwords import SubwordTokenizer
    from ..models.seq2seq import Seq2Seq
    from ..training.run_folder import RunFolder
    from .runner import TrainedRun
    from .translate_decode import Translations
    from .translate_task import TranslationTask

logger = logging.getLogger("rnnkit")
Tokenizers = tuple["SubwordTokenizer", "SubwordTokenizer"]


def held_out_split(
    config: TranslateConfig, tokenizers: Tokenizers, sources: list[str], targets: list[str], name: str
) -> Split:
    """Every pair of a validation or test part, in order, as the trainer scores it."""
    from .translate_data import Pairs, encode_split

    return encode_split(Pairs(sources, targets, name), tokenizers, config, training=False).split


class TranslateRecipe(Recipe):
    name = "translate"
    description = "sequence to sequence with attention -> translated sentences (N vs M)"
    dataset = "multi30k (en<->de; or any two aligned UTF-8 files: --set data.source=F data.target=F)"
    presets: ClassVar[Mapping[str, Any]] = PRESETS
    quick = (
        "model.embedding_dim=32",
        "model.encoder.hidden_size=32",
        "model.decoder_hidden_size=32",
        "model.attention_size=32",
        "data.vocab_size=500",
        "data.max_pairs=2000",
        "train.epochs=1",
        "decode.beam_size=2",
    )
    inputs = 'source sentences ("A man is riding a bike."); `rnnkit translate RUN ...` has more options'
    example_inputs = ('"A man is riding a bike."',)
    next_commands = ('rnnkit translate {run} "A man is riding a bike." --plot-attention {run}/attention.png',)

    def check(self, config: TranslateConfig) -> None:
        if config.model.src_vocab_size or config.model.tgt_vocab_size:
            raise ValueError(
                "model.src_vocab_size and model.tgt_vocab_size are set by the translate recipe from its "
                "subword models; leave them 0 (data.vocab_size sizes the subword vocabularies)."
            )
        if config.train.validation_split:
            raise ValueError(
                "train.validation_split does not apply to translate: the validation part is Multi30k's val "
                "split, data.valid_source/valid_target, or the last data.validation_fraction of the pairs."
            )

    def prepare(self, config: TranslateConfig, data_dir: str | None) -> Prepared:
        from .translate_data import encode_split, learn_subwords, load_corpus

        corpus = load_corpus(config, data_dir)
        if config.data.max_pairs:
            corpus = replace(corpus, train=corpus.train.head(config.data.max_pairs))
        tokenizers = learn_subwords(config, corpus.train)
        train = encode_split(corpus.train, tokenizers, config, training=True)
        validation = encode_split(corpus.validation, tokenizers, config, training=False)
        test = encode_split(corpus.test, tokenizers, config, training=False)
        counts = {
            "direction": direction(config),
            "test_part": corpus.test_part,
            "source_subwords": len(tokenizers[0]),
            "target_subwords": len(tokenizers[1]),
            "train_pairs_left_out": train.dropped,
            "test_sources_cut": test.truncated,
        }
        return Prepared(train.split, validation.split, test.split, {"tokenizers": tokenizers}, counts)

    def build_model(self, config: TranslateConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        from ..data.subwords import BOS_ID, EOS_ID, PAD_ID
        from ..models.seq2seq import Seq2Seq

        source, target = artifacts["tokenizers"]
        model_config = replace(
            config.model,
            src_vocab_size=len(source),
            tgt_vocab_size=len(target),
            pad_id=PAD_ID,
            bos_id=BOS_ID,
            eos_id=EOS_ID,
        )
        return Seq2Seq(model_config)

    def task(self, config: TranslateConfig) -> TranslationTask:
        from .translate_task import TranslationTask

        return TranslationTask()

    def save_artifacts(self, run: RunFolder, artifacts: Mapping[str, Any]) -> None:
        source, target = artifacts["tokenizers"]
        run.write_bytes(run.SOURCE_SUBWORDS, source.to_bytes())
        run.write_bytes(run.TARGET_SUBWORDS, target.to_bytes())

    def load_artifacts(self, run: RunFolder) -> dict[str, Any]:
        from ..data.subwords import SubwordTokenizer

        source = SubwordTokenizer(run.read_bytes(run.SOURCE_SUBWORDS, "the source subword model"))
        target = SubwordTokenizer(run.read_bytes(run.TARGET_SUBWORDS, "the target subword model"))
        return {"tokenizers": (source, target)}

    def test_split(
        self, config: TranslateConfig, data_dir: str | None, artifacts: Mapping[str, Any]
    ) -> Split:
        from .translate_data import load_corpus

        test = load_corpus(config, data_dir).test
        return held_out_split(config, artifacts["tokenizers"], test.sources, test.targets, test.name)

    def file_split(
        self, config: TranslateConfig, artifacts: Mapping[str, Any], path: str, reference: str | None = None
    ) -> Split:
        """The pairs of a source file and its reference translations (``--source``, ``--reference``)."""
        from ..data.parallel import read_parallel

        if reference is None:
            raise ValueError("translate scores a pair of files: pass --source FILE and --reference FILE.")
        sources, targets = read_parallel(path, reference)
        return held_out_split(config, artifacts["tokenizers"], sources, targets, path)

    def split_figures(
        self,
        config: TranslateConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        split: Split,
        prefix: str,
    ) -> dict[str, Any]:
        """BLEU of greedy and beam decoding of the split's sources against its references."""
        return self._decode_split(config, model, artifacts, split, prefix)[0]

    def _decode_split(
        self,
        config: TranslateConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        split: Split,
        prefix: str,
    ) -> tuple[dict[str, Any], Translations]:
        from .translate_decode import decoded_figures
        from .translate_task import unwrap_seq2seq

        texts = split.dataset.texts  # type: ignore[attr-defined]  # an EncodedPairs of a held-out part
        return decoded_figures(
            unwrap_seq2seq(model), artifacts["tokenizers"], config, texts.sources, texts.targets, prefix
        )

    def derived_figures(self, figures: Mapping[str, Any]) -> dict[str, Any]:
        """Perplexity per target subword, ``exp(loss)``, beside each loss."""
        return {
            name.replace("loss", "perplexity"): round(math.exp(value), 4)
            for name, value in figures.items()
            if name.endswith("loss") and isinstance(value, float) and value < 50
        }

    def report(
        self, config: TranslateConfig, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        """BLEU on the test part (greedy and beam), the beam's translations in ``test_translations.txt``
        and the attention of the first test sentence in ``attention.png``."""
        figures, translations = self._decode_split(config, model, prepared.artifacts, prepared.test, "test")
        if run is not None:
            run.write_text(run.TRANSLATIONS, "".join(text + "\n" for text in translations.texts))
            texts = prepared.test.dataset.texts  # type: ignore[attr-defined]
            from .translate_task import unwrap_seq2seq

            plot = attention_plot(
                unwrap_seq2seq(model), prepared.artifacts["tokenizers"], config, texts.sources[0]
            )
            if plot is not None:
                figures["attention_plot"] = str(run.write_png(run.ATTENTION_PLOT, plot))
        return figures

    def verdict(self, summary: Mapping[str, Any]) -> list[str]:
        greedy = summary.get("test_bleu_greedy")
        if greedy is None:
            return []
        beam = next((k for k in summary if k.startswith("test_bleu_beam") and k[-1].isdigit()), None)
        line = f"test BLEU ({summary.get('test_part')}, {summary.get('direction')}): greedy {greedy}"
        if beam is not None:
            line += f", {beam.removeprefix('test_bleu_')} {summary[beam]}"
        line += f" (cased, sacreBLEU {summary.get('bleu_signature')})"
        return [line]

    def predict(
        self,
        config: TranslateConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The translation of each sentence (beam ``decode.beam_size``)."""
        from .translate_decode import translate_texts
        from .translate_task import unwrap_seq2seq

        texts = [check_sentence(text) for text in inputs]
        result = translate_texts(unwrap_seq2seq(model), artifacts["tokenizers"], config, texts)
        warn_about_inputs(texts, result, config)
        return [{"translation": text} for text in result.texts]


def check_sentence(text: Any) -> str:
    if not isinstance(text, str):
        raise TypeError(f"translate: a sentence is a str, got {type(text).__name__}.")
    if not text.strip():
        raise ValueError("translate: got an empty sentence; give the text to translate.")
    return text.strip()


def warn_about_inputs(texts: Sequence[str], result: Translations, config: TranslateConfig) -> None:
    """A warning per sentence that was cut to the model's limit or held characters never seen in training."""
    for text, cut, unknown in zip(texts, result.cut, result.unknown, strict=True):
        short = text if len(text) <= 40 else text[:37] + "..."
        if cut:
            logger.warning(
                "warning: %r is longer than data.max_source_tokens=%d subwords; its last %d were cut before "
                "translating", short, config.data.max_source_tokens, cut,
            )  # fmt: skip
        if unknown:
            logger.warning(
                "warning: %r holds %d subword(s) the training text never had (read as <unk>)", short, unknown
            )


def attention_plot(
    model: Seq2Seq, tokenizers: Tokenizers, config: TranslateConfig, sentence: str
) -> bytes | None:
    """A PNG heat-map of the attention while translating ``sentence`` (beam ``decode.beam_size``), the
    subwords on the axes; None without matplotlib or without attention."""
    if model.attention is None:
        return None
    try:
        from ..plots import attention_figure, to_png
    except ImportError:  # pragma: no cover - the plots extra is optional
        return None
    from .translate_data import source_batch

    source_tok, target_tok = tokenizers
    src, lengths, ids, _ = source_batch([sentence], source_tok, config.data.max_source_tokens)
    max_length = int(config.decode.max_length_ratio * int(lengths.max())) + config.decode.max_length_extra
    result = model.translate(
        src, lengths, beam_size=config.decode.beam_size, max_length=max_length,
        length_penalty=config.decode.length_penalty, return_attention=True,
    )  # fmt: skip
    tokens, out_lengths, weights = result[0], result[1], result[-1]
    n = int(out_lengths[0])
    figure = attention_figure(
        weights[0, :n, : len(ids[0])].numpy(),
        source_tok.id_to_piece(ids[0]),
        target_tok.id_to_piece(tokens[0, :n].tolist()),
        title=f"attention: {direction(config)}",
        source_label="source subword",
        target_label="generated subword",
    )
    return to_png(figure)


def translate_run(
    trained: TrainedRun, texts: Sequence[str], beam_size: int | None = None, plot: str | None = None
) -> list[str]:
    """``rnnkit translate``: the translations of ``texts`` (warnings for cut or unknown input), and the
    attention of the first one drawn into ``plot``."""
    from .translate_decode import translate_texts
    from .translate_task import unwrap_seq2seq

    if trained.recipe.name != "translate":
        raise ValueError(
            f"{trained.run.path} is a {trained.recipe.name!r} run; `rnnkit translate` takes a translate run."
        )
    config: TranslateConfig = trained.config
    if beam_size is not None:
        if beam_size < 1:
            raise ValueError(f"--beam must be >= 1 (1: greedy), got {beam_size}.")
        config = replace(config, decode=replace(config.decode, beam_size=beam_size))
    sentences = [check_sentence(text) for text in texts]
    if plot is not None and not Path(plot).parent.is_dir():
        raise FileNotFoundError(f"--plot-attention {plot}: the folder {Path(plot).parent} does not exist.")
    model, artifacts = trained.load_model()
    seq2seq = unwrap_seq2seq(model)
    result = translate_texts(seq2seq, artifacts["tokenizers"], config, sentences)
    warn_about_inputs(sentences, result, config)
    if plot is not None:
        png = attention_plot(seq2seq, artifacts["tokenizers"], config, sentences[0])
        if png is None:
            raise ValueError(
                "--plot-attention needs matplotlib and a model with attention (model.attention)."
            )
        from ..atomic import atomic_write_bytes

        atomic_write_bytes(Path(plot), png)
    return result.texts
