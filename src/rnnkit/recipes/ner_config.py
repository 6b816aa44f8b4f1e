"""The settings of the ``ner`` recipe and its presets (no torch import: ``rnnkit tasks`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data.tag_schemes import check_scheme
from ..models.config import RNNConfig, TaggerConfig
from ..training.config import TrainConfig


@dataclass(frozen=True)
class NerData:
    """Where the sentences come from and how words are read.

    Attributes:
        train, validation, test: CoNLL files to use instead of CoNLL-2003 (``train`` alone is enough:
            without ``test`` there is no test split to score, so give one; without ``validation`` the
            last ``validation_fraction`` of the training documents is held out).
        tag_column: the column of the entity tags (``-1``: the last, as in CoNLL-2003).
        scheme: the scheme the files are written in (``iob1``, ``iob2`` or ``iobes``); read as IOB2,
            predictions written back in it.
        validation_fraction: with CoNLL-2003, the part of ``train.txt`` held out, as whole documents from
            its end, to stop training and choose the epoch; ``valid.txt`` (testa) is then the test split,
            touched once, after training.
        lowercase, zero_digits: how words are looked up in the vocabulary (``Paris`` -> ``paris``,
            ``1996`` -> ``0000``); the characters and the case feature still see the word as written.
        min_freq: training words seen fewer times are read as unknown.
        singleton_unk: in training batches, each occurrence of a word seen once in the training split is
            read as unknown with this probability (Lample et al. 2016: 0.5), drawn anew each epoch.
        max_word_length: characters read per word (the rest is cut).
        limit: keep the first ``limit`` training sentences (quick runs; 0 = all).
    """

    train: str = ""
    validation: str = ""
    test: str = ""
    tag_column: int = -1
    scheme: str = "iob2"
    validation_fraction: float = 0.05
    lowercase: bool = True
    zero_digits: bool = True
    min_freq: int = 1
    singleton_unk: float = 0.0
    max_word_length: int = 30
    limit: int = 0

    def __post_init__(self) -> None:
        check_scheme(self.scheme)
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(
                f"data.validation_fraction must be in (0, 1), got {self.validation_fraction} (e.g. 0.05)."
            )
        for name in ("min_freq", "max_word_length"):
            if getattr(self, name) < 1:
                raise ValueError(f"data.{name} must be >= 1, got {getattr(self, name)}.")
        if not 0.0 <= self.singleton_unk < 1.0:
            raise ValueError(
                f"data.singleton_unk must be in [0, 1) (a probability; Lample et al. use 0.5), got "
                f"{self.singleton_unk}."
            )
        if self.limit < 0:
            raise ValueError(f"data.limit must be >= 0 (0 = every sentence), got {self.limit}.")


@dataclass(frozen=True)
class NerModel(TaggerConfig):
    """The tagger's own config (:class:`~rnnkit.models.config.TaggerConfig`; the recipe fills in
    ``num_tags``, ``vocab_size``, ``char_vocab_size``, ``unk_id`` and ``case_classes``) plus
    pretrained word vectors.

    Attributes:
        vectors: a GloVe or word2vec text file (``word v_1 ... v_E`` per line, an optional ``count dim``
            header); its words join the vocabulary and its vectors start their embeddings.
        freeze_vectors: keep the embedding fixed during training.
        constrained: decode (and train) the CRF within IOB2's rules: ``I-X`` only after ``B-X`` or ``I-X``.
        case_feature: give each word a learnt vector of its case class (lower, UPPER, Title, ...).
    """

    num_tags: int = 0
    vectors: str = ""
    freeze_vectors: bool = False
    constrained: bool = True
    case_feature: bool = True


@dataclass(frozen=True)
class NerConfig:
    data: NerData = field(default_factory=NerData)
    model: NerModel = field(
        default_factory=lambda: NerModel(
            embedding_dim=100,
            embedding_uniform_init=(3.0 / 100) ** 0.5,
            rnn=RNNConfig(cell="lstm", hidden_size=200, bidirectional=True),
            head="crf",
            dropout=0.5,
            token_dropout=0.05,
            char_features="cnn",
            char_embedding_dim=30,
            char_hidden_size=50,
            char_kernel_size=3,
            case_embedding_dim=8,
        )
    )
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            epochs=30,
            batch_size=32,
            lr=1e-3,
            clip_norm=5.0,
            scheduler="plateau",
            plateau_factor=0.5,
            plateau_patience=2,
            early_stopping_patience=6,
            monitor="val_f1",
            monitor_mode="max",
            restore_best=True,
        )
    )


PRESETS = {
    "default": NerConfig(),
    "char-lstm": NerConfig(
        model=NerModel(
            embedding_dim=100,
            embedding_uniform_init=(3.0 / 100) ** 0.5,
            rnn=RNNConfig(cell="lstm", hidden_size=100, bidirectional=True),
            head="crf",
            dropout=0.5,
            token_dropout=0.05,
            char_features="lstm",
            char_embedding_dim=25,
            char_hidden_size=25,
        )
    ),
}
