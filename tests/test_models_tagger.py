"""SequenceTagger: shapes, padding that never leaks, losses against their definitions, overfitting a tiny
batch with every cell, and input errors."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from rnnkit.layers.masking import lengths_to_mask
from rnnkit.models.encoder import RNNConfig
from rnnkit.models.tagger import SequenceTagger, TaggerConfig

V, C = 12, 4


def make_tagger(head: str = "softmax", cell: str = "lstm", **rnn) -> SequenceTagger:
    rnn = {"hidden_size": 8, **rnn}
    config = TaggerConfig(
        num_tags=C, vocab_size=V, embedding_dim=6, head=head, rnn=RNNConfig(cell=cell, **rnn)
    )
    return SequenceTagger(config)


def ragged_batch(lengths: list[int], garbage: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids (B, T) with random ids (not the pad id) at padded steps when ``garbage``."""
    lengths_t = torch.tensor(lengths)
    x = torch.randint(1, V, (len(lengths), max(lengths)))
    if not garbage:
        x = x.masked_fill(~lengths_to_mask(lengths_t), 0)
    return x, lengths_t


@pytest.mark.parametrize("head", ["softmax", "crf"])
def test_shapes_token_ids(head: str) -> None:
    model = make_tagger(head, bidirectional=True, num_layers=2)
    x, lengths = ragged_batch([7, 3, 5])
    emissions = model(x, lengths)
    assert emissions.shape == (3, 7, C)
    assert (emissions[1, 3:] == 0).all() and (emissions[2, 5:] == 0).all()
    assert model(x).shape == (3, 7, C)
    predictions = model.predict(x, lengths)
    assert [len(p) for p in predictions] == [7, 3, 5]
    assert all(0 <= tag < C for p in predictions for tag in p)
    loss = model.loss(x, torch.randint(0, C, (3, 7)), lengths)
    assert loss.dim() == 0 and torch.isfinite(loss)


def test_shapes_real_features() -> None:
    config = TaggerConfig(num_tags=C, input_size=5, head="crf", rnn=RNNConfig(cell="gru", hidden_size=8))
    model = SequenceTagger(config)
    x = torch.randn(2, 6, 5)
    assert model(x, torch.tensor([6, 4])).shape == (2, 6, C)
    assert [len(p) for p in model.predict(x, [6, 4])] == [6, 4]


@pytest.mark.parametrize("head", ["softmax", "crf"])
@pytest.mark.parametrize("cell", ["lstm", "gru", "layernorm_gru"])
def test_ragged_batch_equals_each_sequence_alone(cell: str, head: str) -> None:
    model = make_tagger(head, cell, bidirectional=True, num_layers=2).eval()
    lengths = [6, 2, 4, 1]
    x, lengths_t = ragged_batch(lengths)
    emissions = model(x, lengths_t)
    predictions = model.predict(x, lengths_t)
    for b, n in enumerate(lengths):
        alone = x[b : b + 1, :n]
        torch.testing.assert_close(emissions[b, :n], model(alone)[0], atol=1e-5, rtol=1e-5)
        assert predictions[b] == model.predict(alone)[0]


@pytest.mark.parametrize("head", ["softmax", "crf"])
def test_loss_ignores_padded_tokens_and_tags(head: str) -> None:
    model = make_tagger(head, "gru", bidirectional=True).eval()
    x, lengths = ragged_batch([5, 3, 2], garbage=False)
    mask = lengths_to_mask(lengths)
    tags = torch.randint(0, C, x.shape).masked_fill(~mask, -100)
    noisy_x = torch.where(mask, x, torch.randint(1, V, x.shape))
    noisy_tags = torch.where(mask, tags, torch.randint(0, C, x.shape))
    torch.testing.assert_close(model.loss(noisy_x, noisy_tags, lengths), model.loss(x, tags, lengths))


def test_softmax_loss_is_cross_entropy_over_labelled_real_steps() -> None:
    model = make_tagger("softmax").double()
    x, lengths = ragged_batch([5, 3, 4])
    tags = torch.randint(0, C, x.shape)
    tags[0, 1] = -100  # an unlabelled real step is skipped too
    emissions = model(x, lengths)
    terms = [
        -F.log_softmax(emissions[b, t], -1)[tags[b, t]]
        for b, n in enumerate(lengths.tolist())
        for t in range(n)
        if tags[b, t] != -100
    ]
    expected = torch.stack(terms).mean()
    torch.testing.assert_close(model.loss(x, tags, lengths), expected)


def test_crf_loss_is_the_crf_nll_of_the_emissions() -> None:
    model = make_tagger("crf", bidirectional=True).double()
    x, lengths = ragged_batch([5, 3, 4])
    tags = torch.randint(0, C, x.shape)
    mask = lengths_to_mask(lengths)
    expected = model.crf.neg_log_likelihood(model(x, lengths), tags, mask)
    torch.testing.assert_close(model.loss(x, tags, lengths), expected)
    model.loss(x, tags, lengths).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name


def tiny_task() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """8 ragged sequences; tag_t = (token_t + token_{t-1}) % 3, so a forward RNN must remember a step."""
    g = torch.Generator().manual_seed(0)
    lengths = torch.tensor([8, 7, 6, 5, 8, 4, 3, 6])
    x = torch.randint(1, 6, (8, 8), generator=g).masked_fill(~lengths_to_mask(lengths), 0)
    previous = torch.cat([torch.zeros(8, 1, dtype=torch.long), x[:, :-1]], dim=1)  # (B, T)
    tags = ((x + previous) % 3).masked_fill(~lengths_to_mask(lengths), -100)
    return x, tags, lengths


@pytest.mark.parametrize(
    ("cell", "head"),
    [
        ("rnn", "softmax"),
        ("lstm", "softmax"),
        ("gru", "softmax"),
        ("layernorm_lstm", "softmax"),
        ("layernorm_gru", "softmax"),
        ("lstm", "crf"),
    ],
)
def test_overfits_a_tiny_batch(cell: str, head: str) -> None:
    x, tags, lengths = tiny_task()
    config = TaggerConfig(
        num_tags=3, vocab_size=6, embedding_dim=8, head=head, rnn=RNNConfig(cell=cell, hidden_size=16)
    )
    model = SequenceTagger(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.03)
    for _ in range(300):
        optimiser.zero_grad()
        loss = model.loss(x, tags, lengths)
        loss.backward()
        optimiser.step()
        if loss.item() < 0.02:
            break
    assert model.loss(x, tags, lengths).item() < 0.05
    predictions = model.eval().predict(x, lengths)
    expected = [row[:n] for row, n in zip(tags.tolist(), lengths.tolist(), strict=True)]
    assert predictions == expected


def test_bad_inputs_raise_clear_errors() -> None:
    model = make_tagger("softmax")
    x, lengths = ragged_batch([4, 2])
    with pytest.raises(ValueError, match=r"token ids must be in \[0, 12\), got min .*, max 12"):
        model(x.masked_fill(x == x.max(), V))
    with pytest.raises(ValueError, match=r"token ids must be in \[0, 12\), got min -1"):
        model(x - x.min() - 1)
    with pytest.raises(ValueError, match=r"integer tensor of shape \(batch, time\).*\(2, 4, 1\)"):
        model(x.unsqueeze(-1))
    with pytest.raises(ValueError, match="integer tensor of shape"):
        model(x.float())
    with pytest.raises(ValueError, match=r"tags must have shape \(2, 4\).*got \(2, 3\)"):
        model.loss(x, torch.zeros(2, 3, dtype=torch.long), lengths)
    with pytest.raises(TypeError, match="tags must be an integer tensor"):
        model.loss(x, torch.zeros(2, 4), lengths)
    with pytest.raises(ValueError, match=r"tags on real steps must be in \[0, 4\)"):
        model.loss(x, torch.full((2, 4), C), lengths)
    with pytest.raises(ValueError, match="lengths must be <= the time axis"):
        model(x, torch.tensor([5, 2]))
    crf = make_tagger("crf")
    with pytest.raises(ValueError, match="crf head needs a tag on every real step"):
        crf.loss(x, torch.full((2, 4), -100), lengths)
    features = SequenceTagger(TaggerConfig(num_tags=C, input_size=3, rnn=RNNConfig(hidden_size=4)))
    with pytest.raises(ValueError, match=r"floats of shape \(batch, time, 3\).*\(5, 3\)"):
        features(torch.randn(5, 3))


def test_bad_configs_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match="exactly one of vocab_size"):
        SequenceTagger(TaggerConfig(num_tags=C, vocab_size=V, input_size=3))
    with pytest.raises(ValueError, match="exactly one of vocab_size"):
        SequenceTagger(TaggerConfig(num_tags=C))
    with pytest.raises(ValueError, match="head must be one of"):
        SequenceTagger(TaggerConfig(num_tags=C, vocab_size=V, head="hmm"))
    with pytest.raises(ValueError, match="num_tags must be an int >= 1, got 0"):
        SequenceTagger(TaggerConfig(num_tags=0, vocab_size=V))
    with pytest.raises(ValueError, match=r"embedding_weights must have shape \(12, 100\)"):
        SequenceTagger(TaggerConfig(num_tags=C, vocab_size=V), embedding_weights=torch.zeros(12, 5))


def test_pretrained_frozen_embedding() -> None:
    weights = torch.randn(V, 6)
    config = TaggerConfig(num_tags=C, vocab_size=V, embedding_dim=6, rnn=RNNConfig(hidden_size=4))
    model = SequenceTagger(config, embedding_weights=weights, freeze_embedding=True)
    torch.testing.assert_close(model.embedding.weight, weights)
    assert not model.embedding.weight.requires_grad
