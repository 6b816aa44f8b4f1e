"""Bahdanau and Luong attention: masked softmax, context as a weighted sum, scores from the equations."""

from __future__ import annotations

import pytest
import torch

from rnnkit.layers.masking import lengths_to_mask
from rnnkit.models.attention import BahdanauAttention, LuongAttention, masked_softmax

Q, K, A = 6, 6, 5
LENGTHS = torch.tensor([4, 1, 3])
S = 4


def make(kind: str) -> torch.nn.Module:
    if kind == "bahdanau":
        return BahdanauAttention(Q, K, A).double()
    return LuongAttention(Q, K, method=kind).double()


def inputs(requires_grad: bool = False):
    query = torch.randn(3, Q, dtype=torch.float64, requires_grad=requires_grad)
    keys = torch.randn(3, S, K, dtype=torch.float64, requires_grad=requires_grad)
    return query, keys, lengths_to_mask(LENGTHS, S)


def scores_from_equations(attn: torch.nn.Module, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """e_s written out position by position, the oracle for the vectorised scores."""
    out = torch.empty(keys.shape[:2], dtype=keys.dtype)
    for b in range(keys.shape[0]):
        for s in range(keys.shape[1]):
            q, k = query[b], keys[b, s]
            if isinstance(attn, BahdanauAttention):
                hidden = attn.query_proj.weight @ q + attn.key_proj.weight @ k + attn.key_proj.bias
                out[b, s] = attn.score.weight[0] @ torch.tanh(hidden)
            elif attn.method == "dot":
                out[b, s] = q @ k
            else:
                out[b, s] = q @ (attn.key_proj.weight @ k)
    return out


KINDS = ["bahdanau", "dot", "general"]


@pytest.mark.parametrize("kind", KINDS)
def test_weights_are_a_softmax_over_valid_positions_only(kind: str) -> None:
    attn = make(kind)
    query, keys, mask = inputs()
    context, weights = attn(query, keys, mask)
    assert weights.shape == (3, S) and context.shape == (3, K)
    assert torch.all(weights[~mask] == 0.0)
    torch.testing.assert_close(weights.sum(1), torch.ones(3, dtype=torch.float64))
    expected = scores_from_equations(attn, query, keys).detach()
    for b, length in enumerate(LENGTHS.tolist()):
        torch.testing.assert_close(weights[b, :length], torch.softmax(expected[b, :length], 0))


@pytest.mark.parametrize("kind", KINDS)
def test_context_is_the_weighted_sum_of_the_keys(kind: str) -> None:
    attn = make(kind)
    query, keys, mask = inputs()
    context, weights = attn(query, keys, mask)
    for b in range(3):
        manual = sum(weights[b, s] * keys[b, s] for s in range(S))
        torch.testing.assert_close(context[b], manual)
    # A single valid position takes all the weight.
    torch.testing.assert_close(context[1], keys[1, 0])


@pytest.mark.parametrize("kind", KINDS)
def test_padding_keys_do_not_change_the_result(kind: str) -> None:
    attn = make(kind)
    query, keys, mask = inputs()
    garbage = keys.masked_fill(~mask.unsqueeze(-1), 1e3)
    for a, b in zip(attn(query, keys, mask), attn(query, garbage, mask), strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("kind", KINDS)
def test_precomputed_keys_give_the_same_result(kind: str) -> None:
    attn = make(kind)
    query, keys, mask = inputs()
    plain = attn(query, keys, mask)
    fast = attn(query, keys, mask, projected_keys=attn.precompute(keys))
    for a, b in zip(plain, fast, strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_reach_query_keys_and_parameters(kind: str) -> None:
    attn = make(kind)
    query, keys, mask = inputs(requires_grad=True)
    context, _ = attn(query, keys, mask)
    (context * torch.randn_like(context)).sum().backward()
    assert query.grad is not None and query.grad.abs().sum() > 0
    assert keys.grad is not None and keys.grad[mask].abs().sum() > 0
    assert torch.all(keys.grad[~mask] == 0.0)  # padding is never read
    for name, p in attn.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_against_finite_differences(kind: str) -> None:
    attn = make(kind)
    query, keys, mask = inputs(requires_grad=True)
    assert torch.autograd.gradcheck(lambda q, k: attn(q, k, mask), (query, keys))


def test_dot_requires_equal_sizes() -> None:
    with pytest.raises(ValueError, match="query_size must equal key_size"):
        LuongAttention(4, 6, method="dot")
    assert LuongAttention(4, 6, method="general").key_proj.weight.shape == (4, 6)


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="method"):
        LuongAttention(4, 4, method="concat")
    with pytest.raises(ValueError, match="attention_size"):
        BahdanauAttention(4, 4, 0)
    attn = BahdanauAttention(Q, K, A)
    query, keys = torch.randn(2, Q), torch.randn(2, S, K)
    with pytest.raises(ValueError, match="mask must be a bool"):
        attn(query, keys, torch.ones(2, S))
    with pytest.raises(ValueError, match="keys must be"):
        attn(query, torch.randn(3, S, K), torch.ones(3, S, dtype=torch.bool))
    with pytest.raises(ValueError, match="query must be"):
        attn(torch.randn(2, Q + 1), keys, torch.ones(2, S, dtype=torch.bool))


def test_masked_softmax_of_an_all_padding_row_is_zero() -> None:
    weights = masked_softmax(torch.randn(2, 3), torch.tensor([[False] * 3, [True, False, True]]))
    assert torch.all(weights[0] == 0.0)
    torch.testing.assert_close(weights[1].sum(), torch.tensor(1.0))
