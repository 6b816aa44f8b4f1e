"""The ``textgen`` recipe's settings: the corpus, the model (AWD-LSTM family) and the presets.

Presets:
    default: character-level Tiny Shakespeare (nanoGPT's 90/10 split): 2 x 512 LSTM, embeddings 512,
    dropout 0.25 (a fresh mask per entry) on the embeddings, between the layers and on the output;
    128-step windows over 64 streams; Adam 2e-3 with a 14-epoch cosine decay to 1e-4, gradient norm
    clipped at 1; the best epoch by validation loss restored.
    ``words``: word-level Tiny Shakespeare (words split on whitespace, so punctuation stays on the word;
    the 10,000 most frequent kept, the rest <unk>): 2 x 256 LSTM with tied embeddings and the AWD
    regularisers at moderate strength (embedding dropout 0.1, variational dropout 0.4 / 0.25 / 0.4,
    weight drop 0.3); 35-step windows over 20 streams; Adam 2e-3, 10-epoch cosine.
    ``zaremba-medium``: word level, the medium model of Zaremba et al. 2014 ("Recurrent Neural Network
    Regularization"): 2 x 650 LSTM, embeddings 650, untied, dropout 0.5 (a fresh mask per entry) on
    the embeddings, between the layers and on the output; weights uniform(-0.05, 0.05); 35-step
    windows over 20 streams; SGD at lr 1 with the gradient norm clipped at 5, the lr divided by 1.2
    every epoch after the 6th, 39 epochs. PTB: 82.2 validation / 79.7 test perplexity in the paper.
    ``awd-lstm``: word level, Merity et al. 2017: 3 layers 1150-1150-400, tied embeddings 400,
    embedding dropout 0.1, input 0.65, between layers 0.3, output 0.4, weight drop 0.5 (variational
    masks), AR 2, TAR 1, weight decay 1.2e-6, 70-step windows over 80 streams, SGD lr 30, clip 0.25.
    PTB: 60.0 / 57.3 in the paper, with what this preset does not do: NT-ASGD (averaged SGD once
    the validation loss stops improving), a random window length around 70, and fine-tuning. The
    restored best epoch stands in for the averaging.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data.corpus import LEVELS
from ..models.config import AWDConfig
from ..training.config import TrainConfig


@dataclass(frozen=True)
class TextgenData:
    """The corpus and how it is cut.

    Attributes:
        path: a UTF-8 text file to train on; empty: Tiny Shakespeare from the data root.
        valid_path, test_path: separate validation and test files (as PTB and WikiText come). Without
            ``valid_path`` the last ``validation_fraction`` of the training text is held out (nanoGPT's
            split for Shakespeare); without ``test_path`` the test figures are the validation part's
            (the summary says so).
        level: ``char`` or ``word`` (one sentence per line, ``<eos>`` closing each line).
        validation_fraction: the share of the text held out for validation when there is no
            ``valid_path``, taken from its end.
        bptt: T, the steps of one truncated-BPTT window (the state carries on across windows).
        eval_streams: streams of the validation and test texts (the training text has
            ``train.batch_size`` streams).
        max_vocab, min_freq: word level: keep the ``max_vocab`` most frequent words (0 = all) seen at
            least ``min_freq`` times; the rest become ``<unk>``.
    """

    path: str = ""
    valid_path: str = ""
    test_path: str = ""
    level: str = "char"
    validation_fraction: float = 0.1
    bptt: int = 128
    eval_streams: int = 10
    max_vocab: int = 0
    min_freq: int = 1

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"data.level must be one of {list(LEVELS)}, got {self.level!r}.")
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(
                f"data.validation_fraction must be in (0, 1), got {self.validation_fraction}; e.g. 0.1."
            )
        for name in ("bptt", "eval_streams", "min_freq"):
            if getattr(self, name) < 1:
                raise ValueError(f"data.{name} must be >= 1, got {getattr(self, name)}.")
        if self.max_vocab < 0:
            raise ValueError(f"data.max_vocab must be >= 0 (0 = every word), got {self.max_vocab}.")
        if (self.valid_path or self.test_path) and not self.path:
            raise ValueError(
                "data.valid_path and data.test_path go with data.path (the training file); set it."
            )


def stream_training(**settings: object) -> TrainConfig:
    """A TrainConfig for stateful streams: windows in order (no shuffling), the best epoch by validation
    loss restored at the end, no per-step log lines."""
    fixed: dict[str, object] = {"shuffle": False, "monitor": "val_loss", "restore_best": True, "log_every": 0}
    return TrainConfig(**{**fixed, **settings})  # type: ignore[arg-type]


@dataclass(frozen=True)
class TextgenConfig:
    """``model`` is the language model's own config; ``vocab_size`` comes from the vocabulary."""

    data: TextgenData = field(default_factory=TextgenData)
    model: AWDConfig = field(
        default_factory=lambda: AWDConfig(
            embedding_dim=512,
            hidden_size=512,
            num_layers=2,
            tie_weights=False,
            input_dropout=0.25,
            hidden_dropout=0.25,
            output_dropout=0.25,
            variational=False,
        )
    )
    train: TrainConfig = field(
        default_factory=lambda: stream_training(
            epochs=14, batch_size=64, lr=2e-3, scheduler="cosine", min_lr=1e-4, clip_norm=1.0
        )
    )


PRESETS = {
    "default": TextgenConfig(),
    "words": TextgenConfig(
        data=TextgenData(level="word", bptt=35, max_vocab=10000),
        model=AWDConfig(
            embedding_dim=256,
            hidden_size=256,
            num_layers=2,
            tie_weights=True,
            embedding_dropout=0.1,
            input_dropout=0.4,
            hidden_dropout=0.25,
            output_dropout=0.4,
            weight_drop=0.3,
        ),
        train=stream_training(
            epochs=10, batch_size=20, lr=2e-3, scheduler="cosine", min_lr=1e-4, clip_norm=1.0
        ),
    ),
    "zaremba-medium": TextgenConfig(
        data=TextgenData(level="word", bptt=35, eval_streams=10),
        model=AWDConfig(
            embedding_dim=650,
            hidden_size=650,
            num_layers=2,
            tie_weights=False,
            input_dropout=0.5,
            hidden_dropout=0.5,
            output_dropout=0.5,
            variational=False,
            init_range=0.05,
        ),
        train=stream_training(
            epochs=39,
            batch_size=20,
            optimizer="sgd",
            lr=1.0,
            scheduler="exponential",
            lr_decay=1 / 1.2,
            lr_decay_after=6,
            clip_norm=5.0,
        ),
    ),
    "awd-lstm": TextgenConfig(
        data=TextgenData(level="word", bptt=70, eval_streams=10),
        model=AWDConfig(
            embedding_dim=400,
            hidden_size=1150,
            num_layers=3,
            tie_weights=True,
            embedding_dropout=0.1,
            input_dropout=0.65,
            hidden_dropout=0.3,
            output_dropout=0.4,
            weight_drop=0.5,
            activation_penalty=2.0,
            temporal_penalty=1.0,
        ),
        train=stream_training(
            epochs=750, batch_size=80, optimizer="sgd", lr=30.0, weight_decay=1.2e-6, clip_norm=0.25
        ),
    ),
}
