"""From a sequence of hidden states to one vector: last state, mean, max, both, or additive attention.

Every pooling looks at valid steps only (``mask`` True), so padding never leaks into the result; a
``mask`` of None means every step is real.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .config import POOLINGS as POOLINGS  # the names live with the config, read without torch


def masked_mean(outputs: Tensor, mask: Tensor | None) -> Tensor:
    """Mean over valid steps: ``(B, T, F), (B, T) -> (B, F)``."""
    if mask is None:
        return outputs.mean(1)
    weights = mask.unsqueeze(-1).to(outputs.dtype)  # (B, T, 1)
    return (outputs * weights).sum(1) / weights.sum(1).clamp_min(1.0)


def masked_max(outputs: Tensor, mask: Tensor | None) -> Tensor:
    """Max over valid steps: ``(B, T, F), (B, T) -> (B, F)``."""
    if mask is None:
        return outputs.amax(1)
    return outputs.masked_fill(~mask.unsqueeze(-1), float("-inf")).amax(1)


class AdditiveAttentionPooling(nn.Module):
    """Additive (Bahdanau-style) attention pooling with a learned query.

    Equations::

        e_t = v^T tanh(W o_t + b)                    score of step t
        a_t = exp(e_t) / sum_{s valid} exp(e_s)      0 on padded steps
        pooled = sum_t a_t o_t

    Shapes:
        outputs ``(B, T, F)``, mask ``(B, T)`` -> pooled ``(B, F)``, weights ``(B, T)``.

    Example:
        >>> pool = AdditiveAttentionPooling(4, 3)
        >>> pooled, weights = pool(torch.randn(2, 5, 4), torch.tensor([[1, 1, 1, 0, 0], [1] * 5]).bool())
        >>> tuple(pooled.shape), weights[0, 3:].tolist()
        ((2, 4), [0.0, 0.0])
    """

    def __init__(self, features: int, attention_size: int) -> None:
        super().__init__()
        self.project = nn.Linear(features, attention_size)
        self.score = nn.Linear(attention_size, 1, bias=False)

    def forward(self, outputs: Tensor, mask: Tensor | None) -> tuple[Tensor, Tensor]:
        scores = self.score(torch.tanh(self.project(outputs))).squeeze(-1)  # (B, T)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)  # (B, T), zero on padding
        return torch.bmm(weights.unsqueeze(1), outputs).squeeze(1), weights  # (B, F)


def last_state(h_n: Tensor, num_directions: int) -> Tensor:
    """The top layer's final state, both directions concatenated: ``(L*K, B, H) -> (B, K*H)``.

    With ``lengths`` the layers already stop each sequence at its own last step, and the reverse
    direction's final state is the one after reading the whole real sequence.
    """
    top = h_n[-num_directions:]  # (K, B, H)
    return top.transpose(0, 1).reshape(top.shape[1], -1)  # (B, K*H)
