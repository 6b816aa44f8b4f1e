"""1 vs N: ConditionalGenerator learns one sequence per input vector and decodes it back."""

from __future__ import annotations

import pytest
import torch

from rnnkit.models.encoder import LAYERS_BY_CELL, RNNConfig
from rnnkit.models.generator import ConditionalGenerator, GeneratorConfig

BOS, EOS, PAD = 1, 2, 0
TARGETS = [[5, 6, 7], [7, 3], [4, 4, 5, 6], [6]]


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    features = torch.eye(4, 6)  # one distinct vector per sequence
    width = max(len(t) for t in TARGETS) + 2
    tokens = torch.full((4, width), PAD)
    for b, seq in enumerate(TARGETS):
        tokens[b, : len(seq) + 2] = torch.tensor([BOS, *seq, EOS])
    return features, tokens


def _model(cell: str) -> ConditionalGenerator:
    config = GeneratorConfig(
        feature_size=6, vocab_size=8, embedding_dim=12, rnn=RNNConfig(cell=cell, hidden_size=24)
    )
    return ConditionalGenerator(config)


@pytest.mark.parametrize("cell", sorted(LAYERS_BY_CELL))
def test_learns_a_sequence_per_vector_and_decodes_it(cell):
    torch.manual_seed(0)
    model = _model(cell)
    features, tokens = _batch()
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(200):
        loss = model.loss(features, tokens)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert loss.item() < 0.05
    for method in ("greedy", "beam"):
        out, lengths = model.generate(features, method=method, beam_size=3, max_length=8)
        decoded = [out[b, : lengths[b] - 1].tolist() for b in range(4)]  # drop the EOS
        assert decoded == TARGETS, method


def test_beam_of_one_is_greedy_and_sampling_is_reproducible():
    model = _model("gru")
    features = torch.randn(3, 6)
    greedy = model.generate(features, method="greedy", max_length=6)
    beam = model.generate(features, method="beam", beam_size=1, max_length=6)
    assert torch.equal(greedy[0], beam[0]) and torch.equal(greedy[1], beam[1])
    a = model.generate(features, method="sample", generator=torch.Generator().manual_seed(1))
    b = model.generate(features, method="sample", generator=torch.Generator().manual_seed(1))
    assert torch.equal(a[0], b[0])


def test_initial_state_comes_from_the_features():
    model = _model("lstm")
    h0, c0 = model.initial_state(torch.randn(2, 6))
    assert h0.shape == c0.shape == (1, 2, 24)
    assert not torch.allclose(h0[:, 0], h0[:, 1])


def test_bad_input_is_named():
    model = _model("lstm")
    with pytest.raises(ValueError, match=r"features must be \(batch, 6\), got \(2, 5\)"):
        model.generate(torch.randn(2, 5))
    with pytest.raises(ValueError, match="tokens must start with bos_id=1"):
        model.loss(torch.randn(1, 6), torch.tensor([[5, 6, 2]]))
    with pytest.raises(ValueError, match="method must be one of"):
        model.generate(torch.randn(1, 6), method="nucleus")
