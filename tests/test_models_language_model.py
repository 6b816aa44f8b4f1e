"""LanguageModel: learns a tiny text with every cell, streams with truncated BPTT, generates."""

from __future__ import annotations

import pytest
import torch

from rnnkit.models.encoder import LAYERS_BY_CELL, RNNConfig
from rnnkit.models.language_model import LanguageModel, LanguageModelConfig

TEXT = "hello world, hello rnn. "
VOCAB = sorted(set(TEXT))
IDS = torch.tensor([VOCAB.index(c) for c in TEXT * 3])


def _lm(cell: str = "lstm", **kwargs) -> LanguageModel:
    config = LanguageModelConfig(
        vocab_size=len(VOCAB), embedding_dim=16, rnn=RNNConfig(cell=cell, hidden_size=32), **kwargs
    )
    return LanguageModel(config)


@pytest.mark.parametrize("cell", sorted(LAYERS_BY_CELL))
def test_overfits_a_tiny_text_then_recites_it(cell):
    torch.manual_seed(0)
    model = _lm(cell)
    inputs, targets = IDS[:-1].unsqueeze(0), IDS[1:].unsqueeze(0)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(200):
        loss, _ = model.loss(inputs, targets)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
    assert loss.item() < 0.1
    prime = IDS[: len(TEXT)].unsqueeze(0)  # one full period: the next one is determined
    out = model.generate(prime, max_new_tokens=12, greedy=True)
    assert out[0, len(TEXT) :].tolist() == IDS[len(TEXT) : len(TEXT) + 12].tolist()


def test_stateful_chunks_equal_one_pass():
    model = _lm("gru").double()
    tokens = IDS[:20].unsqueeze(0).repeat(2, 1)
    whole, _ = model(tokens)
    first, state = model(tokens[:, :8])
    second, _ = model(tokens[:, 8:], model.detach_state(state))
    torch.testing.assert_close(torch.cat([first, second], 1), whole, atol=1e-12, rtol=1e-12)


def test_truncated_bptt_cuts_the_graph():
    model = _lm("lstm")
    _, state = model(IDS[:8].unsqueeze(0))
    detached = model.detach_state(state)
    assert all(not s.requires_grad for s in detached)


def test_sampling_is_reproducible_and_top_k_1_is_greedy():
    model = _lm("lstm")
    prime = IDS[:3].unsqueeze(0)
    a = model.generate(prime, 10, temperature=0.7, generator=torch.Generator().manual_seed(5))
    b = model.generate(prime, 10, temperature=0.7, generator=torch.Generator().manual_seed(5))
    assert torch.equal(a, b) and a.shape == (1, 13)
    assert torch.equal(model.generate(prime, 10, top_k=1), model.generate(prime, 10, greedy=True))


def test_weight_tying_and_config_errors():
    tied = LanguageModel(
        LanguageModelConfig(vocab_size=9, embedding_dim=8, rnn=RNNConfig(hidden_size=8), tie_weights=True)
    )
    assert tied.head.weight is tied.embedding.weight
    with pytest.raises(ValueError, match="tie_weights needs embedding_dim == rnn.hidden_size, got 4 and 8"):
        LanguageModel(
            LanguageModelConfig(vocab_size=9, embedding_dim=4, rnn=RNNConfig(hidden_size=8), tie_weights=True)
        )
    with pytest.raises(ValueError, match="set rnn.bidirectional=False"):
        LanguageModel(LanguageModelConfig(vocab_size=9, rnn=RNNConfig(bidirectional=True)))
    with pytest.raises(ValueError, match=r"tokens must be in \[0, 9\), got min 0, max 9"):
        tied(torch.tensor([[0, 9]]))
    with pytest.raises(ValueError, match="targets must have the shape of inputs"):
        tied.loss(torch.zeros(1, 4, dtype=torch.long), torch.zeros(1, 3, dtype=torch.long))
