"""A stateful language model with the AWD-LSTM regularisers (Merity et al. 2017, "Regularizing and
Optimizing LSTM Language Models"): what torch.nn does not offer, on torch.nn's fused kernels.

Equations (training; every dropout is the identity in eval mode)::

    E' = embedding_dropout(E)                          whole rows: a token vanishes from the batch
    x_t^(0) = input_drop(E'[w_t])
    h_t^(l) = layer_l(x_t^(l-1), h_{t-1}^(l); W_hh^(l) ⊙ M^(l))     weight drop, M per batch
    x_t^(l) = hidden_drop(h_t^(l))  for l < L;   o_t = output_drop(h_t^(L))
    p(w_{t+1} | w_<=t) = softmax(W_hy o_t + b_y)     W_hy = E when tied
    loss = CE + alpha * mean(o_t^2) + beta * mean((h_t^(L) - h_{t-1}^(L))^2)      (AR, TAR)

``input_drop``, ``hidden_drop`` and ``output_drop`` are variational (one mask per sequence, shared
over time) when ``variational``, else standard dropout. Each layer is its own module, so that the
dropout between layers is ours; each still runs as one fused kernel over the window, weight drop
included (:mod:`rnnkit.models.weight_drop`).

The state is a tuple with one entry per layer (``h`` ``(1, B, H_l)``, or ``(h, c)`` for an LSTM);
feed it back with the next window after :meth:`detach_state` for truncated BPTT over streams.

Shapes:
    tokens ``(B, T)`` long -> logits ``(B, T, V)``; :meth:`step` ``(B,)`` -> log-probs ``(B, V)``.

Example:
    >>> lm = AWDLanguageModel(AWDConfig(vocab_size=30, embedding_dim=8, hidden_size=16, num_layers=2,
    ...                                 weight_drop=0.5, hidden_dropout=0.2))
    >>> logits, state = lm(torch.randint(0, 30, (4, 7)))
    >>> tuple(logits.shape), [tuple(h.shape) for h, c in state], lm.head.weight is lm.embedding.weight
    ((4, 7, 30), [(1, 4, 16), (1, 4, 8)], True)
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .config import AWDConfig
from .config import RNNConfig as RNNConfig
from .embedding import check_token_ids
from .encoder import build_rnn
from .variational_dropout import embedding_dropout, locked_dropout
from .weight_drop import WeightDrop

LayerState = Tensor | tuple[Tensor, ...]
State = tuple[LayerState, ...]


class AWDLanguageModel(nn.Module):
    """Embedding -> L recurrent layers with the AWD regularisers -> softmax (see the module docstring)."""

    def __init__(self, config: AWDConfig) -> None:
        super().__init__()
        if config.vocab_size is None:
            raise ValueError("AWDConfig.vocab_size is None; set it to the vocabulary's size.")
        self.config = config
        self.vocab_size = config.vocab_size
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
        sizes = config.layer_sizes()
        inputs = [config.embedding_dim, *sizes[:-1]]
        layers: list[nn.Module] = []
        for size_in, size_out in zip(inputs, sizes, strict=True):
            layer = build_rnn(RNNConfig(cell=config.cell, hidden_size=size_out), size_in)
            layers.append(WeightDrop(layer, config.weight_drop) if config.weight_drop > 0 else layer)
        self.layers = nn.ModuleList(layers)
        self.head = nn.Linear(sizes[-1], self.vocab_size)  # W_hy
        if config.tie_weights:
            self.head.weight = self.embedding.weight
        if config.init_range > 0:  # Zaremba et al.: every weight uniform(-r, r)
            for parameter in self.parameters():
                nn.init.uniform_(parameter, -config.init_range, config.init_range)
        elif config.tie_weights:  # AWD-LSTM's embedding init: small, as the tied softmax layer needs
            nn.init.uniform_(self.embedding.weight, -0.1, 0.1)

    def _drop(self, x: Tensor, p: float) -> Tensor:
        if self.config.variational:
            return locked_dropout(x, p, self.training)
        return F.dropout(x, p, self.training)

    def forward(self, tokens: Tensor, state: State | None = None) -> tuple[Tensor, State]:
        """Logits for the next token at every position, and the state after the last one."""
        logits, state, _ = self.run(tokens, state)
        return logits, state

    def run(self, tokens: Tensor, state: State | None = None) -> tuple[Tensor, State, Tensor]:
        """``(logits (B, T, V), state, penalty)``: the AR + TAR penalty of this window (0 in eval mode)."""
        check_token_ids(type(self).__name__, "tokens", tokens, self.vocab_size)
        config = self.config
        if state is not None and len(state) != len(self.layers):
            raise ValueError(
                f"{type(self).__name__}: state has {len(state)} entries for {len(self.layers)} layers; pass "
                "the state this model returned (one entry per layer), or None."
            )
        weight = embedding_dropout(self.embedding.weight, config.embedding_dropout, self.training)
        x = self._drop(F.embedding(tokens, weight), config.input_dropout)  # (B, T, E)
        states: list[LayerState] = []
        for k, layer in enumerate(self.layers):
            x, layer_state = layer(x, None if state is None else state[k])  # (B, T, H_k)
            states.append(layer_state)
            if k < len(self.layers) - 1:
                x = self._drop(x, config.hidden_dropout)
        raw = x  # (B, T, H_L): the last layer's outputs before dropout (TAR reads them)
        dropped = self._drop(raw, config.output_dropout)  # (B, T, H_L)
        penalty = raw.new_zeros(())
        if self.training and config.activation_penalty > 0:
            penalty = penalty + config.activation_penalty * dropped.pow(2).mean()
        if self.training and config.temporal_penalty > 0 and raw.shape[1] > 1:
            penalty = penalty + config.temporal_penalty * (raw[:, 1:] - raw[:, :-1]).pow(2).mean()
        return self.head(dropped), tuple(states), penalty  # (B, T, V)

    @staticmethod
    def detach_state(state: State) -> State:
        """Cut the graph at a window boundary (truncated BPTT), keeping the values."""
        return tuple(
            tuple(s.detach() for s in layer) if isinstance(layer, tuple) else layer.detach()
            for layer in state
        )

    def step(self, tokens: Tensor, state: State | None) -> tuple[Tensor, State]:
        """One token per row: ``(B,) -> log-probabilities (B, V)`` and the new state (eval mode: no
        dropout). Constant memory per step, for streaming generation."""
        x = self.embedding(tokens)  # (B, E)
        states: list[LayerState] = []
        for k, layer in enumerate(self.layers):
            step: Any = layer.step  # WeightDrop's or the recurrent stack's
            x, layer_state = step(x, None if state is None else state[k])  # (B, H_k)
            states.append(layer_state)
        return F.log_softmax(self.head(x), dim=-1), tuple(states)

    @torch.no_grad()
    def read(self, tokens: Tensor, state: State | None = None) -> tuple[Tensor, State]:
        """Read a prime in one pass (eval mode): the log-probabilities of the token after its last one
        ``(B, V)``, and the state."""
        logits, state = self(tokens, state)
        return F.log_softmax(logits[:, -1], dim=-1), state


def state_rows(state: Any) -> int:
    """B, the rows of a state returned by :class:`AWDLanguageModel`."""
    first = state[0]
    return int((first[0] if isinstance(first, tuple) else first).shape[1])
