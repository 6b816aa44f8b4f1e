"""N vs 1: a whole sequence in, one label out (sentiment, sequence classification)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..layers.masking import LengthsArg, padding_for
from .config import ClassifierConfig
from .config import RNNConfig as RNNConfig  # re-exported: the doctests and callers build one
from .embedding import build_embedding, embed_tokens, input_features
from .encoder import build_rnn
from .pooling import POOLINGS, AdditiveAttentionPooling, last_state, masked_max, masked_mean


class SequenceClassifier(nn.Module):
    """Embedding (or the raw features) -> recurrent layers -> pooling over valid steps -> logits.

    Shapes:
        x ``(B, T)`` token ids or ``(B, T, D)`` features; lengths ``(B,)``; logits ``(B, C)``.

    Args:
        config: the architecture.
        embedding_weights: optional ``(V, E)`` pretrained vectors to initialise the embedding.
        freeze_embedding: keep those vectors fixed during training.

    Example:
        >>> model = SequenceClassifier(ClassifierConfig(num_classes=2, vocab_size=50, embedding_dim=8,
        ...                                             rnn=RNNConfig(hidden_size=16), pooling="mean"))
        >>> model(torch.randint(1, 50, (3, 7)), lengths=torch.tensor([7, 4, 2])).shape
        torch.Size([3, 2])
    """

    def __init__(
        self,
        config: ClassifierConfig,
        embedding_weights: Tensor | None = None,
        freeze_embedding: bool = False,
    ) -> None:
        super().__init__()
        features = input_features(
            "ClassifierConfig", config.vocab_size, config.input_size, config.embedding_dim
        )
        if config.pooling not in POOLINGS:
            raise ValueError(f"ClassifierConfig: pooling must be one of {POOLINGS}, got {config.pooling!r}.")
        if not 0.0 <= config.token_dropout < 1.0:
            raise ValueError(
                f"ClassifierConfig: token_dropout must be in [0, 1), got {config.token_dropout}."
            )
        if config.num_classes < 1:
            raise ValueError(f"ClassifierConfig: num_classes must be >= 1, got {config.num_classes}.")
        self.config = config
        self.embedding: nn.Embedding | None = None
        if config.vocab_size is not None:
            self.embedding = build_embedding(
                config.vocab_size,
                config.embedding_dim,
                config.padding_idx,
                embedding_weights,
                freeze_embedding,
                config.embedding_uniform_init,
            )
        self.rnn = build_rnn(config.rnn, features)
        pooled = config.rnn.output_size * (2 if config.pooling == "max_mean" else 1)
        self.attention = (
            AdditiveAttentionPooling(pooled, config.attention_size) if config.pooling == "attention" else None
        )
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(pooled, config.num_classes)  # V = W_hy

    def forward(
        self,
        x: Tensor,
        lengths: LengthsArg | None = None,
        return_attention: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor | None]:
        """Logits ``(B, C)``; with ``return_attention`` also the attention weights ``(B, T)`` (None
        for the other poolings).

        ``lengths`` ``(B,)`` may live on any device; it is checked once, kept on the CPU for the
        layers' packing, and its mask is built once on the input's device, for the layers and the
        pooling alike.
        """
        inputs = self._embed(x)  # (B, T, E or D)
        B, T = inputs.shape[:2]
        padding = padding_for("SequenceClassifier", lengths, B, T, inputs.device)
        outputs, state = self.rnn(inputs, lengths=padding)  # (B, T, K*H)
        mask = None if padding is None else padding.mask  # (B, T); None: every step is real
        weights = None
        pooling = self.config.pooling
        if pooling == "last":
            h_n = state[0] if isinstance(state, tuple) else state  # (L*K, B, H)
            pooled = last_state(h_n, self.config.rnn.num_directions)
        elif pooling == "mean":
            pooled = masked_mean(outputs, mask)
        elif pooling == "max":
            pooled = masked_max(outputs, mask)
        elif pooling == "max_mean":
            pooled = torch.cat([masked_max(outputs, mask), masked_mean(outputs, mask)], dim=-1)
        elif self.attention is not None:
            pooled, weights = self.attention(outputs, mask)
        else:
            raise ValueError(f"SequenceClassifier: unknown pooling {pooling!r}; choose one of {POOLINGS}.")
        logits = self.head(self.dropout(pooled))  # (B, C)
        return (logits, weights) if return_attention else logits

    def _embed(self, x: Tensor) -> Tensor:
        if self.embedding is None:
            if x.dim() != 3:
                raise ValueError(
                    f"SequenceClassifier: real-valued input must be (batch, time, {self.config.input_size}), "
                    f"got shape {tuple(x.shape)}."
                )
            return x
        return embed_tokens("SequenceClassifier", self.embedding, x, self.config.token_dropout, self.dropout)
