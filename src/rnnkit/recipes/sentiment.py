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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from ..data.batching import BucketBatchSampler, pad_sequences
from ..data.datasets.imdb import load_imdb, load_imdb_splits
from ..data.splits import group_split, random_split
from ..data.text import tokenize
from ..data.vocab import Vocab
from ..models.classifier import ClassifierConfig, SequenceClassifier
from ..models.encoder import RNNConfig
from ..training.config import TrainConfig
from ..training.trainer import Trainer
from .common import BatchDataset, ClassificationTask, unwrap

logger = logging.getLogger(__name__)
NAME = "sentiment"
DATASET = "imdb"
SUMMARY = "IMDB movie reviews -> positive/negative (N vs 1)"


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
            and reads 1-2 points high on IMDB.
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


@dataclass(frozen=True)
class SentimentModel:
    embedding_dim: int = 256
    rnn: RNNConfig = field(default_factory=lambda: RNNConfig(cell="gru", hidden_size=128, bidirectional=True))
    pooling: str = "max_mean"
    dropout: float = 0.5
    token_dropout: float = 0.2
    embedding_uniform_init: float | None = 0.05


@dataclass(frozen=True)
class SentimentConfig:
    data: SentimentData = field(default_factory=SentimentData)
    model: SentimentModel = field(default_factory=SentimentModel)
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
        model=SentimentModel(
            embedding_dim=32,
            rnn=RNNConfig(cell="rnn", hidden_size=32),
            pooling="last",
            dropout=0.0,
            token_dropout=0.0,
            embedding_uniform_init=0.05,  # Keras' Embedding default
        ),
        train=TrainConfig(epochs=5, batch_size=128, lr=1e-3, validation_split=0.2),
    ),
}
QUICK = ["data.limit=400", "data.max_vocab=2000", "data.max_len=64", "train.epochs=1", "train.batch_size=32"]


def default_config(preset: str = "default") -> SentimentConfig:
    if preset not in PRESETS:
        raise ValueError(f"sentiment: unknown preset {preset!r}; choose one of {sorted(PRESETS)}.")
    return PRESETS[preset]


def build_model(config: SentimentConfig, vocab_size: int) -> SequenceClassifier:
    model = config.model
    return SequenceClassifier(
        ClassifierConfig(
            num_classes=1,
            vocab_size=vocab_size,
            embedding_dim=model.embedding_dim,
            rnn=model.rnn,
            pooling=model.pooling,
            dropout=model.dropout,
            token_dropout=model.token_dropout,
            embedding_uniform_init=model.embedding_uniform_init,
        )
    )


def encode(texts: list[str], vocab: Vocab, data: SentimentData) -> list[list[int]]:
    """Token ids per review, truncated to ``max_len``; a review empty after tokenising becomes <unk>."""
    encoded = []
    for text in texts:
        ids = vocab.encode(tokenize(text)) or [vocab.unk_id]
        encoded.append(ids[: data.max_len] if data.truncate == "post" else ids[-data.max_len :])
    return encoded


def make_batches(
    ids: list[list[int]], labels: list[int], batch_size: int, seed: int, shuffle: bool
) -> BatchDataset:
    """Length-bucketed ``(ids (B, T), lengths (B,), labels (B,))`` batches."""
    sampler = BucketBatchSampler(
        [len(s) for s in ids], batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed)
    )
    batches = []
    for indices in sampler:
        padded, lengths = pad_sequences([ids[i] for i in indices])
        batches.append((padded, lengths, torch.tensor([labels[i] for i in indices])))
    return BatchDataset(batches)


def _subset(*columns: list, limit: int, seed: int) -> tuple[list, ...]:
    """The same random ``limit`` rows of each column (all of them when ``limit`` is 0)."""
    size = len(columns[0])
    if not limit or limit >= size:
        return columns
    keep = torch.randperm(size, generator=torch.Generator().manual_seed(seed))[:limit].tolist()
    return tuple([column[i] for i in keep] for column in columns)


def split_validation(
    movies: list[str], data: SentimentData, fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """``(val_idx, train_idx)``: whole movies held out (``validation_by="movie"``) or random reviews."""
    if data.validation_by == "movie":
        return group_split(movies, fraction, seed)
    return random_split(len(movies), fraction, seed)


def run(
    config: SentimentConfig, run_dir: Path, data_dir: str | None = None, resume: bool = False
) -> dict[str, Any]:
    """Train on the training reviews (with a held-out validation split), test once; write the run folder."""
    train_cfg = config.train
    splits = load_imdb_splits(root=data_dir, movie_ids=True)  # one pass over the archive
    texts, labels, movies = _subset(*splits["train"], limit=config.data.limit, seed=train_cfg.seed)
    test_texts, test_labels, _ = _subset(*splits["test"], limit=config.data.limit, seed=train_cfg.seed + 1)
    val_idx, train_idx = split_validation(movies, config.data, train_cfg.validation_split, train_cfg.seed)

    vocab = Vocab.build(
        (tokenize(texts[i]) for i in train_idx), max_size=config.data.max_vocab, min_freq=config.data.min_freq
    )
    vocab.to_json(run_dir / "vocab.json")
    ids = encode(texts, vocab, config.data)
    train_set = make_batches(
        [ids[i] for i in train_idx],
        [labels[i] for i in train_idx],
        train_cfg.batch_size,
        train_cfg.seed,
        True,
    )
    val_set = (
        make_batches([ids[i] for i in val_idx], [labels[i] for i in val_idx], train_cfg.batch_size, 0, False)
        if val_idx
        else None
    )
    test_set = make_batches(
        encode(test_texts, vocab, config.data), test_labels, train_cfg.batch_size, 0, False
    )

    model = build_model(config, len(vocab))
    # The loader hands over whole pre-bucketed batches; validation is split above.
    loop_cfg = replace(train_cfg, batch_size=1, validation_split=0.0)
    task = ClassificationTask(num_classes=1)
    with Trainer(model, task, loop_cfg, run_dir=run_dir, run_config=config) as trainer:
        history = trainer.fit(train_set, val_set, collate_fn=unwrap, resume=resume)
        test = trainer.evaluate(test_set, collate_fn=unwrap)
    return {
        "task": NAME,
        "test_accuracy": test["accuracy"],
        "test_loss": test["loss"],
        "test_examples": len(test_labels),
        "train_examples": len(train_idx),
        "validation_examples": len(val_idx),
        "validation_by": config.data.validation_by,
        "vocab_size": len(vocab),
        "epochs_run": len(history),
        "best_epoch": history.best_epoch,
        "seconds_per_epoch": [round(s, 1) for s in history["seconds"]],
        "history": history.rows,
    }


def load_trained(run_dir: Path, config: SentimentConfig) -> tuple[SequenceClassifier, Vocab]:
    from ..training.checkpoint import load_weights

    vocab = Vocab.from_json(run_dir / "vocab.json")
    model = build_model(config, len(vocab))
    model.load_state_dict(load_weights(run_dir / "model.safetensors"))
    return model.eval(), vocab


def evaluate(config: SentimentConfig, run_dir: Path, data_dir: str | None = None) -> dict[str, Any]:
    """Test-split accuracy of a finished run."""
    model, vocab = load_trained(run_dir, config)
    texts, labels = _subset(
        *load_imdb("test", root=data_dir), limit=config.data.limit, seed=config.train.seed + 1
    )
    test_set = make_batches(encode(texts, vocab, config.data), labels, config.train.batch_size, 0, False)
    eval_cfg = replace(config.train, batch_size=1, validation_split=0.0, progress=False)
    with Trainer(model, ClassificationTask(num_classes=1), eval_cfg) as trainer:
        result = trainer.evaluate(test_set, collate_fn=unwrap)
    return {
        "task": NAME,
        "test_accuracy": result["accuracy"],
        "test_loss": result["loss"],
        "test_examples": len(labels),
    }


def predict(config: SentimentConfig, run_dir: Path, inputs: list[str]) -> list[dict[str, Any]]:
    """Sentiment of each review text (or of the contents of each path that is a file)."""
    model, vocab = load_trained(run_dir, config)
    texts = []
    for item in inputs:
        path = Path(item)
        if path.is_file():
            try:
                item = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"predict: {path} is not UTF-8 text; save the review as UTF-8.") from None
        if not item.strip():
            raise ValueError("predict: the review is empty; pass the text of a review or a path to one.")
        texts.append(item)
    ids = encode(texts, vocab, config.data)
    padded, lengths = pad_sequences(ids)
    with torch.no_grad():
        probs = torch.sigmoid(model(padded, lengths).squeeze(-1)).tolist()
    return [
        {
            "input": text[:60] + ("..." if len(text) > 60 else ""),
            "label": "positive" if p >= 0.5 else "negative",
            "probability_positive": round(p, 4),
        }
        for text, p in zip(texts, probs, strict=True)
    ]
