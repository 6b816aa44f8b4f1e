"""Greedy, sampled and beam decoding against brute-force enumeration on tiny random models."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import Tensor, nn

from rnnkit.models.beam import BeamResult, beam_search
from rnnkit.models.decoding import greedy_decode, sample_decode

BOS, EOS = 0, 1


class TinyLM(nn.Module):
    """A random GRU language model: the step function of the tests (state (N, H), batch on axis 0)."""

    def __init__(self, vocab: int, hidden: int = 8, eos_bias: float = 0.0, seed: int = 0) -> None:
        super().__init__()
        torch.manual_seed(seed)
        self.embed = nn.Embedding(vocab, hidden)
        self.cell = nn.GRUCell(hidden, hidden)
        self.head = nn.Linear(hidden, vocab)
        with torch.no_grad():
            self.head.weight.mul_(3.0)  # peaky distributions, so greedy and beam choices differ
            self.head.bias[EOS] += eos_bias

    @torch.no_grad()
    def step(self, tokens: Tensor, state: Tensor) -> tuple[Tensor, Tensor]:
        state = self.cell(self.embed(tokens), state)  # (N, H)
        return torch.log_softmax(self.head(state), dim=-1), state  # (N, V)

    def initial(self, batch: int, seed: int = 1) -> Tensor:
        return torch.randn(batch, self.cell.hidden_size, generator=torch.Generator().manual_seed(seed))


def reorder(state: Tensor, index: Tensor) -> Tensor:
    return state.index_select(0, index)


def sequence_log_prob(model: TinyLM, state: Tensor, sequence: tuple[int, ...]) -> float:
    """log p(sequence) for one row, by feeding BOS and the sequence itself."""
    total, tokens = 0.0, torch.tensor([BOS])
    for token in sequence:
        log_probs, state = model.step(tokens, state)
        total += float(log_probs[0, token])
        tokens = torch.tensor([token])
    return total


def all_outputs(vocab: int, max_length: int):
    """Every legal output: ends at its first EOS, or is cut at max_length without EOS."""
    others = [v for v in range(vocab) if v != EOS]
    for length in range(1, max_length + 1):
        for prefix in itertools.product(others, repeat=length - 1):
            yield (*prefix, EOS)
    yield from itertools.product(others, repeat=max_length)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_beam_of_one_equals_greedy(seed: int, length_penalty: float) -> None:
    model = TinyLM(vocab=7, eos_bias=1.0, seed=seed)
    state, kwargs = model.initial(5, seed), {"batch_size": 5, "bos_id": BOS, "eos_id": EOS, "max_length": 9}
    tokens, lengths = greedy_decode(model.step, state, **kwargs)
    result = beam_search(model.step, state, reorder, beam_size=1, length_penalty=length_penalty, **kwargs)
    assert isinstance(result, BeamResult)
    assert torch.equal(result.tokens, tokens) and torch.equal(result.lengths, lengths)
    for b in range(5):  # the score is the greedy sequence's log-probability, normalised
        expected = sequence_log_prob(model, state[b : b + 1], tuple(tokens[b, : lengths[b]].tolist()))
        assert result.scores[b].item() == pytest.approx(
            expected / float(lengths[b]) ** length_penalty, abs=1e-5
        )


def test_greedy_conventions() -> None:
    model = TinyLM(vocab=6, eos_bias=1.0, seed=3)
    tokens, lengths = greedy_decode(
        model.step, model.initial(8), batch_size=8, bos_id=BOS, eos_id=EOS, max_length=10
    )
    assert tokens.shape[1] == int(lengths.max()) <= 10
    for row, length in zip(tokens.tolist(), lengths.tolist(), strict=True):
        body = row[:length]
        assert EOS not in body[:-1]  # the first EOS ends the row...
        assert body[-1] == EOS or length == 10  # ...and is included, unless cut at max_length
        assert all(t == EOS for t in row[length:])  # EOS padding after the end


def test_exhaustive_beam_finds_the_brute_force_optimum() -> None:
    # With K = V**max_length no hypothesis is ever pruned, and with length_penalty=0 the search only
    # stops once nothing alive can win, so beam search must return the best of all outputs, enumerated
    # and scored one by one.
    length_penalty = 0.0
    vocab, max_length, batch = 3, 3, 8
    greedy_was_wrong = 0
    for seed in range(3):
        model = TinyLM(vocab=vocab, eos_bias=-2.0, seed=seed)  # rarer EOS: long outputs compete
        state = model.initial(batch, seed)
        kwargs = {"batch_size": batch, "bos_id": BOS, "eos_id": EOS, "max_length": max_length}
        result = beam_search(
            model.step, state, reorder, beam_size=vocab**max_length, length_penalty=length_penalty, **kwargs
        )
        greedy, greedy_lengths = greedy_decode(model.step, state, **kwargs)
        for b in range(batch):
            scored = {
                seq: sequence_log_prob(model, state[b : b + 1], seq) / len(seq) ** length_penalty
                for seq in all_outputs(vocab, max_length)
            }
            best = max(scored, key=scored.get)
            assert tuple(result.tokens[b, : result.lengths[b]].tolist()) == best
            assert result.scores[b].item() == pytest.approx(scored[best], abs=1e-5)
            greedy_was_wrong += tuple(greedy[b, : greedy_lengths[b]].tolist()) != best
    assert greedy_was_wrong > 0  # the case is hard enough to tell search from greedy


@pytest.mark.parametrize("length_penalty", [0.0, 0.6, 1.0])
def test_beam_scores_are_the_normalised_log_probabilities_of_the_tokens(length_penalty: float) -> None:
    model = TinyLM(vocab=6, eos_bias=0.5, seed=2)
    state = model.initial(5)
    result = beam_search(
        model.step, state, reorder, batch_size=5, bos_id=BOS, eos_id=EOS, beam_size=3, max_length=7,
        length_penalty=length_penalty,
    )  # fmt: skip
    assert result.tokens.shape[1] == int(result.lengths.max())
    for b in range(5):
        length = int(result.lengths[b])
        sequence = tuple(result.tokens[b, :length].tolist())
        assert EOS not in sequence[:-1] and (sequence[-1] == EOS or length == 7)
        assert all(t == EOS for t in result.tokens[b, length:].tolist())
        expected = sequence_log_prob(model, state[b : b + 1], sequence) / length**length_penalty
        assert result.scores[b].item() == pytest.approx(expected, abs=1e-5)


def table_step(table: Tensor):
    """A step whose next-token distribution depends on the previous token only (state unused)."""
    return lambda tokens, state: (table[tokens], state)


def test_beam_beats_greedy_where_greedy_is_short_sighted() -> None:
    # Tokens: 0 = BOS, 1 = EOS, 2 = a, 3 = b. After BOS, a is likelier than b, but b is followed
    # by EOS with probability 0.9 while a spreads its mass: p(b EOS) = 0.36 > p(a ...) <= 0.17.
    table = torch.tensor(
        [
            [1e-6, 0.1, 0.5, 0.4],
            [1e-6, 0.98, 0.01, 0.01],
            [1e-6, 0.32, 0.34, 0.34],
            [1e-6, 0.9, 0.05, 0.05],
        ]
    )
    step = table_step((table / table.sum(1, keepdim=True)).log())
    kwargs = {"batch_size": 1, "bos_id": BOS, "eos_id": EOS, "max_length": 4}
    greedy, _ = greedy_decode(step, None, **kwargs)
    beam = beam_search(step, None, lambda s, i: s, beam_size=2, length_penalty=0.0, **kwargs)
    assert greedy[0, 0].item() == 2
    assert beam.tokens.tolist() == [[3, EOS]]
    assert beam.scores.exp().item() == pytest.approx(0.36, abs=1e-3)


def test_beam_rows_are_independent_of_the_batch() -> None:
    model = TinyLM(vocab=6, eos_bias=0.5, seed=4)
    state = model.initial(3)
    kwargs = {"bos_id": BOS, "eos_id": EOS, "beam_size": 3, "max_length": 6}
    together = beam_search(model.step, state, reorder, batch_size=3, **kwargs)
    for b in range(3):
        alone = beam_search(model.step, state[b : b + 1], reorder, batch_size=1, **kwargs)
        length = int(alone.lengths[0])
        assert together.lengths[b].item() == length
        assert torch.equal(together.tokens[b, :length], alone.tokens[0, :length])
        assert together.scores[b].item() == pytest.approx(alone.scores[0].item(), abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_sampling_with_top_k_one_equals_greedy(seed: int) -> None:
    model = TinyLM(vocab=7, eos_bias=1.0, seed=seed)
    state, kwargs = model.initial(6, seed), {"batch_size": 6, "bos_id": BOS, "eos_id": EOS, "max_length": 8}
    greedy = greedy_decode(model.step, state, **kwargs)
    g = torch.Generator().manual_seed(seed)
    sampled = sample_decode(model.step, state, top_k=1, temperature=0.7, generator=g, **kwargs)
    for a, b in zip(greedy, sampled, strict=True):
        assert torch.equal(a, b)


@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0])
def test_sampling_frequencies_follow_the_tempered_distribution(temperature: float) -> None:
    log_p = torch.tensor([0.05, 0.15, 0.2, 0.6]).log()
    step = table_step(log_p.expand(4, 4))
    n = 4000
    tokens, _ = sample_decode(
        step, None, batch_size=n, bos_id=BOS, eos_id=EOS, max_length=1,
        temperature=temperature, generator=torch.Generator().manual_seed(0),
    )  # fmt: skip
    frequencies = torch.bincount(tokens[:, 0], minlength=4).double() / n
    expected = torch.softmax(log_p.double() / temperature, 0)
    torch.testing.assert_close(frequencies, expected, atol=0.03, rtol=0.0)  # ~4 standard deviations


def test_top_k_never_samples_outside_the_k_best() -> None:
    step = table_step(torch.tensor([0.05, 0.15, 0.2, 0.6]).log().expand(4, 4))
    tokens, _ = sample_decode(
        step, None, batch_size=500, bos_id=BOS, eos_id=EOS, max_length=1, top_k=2,
        generator=torch.Generator().manual_seed(0),
    )  # fmt: skip
    assert set(tokens[:, 0].tolist()) == {2, 3}


def test_sampling_is_reproducible_with_a_generator() -> None:
    model = TinyLM(vocab=6, seed=5)
    kwargs = {"batch_size": 4, "bos_id": BOS, "eos_id": EOS, "max_length": 7}
    runs = [
        sample_decode(model.step, model.initial(4), generator=torch.Generator().manual_seed(7), **kwargs)
        for _ in range(2)
    ]
    assert torch.equal(runs[0][0], runs[1][0])


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), "hot"])
def test_temperature_must_be_positive(temperature) -> None:
    with pytest.raises(ValueError, match="temperature"):
        sample_decode(table_step(torch.zeros(3, 3)), None, batch_size=1, bos_id=0, eos_id=1,
                      max_length=2, temperature=temperature)  # fmt: skip


@pytest.mark.parametrize("top_k", [0, -2, 1.5])
def test_top_k_must_be_at_least_one(top_k) -> None:
    with pytest.raises(ValueError, match="top_k"):
        sample_decode(table_step(torch.zeros(3, 3)), None, batch_size=1, bos_id=0, eos_id=1,
                      max_length=2, top_k=top_k)  # fmt: skip


def test_bad_decoding_arguments_are_rejected() -> None:
    step = table_step(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="max_length"):
        greedy_decode(step, None, batch_size=1, bos_id=0, eos_id=1, max_length=0)
    with pytest.raises(ValueError, match="batch_size"):
        greedy_decode(step, None, batch_size=0, bos_id=0, eos_id=1, max_length=3)
    with pytest.raises(ValueError, match="beam_size"):
        beam_search(step, None, lambda s, i: s, batch_size=1, bos_id=0, eos_id=1, beam_size=0, max_length=3)
    with pytest.raises(ValueError, match="length_penalty"):
        beam_search(step, None, lambda s, i: s, batch_size=1, bos_id=0, eos_id=1, beam_size=2,
                    max_length=3, length_penalty=-1.0)  # fmt: skip
    with pytest.raises(ValueError, match="log_probs of shape"):
        greedy_decode(lambda t, s: (torch.zeros(5), s), None, batch_size=2, bos_id=0, eos_id=1, max_length=3)


# --- top-p (nucleus) and the sampling distribution ---------------------------------------------------

from rnnkit.models.decoding import sampling_probs  # noqa: E402


def brute_force_nucleus(probs: list[float], p: float) -> set[int]:
    """The smallest set of most probable tokens whose mass reaches p, by enumeration in sorted order."""
    order = sorted(range(len(probs)), key=lambda i: -probs[i])
    kept, mass = set(), 0.0
    for i in order:
        kept.add(i)
        mass += probs[i]
        if mass >= p:
            return kept
    return kept


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("top_p", [0.1, 0.5, 0.9, 0.999])
def test_top_p_keeps_exactly_the_nucleus_and_sampling_never_leaves_it(seed, top_p) -> None:
    logits = torch.randn(1, 12, generator=torch.Generator().manual_seed(seed)) * 2
    probs = torch.softmax(logits, -1)[0].tolist()
    nucleus = brute_force_nucleus(probs, top_p)
    filtered = sampling_probs(logits.log_softmax(-1), top_p=top_p)[0]
    assert {i for i, q in enumerate(filtered.tolist()) if q > 0} == nucleus
    assert abs(float(filtered.sum()) - 1.0) < 1e-6
    table = logits.log_softmax(-1).expand(12, 12)  # the same distribution after every token
    tokens, _ = sample_decode(
        lambda t, s: (table[t], s),
        None,
        batch_size=64,
        bos_id=0,
        eos_id=99,
        max_length=20,
        top_p=top_p,
        generator=torch.Generator().manual_seed(seed),
    )
    assert set(tokens.flatten().tolist()) <= nucleus


def test_top_k_then_top_p_and_the_most_probable_token_always_survives() -> None:
    log_probs = torch.tensor([[0.05, 0.4, 0.3, 0.25]]).log()
    both = sampling_probs(log_probs, top_k=3, top_p=0.5)[0]  # top-3 {1, 2, 3}, then mass 0.4/0.95 < 0.5
    assert (both > 0).tolist() == [False, True, True, False]
    tiny = sampling_probs(log_probs, top_p=1e-9)[0]
    assert tiny.tolist() == [0.0, 1.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="top_p"):
        sample_decode(
            lambda t, s: (log_probs.expand(1, 4), s),
            None,
            batch_size=1,
            bos_id=0,
            eos_id=9,
            max_length=2,
            top_p=1.5,
        )
