"""Machine translation with attention (N vs M): a bidirectional encoder, an attention decoder, subwords.

Pipeline: Multi30k task 1 from the data root (or any two aligned UTF-8 files) -> SentencePiece subwords
learnt on the training split, one model per language (:mod:`rnnkit.data.subwords`) -> length-bucketed
batches of id tensors (:mod:`rnnkit.recipes.translate_data`) -> :class:`~rnnkit.models.seq2seq.Seq2Seq`
trained by teacher forcing on the label-smoothed cross-entropy (:mod:`rnnkit.recipes.translate_task`)
-> greedy and beam-search translations of the test split, scored with sacreBLEU on the detokenised,
cased text (:mod:`rnnkit.recipes.translate_decode`). Settings and presets:
:mod:`rnnkit.recipes.translate_config`.

``rnnkit translate RUN "A man is riding a bike."`` translates sentences (``--file``, ``--beam``,
``--plot-attention``: :mod:`rnnkit.recipes.translate_use`); ``rnnkit evaluate RUN --source f.en
--reference f.de`` scores any pair of files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from .base import Prepared, Recipe, Split, perplexity_figures
from .translate_config import PRESETS, TranslateConfig, direction

if TYPE_CHECKING:
    from torch import nn

    from ..data.subwords import SubwordTokenizer
    from ..training.run_folder import RunFolder
    from .translate_decode import Translations
    from .translate_task import TranslationTask

Tokenizers = tuple["SubwordTokenizer", "SubwordTokenizer"]


def held_out_split(
    config: TranslateConfig, tokenizers: Tokenizers, sources: list[str], targets: list[str], name: str
) -> Split:
    """Every pair of a validation or test part, in order, as the trainer scores it."""
    from .translate_data import Pairs, encode_split

    return encode_split(Pairs(sources, targets, name), tokenizers, config, training=False).split


def decode_split(
    config: TranslateConfig, model: nn.Module, artifacts: Mapping[str, Any], split: Split, prefix: str
) -> tuple[dict[str, Any], Translations]:
    """BLEU figures of a held-out split (its ``EncodedPairs.texts``) and the beam's translations."""
    from .translate_decode import decoded_figures
    from .translate_task import unwrap_seq2seq

    texts = split.dataset.texts  # type: ignore[attr-defined]  # an EncodedPairs of a held-out part
    return decoded_figures(
        unwrap_seq2seq(model), artifacts["tokenizers"], config, texts.sources, texts.targets, prefix
    )


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

    def task(self, config: TranslateConfig, artifacts: Mapping[str, Any] | None = None) -> TranslationTask:
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
        return decode_split(config, model, artifacts, split, prefix)[0]

    def derived_figures(self, figures: Mapping[str, Any]) -> dict[str, Any]:
        """Perplexity per target subword, ``exp(loss)``, beside each loss."""
        return perplexity_figures(figures)

    def report(
        self, config: TranslateConfig, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        """BLEU on the test part (greedy and beam), the beam's translations in ``test_translations.txt``
        and the attention of the first test sentence in ``attention.png``."""
        figures, translations = decode_split(config, model, prepared.artifacts, prepared.test, "test")
        if run is not None:
            run.write_text(run.TRANSLATIONS, "".join(text + "\n" for text in translations.texts))
            texts = prepared.test.dataset.texts  # type: ignore[attr-defined]
            from .translate_task import unwrap_seq2seq
            from .translate_use import attention_plot

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
        from .translate_use import check_sentence, warn_about_inputs

        texts = [check_sentence(text) for text in inputs]
        result = translate_texts(unwrap_seq2seq(model), artifacts["tokenizers"], config, texts)
        warn_about_inputs(texts, result, config)
        return [{"translation": text} for text in result.texts]
