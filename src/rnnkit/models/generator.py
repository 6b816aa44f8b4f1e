"""1 vs N: one input vector (say image features) in, a token sequence out (say a caption)."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .beam import beam_search
from .config import GeneratorConfig, LanguageModelConfig
from .config import RNNConfig as RNNConfig  # re-exported: the doctests and callers build one
from .decoding import greedy_decode, reorder_state, sample_decode
from .language_model import LanguageModel, State

METHODS = ("greedy", "sample", "beam")


class ConditionalGenerator(nn.Module):
    """A language-model decoder whose initial state is computed from one input vector.

    Equations (for every layer l; LSTM cells get c_0 the same way from their own projection)::

        h_0^l = tanh(W_init^l v + b_init^l)                 v: the conditioning vector (F)
        p(y_t | y_<t, v) = softmax(W_hy h_t + b_y),  h_t = RNN(E[y_{t-1}], h_{t-1})

    Training is teacher-forced (the whole target sequence runs through the fused layers at once);
    :meth:`generate` decodes greedily, by temperature/top-k sampling, or by beam search.

    Shapes:
        features ``(B, F)``; tokens ``(B, T)``; logits ``(B, T, V)``.

    Example:
        >>> gen = ConditionalGenerator(GeneratorConfig(feature_size=6, vocab_size=12, embedding_dim=8,
        ...                                            rnn=RNNConfig(hidden_size=8)))
        >>> tokens, lengths = gen.generate(torch.randn(2, 6), method="beam", beam_size=3, max_length=5)
        >>> tokens.shape[0], bool((lengths <= 5).all())
        (2, True)
    """

    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__()
        self.config = config
        self.decoder = LanguageModel(
            LanguageModelConfig(
                vocab_size=config.vocab_size,
                embedding_dim=config.embedding_dim,
                rnn=config.rnn,
                dropout=config.dropout,
                tie_weights=config.tie_weights,
                pad_id=config.pad_id,
            )
        )
        layers, hidden = config.rnn.num_layers, config.rnn.hidden_size
        n_states = len(self.decoder.rnn.cell.state_names)
        self.init_state = nn.Linear(config.feature_size, n_states * layers * hidden)

    def initial_state(self, features: Tensor) -> State:
        """``h_0`` (and ``c_0``) for every layer from the conditioning vector: ``(B, F) -> (L, B, H)``."""
        if features.dim() != 2 or features.shape[1] != self.config.feature_size:
            raise ValueError(
                f"ConditionalGenerator: features must be (batch, {self.config.feature_size}), got "
                f"{tuple(features.shape)}."
            )
        B, L, H = features.shape[0], self.config.rnn.num_layers, self.config.rnn.hidden_size
        states = torch.tanh(self.init_state(features)).view(B, -1, L, H)  # (B, S, L, H)
        parts = tuple(states[:, s].transpose(0, 1).contiguous() for s in range(states.shape[1]))
        return parts if len(parts) > 1 else parts[0]  # each (L, B, H)

    def forward(self, features: Tensor, tokens_in: Tensor, lengths: Tensor | None = None) -> Tensor:
        """Teacher-forced logits ``(B, T, V)`` for inputs ``tokens_in`` (BOS, y_1, ..., y_{T-1})."""
        logits, _ = self.decoder(tokens_in, self.initial_state(features), lengths)
        return logits

    def loss(self, features: Tensor, tokens: Tensor) -> Tensor:
        """Cross-entropy of ``tokens[:, 1:]`` given ``tokens[:, :-1]``; tokens = BOS ... EOS, pad after."""
        self.decoder.check_tokens(tokens)
        if tokens.shape[1] < 2 or bool((tokens[:, 0] != self.config.bos_id).any()):
            raise ValueError(
                f"ConditionalGenerator.loss: tokens must start with bos_id={self.config.bos_id} and hold at "
                f"least one more token, got shape {tuple(tokens.shape)}, first column "
                f"{tokens[:, 0].tolist()[:8]}."
            )
        logits = self(features, tokens[:, :-1])  # (B, T, V)
        targets = tokens[:, 1:]
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=self.config.pad_id)

    @torch.no_grad()
    def generate(
        self,
        features: Tensor,
        *,
        method: str = "greedy",
        max_length: int = 20,
        beam_size: int = 4,
        length_penalty: float = 1.0,
        temperature: float = 1.0,
        top_k: int | None = None,
        generator: torch.Generator | None = None,
    ) -> tuple[Tensor, Tensor]:
        """Decode a sequence per input vector: tokens ``(B, <=max_length)`` (BOS excluded, EOS included,
        eos-filled after) and lengths ``(B,)``."""
        if method not in METHODS:
            raise ValueError(
                f"ConditionalGenerator.generate: method must be one of {METHODS}, got {method!r}."
            )
        was_training = self.training
        self.eval()
        state = self.initial_state(features)
        common = {
            "batch_size": features.shape[0],
            "bos_id": self.config.bos_id,
            "eos_id": self.config.eos_id,
            "max_length": max_length,
        }
        if method == "greedy":
            result = greedy_decode(self.decoder.step, state, **common)
        elif method == "sample":
            result = sample_decode(
                self.decoder.step, state, temperature=temperature, top_k=top_k, generator=generator, **common
            )
        else:
            beams = beam_search(
                self.decoder.step,
                state,
                reorder_state,
                beam_size=beam_size,
                length_penalty=length_penalty,
                **common,
            )
            result = (beams.tokens, beams.lengths)
        self.train(was_training)
        return result
