"""One ragged batch, one mask: the models check ``lengths`` once and build the ``(B, T)`` mask at most
once (not at all where nothing reads it: a packed LSTM pooled by its last state).

The layers, the classifier's pooling, the tagger's head and the seq2seq attention all read the same mask.
The calls are counted by wrapping ``lengths_to_mask`` and ``check_lengths`` in every rnnkit module that
imported them, so a second construction anywhere on the path shows up.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable

import pytest
import torch

from rnnkit.layers import masking, validation
from rnnkit.models import (
    ClassifierConfig,
    RNNConfig,
    Seq2Seq,
    Seq2SeqConfig,
    SequenceClassifier,
    SequenceTagger,
    TaggerConfig,
)

LENGTHS = [6, 2, 5, 1]

ONCE = Counter(lengths_to_mask=1, check_lengths=1)


def at_most_once(calls: Counter) -> bool:
    return calls["check_lengths"] == 1 and calls["lengths_to_mask"] <= 1


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counts: Counter = Counter()
    originals = {"lengths_to_mask": masking.lengths_to_mask, "check_lengths": validation.check_lengths}

    def counting(name: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    for module in [m for name, m in sys.modules.items() if name.startswith("rnnkit")]:
        for name, fn in originals.items():
            if getattr(module, name, None) is fn:
                monkeypatch.setattr(module, name, counting(name, fn))
    return counts


def tokens(seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(3, 20, (len(LENGTHS), max(LENGTHS)), generator=g)  # (B, T)


@pytest.mark.parametrize("backend", ["auto", "loop"])
@pytest.mark.parametrize("cell", ["gru", "lstm"])  # GRU: padded kernel on ragged CPU input; LSTM: packed
@pytest.mark.parametrize("pooling", ["last", "mean", "max", "max_mean", "attention"])
def test_classifier_builds_one_mask_per_batch(calls: Counter, pooling: str, cell: str, backend: str) -> None:
    rnn = RNNConfig(cell=cell, hidden_size=4, num_layers=2, bidirectional=True, backend=backend)
    model = SequenceClassifier(
        ClassifierConfig(num_classes=3, vocab_size=20, embedding_dim=5, rnn=rnn, pooling=pooling)
    )
    lengths = torch.tensor(LENGTHS)  # on the CPU, as the data pipeline gives them
    logits = model(tokens(), lengths)
    assert logits.shape == (4, 3)
    assert at_most_once(calls)
    if pooling != "last":  # the pooling reads the mask
        assert calls == ONCE
    assert lengths.device.type == "cpu" and lengths.tolist() == LENGTHS  # untouched


@pytest.mark.parametrize("head", ["softmax", "crf"])
def test_tagger_builds_one_mask_per_batch(calls: Counter, head: str) -> None:
    rnn = RNNConfig(cell="gru", hidden_size=4, bidirectional=True)
    model = SequenceTagger(TaggerConfig(num_tags=3, vocab_size=20, embedding_dim=5, rnn=rnn, head=head))
    tags = torch.randint(0, 3, (4, 6))
    model.loss(tokens(), tags, torch.tensor(LENGTHS))
    assert calls == ONCE


@pytest.mark.parametrize("attention", ["bahdanau", "luong_general", "none"])
def test_seq2seq_encodes_with_one_mask(calls: Counter, attention: str) -> None:
    config = Seq2SeqConfig(
        src_vocab_size=20,
        tgt_vocab_size=20,
        embedding_dim=5,
        encoder=RNNConfig(cell="gru", hidden_size=4, bidirectional=True),
        decoder_hidden_size=6,
        attention=attention,
        attention_size=5,
    )
    model = Seq2Seq(config)
    tgt_in = torch.cat([torch.ones(4, 1, dtype=torch.long), tokens(1)[:, :3]], dim=1)  # BOS y1 y2 y3
    model(tokens(), torch.tensor(LENGTHS), tgt_in)
    assert calls == ONCE  # the encoder trains through the padded kernel: it reads the mask
    calls.clear()
    model.translate(tokens(), torch.tensor(LENGTHS), beam_size=2, max_length=4)
    assert at_most_once(calls)  # (decoding packs the encoder's GRU, which needs no mask)
    if attention != "none":  # the attention reads it
        assert calls == ONCE
