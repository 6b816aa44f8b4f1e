"""Attention for encoder-decoder models: which source positions a decoder step reads from.

Both mechanisms score every source position s against the decoder's query, normalise the scores with
a softmax over the *valid* positions only (``mask`` True) and return the weighted sum of the keys::

    a_s = exp(e_s) / sum_{s' valid} exp(e_s')      a_s = 0 exactly on padded positions
    c   = sum_s a_s k_s                            the context vector

They differ in the score e_s (Bahdanau et al. 2015, additive; Luong et al. 2015, multiplicative). The
keys do not change while a sentence is decoded, so the key half of each score can be computed once per
sentence with ``precompute(keys)`` and passed to every step as ``projected_keys``.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

LUONG_METHODS = ("dot", "general")


def masked_softmax(scores: Tensor, mask: Tensor) -> Tensor:
    """Softmax over the last axis restricted to ``mask`` True; exactly 0 elsewhere.

    A row without any valid position gets all-zero weights (instead of NaN).

    Shapes:
        scores ``(B, S)``, mask ``(B, S)`` bool -> weights ``(B, S)``.

    Example:
        >>> masked_softmax(torch.zeros(1, 3), torch.tensor([[True, True, False]])).tolist()
        [[0.5, 0.5, 0.0]]
    """
    # The most negative finite number rather than -inf keeps an all-padding row finite (uniform), and
    # the final product zeroes it; when a row has a valid position, exp underflows to 0 on padding.
    filled = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)  # (B, S)
    return torch.softmax(filled, dim=-1) * mask  # (B, S)


def _check_inputs(
    name: str, query: Tensor, keys: Tensor, mask: Tensor, query_size: int, key_size: int
) -> None:
    if query.dim() != 2 or query.shape[-1] != query_size:
        raise ValueError(f"{name}: query must be (batch, {query_size}), got shape {tuple(query.shape)}.")
    if keys.dim() != 3 or keys.shape[-1] != key_size or keys.shape[0] != query.shape[0]:
        raise ValueError(
            f"{name}: keys must be ({query.shape[0]}, source_len, {key_size}) to match the query's "
            f"batch, got shape {tuple(keys.shape)}."
        )
    if mask.dtype != torch.bool or tuple(mask.shape) != tuple(keys.shape[:2]):
        raise ValueError(
            f"{name}: mask must be a bool tensor of shape {tuple(keys.shape[:2])} (batch, source_len), "
            f"True on real positions; got {mask.dtype} of shape {tuple(mask.shape)}. "
            "Build it with rnnkit.lengths_to_mask(lengths, source_len)."
        )


class BahdanauAttention(nn.Module):
    """Additive attention (Bahdanau, Cho & Bengio 2015).

    Equations::

        e_s = v^T tanh(W_q q + W_k k_s + b)         W_q: ``query_proj`` (no bias), W_k, b: ``key_proj``
        a = masked softmax(e),  c = sum_s a_s k_s

    Shapes:
        query ``(B, Q)``, keys ``(B, S, K)``, mask ``(B, S)`` bool -> context ``(B, K)``, weights ``(B, S)``.

    Args:
        query_size: Q, e.g. the decoder's hidden size.
        key_size: K, e.g. the encoder's output size (2H if bidirectional).
        attention_size: A, the width of the hidden layer of the scorer.

    Example:
        >>> attn = BahdanauAttention(query_size=4, key_size=6, attention_size=5)
        >>> mask = torch.tensor([[True, True, False], [True, True, True]])
        >>> context, weights = attn(torch.randn(2, 4), torch.randn(2, 3, 6), mask)
        >>> tuple(context.shape), weights[0, 2].item(), torch.allclose(weights.sum(1), torch.ones(2))
        ((2, 6), 0.0, True)
    """

    def __init__(self, query_size: int, key_size: int, attention_size: int) -> None:
        super().__init__()
        for name, value in (
            ("query_size", query_size),
            ("key_size", key_size),
            ("attention_size", attention_size),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"BahdanauAttention: {name} must be an int >= 1, got {value!r}.")
        self.query_size, self.key_size, self.attention_size = query_size, key_size, attention_size
        self.query_proj = nn.Linear(query_size, attention_size, bias=False)
        self.key_proj = nn.Linear(key_size, attention_size)
        self.score = nn.Linear(attention_size, 1, bias=False)  # v

    def precompute(self, keys: Tensor) -> Tensor:
        """``W_k k_s + b`` for every position, once per sentence: ``(B, S, K) -> (B, S, A)``."""
        return self.key_proj(keys)

    def forward(
        self, query: Tensor, keys: Tensor, mask: Tensor, projected_keys: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """Context ``(B, K)`` and weights ``(B, S)``; ``projected_keys`` is ``precompute(keys)``."""
        _check_inputs("BahdanauAttention", query, keys, mask, self.query_size, self.key_size)
        if projected_keys is None:
            projected_keys = self.precompute(keys)  # (B, S, A)
        hidden = torch.tanh(self.query_proj(query).unsqueeze(1) + projected_keys)  # (B, S, A)
        weights = masked_softmax(self.score(hidden).squeeze(-1), mask)  # (B, S)
        return torch.bmm(weights.unsqueeze(1), keys).squeeze(1), weights  # (B, K)


class LuongAttention(nn.Module):
    """Multiplicative attention (Luong, Pham & Manning 2015), ``dot`` or ``general`` score.

    Equations::

        dot:      e_s = q^T k_s                     needs Q = K; no parameters
        general:  e_s = q^T W_a k_s                 W_a: ``key_proj.weight`` ``(Q, K)``
        a = masked softmax(e),  c = sum_s a_s k_s

    Shapes:
        query ``(B, Q)``, keys ``(B, S, K)``, mask ``(B, S)`` bool -> context ``(B, K)``, weights ``(B, S)``.

    Args:
        query_size: Q. key_size: K.
        method: ``"dot"`` or ``"general"``.

    Example:
        >>> attn = LuongAttention(4, 4, method="dot")
        >>> keys = torch.eye(4).repeat(2, 1, 1)  # (2, 4, 4)
        >>> context, weights = attn(100 * torch.eye(4)[:2], keys, torch.ones(2, 4, dtype=torch.bool))
        >>> weights.argmax(1).tolist()  # each query picks the key it is aligned with
        [0, 1]
    """

    def __init__(self, query_size: int, key_size: int, method: str = "dot") -> None:
        super().__init__()
        for name, value in (("query_size", query_size), ("key_size", key_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"LuongAttention: {name} must be an int >= 1, got {value!r}.")
        if method not in LUONG_METHODS:
            raise ValueError(f"LuongAttention: method must be one of {LUONG_METHODS}, got {method!r}.")
        if method == "dot" and query_size != key_size:
            raise ValueError(
                f"LuongAttention: method='dot' scores q^T k, so query_size must equal key_size, got "
                f"query_size={query_size}, key_size={key_size}. Use method='general' (q^T W k) or make "
                "the sizes equal."
            )
        self.query_size, self.key_size, self.method = query_size, key_size, method
        self.key_proj = nn.Linear(key_size, query_size, bias=False) if method == "general" else None

    def precompute(self, keys: Tensor) -> Tensor:
        """``W_a k_s`` (general) or ``k_s`` (dot), once per sentence: ``(B, S, K) -> (B, S, Q)``."""
        return keys if self.key_proj is None else self.key_proj(keys)

    def forward(
        self, query: Tensor, keys: Tensor, mask: Tensor, projected_keys: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """Context ``(B, K)`` and weights ``(B, S)``; ``projected_keys`` is ``precompute(keys)``."""
        _check_inputs("LuongAttention", query, keys, mask, self.query_size, self.key_size)
        if projected_keys is None:
            projected_keys = self.precompute(keys)  # (B, S, Q)
        scores = torch.bmm(projected_keys, query.unsqueeze(-1)).squeeze(-1)  # (B, S)
        weights = masked_softmax(scores, mask)  # (B, S)
        return torch.bmm(weights.unsqueeze(1), keys).squeeze(1), weights  # (B, K)

    def extra_repr(self) -> str:
        return f"{self.query_size}, {self.key_size}, method={self.method!r}"
