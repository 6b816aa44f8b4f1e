"""N vs M: an encoder reads the source sentence, a decoder writes the target (translation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from ..cells import ElmanCell, GRUCell, LayerNormGRUCell, LayerNormLSTMCell, LSTMCell, RecurrentCell
from ..layers.masking import lengths_to_mask
from ..layers.validation import check_lengths
from .attention import BahdanauAttention, LuongAttention
from .beam import beam_search
from .decoding import greedy_decode, select_rows
from .embedding import check_token_ids
from .encoder import RNNConfig, build_rnn

DECODER_CELLS: dict[str, type[RecurrentCell]] = {
    "rnn": ElmanCell,
    "lstm": LSTMCell,
    "gru": GRUCell,
    "layernorm_lstm": LayerNormLSTMCell,
    "layernorm_gru": LayerNormGRUCell,
}
ATTENTIONS = ("bahdanau", "luong_dot", "luong_general", "none")


@dataclass(frozen=True)
class Seq2SeqConfig:
    """An encoder-decoder translation model.

    Attributes:
        src_vocab_size, tgt_vocab_size: V_src, V.
        embedding_dim: E, for source and target tokens.
        encoder: the encoder's recurrent layers (may be bidirectional); its output size K*H_enc is the
            attention's key size.
        decoder_cell: ``rnn``, ``lstm``, ``gru``, ``layernorm_lstm`` or ``layernorm_gru``.
        decoder_hidden_size: H, may differ from the encoder's (the bridge maps between them).
        decoder_num_layers: stacked decoder cells (unidirectional).
        attention: ``bahdanau``, ``luong_dot`` (needs H = K*H_enc), ``luong_general`` or ``none``.
        attention_size: width of Bahdanau's scorer.
        input_feeding: Luong only: feed h~_{t-1} with the next input embedding.
        pad_id, bos_id, eos_id: special target ids (pad_id also pads the source).
        dropout: on embeddings, between decoder layers and before the output layer, in training.
        tie_embeddings: share the target embedding with the output layer (needs H = E).
    """

    src_vocab_size: int
    tgt_vocab_size: int
    embedding_dim: int = 64
    encoder: RNNConfig = field(default_factory=lambda: RNNConfig(hidden_size=128, bidirectional=True))
    decoder_cell: str = "lstm"
    decoder_hidden_size: int = 128
    decoder_num_layers: int = 1
    attention: str = "bahdanau"
    attention_size: int = 128
    input_feeding: bool = False
    pad_id: int = 0
    bos_id: int = 1
    eos_id: int = 2
    dropout: float = 0.0
    tie_embeddings: bool = False


def _check_config(c: Seq2SeqConfig) -> None:
    sizes = ("src_vocab_size", "tgt_vocab_size", "embedding_dim", "decoder_hidden_size")
    for name in (*sizes, "decoder_num_layers", "attention_size"):
        value = getattr(c, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"Seq2SeqConfig: {name} must be an int >= 1, got {value!r}.")
    if not isinstance(c.encoder, RNNConfig):
        raise TypeError(f"Seq2SeqConfig: encoder must be an RNNConfig, got {type(c.encoder).__name__}.")
    for name, choices in (("decoder_cell", tuple(DECODER_CELLS)), ("attention", ATTENTIONS)):
        if getattr(c, name) not in choices:
            raise ValueError(f"Seq2SeqConfig: {name} must be one of {choices}, got {getattr(c, name)!r}.")
    for name in ("pad_id", "bos_id", "eos_id"):
        value = getattr(c, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < c.tgt_vocab_size:
            raise ValueError(
                f"Seq2SeqConfig: {name} must be a target id in [0, {c.tgt_vocab_size}), got {value!r}."
            )
    if c.pad_id in (c.bos_id, c.eos_id) or c.pad_id >= c.src_vocab_size:
        raise ValueError(
            f"Seq2SeqConfig: pad_id={c.pad_id} must differ from bos_id={c.bos_id} and eos_id={c.eos_id} "
            f"(padding is ignored by the loss) and be a source id (< {c.src_vocab_size})."
        )
    if not 0.0 <= c.dropout < 1.0:
        raise ValueError(f"Seq2SeqConfig: dropout must be in [0, 1), got {c.dropout!r}.")
    if c.attention == "luong_dot" and c.decoder_hidden_size != c.encoder.output_size:
        raise ValueError(
            f"Seq2SeqConfig: attention='luong_dot' needs decoder_hidden_size == encoder output size "
            f"(K*H_enc = {c.encoder.output_size}), got {c.decoder_hidden_size}. Use 'luong_general'."
        )
    if c.input_feeding and not c.attention.startswith("luong"):
        raise ValueError(
            f"Seq2SeqConfig: input_feeding applies to Luong attention only, got attention={c.attention!r}. "
            "Set input_feeding=False (Bahdanau already feeds the context c_t into the cell)."
        )
    if c.tie_embeddings and c.decoder_hidden_size != c.embedding_dim:
        raise ValueError(
            f"Seq2SeqConfig: tie_embeddings needs decoder_hidden_size == embedding_dim, got "
            f"{c.decoder_hidden_size} and {c.embedding_dim}. Make them equal or set tie_embeddings=False."
        )


class Seq2Seq(nn.Module):
    """RNN encoder-decoder with optional attention (Sutskever et al. 2014; Bahdanau et al. 2015;
    Luong et al. 2015).

    Equations (y_0 = BOS, e_t = E_tgt y_{t-1}, o_s the encoder outputs, s_t the decoder state; a
    multi-layer decoder's Cell is the stack and attention queries its top layer)::

        o_1..o_S, h_enc = Encoder(E_src x_1..x_S)              keys o_s: K*H_enc features
        s_0^l = tanh(W_b^l h_enc^l + b_b^l)                     bridge, per decoder layer l; h_enc^l is
            encoder layer l + L_enc - L_dec (tops aligned, at least 0), directions concatenated; LSTM
            decoders: c_0^l = tanh(W_bc^l c_enc^l + b) from an LSTM encoder, else 0
        none:      s_t = Cell(e_t, s_{t-1});  h~_t = s_t
        bahdanau:  c_t = Attn(s_{t-1}, o);  s_t = Cell([e_t; c_t], s_{t-1})
                   h~_t = tanh(W_o [s_t; c_t; e_t] + b_o)        (deep output, ``combine``)
        luong_*:   s_t = Cell(e_t, s_{t-1}), or Cell([e_t; h~_{t-1}], s_{t-1}) with input feeding (h~_0 = 0)
                   c_t = Attn(s_t, o);  h~_t = tanh(W_c [c_t; s_t])   (``combine``, no bias)
        logits_t = W_out h~_t + b_out                           (W_out = E_tgt with tie_embeddings)

    Shapes:
        src ``(B, S)``, src_lengths ``(B,)``, tgt_in ``(B, T)`` -> logits ``(B, T, V)``; attention
        weights ``(B, T, S)``.

    Example:
        >>> cfg = Seq2SeqConfig(src_vocab_size=9, tgt_vocab_size=7, embedding_dim=4,
        ...                     encoder=RNNConfig(cell="gru", hidden_size=5, bidirectional=True),
        ...                     decoder_cell="lstm", decoder_hidden_size=6, attention="luong_general")
        >>> model = Seq2Seq(cfg)
        >>> src, tgt = torch.randint(3, 9, (2, 5)), torch.tensor([[1, 4, 5, 2], [1, 6, 2, 0]])
        >>> model(src, torch.tensor([5, 3]), tgt[:, :-1]).shape
        torch.Size([2, 3, 7])
        >>> tokens, lengths = model.translate(src, torch.tensor([5, 3]), beam_size=3, max_length=4)
        >>> tokens.shape[0], bool((lengths <= 4).all())
        (2, True)
    """

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        _check_config(config)
        self.config = c = config
        E, H, C, L = c.embedding_dim, c.decoder_hidden_size, c.encoder.output_size, c.decoder_num_layers
        self.src_embedding = nn.Embedding(c.src_vocab_size, E, padding_idx=c.pad_id)
        self.tgt_embedding = nn.Embedding(c.tgt_vocab_size, E, padding_idx=c.pad_id)
        self.encoder = build_rnn(c.encoder, E)
        cell_type = DECODER_CELLS[c.decoder_cell]
        self.has_cell_state = len(cell_type.state_names) == 2
        self.bridge = nn.ModuleList(nn.Linear(C, H) for _ in range(L))
        self.bridge_c = None
        if self.has_cell_state and c.encoder.cell in ("lstm", "layernorm_lstm"):
            self.bridge_c = nn.ModuleList(nn.Linear(C, H) for _ in range(L))
        first_input = E + (C if c.attention == "bahdanau" else 0) + (H if c.input_feeding else 0)
        self.cells = nn.ModuleList(cell_type(first_input if i == 0 else H, H) for i in range(L))
        self.attention: nn.Module | None = None
        self.combine: nn.Linear | None = None
        if c.attention == "bahdanau":
            self.attention = BahdanauAttention(H, C, c.attention_size)
            self.combine = nn.Linear(H + C + E, H)  # W_o
        elif c.attention.startswith("luong"):
            self.attention = LuongAttention(H, C, method=c.attention.removeprefix("luong_"))
            self.combine = nn.Linear(C + H, H, bias=False)  # W_c
        self.dropout = nn.Dropout(c.dropout)
        self.out = nn.Linear(H, c.tgt_vocab_size)  # W_out
        if c.tie_embeddings:
            self.out.weight = self.tgt_embedding.weight

    # -- public API -----------------------------------------------------------------------------

    def forward(
        self, src: Tensor, src_lengths: Tensor, tgt_in: Tensor, return_attention: bool = False
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Teacher-forced logits ``(B, T, V)`` for ``tgt_in`` = BOS y_1 .. y_{T-1} (pads allowed after
        the end); with ``return_attention`` also the weights ``(B, T, S)``."""
        if return_attention and self.attention is None:
            raise ValueError("Seq2Seq: return_attention=True needs an attention model, got attention='none'.")
        state = self.encode(src, src_lengths)
        self._check_tokens("tgt_in", tgt_in, self.config.tgt_vocab_size, batch_size=src.shape[0])
        if not bool((tgt_in[:, 0] == self.config.bos_id).all()):
            raise ValueError(
                f"Seq2Seq: every tgt_in row must start with bos_id={self.config.bos_id}, got first tokens "
                f"{tgt_in[:, 0].tolist()[:8]}. Prepend BOS (teacher forcing reads BOS y_1 .. y_(T-1))."
            )
        embedded = self.dropout(self.tgt_embedding(tgt_in))  # (B, T, E)
        outputs, weights = [], []
        for t in range(tgt_in.shape[1]):
            out, state, w = self._decoder_step(embedded[:, t], state)  # (B, H)
            outputs.append(out)
            weights.append(w)
        logits = self.out(self.dropout(torch.stack(outputs, dim=1)))  # (B, T, V)
        return (logits, torch.stack(weights, dim=1)) if return_attention else logits  # (B, T, S)

    def loss(self, src: Tensor, src_lengths: Tensor, tgt: Tensor) -> Tensor:
        """Mean cross-entropy per target token, pads ignored; ``tgt`` ``(B, T+1)`` is BOS y_1 .. EOS
        padded with ``pad_id``: the model reads ``tgt[:, :-1]`` and predicts ``tgt[:, 1:]``."""
        if not isinstance(tgt, Tensor) or tgt.dim() != 2 or tgt.shape[1] < 2:
            got = tuple(tgt.shape) if isinstance(tgt, Tensor) else type(tgt).__name__
            raise ValueError(f"Seq2Seq.loss: tgt must be (batch, T+1) with T+1 >= 2 (BOS .. EOS), got {got}.")
        logits = self(src, src_lengths, tgt[:, :-1])  # (B, T, V)
        return F.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(), ignore_index=self.config.pad_id)

    @torch.no_grad()
    def translate(
        self,
        src: Tensor,
        src_lengths: Tensor,
        beam_size: int = 1,
        max_length: int | None = None,
        length_penalty: float = 1.0,
        return_attention: bool = False,
    ) -> tuple[Tensor, Tensor] | tuple[Tensor, Tensor, Tensor]:
        """Decode in eval mode (restored afterwards): greedy for ``beam_size=1``, else beam search.

        Returns tokens ``(B, L)`` (no BOS, the EOS included, ``eos_id`` after it) and lengths ``(B,)``;
        with ``return_attention`` also the weights ``(B, L, S)`` of the chosen outputs (zero past each
        length). ``max_length`` defaults to ``2 * max(src_lengths) + 10``.
        """
        if isinstance(beam_size, bool) or not isinstance(beam_size, int) or beam_size < 1:
            raise ValueError(
                f"Seq2Seq.translate: beam_size must be an int >= 1 (1: greedy), got {beam_size!r}."
            )
        if return_attention and self.attention is None:
            raise ValueError("Seq2Seq: return_attention=True needs an attention model, got attention='none'.")
        c, was_training = self.config, self.training
        self.eval()
        try:
            state = self.encode(src, src_lengths)
            if max_length is None:
                max_length = 2 * int(state["lengths"].max()) + 10
            ids = {"batch_size": src.shape[0], "bos_id": c.bos_id, "eos_id": c.eos_id}
            if beam_size == 1:
                tokens, lengths = greedy_decode(self.step, state, max_length=max_length, **ids)
            else:
                tokens, lengths, _ = beam_search(
                    self.step, state, select_rows, beam_size=beam_size, max_length=max_length,
                    length_penalty=length_penalty, **ids,
                )  # fmt: skip
            if not return_attention:
                return tokens, lengths
            # Re-reading the chosen outputs with teacher forcing gives exactly the decoder's weights.
            bos = tokens.new_full((tokens.shape[0], 1), c.bos_id)
            _, weights = self(
                src, src_lengths, torch.cat([bos, tokens[:, :-1]], dim=1), return_attention=True
            )
            valid = lengths_to_mask(lengths, tokens.shape[1]).unsqueeze(-1)  # (B, L, 1)
            return tokens, lengths, weights * valid  # (B, L, S)
        finally:
            self.train(was_training)

    def step(self, tokens: Tensor, state: dict[str, Any]) -> tuple[Tensor, dict[str, Any]]:
        """One decoding step, the ``step`` of :mod:`rnnkit.models.decoding`: previous tokens ``(N,)`` ->
        next-token log-probabilities ``(N, V)`` and the new state (first from :meth:`encode`; rows are
        reordered by :func:`select_rows`)."""
        out, state, _ = self._decoder_step(self.tgt_embedding(tokens), state)  # (N, H)
        return torch.log_softmax(self.out(out), dim=-1), state  # (N, V)

    # -- encoder and one decoder step -----------------------------------------------------------

    def encode(self, src: Tensor, src_lengths: Tensor) -> dict[str, Any]:
        """Read the source; return the decoder's initial state (every tensor batch-first)."""
        self._check_tokens("src", src, self.config.src_vocab_size)
        B, S = src.shape
        lengths = check_lengths("Seq2Seq: src_lengths", src_lengths, B, S)  # (B,) on CPU
        outputs, final = self.encoder(self.dropout(self.src_embedding(src)), lengths=lengths)  # (B, S, C)
        state: dict[str, Any] = {"layers": self._bridge(final), "lengths": lengths.to(src.device)}
        if self.attention is not None:
            state["keys"] = outputs
            state["projected_keys"] = self.attention.precompute(outputs)  # (B, S, A)
            state["mask"] = lengths_to_mask(state["lengths"], S)  # (B, S)
        if self.config.input_feeding:
            state["feed"] = outputs.new_zeros(B, self.config.decoder_hidden_size)  # h~_0 = 0
        return state

    def _bridge(self, final: Tensor | tuple[Tensor, Tensor]) -> tuple[tuple[Tensor, ...], ...]:
        h_n, c_n = final if isinstance(final, tuple) else (final, None)  # (L_enc*K, B, H_enc)
        L_enc, K = self.config.encoder.num_layers, self.config.encoder.num_directions

        def per_layer(s: Tensor) -> Tensor:  # (L_enc*K, B, H_enc) -> (L_enc, B, K*H_enc)
            return s.view(L_enc, K, *s.shape[1:]).permute(0, 2, 1, 3).flatten(2)

        h_layers = per_layer(h_n)
        c_layers = per_layer(c_n) if c_n is not None else None
        layers = []
        for i, bridge in enumerate(self.bridge):
            source = max(0, L_enc - len(self.bridge) + i)
            h0 = torch.tanh(bridge(h_layers[source]))  # (B, H)
            if not self.has_cell_state:
                layers.append((h0,))
            elif self.bridge_c is None or c_layers is None:
                layers.append((h0, torch.zeros_like(h0)))
            else:
                layers.append((h0, torch.tanh(self.bridge_c[i](c_layers[source]))))
        return tuple(layers)

    def _attend(self, query: Tensor, state: dict[str, Any]) -> tuple[Tensor, Tensor]:
        return self.attention(query, state["keys"], state["mask"], projected_keys=state["projected_keys"])

    def _decoder_step(self, embedded: Tensor, state: dict[str, Any]) -> tuple[Tensor, dict, Tensor | None]:
        """One target token: embedded e_t ``(N, E)`` -> h~_t ``(N, H)``, new state, weights ``(N, S)``."""
        kind, layers = self.config.attention, state["layers"]
        context = weights = None
        inputs = [embedded]
        if kind == "bahdanau":
            context, weights = self._attend(layers[-1][0], state)  # query s_{t-1}; (N, C)
            inputs.append(context)
        if self.config.input_feeding:
            inputs.append(state["feed"])  # h~_{t-1}
        x = torch.cat(inputs, dim=-1)  # (N, E [+ C] [+ H])
        new_layers = []
        for i, cell in enumerate(self.cells):
            x, layer_state = cell(self.dropout(x) if i else x, layers[i])  # (N, H)
            new_layers.append(layer_state)
        if kind == "bahdanau":
            out = torch.tanh(self.combine(torch.cat([x, context, embedded], dim=-1)))  # (N, H)
        elif self.attention is not None:
            context, weights = self._attend(x, state)  # query s_t; (N, C)
            out = torch.tanh(self.combine(torch.cat([context, x], dim=-1)))  # (N, H)
        else:
            out = x
        new_state = {**state, "layers": tuple(new_layers)}
        if self.config.input_feeding:
            new_state["feed"] = out
        return out, new_state, weights

    # -- input checks ---------------------------------------------------------------------------

    def _check_tokens(self, name: str, ids: Tensor, vocab_size: int, batch_size: int | None = None) -> None:
        check_token_ids("Seq2Seq", name, ids, vocab_size, min_time=1)
        if batch_size is not None and ids.shape[0] != batch_size:
            raise ValueError(f"Seq2Seq: {name} has batch {ids.shape[0]}, but src has batch {batch_size}.")
