"""N vs 1: SequenceClassifier overfits a tiny batch with every cell; padding never leaks."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from rnnkit.models.classifier import ClassifierConfig, SequenceClassifier
from rnnkit.models.encoder import LAYERS_BY_CELL, RNNConfig

POOLINGS = ["last", "mean", "max", "max_mean", "attention"]


def _tiny_task() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """8 ragged token sequences; the label is whether token 3 occurs."""
    g = torch.Generator().manual_seed(0)
    lengths = torch.tensor([6, 3, 5, 2, 6, 4, 1, 5])
    x = torch.randint(4, 10, (8, 6), generator=g)
    for b, n in enumerate(lengths.tolist()):
        x[b, n:] = 0
        if b % 2 == 0:
            x[b, int(torch.randint(0, n, (1,), generator=g))] = 3
    y = torch.tensor([(row[:n] == 3).any().item() for row, n in zip(x, lengths.tolist(), strict=True)]).long()
    return x, lengths, y


@pytest.mark.parametrize("cell", sorted(LAYERS_BY_CELL))
def test_overfits_tiny_batch_with_every_cell(cell):
    torch.manual_seed(0)
    x, lengths, y = _tiny_task()
    config = ClassifierConfig(
        num_classes=2, vocab_size=10, embedding_dim=8, rnn=RNNConfig(cell=cell, hidden_size=16), pooling="max"
    )
    model = SequenceClassifier(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(150):
        loss = F.cross_entropy(model(x, lengths), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert loss.item() < 0.05
    assert torch.equal(model(x, lengths).argmax(1), y)


@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("cell", ["lstm", "gru", "layernorm_lstm"])
def test_padded_batch_equals_each_sequence_alone(pooling, cell):
    config = ClassifierConfig(
        num_classes=3,
        vocab_size=10,
        embedding_dim=4,
        rnn=RNNConfig(cell=cell, hidden_size=5, num_layers=2, bidirectional=True),
        pooling=pooling,
    )
    model = SequenceClassifier(config).double().eval()
    x, lengths, _ = _tiny_task()
    x_garbage = x.clone()
    for b, n in enumerate(lengths.tolist()):
        x_garbage[b, n:] = 9  # real tokens in the padding must not leak either
    batch = model(x_garbage, lengths)
    for b, n in enumerate(lengths.tolist()):
        alone = model(x[b : b + 1, :n])
        torch.testing.assert_close(batch[b : b + 1], alone, atol=1e-10, rtol=1e-10)


def test_attention_weights_are_zero_on_padding_and_sum_to_one():
    config = ClassifierConfig(
        num_classes=2, vocab_size=10, embedding_dim=4, rnn=RNNConfig(hidden_size=5), pooling="attention"
    )
    x, lengths, _ = _tiny_task()
    _, weights = SequenceClassifier(config)(x, lengths, return_attention=True)
    for b, n in enumerate(lengths.tolist()):
        assert torch.count_nonzero(weights[b, n:]) == 0
    torch.testing.assert_close(weights.sum(1), torch.ones(8))


def test_real_valued_input_binary_logit_and_pretrained_embedding():
    model = SequenceClassifier(
        ClassifierConfig(num_classes=1, input_size=3, rnn=RNNConfig(cell="gru", hidden_size=4))
    )
    assert model(torch.randn(2, 5, 3)).shape == (2, 1)
    vectors = torch.randn(10, 4)
    config = ClassifierConfig(num_classes=2, vocab_size=10, embedding_dim=4, rnn=RNNConfig(hidden_size=4))
    frozen = SequenceClassifier(config, embedding_weights=vectors, freeze_embedding=True)
    assert torch.equal(frozen.embedding.weight.detach(), vectors)
    assert not frozen.embedding.weight.requires_grad


def test_max_mean_pooling_is_max_then_mean_of_the_valid_outputs():
    torch.manual_seed(0)
    x, lengths, _ = _tiny_task()
    config = ClassifierConfig(
        num_classes=1, vocab_size=10, embedding_dim=4, rnn=RNNConfig(hidden_size=3), pooling="max_mean"
    )
    model = SequenceClassifier(config).eval()
    assert model.head.in_features == 6
    captured = {}
    model.head.register_forward_hook(lambda module, args, out: captured.update(pooled=args[0]))
    model(x, lengths)
    outputs, _ = model.rnn(model.embedding(x), lengths=lengths)
    for b, n in enumerate(lengths.tolist()):
        valid = outputs[b, :n]  # (n, 3)
        expected = torch.cat([valid.max(0).values, valid.mean(0)])
        torch.testing.assert_close(captured["pooled"][b], expected)


def test_token_dropout_zeroes_whole_tokens_in_training_only():
    torch.manual_seed(0)
    config = ClassifierConfig(
        num_classes=1, vocab_size=10, embedding_dim=16, rnn=RNNConfig(hidden_size=3), token_dropout=0.25
    )
    model = SequenceClassifier(config)
    x = torch.randint(1, 10, (64, 50))
    embedded = model._embed(x)  # (B, T, E), training mode
    plain = model.embedding(x)
    zeroed = (embedded == 0).all(-1)  # whole token vectors
    assert 0.2 < zeroed.float().mean().item() < 0.3
    torch.testing.assert_close(embedded[~zeroed], plain[~zeroed] / 0.75)
    assert ((embedded == 0).any(-1) == zeroed).all()  # never part of a vector
    model.eval()
    torch.testing.assert_close(model._embed(x), plain)
    with pytest.raises(ValueError, match="token_dropout must be in \\[0, 1\\), got 1.0"):
        SequenceClassifier(ClassifierConfig(num_classes=1, vocab_size=10, token_dropout=1.0))


def test_bad_input_is_named():
    config = ClassifierConfig(num_classes=2, vocab_size=10, embedding_dim=4, rnn=RNNConfig(hidden_size=4))
    model = SequenceClassifier(config)
    with pytest.raises(ValueError, match=r"token ids must be in \[0, 10\), got min 0, max 12"):
        model(torch.tensor([[1, 12, 0]]))
    with pytest.raises(ValueError, match="integer tensor of shape"):
        model(torch.randn(2, 3, 4))
    with pytest.raises(ValueError, match="set exactly one of vocab_size"):
        SequenceClassifier(ClassifierConfig(num_classes=2))
    with pytest.raises(ValueError, match="pooling must be one of"):
        SequenceClassifier(ClassifierConfig(num_classes=2, input_size=3, pooling="first"))
    with pytest.raises(ValueError, match=r"embedding_weights must have shape \(10, 4\)"):
        SequenceClassifier(config, embedding_weights=torch.zeros(10, 5))
    with pytest.raises(ValueError, match="unknown cell 'transformer'"):
        SequenceClassifier(ClassifierConfig(num_classes=2, input_size=3, rnn=RNNConfig(cell="transformer")))
