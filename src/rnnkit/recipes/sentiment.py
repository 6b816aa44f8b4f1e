"""Sentiment analysis of movie reviews (IMDB), N vs 1: a review in, positive or negative out.

Pipeline: the canonical ``aclImdb_v1.tar.gz`` (read straight from the archive) -> tokenizer (lower
case, HTML line breaks, punctuation) -> vocabulary from the training reviews -> truncation to
``max_len`` -> length-bucketed batches -> :class:`~rnnkit.models.SequenceClassifier` -> one logit,
trained with binary cross-entropy. The 25,000 test reviews are touched once, after training.

Presets:
    default: embedding 256 (Keras' U(-0.05, 0.05) init; whole tokens dropped with p = 0.2) -> BiGRU 128
    -> max and mean pooling over valid steps, concatenated -> dropout 0.5 -> logit; each review's last
    800 tokens; Adam 2e-3 with a 3-epoch cosine decay; the validation split holds out whole movies,
    as the test split does.
    ``seed-simplernn``: the textbook Keras example, layer for layer: vocabulary 10,000, maxlen 200
    (keeping each review's end, as Keras' pad_sequences does), Embedding 32 -> SimpleRNN 32 -> Dense
    sigmoid, Adam 1e-3, 5 epochs, batch 128, validation_split 0.2.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from ..data.datasets.imdb import load_imdb, load_imdb_splits
from ..data.text import tokenize
from ..data.vocab import Vocab
from ..models.config import ClassifierConfig, RNNConfig
from ..training.config import TrainConfig
from .base import Prepared, Recipe, Split

if TYPE_CHECKING:  # torch is imported where it is used, so that listing the tasks does not load it
    from torch import nn

    from ..training.run_folder import RunFolder
    from .common import ClassificationTask

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentimentData:
    """Text processing and the validation split.

    Attributes:
        max_vocab, min_freq: vocabulary built from the training reviews.
        max_len: reviews longer than this are cut; ``truncate="pre"`` keeps the end (where reviewers
            tend to give their verdict, and Keras' ``pad_sequences`` default), ``"post"`` the start.
        validation_by: ``"movie"`` holds out whole movies, as the test split does (its movies are not
            in the training split), so validation accuracy estimates test accuracy; ``"review"``
            draws reviews at random (Keras' ``validation_split``), which shares movies with training
            and reads 1-2 points high on IMDB. The fraction held out is ``train.validation_split``.
        limit: keep a random subset of each split (for quick runs).
    """

    max_vocab: int = 25000
    min_freq: int = 2
    max_len: int = 800
    truncate: str = "pre"
    validation_by: str = "movie"
    limit: int = 0

    def __post_init__(self) -> None:
        if self.truncate not in ("pre", "post"):
            raise ValueError(f"data.truncate must be 'pre' or 'post', got {self.truncate!r}.")
        if self.validation_by not in ("movie", "review"):
            raise ValueError(f"data.validation_by must be 'movie' or 'review', got {self.validation_by!r}.")
        for name in ("max_vocab", "min_freq", "max_len"):
            if getattr(self, name) < 1:
                raise ValueError(f"data.{name} must be >= 1, got {getattr(self, name)}.")
        if self.limit < 0:
            raise ValueError(f"data.limit must be >= 0 (0 = every review), got {self.limit}.")


@dataclass(frozen=True)
class SentimentConfig:
    """``model`` is the classifier's own config; the recipe fills in ``vocab_size`` from the vocabulary."""

    data: SentimentData = field(default_factory=SentimentData)
    model: ClassifierConfig = field(
        default_factory=lambda: ClassifierConfig(
            num_classes=1,
            embedding_dim=256,
            rnn=RNNConfig(cell="gru", hidden_size=128, bidirectional=True),
            pooling="max_mean",
            dropout=0.5,
            token_dropout=0.2,
            embedding_uniform_init=0.05,
        )
    )
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            epochs=3,
            batch_size=64,
            lr=2e-3,
            scheduler="cosine",
            clip_norm=1.0,
            validation_split=0.1,
            early_stopping_patience=2,
            monitor="val_accuracy",
            monitor_mode="max",
            restore_best=True,
        )
    )


PRESETS = {
    "default": SentimentConfig(),
    "seed-simplernn": SentimentConfig(
        data=SentimentData(max_vocab=10000, min_freq=1, max_len=200, truncate="pre", validation_by="review"),
        model=ClassifierConfig(
            num_classes=1,
            embedding_dim=32,
            rnn=RNNConfig(cell="rnn", hidden_size=32),
            pooling="last",
            embedding_uniform_init=0.05,  # Keras' Embedding default
        ),
        train=TrainConfig(epochs=5, batch_size=128, lr=1e-3, validation_split=0.2),
    ),
}


def encode(texts: list[str], vocab: Vocab, data: SentimentData) -> list[list[int]]:
    """Token ids per review, truncated to ``max_len``; a review empty after tokenising becomes <unk>."""
    encoded = []
    for text in texts:
        ids = vocab.encode(tokenize(text)) or [vocab.unk_id]
        encoded.append(ids[: data.max_len] if data.truncate == "post" else ids[-data.max_len :])
    return encoded


def _subset(*columns: list, limit: int, seed: int) -> tuple[list, ...]:
    """The same random ``limit`` rows of each column (all of them when ``limit`` is 0)."""
    import torch

    size = len(columns[0])
    if not limit or limit >= size:
        return columns
    keep = torch.randperm(size, generator=torch.Generator().manual_seed(seed))[:limit].tolist()
    return tuple([column[i] for i in keep] for column in columns)


def split_validation(
    movies: list[str], data: SentimentData, fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """``(val_idx, train_idx)``: whole movies held out (``validation_by="movie"``) or random reviews."""
    from ..data.splits import group_split, random_split

    if data.validation_by == "movie":
        return group_split(movies, fraction, seed)
    return random_split(len(movies), fraction, seed)


def token_split(
    ids: list[list[int]], labels: list[int], batch_size: int, shuffle: bool, seed: int | None = None
) -> Split:
    """Reviews as a dataset batched in length buckets (reshuffled every epoch when ``shuffle``)."""
    from ..data.batching import BucketBatchSampler
    from .common import TokenSequences, collate_token_sequences

    sampler = BucketBatchSampler([len(s) for s in ids], batch_size, shuffle=shuffle, seed=seed)
    return Split(TokenSequences(ids, labels), collate_token_sequences, sampler)


class SentimentRecipe(Recipe):
    name = "sentiment"
    description = "IMDB movie reviews -> positive/negative (N vs 1)"
    dataset = "imdb"
    presets: ClassVar[Mapping[str, Any]] = PRESETS
    quick = (
        "data.limit=400",
        "data.max_vocab=2000",
        "data.max_len=64",
        "train.epochs=1",
        "train.batch_size=32",
    )
    inputs = (
        'review texts ("A moving film."), @review.txt for a UTF-8 file holding one review, --file '
        "reviews.txt for one review per line (or a folder of review files), - for standard input"
    )
    example_inputs = ('"A moving, beautifully acted film."', '"Two hours of my life I will not get back."')

    def check(self, config: SentimentConfig) -> None:
        model = config.model
        if model.num_classes != 1:
            raise ValueError(
                f"model.num_classes={model.num_classes}: sentiment is binary (one logit); leave it at 1."
            )
        if model.vocab_size is not None or model.input_size is not None:
            raise ValueError(
                "model.vocab_size and model.input_size are set by the sentiment recipe (from the vocabulary "
                "it builds); leave them unset and use data.max_vocab to size the vocabulary."
            )
        if not 0 < config.train.validation_split < 1:
            raise ValueError(
                f"train.validation_split={config.train.validation_split}: sentiment holds out a validation "
                "split of the training reviews; use a fraction in (0, 1), e.g. 0.1."
            )

    def prepare(self, config: SentimentConfig, data_dir: str | None) -> Prepared:
        data, train = config.data, config.train
        splits = load_imdb_splits(root=data_dir, movie_ids=True)  # one pass over the archive
        texts, labels, movies = _subset(*splits["train"], limit=data.limit, seed=train.seed)
        test_texts, test_labels, _ = _subset(*splits["test"], limit=data.limit, seed=train.seed + 1)
        val_idx, train_idx = split_validation(movies, data, train.validation_split, train.seed)
        vocab = Vocab.build(
            (tokenize(texts[i]) for i in train_idx), max_size=data.max_vocab, min_freq=data.min_freq
        )
        ids = encode(texts, vocab, data)
        size = train.batch_size
        return Prepared(
            train=token_split(
                [ids[i] for i in train_idx], [labels[i] for i in train_idx], size, train.shuffle, train.seed
            ),
            validation=token_split([ids[i] for i in val_idx], [labels[i] for i in val_idx], size, False),
            test=token_split(encode(test_texts, vocab, data), test_labels, size, False),
            artifacts={"vocab": vocab},
            counts={"validation_by": data.validation_by, "vocab_size": len(vocab)},
        )

    def build_model(self, config: SentimentConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        from ..models.classifier import SequenceClassifier

        return SequenceClassifier(replace(config.model, vocab_size=len(artifacts["vocab"])))

    def task(self, config: SentimentConfig, artifacts: Mapping[str, Any] | None = None) -> ClassificationTask:
        from .common import ClassificationTask

        return ClassificationTask(num_classes=1)

    def save_artifacts(self, run: RunFolder, artifacts: Mapping[str, Any]) -> None:
        run.write_vocab(artifacts["vocab"])

    def load_artifacts(self, run: RunFolder) -> dict[str, Any]:
        return {"vocab": run.read_vocab()}

    def test_split(
        self, config: SentimentConfig, data_dir: str | None, artifacts: Mapping[str, Any]
    ) -> Split:
        texts, labels = _subset(
            *load_imdb("test", root=data_dir), limit=config.data.limit, seed=config.train.seed + 1
        )
        return token_split(
            encode(texts, artifacts["vocab"], config.data), labels, config.train.batch_size, False
        )

    def report(
        self, config: SentimentConfig, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        """The test split's confusion matrix: counts in the summary, ``confusion_matrix.png`` in the run."""
        from .common import confusion_report

        return confusion_report(
            self.task(config),
            model,
            prepared.test,
            ("negative", "positive"),
            run,
            "IMDB test reviews: true sentiment (rows) against predicted (columns)",
        )

    def predict(
        self,
        config: SentimentConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The sentiment of each review text (files are read by :mod:`rnnkit.recipes.inputs`)."""
        import torch

        from ..data.batching import pad_sequences

        for text in inputs:
            if not isinstance(text, str):
                raise TypeError(f"predict: a review is a str, got {type(text).__name__}.")
        padded, lengths = pad_sequences(encode(list(inputs), artifacts["vocab"], config.data))
        with torch.no_grad():
            probs = torch.sigmoid(model(padded, lengths).squeeze(-1)).tolist()
        return [
            {"label": "positive" if p >= 0.5 else "negative", "probability_positive": round(p, 4)}
            for p in probs
        ]
