"""Next-token language models: the recurrent decoder behind text generation (and 1 vs N)."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .config import LanguageModelConfig
from .config import RNNConfig as RNNConfig  # re-exported: the doctests and callers build one
from .decoding import greedy_decode, sample_decode
from .embedding import check_token_ids
from .encoder import build_rnn

State = Tensor | tuple[Tensor, ...]


class LanguageModel(nn.Module):
    """Embedding -> unidirectional recurrent layers -> softmax over the vocabulary.

    Equations::

        e_t = E[w_t];  h_t = RNN(e_t, h_{t-1});  p(w_{t+1} | w_<=t) = softmax(W_hy h_t + b_y)

    For truncated BPTT over a long stream, feed batches in order and pass the returned state into
    the next call after :meth:`detach_state` (gradients stop at the chunk boundary, the memory goes on).

    Shapes:
        tokens ``(B, T)`` long; logits ``(B, T, V)``; state as the rnn layer's ``(L, B, H)`` (or ``(h, c)``).

    Example:
        >>> config = LanguageModelConfig(vocab_size=20, embedding_dim=8, rnn=RNNConfig(hidden_size=8),
        ...                              tie_weights=True)
        >>> lm = LanguageModel(config)
        >>> logits, state = lm(torch.randint(0, 20, (2, 5)))
        >>> tuple(logits.shape), lm.head.weight is lm.embedding.weight
        ((2, 5, 20), True)
    """

    def __init__(self, config: LanguageModelConfig) -> None:
        super().__init__()
        if config.rnn.bidirectional:
            raise ValueError(
                "LanguageModelConfig: a language model predicts the next token, so its layers must not "
                "read the future; set rnn.bidirectional=False."
            )
        if config.tie_weights and config.embedding_dim != config.rnn.hidden_size:
            raise ValueError(
                f"LanguageModelConfig: tie_weights needs embedding_dim == rnn.hidden_size, got "
                f"{config.embedding_dim} and {config.rnn.hidden_size}."
            )
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
        self.rnn = build_rnn(config.rnn, config.embedding_dim)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.rnn.hidden_size, config.vocab_size)  # V = W_hy
        if config.tie_weights:
            self.head.weight = self.embedding.weight

    def check_tokens(self, tokens: Tensor, name: str = "tokens") -> None:
        """Token ids must be integers of shape (batch, time) inside the vocabulary."""
        check_token_ids(type(self).__name__, name, tokens, self.config.vocab_size)

    def forward(
        self, tokens: Tensor, state: State | None = None, lengths: Tensor | None = None
    ) -> tuple[Tensor, State]:
        """Logits for the next token at every position, and the state after the last one."""
        self.check_tokens(tokens)
        embedded = self.dropout(self.embedding(tokens))  # (B, T, E)
        outputs, state = self.rnn(embedded, state, lengths=lengths)  # (B, T, H)
        return self.head(self.dropout(outputs)), state  # (B, T, V)

    def loss(
        self, inputs: Tensor, targets: Tensor, state: State | None = None, lengths: Tensor | None = None
    ) -> tuple[Tensor, State]:
        """Mean cross-entropy of ``targets`` (usually ``inputs`` shifted by one), and the state."""
        if targets.shape != inputs.shape:
            raise ValueError(
                f"{type(self).__name__}: targets must have the shape of inputs {tuple(inputs.shape)}, got "
                f"{tuple(targets.shape)}."
            )
        logits, state = self(inputs, state, lengths)
        ignore = -100 if self.config.pad_id is None else self.config.pad_id
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=ignore), state

    @staticmethod
    def detach_state(state: State) -> State:
        """Cut the graph at a chunk boundary (truncated BPTT), keeping the values."""
        return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()

    def step(self, tokens: Tensor, state: State | None) -> tuple[Tensor, State]:
        """One token per row: ``(N,) -> log-probabilities (N, V)`` and the new state (for decoding;
        beam search reorders it with :func:`~rnnkit.models.decoding.reorder_state`)."""
        output, state = self.rnn.step(self.embedding(tokens), state)  # (N, H)
        return F.log_softmax(self.head(output), dim=-1), state

    @torch.no_grad()
    def generate(
        self,
        prime: Tensor,
        max_new_tokens: int,
        *,
        temperature: float = 1.0,
        top_k: int | None = None,
        greedy: bool = False,
        eos_id: int | None = None,
        generator: torch.Generator | None = None,
    ) -> Tensor:
        """Continue each priming sequence by sampling (or greedy decoding) ``max_new_tokens`` tokens.

        Shapes:
            prime ``(B, P)`` with P >= 1 -> ``(B, P + new)`` (prime included); rows that emit
            ``eos_id`` are filled with it afterwards.
        """
        self.check_tokens(prime, "prime")
        if prime.shape[1] < 1:
            raise ValueError("LanguageModel.generate: prime needs at least one token.")
        was_training = self.training
        self.eval()
        logits, state = self(prime)
        first = [F.log_softmax(logits[:, -1], dim=-1)]  # the prime's last position predicts token 1

        def step(tokens: Tensor, state: State) -> tuple[Tensor, State]:
            if first:  # the first "step" was already computed while reading the prime
                return first.pop(), state
            return self.step(tokens, state)

        stop = self.config.vocab_size if eos_id is None else eos_id  # an id never emitted: no stop
        common = {"batch_size": prime.shape[0], "bos_id": 0, "eos_id": stop, "max_length": max_new_tokens}
        if greedy:
            tokens, _ = greedy_decode(step, state, **common)
        else:
            tokens, _ = sample_decode(
                step, state, temperature=temperature, top_k=top_k, generator=generator, **common
            )
        self.train(was_training)
        return torch.cat([prime, tokens], dim=1)
