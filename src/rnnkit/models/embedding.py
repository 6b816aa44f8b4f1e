"""The input stage shared by the token models: an embedding for ids, or the raw features as they are."""

from __future__ import annotations

import torch
from torch import Tensor, nn


def input_features(owner: str, vocab_size: int | None, input_size: int | None, embedding_dim: int) -> int:
    """What the recurrent layers read: ``embedding_dim`` for token ids (``vocab_size`` set), or
    ``input_size`` for real-valued features. Exactly one of ``vocab_size``, ``input_size`` is set.

    Example:
        >>> input_features("demo", 100, None, 8), input_features("demo", None, 3, 8)
        (8, 3)
    """
    if vocab_size is not None and input_size is None:
        return embedding_dim
    if vocab_size is None and input_size is not None:
        return input_size
    raise ValueError(
        f"{owner}: set exactly one of vocab_size (token ids in) or input_size "
        f"(real-valued features in), got vocab_size={vocab_size}, input_size={input_size}."
    )


def check_token_ids(owner: str, name: str, ids: object, vocab_size: int, min_time: int = 0) -> None:
    """Token ids must be an integer tensor ``(batch, time)`` with every id in ``[0, vocab_size)``.

    Raises ``ValueError`` naming the model, the argument, what it got and the fix.
    """
    if (
        not isinstance(ids, Tensor)
        or ids.dim() != 2
        or ids.is_floating_point()
        or ids.is_complex()
        or ids.dtype == torch.bool
        or ids.shape[1] < min_time
    ):
        got = f"{ids.dtype} of shape {tuple(ids.shape)}" if isinstance(ids, Tensor) else type(ids).__name__
        time = f"time >= {min_time}" if min_time else "time"
        raise ValueError(f"{owner}: {name} must be an integer tensor of shape (batch, {time}), got {got}.")
    if ids.numel():
        low, high = int(ids.min()), int(ids.max())
        if low < 0 or high >= vocab_size:
            raise ValueError(
                f"{owner}: {name} must be in [0, {vocab_size}), got min {low}, max {high}. "
                "Map unknown tokens to the unk id first."
            )


def build_embedding(
    vocab_size: int,
    embedding_dim: int,
    padding_idx: int | None,
    weights: Tensor | None = None,
    freeze: bool = False,
    uniform_init: float | None = None,
) -> nn.Embedding:
    """``nn.Embedding(V, E)``, optionally initialised from pretrained ``weights`` ``(V, E)`` and frozen.

    Without ``weights`` the vectors start as torch's ``N(0, 1)``, or ``U(-a, a)`` with
    ``a = uniform_init`` (Keras' default is ``a = 0.05``); the padding row stays zero.

    Example:
        >>> build_embedding(5, 3, 0, weights=torch.ones(5, 3), freeze=True).weight.requires_grad
        False
    """
    embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx)
    if uniform_init is not None:
        with torch.no_grad():
            embedding.weight.uniform_(-uniform_init, uniform_init)
            if padding_idx is not None:
                embedding.weight[padding_idx].zero_()
    if weights is not None:
        expected = (vocab_size, embedding_dim)
        if tuple(weights.shape) != expected:
            raise ValueError(
                f"embedding_weights must have shape {expected} (vocab_size, embedding_dim), "
                f"got {tuple(weights.shape)}."
            )
        with torch.no_grad():
            embedding.weight.copy_(weights)
    embedding.weight.requires_grad_(not freeze)
    return embedding


def embed_tokens(
    owner: str,
    embedding: nn.Embedding,
    ids: Tensor,
    token_dropout: float = 0.0,
    dropout: nn.Module | None = None,
    unk_id: int | None = None,
    padding_idx: int | None = None,
) -> Tensor:
    """The input stage of the token models: ids ``(B, T)`` checked, embedded ``(B, T, E)``, whole tokens
    dropped in training, then ``dropout`` (elementwise) on the vectors.

    Token dropout (Iyyer et al. 2015; Lample et al. 2016's word dropout), in training only, with
    probability ``p = token_dropout`` per token:

    - ``unk_id`` None: the token's whole vector is zeroed and the kept ones scaled by ``1 / (1 - p)``;
    - ``unk_id`` set: the token is read as the unknown word instead (padding stays padding), so that the
      model learns a vector for the words it will meet unseen at test time.

    Example:
        >>> embedding = build_embedding(10, 4, padding_idx=0)
        >>> embed_tokens("demo", embedding, torch.tensor([[3, 4, 0]])).shape
        torch.Size([1, 3, 4])
    """
    check_token_ids(owner, "token ids", ids, embedding.num_embeddings)
    if embedding.training and token_dropout > 0 and unk_id is not None:
        drop = torch.rand(ids.shape, device=ids.device) < token_dropout  # (B, T)
        if padding_idx is not None:
            drop &= ids != padding_idx
        ids = ids.masked_fill(drop, unk_id)
    embedded = embedding(ids)  # (B, T, E)
    if embedding.training and token_dropout > 0 and unk_id is None:  # one draw per token: (B, T, 1)
        # (torch.bernoulli, not F.dropout: the recorded IMDB runs drew their masks this way)
        keep = torch.bernoulli(torch.full_like(embedded[..., :1], 1.0 - token_dropout))
        embedded = embedded * keep / (1.0 - token_dropout)
    return dropout(embedded) if dropout is not None else embedded
