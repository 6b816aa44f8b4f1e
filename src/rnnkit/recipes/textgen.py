"""Text generation: a stateful language model on characters or words (1 vs N, one token at a time).

Pipeline: Tiny Shakespeare from the data root (or any UTF-8 file, ``data.path``) -> characters or
words (:mod:`rnnkit.data.corpus`) -> a vocabulary from the training part -> B contiguous streams cut
into T-step windows (:mod:`rnnkit.data.streams`) -> :class:`~rnnkit.models.awd_lstm.AWDLanguageModel`
trained by truncated BPTT, the state carried across windows (:mod:`rnnkit.recipes.textgen_task`).
The figures: mean cross-entropy per token in nats (``loss``), bits per token (per character at char
level) and perplexity ``exp(loss)``. Settings and presets: :mod:`rnnkit.recipes.textgen_config`.

``rnnkit generate RUN --prime ROMEO:`` streams a sample (:mod:`rnnkit.recipes.textgen_sampling`);
``rnnkit evaluate RUN --file text.txt`` scores any text.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from ..data.corpus import build_vocab, read_text, tokens_of
from ..data.vocab import Vocab
from .base import Prepared, Recipe, Split, perplexity_figures
from .textgen_config import PRESETS, TextgenConfig

if TYPE_CHECKING:
    from torch import nn

    from ..training.run_folder import RunFolder
    from .textgen_task import StreamTask


@dataclass(frozen=True)
class Corpus:
    """The token lists of the three parts; ``test`` is None when the corpus has no test part."""

    train: list[str]
    validation: list[str]
    test: list[str] | None


def load_corpus(config: TextgenConfig, data_dir: str | None) -> Corpus:
    """Read the training text (and the validation/test files), tokenised at ``data.level``."""
    data = config.data
    if data.path:
        text = read_text(data.path)
    else:
        from ..data.datasets.shakespeare import load_tiny_shakespeare

        text = load_tiny_shakespeare(data_dir)
    tokens = tokens_of(text, data.level)
    if data.valid_path:
        train, validation = tokens, tokens_of(read_text(data.valid_path), data.level)
    else:  # nanoGPT's split: the first 90% of the tokens for training, the rest for validation
        cut = int(len(tokens) * (1.0 - data.validation_fraction))
        train, validation = tokens[:cut], tokens[cut:]
    test = tokens_of(read_text(data.test_path), data.level) if data.test_path else None
    return Corpus(train, validation, test)


def encode_tokens(tokens: list[str], vocab: Vocab) -> Any:
    import torch

    return torch.tensor(vocab.encode(tokens), dtype=torch.long)  # (N,)


def eval_split(tokens: list[str], vocab: Vocab, config: TextgenConfig, name: str) -> Split:
    """Windows of a text to score: ``data.eval_streams`` streams, fewer for a text too short for them
    (every stream needs two tokens), in order."""
    from ..data.streams import InOrder, StreamWindows, one_window

    if len(tokens) < 2:
        raise ValueError(
            f"{name} holds {len(tokens)} token(s); scoring needs at least 2 (one to read, one to predict)."
        )
    streams = max(1, min(config.data.eval_streams, len(tokens) // 2))
    windows = StreamWindows(encode_tokens(tokens, vocab), streams, config.data.bptt, name)
    return Split(windows, one_window, InOrder(len(windows)))


def held_out_windows(corpus: Corpus, vocab: Vocab, config: TextgenConfig) -> Split:
    """The test file's windows, or the validation part's when the corpus has no test file."""
    if corpus.test is None:
        return eval_split(corpus.validation, vocab, config, "the validation text")
    return eval_split(corpus.test, vocab, config, "the test text")


class TextgenRecipe(Recipe):
    name = "textgen"
    description = "character- or word-level language model -> generated text (1 vs N)"
    dataset = "tinyshakespeare (or any UTF-8 text: --set data.path=FILE)"
    presets: ClassVar[Mapping[str, Any]] = PRESETS
    quick = (
        "data.bptt=32",
        "model.embedding_dim=32",
        "model.hidden_size=32",
        "model.num_layers=1",
        "train.epochs=1",
        "train.batch_size=256",
    )
    inputs = 'primes to continue ("ROMEO:"); `rnnkit generate RUN --prime ...` streams one with more options'
    example_inputs = ('"ROMEO:"',)
    next_commands = ('rnnkit generate {run} --prime "ROMEO:" --length 300 --temperature 0.8 --seed 0',)

    def check(self, config: TextgenConfig) -> None:
        if config.model.vocab_size is not None:
            raise ValueError(
                "model.vocab_size is set by the textgen recipe from the vocabulary it builds; leave it unset "
                "(data.max_vocab sizes a word-level vocabulary)."
            )
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:
            raise ValueError(
                "textgen trains stateful streams, read in order by one process (each rank would see every "
                "other window and lose the state); run it without torchrun."
            )
        if config.train.validation_split:
            raise ValueError(
                "train.validation_split does not apply to textgen: the validation part is data.valid_path "
                "or the last data.validation_fraction of the text; leave it at 0."
            )

    def prepare(self, config: TextgenConfig, data_dir: str | None) -> Prepared:
        from ..data.streams import InOrder, StreamWindows, one_window

        data = config.data
        corpus = load_corpus(config, data_dir)
        vocab = build_vocab([corpus.train], data.level, data.max_vocab, data.min_freq)
        train_windows = StreamWindows(
            encode_tokens(corpus.train, vocab),
            config.train.batch_size,
            data.bptt,
            "the training text",
            min_steps=data.bptt,
        )
        validation = eval_split(corpus.validation, vocab, config, "the validation text")
        test = held_out_windows(corpus, vocab, config)
        counts = {
            "corpus": data.path or "tinyshakespeare",
            "level": data.level,
            "vocab_size": len(vocab),
            "train_tokens": train_windows.tokens(),
            "validation_tokens": validation.dataset.tokens(),  # type: ignore[attr-defined]
            "test_part": "the validation part (no test file)" if corpus.test is None else "the test file",
        }
        return Prepared(
            train=Split(train_windows, one_window, InOrder(len(train_windows))),
            validation=validation,
            test=test,
            artifacts={"vocab": vocab},
            counts=counts,
        )

    def build_model(self, config: TextgenConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        from ..models.awd_lstm import AWDLanguageModel

        return AWDLanguageModel(replace(config.model, vocab_size=len(artifacts["vocab"])))

    def task(self, config: TextgenConfig, artifacts: Mapping[str, Any] | None = None) -> StreamTask:
        from .textgen_task import StreamTask

        return StreamTask()

    def save_artifacts(self, run: RunFolder, artifacts: Mapping[str, Any]) -> None:
        run.write_vocab(artifacts["vocab"])

    def load_artifacts(self, run: RunFolder) -> dict[str, Any]:
        return {"vocab": run.read_vocab()}

    def test_split(self, config: TextgenConfig, data_dir: str | None, artifacts: Mapping[str, Any]) -> Split:
        return held_out_windows(load_corpus(config, data_dir), artifacts["vocab"], config)

    def file_split(
        self, config: TextgenConfig, artifacts: Mapping[str, Any], path: str, reference: str | None = None
    ) -> Split:
        """The windows of any UTF-8 file, to score with ``rnnkit evaluate RUN --file``."""
        if reference is not None:
            raise ValueError("--reference goes with translate runs; textgen scores one text: drop it.")
        return eval_split(tokens_of(read_text(path), config.data.level), artifacts["vocab"], config, path)

    def derived_figures(self, figures: Mapping[str, Any]) -> dict[str, Any]:
        """Perplexity ``exp(loss)`` beside each loss."""
        return perplexity_figures(figures)

    def verdict(self, summary: Mapping[str, Any]) -> list[str]:
        loss, bits = summary.get("best_val_loss"), summary.get("test_bits_per_token")
        if not isinstance(loss, float):
            return []
        unit = "char" if summary.get("level") == "char" else "word"
        line = f"validation loss {loss:.4f} nats/{unit} (best epoch {summary.get('best_epoch')})"
        if unit == "char":
            line += f" = {loss / math.log(2):.4f} bits/char"
            if summary.get("corpus") == "tinyshakespeare":
                line += " (nanoGPT's 6-layer transformer: 1.4697 on this split)"
        else:
            line += f", perplexity {math.exp(loss):.2f}"
        if isinstance(bits, float):
            line += f"; test part ({summary.get('test_part')}): {bits:.4f} bits/{unit}"
        return [line]

    def generate(
        self,
        config: TextgenConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        prime: str,
        length: int,
        **sampling: Any,
    ) -> Iterator[str]:
        """The text after ``prime``, piece by piece as it is sampled (see :func:`stream_text`)."""
        from .textgen_sampling import stream_text
        from .textgen_task import unwrap_model

        lm, vocab = unwrap_model(model), artifacts["vocab"]
        return stream_text(lm, vocab, config.data.level, prime, length, **sampling)

    def predict(
        self,
        config: TextgenConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """200 tokens after each prime, sampled at temperature 0.8 with seed ``train.seed``."""
        rows = []
        for prime in inputs:
            if not isinstance(prime, str):
                raise TypeError(f"predict: a prime is a str, got {type(prime).__name__}.")
            pieces = self.generate(
                config, model, artifacts, prime, 200, temperature=0.8, seed=config.train.seed
            )
            rows.append({"text": "".join(pieces)})
        return rows
