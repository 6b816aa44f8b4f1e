"""The ``translate`` recipe's settings: the parallel corpus, its subwords, the model, decoding, presets.

Presets (Multi30k task 1; ``default`` is English -> German, ``de-en`` the other way):
    default: SentencePiece BPE, 8,000 pieces per language learnt on the training split; a bidirectional
    LSTM encoder (2 x 256), an LSTM decoder (256) with Luong "general" attention and input feeding, tied
    target embeddings (256), dropout 0.3, label smoothing 0.1; Adam 2e-3, batches of 64 pairs in length
    buckets, the gradient norm clipped at 1, the learning rate halved when the validation loss stops
    improving, early stopping on it (patience 3) and the best epoch restored. Decoding: greedy and beam 5
    with length normalisation (α = 1).
    ``de-en``: the same model, German -> English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models.config import RNNConfig, Seq2SeqConfig
from ..training.config import TrainConfig

MULTI30K_LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class TranslateData:
    """The parallel corpus and its subwords.

    Attributes:
        source, target: a user's training files (one sentence per line, UTF-8, ``.gz`` allowed; line i of
            one translates line i of the other); empty: Multi30k task 1 from the data root.
        valid_source, valid_target, test_source, test_target: the user's validation and test files
            (without them the last ``validation_fraction`` of the training pairs is held out for
            validation and the test figures are the validation part's; the summary says so).
        source_language, target_language: the Multi30k direction (``en`` and ``de``).
        validation_fraction: see above.
        vocab_size: subword pieces per language (a smaller text gets fewer).
        subword_model: ``bpe`` or ``unigram`` (SentencePiece's).
        max_pairs: train on the first this many training pairs only (0: all; ``--quick`` sets it).
        max_source_tokens, max_target_tokens: training pairs longer than this in subwords are left out
            (counted in the summary); a source longer than ``max_source_tokens`` given to ``rnnkit
            translate`` is cut to it with a warning.
    """

    source: str = ""
    target: str = ""
    valid_source: str = ""
    valid_target: str = ""
    test_source: str = ""
    test_target: str = ""
    source_language: str = "en"
    target_language: str = "de"
    validation_fraction: float = 0.05
    vocab_size: int = 8000
    subword_model: str = "bpe"
    max_pairs: int = 0
    max_source_tokens: int = 100
    max_target_tokens: int = 100

    def __post_init__(self) -> None:
        if bool(self.source) != bool(self.target):
            raise ValueError(
                "data.source and data.target go together (the two sides of a parallel corpus); set both."
            )
        for side in ("valid", "test"):
            if bool(getattr(self, f"{side}_source")) != bool(getattr(self, f"{side}_target")):
                raise ValueError(f"data.{side}_source and data.{side}_target go together; set both.")
        if (self.valid_source or self.test_source) and not self.source:
            raise ValueError("data.valid_*/data.test_* go with data.source and data.target; set them.")
        languages = (self.source_language, self.target_language)
        if not self.source and (
            set(languages) != set(MULTI30K_LANGUAGES) or self.source_language == self.target_language
        ):
            raise ValueError(
                f"Multi30k translates en <-> de; got data.source_language={self.source_language!r}, "
                f"data.target_language={self.target_language!r}."
            )
        if self.max_pairs < 0:
            raise ValueError(f"data.max_pairs must be >= 0 (0: every pair), got {self.max_pairs}.")
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(f"data.validation_fraction must be in (0, 1), got {self.validation_fraction}.")
        for name in ("vocab_size", "max_source_tokens", "max_target_tokens"):
            if getattr(self, name) < 8:
                raise ValueError(f"data.{name} must be >= 8, got {getattr(self, name)}.")


@dataclass(frozen=True)
class TranslateDecoding:
    """How the report and ``rnnkit translate`` decode.

    Attributes:
        beam_size: K of beam search (1: greedy); the report scores greedy and this beam both.
        length_penalty: α of the beam's ranking ``log p(y|x) / |y|^α`` (1: per-token average; 0: total
            log-probability, which favours short translations).
        max_length_ratio, max_length_extra: at most ``ratio * source length + extra`` target subwords.
        batch_size: sentences decoded together (beam search holds ``batch_size * K`` rows).
    """

    beam_size: int = 5
    length_penalty: float = 1.0
    max_length_ratio: float = 2.0
    max_length_extra: int = 10
    batch_size: int = 128

    def __post_init__(self) -> None:
        if self.beam_size < 1 or self.batch_size < 1:
            raise ValueError(
                "decode.beam_size and decode.batch_size must be >= 1, got "
                f"{self.beam_size}, {self.batch_size}."
            )
        if self.length_penalty < 0 or self.max_length_ratio <= 0 or self.max_length_extra < 0:
            raise ValueError(
                "decode.length_penalty >= 0, decode.max_length_ratio > 0 and decode.max_length_extra >= 0 "
                f"needed; got {self.length_penalty}, {self.max_length_ratio}, {self.max_length_extra}."
            )


@dataclass(frozen=True)
class TranslateConfig:
    """``model`` is :class:`~rnnkit.models.config.Seq2SeqConfig`; its vocabulary sizes come from the
    subword models (leave them 0)."""

    data: TranslateData = field(default_factory=TranslateData)
    model: Seq2SeqConfig = field(
        default_factory=lambda: Seq2SeqConfig(
            embedding_dim=256,
            encoder=RNNConfig(cell="lstm", hidden_size=256, bidirectional=True),
            decoder_cell="lstm",
            decoder_hidden_size=256,
            attention="luong_general",
            input_feeding=True,
            tie_embeddings=True,
            dropout=0.3,
            label_smoothing=0.1,
        )
    )
    decode: TranslateDecoding = field(default_factory=TranslateDecoding)
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            epochs=20,
            batch_size=64,
            lr=2e-3,
            clip_norm=1.0,
            scheduler="plateau",
            plateau_factor=0.5,
            plateau_patience=0,
            early_stopping_patience=3,
            restore_best=True,
            monitor="val_loss",
            log_every=0,
        )
    )


PRESETS = {
    "default": TranslateConfig(),
    "de-en": TranslateConfig(data=TranslateData(source_language="de", target_language="en")),
}


def direction(config: TranslateConfig) -> str:
    """``en->de`` for Multi30k, ``source->target`` file names for a user's corpus."""
    data = config.data
    if data.source:
        return f"{data.source} -> {data.target}"
    return f"{data.source_language}->{data.target_language}"
