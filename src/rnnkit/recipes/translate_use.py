"""Using a trained translate run: the sentences a user gives, warnings about them, the attention plot,
and ``rnnkit translate`` (:func:`translate_run`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .translate_config import TranslateConfig, direction

if TYPE_CHECKING:
    from ..data.subwords import SubwordTokenizer
    from ..models.seq2seq import Seq2Seq
    from .runner import TrainedRun
    from .translate_decode import Translations

logger = logging.getLogger("rnnkit")
Tokenizers = tuple["SubwordTokenizer", "SubwordTokenizer"]


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
