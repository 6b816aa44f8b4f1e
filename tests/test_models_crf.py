"""LinearChainCRF against brute-force enumeration of every tag path, a hand-written sum, and finite
differences."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from torch.func import functional_call

from rnnkit.layers.masking import lengths_to_mask
from rnnkit.models.crf import LinearChainCRF

C = 3
LENGTHS = torch.tensor([4, 2, 1, 3])  # ragged, several entries, T = 4
DT = torch.float64


def make_case(seed: int = 0) -> tuple[LinearChainCRF, torch.Tensor, torch.Tensor]:
    """A float64 CRF with random (not near-zero) parameters, emissions and a left-aligned mask."""
    g = torch.Generator().manual_seed(seed)
    crf = LinearChainCRF(C).to(DT)
    with torch.no_grad():
        for p in crf.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=DT))
    emissions = torch.randn(len(LENGTHS), int(LENGTHS.max()), C, generator=g, dtype=DT)
    return crf, emissions, lengths_to_mask(LENGTHS)


def path_score(crf: LinearChainCRF, emissions: torch.Tensor, path: tuple[int, ...]) -> float:
    """The oracle: score(y) written out term by term for one unpadded sequence (T, C)."""
    trans, start, end = crf.transitions.tolist(), crf.start_transitions.tolist(), crf.end_transitions.tolist()
    emit = emissions.tolist()
    total = start[path[0]] + end[path[-1]]
    for t, tag in enumerate(path):
        total += emit[t][tag]
        if t > 0:
            total += trans[path[t - 1]][tag]
    return total


def all_paths(crf: LinearChainCRF, emissions: torch.Tensor) -> dict[tuple[int, ...], float]:
    return {y: path_score(crf, emissions, y) for y in itertools.product(range(C), repeat=len(emissions))}


def logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_log_partition_equals_brute_force(seed: int) -> None:
    crf, emissions, mask = make_case(seed)
    log_z = crf.log_partition(emissions, mask)
    for b, n in enumerate(LENGTHS.tolist()):
        expected = logsumexp(list(all_paths(crf, emissions[b, :n]).values()))
        assert log_z[b].item() == pytest.approx(expected, abs=1e-10)


def test_log_partition_without_mask_is_all_steps_real() -> None:
    crf, emissions, _ = make_case()
    full = torch.ones(emissions.shape[:2], dtype=torch.bool)
    torch.testing.assert_close(crf.log_partition(emissions), crf.log_partition(emissions, full))


def test_score_matches_hand_computed_sum() -> None:
    crf = LinearChainCRF(2).to(DT)
    with torch.no_grad():
        crf.transitions.copy_(torch.tensor([[0.1, 0.2], [0.3, 0.4]], dtype=DT))
        crf.start_transitions.copy_(torch.tensor([1.0, 2.0]))
        crf.end_transitions.copy_(torch.tensor([10.0, 20.0]))
    emissions = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]], dtype=DT)
    tags = torch.tensor([[0, 1, 1]])
    # start[0] + emit[0,0] + emit[1,1] + emit[2,1] + trans[0,1] + trans[1,1] + end[1]
    expected = 1.0 + 1.0 + 4.0 + 6.0 + 0.2 + 0.4 + 20.0
    assert crf.score(emissions, tags).item() == pytest.approx(expected, abs=1e-12)
    # The same sequence of length 2 (the third step padded, its tag arbitrary):
    # start[0] + emit[0,0] + emit[1,1] + trans[0,1] + end[1]
    mask = torch.tensor([[True, True, False]])
    padded_tags = torch.tensor([[0, 1, -100]])
    assert crf.score(emissions, padded_tags, mask).item() == pytest.approx(1 + 1 + 4 + 0.2 + 20, abs=1e-12)


def test_score_matches_oracle_on_ragged_batch() -> None:
    crf, emissions, mask = make_case(3)
    tags = torch.randint(0, C, mask.shape).masked_fill(~mask, -100)
    scores = crf.score(emissions, tags, mask)
    for b, n in enumerate(LENGTHS.tolist()):
        expected = path_score(crf, emissions[b, :n], tuple(tags[b, :n].tolist()))
        assert scores[b].item() == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_viterbi_equals_brute_force_best_path(seed: int) -> None:
    crf, emissions, mask = make_case(seed)
    decoded = crf.decode(emissions, mask)
    best_score, padded = crf.viterbi(emissions, mask)
    for b, n in enumerate(LENGTHS.tolist()):
        scores = all_paths(crf, emissions[b, :n])
        best = max(scores, key=scores.get)
        assert tuple(decoded[b]) == best
        assert padded[b, :n].tolist() == list(best)
        assert (padded[b, n:] == -100).all()
        assert best_score[b].item() == pytest.approx(scores[best], abs=1e-10)


def test_nll_is_non_negative_and_reductions_agree() -> None:
    for seed in range(5):
        crf, emissions, mask = make_case(seed)
        tags = torch.randint(0, C, mask.shape)
        per_sequence = crf.neg_log_likelihood(emissions, tags, mask, reduction="none")
        assert per_sequence.shape == (len(LENGTHS),)
        assert (per_sequence >= -1e-12).all()
        mean = crf.neg_log_likelihood(emissions, tags, mask)
        total = crf.neg_log_likelihood(emissions, tags, mask, reduction="sum")
        torch.testing.assert_close(mean, per_sequence.mean())
        torch.testing.assert_close(total, per_sequence.sum())
        torch.testing.assert_close(crf(emissions, tags, mask), mean)


def test_nll_is_zero_when_one_path_dominates() -> None:
    crf, _, mask = make_case()
    tags = torch.randint(0, C, mask.shape)
    emissions = 50.0 * torch.nn.functional.one_hot(tags, C).to(DT)  # (B, T, C)
    nll = crf.neg_log_likelihood(emissions, tags, mask, reduction="none")
    assert nll.abs().max().item() < 1e-10


def test_gradients_exist_and_match_finite_differences() -> None:
    crf, emissions, mask = make_case(4)
    tags = torch.randint(0, C, mask.shape)
    crf.neg_log_likelihood(emissions, tags, mask).backward()
    for name, p in crf.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name

    def nll(emissions, transitions, start, end):
        params = {"transitions": transitions, "start_transitions": start, "end_transitions": end}
        return functional_call(crf, params, (emissions, tags, mask), {"reduction": "none"})

    inputs = [emissions.clone().requires_grad_(True)]
    inputs += [p.detach().clone().requires_grad_(True) for p in crf.parameters()]
    assert torch.autograd.gradcheck(nll, tuple(inputs), eps=1e-6, atol=1e-7)


def test_padding_does_not_leak() -> None:
    crf, emissions, mask = make_case(5)
    tags = torch.randint(0, C, mask.shape)
    noisy = emissions.clone()
    noisy[~mask] = float("inf")  # garbage where nothing is real
    noisy.requires_grad_(True)
    nll = crf.neg_log_likelihood(noisy, tags.masked_fill(~mask, 7), mask, reduction="none")
    torch.testing.assert_close(nll, crf.neg_log_likelihood(emissions, tags, mask, reduction="none"))
    nll.sum().backward()
    assert torch.isfinite(noisy.grad).all()
    assert (noisy.grad[~mask] == 0).all()
    assert crf.decode(noisy, mask) == crf.decode(emissions, mask)


def test_bad_masks_raise_clear_errors() -> None:
    crf, emissions, mask = make_case()
    starts_late = mask.clone()
    starts_late[1, 0] = False
    with pytest.raises(ValueError, match=r"left-aligned.*mask\[1, 0\] = False"):
        crf.log_partition(emissions, starts_late)
    gap = mask.clone()
    gap[0, 2] = False  # 1 1 0 1
    with pytest.raises(ValueError, match="left-aligned.*gap in row 0: 1101"):
        crf.decode(emissions, gap)
    with pytest.raises(TypeError, match="mask must be a bool tensor.*mask.bool"):
        crf.log_partition(emissions, mask.long())
    with pytest.raises(ValueError, match=r"mask must have shape \(4, 4\).*got \(4, 3\)"):
        crf.log_partition(emissions, mask[:, :3])


def test_bad_shapes_and_values_raise_clear_errors() -> None:
    crf, emissions, mask = make_case()
    tags = torch.zeros(mask.shape, dtype=torch.long)
    with pytest.raises(ValueError, match=r"num_tags=3.*got \(4, 4, 2\)"):
        crf.log_partition(emissions[..., :2], mask)
    with pytest.raises(ValueError, match=r"shape \(batch, time >= 1, num_tags=3\), got \(4, 3\)"):
        crf.log_partition(emissions[:, 0], mask)
    with pytest.raises(TypeError, match="emissions must be a floating tensor"):
        crf.log_partition(tags, mask)
    with pytest.raises(ValueError, match=r"tags must have shape \(4, 4\).*got \(4, 3\)"):
        crf.score(emissions, tags[:, :3], mask)
    with pytest.raises(TypeError, match="tags must be an integer tensor"):
        crf.score(emissions, tags.double(), mask)
    bad = tags.clone()
    bad[0, 1] = 3
    with pytest.raises(ValueError, match=r"tags on real steps must be in \[0, 3\), got min 0, max 3"):
        crf.score(emissions, bad, mask)
    bad[1, 3] = 9  # padded step (length 2): ignored, so the message still says max 3
    with pytest.raises(ValueError, match="got min 0, max 3"):
        crf.neg_log_likelihood(emissions, bad, mask)
    with pytest.raises(ValueError, match="reduction must be one of"):
        crf.neg_log_likelihood(emissions, tags, mask, reduction="avg")
    with pytest.raises(ValueError, match="num_tags must be an int >= 1, got 0"):
        LinearChainCRF(0)


# --- constraints: IOB2's rules over O, B-X, I-X (C = 3) ------------------------------------------------

IOB = ["O", "B-X", "I-X"]


def valid_iob(path: tuple[int, ...]) -> bool:
    """I-X (2) only after B-X (1) or I-X (2), never first: the oracle of the rules."""
    return path[0] != 2 and all(b != 2 or a in (1, 2) for a, b in zip(path, path[1:], strict=False))


def constrained_case(seed: int) -> tuple[LinearChainCRF, torch.Tensor, torch.Tensor]:
    from rnnkit.data.tag_schemes import allowed_transitions

    crf, emissions, mask = make_case(seed)
    crf.constrain(*allowed_transitions(IOB))
    with torch.no_grad():  # make the broken I-X tempting: high emissions and transitions into it
        emissions[..., 2] += 3.0
        crf.transitions[0, 2] += 5.0
    return crf, emissions, mask


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_constrained_viterbi_never_takes_a_forbidden_transition(seed: int) -> None:
    crf, emissions, mask = constrained_case(seed)
    paths = crf.decode(emissions, mask)
    for b, (path, n) in enumerate(zip(paths, LENGTHS.tolist(), strict=True)):
        assert valid_iob(tuple(path)), path
        scores = {y: s for y, s in all_paths(crf, emissions[b, :n]).items() if valid_iob(y)}
        assert tuple(path) == max(scores, key=scores.__getitem__)  # the best of the valid paths


@pytest.mark.parametrize("seed", [0, 1])
def test_constrained_partition_sums_over_the_valid_paths_only(seed: int) -> None:
    crf, emissions, mask = constrained_case(seed)
    log_z = crf.log_partition(emissions, mask)
    for b, n in enumerate(LENGTHS.tolist()):
        valid = [s for y, s in all_paths(crf, emissions[b, :n]).items() if valid_iob(y)]
        assert log_z[b].item() == pytest.approx(logsumexp(valid), abs=1e-8)


def test_constraints_are_checked_and_stay_out_of_the_state_dict() -> None:
    crf = LinearChainCRF(3)
    with pytest.raises(ValueError, match=r"transitions must be bools of shape \(3, 3\)"):
        crf.constrain([[True, False]])
    crf.constrain([[True] * 3] * 3, start=[True, True, False])
    assert set(crf.state_dict()) == {"transitions", "start_transitions", "end_transitions"}
