"""Sentiment analysis of movie reviews (IMDB), N vs 1: a review in, positive or negative out.

Pipeline: the canonical ``aclImdb_v1.tar.gz`` (read straight from the archive) -> tokenizer (lower
case, HTML line breaks, punctuation) -> vocabulary from the training reviews -> truncation to
``max_len`` -> length-bucketed batches -> :class:`~rnnkit.models.SequenceClassifier` -> one logit,
trained with binary cross-entropy. The 25,000 test reviews are touched once, after training.

Presets:
    default: embedding 128 -> BiGRU 128 -> max pooling over valid steps -> dropout -> logit.
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
    """Text processing. ``limit`` keeps a random subset of each split (for quick runs)."""

    max_vocab: int = 25000
    min_freq: int = 2
    max_len: int = 500
    truncate: str = "post"
    limit: int = 0


@dataclass(frozen=True)
class SentimentModel:
    embedding_dim: int = 128
    rnn: RNNConfig = field(default_factory=lambda: RNNConfig(cell="gru", hidden_size=128, bidirectional=True))
    pooling: str = "max"
    dropout: float = 0.4
    embedding_uniform_init: float | None = None


@dataclass(frozen=True)
class SentimentConfig:
    data: SentimentData = field(default_factory=SentimentData)
    model: SentimentModel = field(default_factory=SentimentModel)
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            epochs=4,
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
        data=SentimentData(max_vocab=10000, min_freq=1, max_len=200, truncate="pre"),
        model=SentimentModel(
            embedding_dim=32,
            rnn=RNNConfig(cell="rnn", hidden_size=32),
            pooling="last",
            dropout=0.0,
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


def _subset(texts: list[str], labels: list[int], limit: int, seed: int) -> tuple[list[str], list[int]]:
    if not limit or limit >= len(texts):
        return texts, labels
    keep = torch.randperm(len(texts), generator=torch.Generator().manual_seed(seed))[:limit].tolist()
    return [texts[i] for i in keep], [labels[i] for i in keep]


def run(
    config: SentimentConfig, run_dir: Path, data_dir: str | None = None, resume: bool = False
) -> dict[str, Any]:
    """Train on the training reviews (with a held-out validation split), test once; write the run folder."""
    train_cfg = config.train
    splits = load_imdb_splits(root=data_dir)  # one pass over the archive
    texts, labels = _subset(*splits["train"], config.data.limit, train_cfg.seed)
    test_texts, test_labels = _subset(*splits["test"], config.data.limit, train_cfg.seed + 1)
    order = torch.randperm(len(texts), generator=torch.Generator().manual_seed(train_cfg.seed)).tolist()
    n_val = round(train_cfg.validation_split * len(texts))
    val_idx, train_idx = order[:n_val], order[n_val:]

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
    # The loader hands over whole pre-bucketed batches; validation is split above, by review.
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
    texts, labels = _subset(*load_imdb("test", root=data_dir), config.data.limit, config.train.seed + 1)
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
