"""N vs M: an encoder reads the source sentence, a decoder writes the target (translation)."""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from ..layers.masking import LengthsArg, Padding, lengths_to_mask, padding_for
from .attention import BahdanauAttention, LuongAttention
from .beam import beam_search
from .config import RNNConfig, Seq2SeqConfig
from .decoding import DecoderState, greedy_decode, reorder_state
from .embedding import check_token_ids
from .encoder import LAYERS_BY_CELL, build_rnn

ATTENTIONS = ("bahdanau", "luong_dot", "luong_general", "none")


def _check_config(c: Seq2SeqConfig) -> None:
    sizes = ("src_vocab_size", "tgt_vocab_size", "embedding_dim", "decoder_hidden_size")
    for name in (*sizes, "decoder_num_layers", "attention_size"):
        value = getattr(c, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"Seq2SeqConfig: {name} must be an int >= 1, got {value!r}.")
    if not isinstance(c.encoder, RNNConfig):
        raise TypeError(f"Seq2SeqConfig: encoder must be an RNNConfig, got {type(c.encoder).__name__}.")
    for name, choices in (("decoder_cell", tuple(LAYERS_BY_CELL)), ("attention", ATTENTIONS)):
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


def token_loss(
    logits: Tensor, targets: Tensor, pad_id: int, smoothing: float = 0.0, reduction: str = "mean"
) -> Tensor:
    """Cross-entropy of ``logits (B, T, V)`` against ``targets (B, T)``, positions with ``pad_id``
    ignored; with label smoothing ε the target of each position is ``(1 - ε) one_hot(y) + ε / V``::

        loss_t = -(1 - ε) log p(y_t) - ε/V sum_v log p(v)

    ``reduction``: ``mean`` over the real tokens or ``sum``."""
    return F.cross_entropy(
        logits.flatten(0, 1), targets.flatten(), ignore_index=pad_id, label_smoothing=smoothing,
        reduction=reduction,
    )  # fmt: skip


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
        first_input = E + (C if c.attention == "bahdanau" else 0) + (H if c.input_feeding else 0)
        # One stack of L unidirectional layers, stepped one token at a time (RecurrentStack.step);
        # it applies the dropout between its layers.
        decoder = RNNConfig(cell=c.decoder_cell, hidden_size=H, num_layers=L, dropout=c.dropout)
        self.decoder = build_rnn(decoder, first_input)
        self.has_cell_state = len(self.decoder.cell.state_names) == 2
        self.bridge = nn.ModuleList(nn.Linear(C, H) for _ in range(L))
        self.bridge_c: nn.ModuleList | None = None
        if self.has_cell_state and c.encoder.cell in ("lstm", "layernorm_lstm"):
            self.bridge_c = nn.ModuleList(nn.Linear(C, H) for _ in range(L))
        self.attention: BahdanauAttention | LuongAttention | None = None
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
        self, src: Tensor, src_lengths: LengthsArg, tgt_in: Tensor, return_attention: bool = False
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
            if w is not None:
                weights.append(w)
        logits = self.out(self.dropout(torch.stack(outputs, dim=1)))  # (B, T, V)
        return (logits, torch.stack(weights, dim=1)) if return_attention else logits  # (B, T, S)

    def loss(
        self, src: Tensor, src_lengths: LengthsArg, tgt: Tensor, smoothing: float | None = None
    ) -> Tensor:
        """Mean cross-entropy per target token, pads ignored; ``tgt`` ``(B, T+1)`` is BOS y_1 .. EOS
        padded with ``pad_id``: the model reads ``tgt[:, :-1]`` and predicts ``tgt[:, 1:]``.
        ``smoothing`` (default ``config.label_smoothing``): see :func:`token_loss`."""
        if not isinstance(tgt, Tensor) or tgt.dim() != 2 or tgt.shape[1] < 2:
            got = tuple(tgt.shape) if isinstance(tgt, Tensor) else type(tgt).__name__
            raise ValueError(f"Seq2Seq.loss: tgt must be (batch, T+1) with T+1 >= 2 (BOS .. EOS), got {got}.")
        logits = self(src, src_lengths, tgt[:, :-1])  # (B, T, V)
        eps = self.config.label_smoothing if smoothing is None else smoothing
        return token_loss(logits, tgt[:, 1:], self.config.pad_id, eps)

    @torch.no_grad()
    def translate(
        self,
        src: Tensor,
        src_lengths: LengthsArg,
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
            padding = self._padding(src, src_lengths)
            state = self._encode(src, padding)
            if max_length is None:
                max_length = 2 * int(padding.lengths.max()) + 10  # CPU lengths: no device sync
            ids = {"batch_size": src.shape[0], "bos_id": c.bos_id, "eos_id": c.eos_id}
            if beam_size == 1:
                tokens, lengths = greedy_decode(self.step, state, max_length=max_length, **ids)
            else:
                tokens, lengths, _ = beam_search(
                    self.step, state, reorder_state, beam_size=beam_size, max_length=max_length,
                    length_penalty=length_penalty, **ids,
                )  # fmt: skip
            if not return_attention:
                return tokens, lengths
            # Re-reading the chosen outputs with teacher forcing gives exactly the decoder's weights.
            bos = tokens.new_full((tokens.shape[0], 1), c.bos_id)
            _, weights = self(src, padding, torch.cat([bos, tokens[:, :-1]], dim=1), return_attention=True)
            valid = lengths_to_mask(lengths, tokens.shape[1]).unsqueeze(-1)  # (B, L, 1)
            return tokens, lengths, weights * valid  # (B, L, S)
        finally:
            self.train(was_training)

    def step(self, tokens: Tensor, state: DecoderState) -> tuple[Tensor, DecoderState]:
        """One decoding step, the ``step`` of :mod:`rnnkit.models.decoding`: previous tokens ``(N,)`` ->
        next-token log-probabilities ``(N, V)`` and the new state (first from :meth:`encode`; rows are
        reordered by :func:`~rnnkit.models.decoding.reorder_state`)."""
        out, state, _ = self._decoder_step(self.tgt_embedding(tokens), state)  # (N, H)
        return torch.log_softmax(self.out(out), dim=-1), state  # (N, V)

    # -- encoder and one decoder step -----------------------------------------------------------

    def encode(self, src: Tensor, src_lengths: LengthsArg) -> DecoderState:
        """Read the source; return the decoder's initial state: the bridged layer states and, batch
        first in ``extras``, the attention keys, their projection and the source mask (one mask, the
        one the encoder used)."""
        return self._encode(src, self._padding(src, src_lengths))

    def _encode(self, src: Tensor, padding: Padding) -> DecoderState:
        """:meth:`encode` for a source already checked, with its padding."""
        outputs, final = self.encoder(self.dropout(self.src_embedding(src)), lengths=padding)  # (B, S, C)
        extras: dict[str, Tensor] = {}
        if self.attention is not None:
            extras["keys"] = outputs
            extras["projected_keys"] = self.attention.precompute(outputs)  # (B, S, A)
            extras["mask"] = padding.mask  # (B, S)
        if self.config.input_feeding:
            extras["feed"] = outputs.new_zeros(src.shape[0], self.config.decoder_hidden_size)  # h~_0 = 0
        return DecoderState(self._bridge(final), extras)

    def _padding(self, src: Tensor, src_lengths: LengthsArg) -> Padding:
        """Check the source once and build its padding (CPU lengths, mask on the source's device)."""
        self._check_tokens("src", src, self.config.src_vocab_size)
        B, S = src.shape
        padding = padding_for("Seq2Seq: src_lengths", src_lengths, B, S, src.device)
        if padding is None:
            raise ValueError("Seq2Seq: src_lengths is required, (batch,) integers, one per source sentence.")
        return padding

    def _bridge(self, final: Tensor | tuple[Tensor, ...]) -> Tensor | tuple[Tensor, Tensor]:
        """The decoder's initial state, as its stack takes it: h_0 ``(L, B, H)``, or ``(h_0, c_0)``."""
        h_n, c_n = (final[0], final[1]) if isinstance(final, tuple) else (final, None)  # (L_enc*K, B, H_enc)
        L_enc, K = self.config.encoder.num_layers, self.config.encoder.num_directions

        def per_layer(s: Tensor) -> Tensor:  # (L_enc*K, B, H_enc) -> (L_enc, B, K*H_enc)
            return s.view(L_enc, K, *s.shape[1:]).permute(0, 2, 1, 3).flatten(2)

        h_layers = per_layer(h_n)
        c_layers = per_layer(c_n) if c_n is not None else None
        h0, c0 = [], []
        for i, bridge in enumerate(self.bridge):
            source = max(0, L_enc - len(self.bridge) + i)
            h0.append(torch.tanh(bridge(h_layers[source])))  # (B, H)
            if self.bridge_c is not None and c_layers is not None:
                c0.append(torch.tanh(self.bridge_c[i](c_layers[source])))
            else:
                c0.append(torch.zeros_like(h0[-1]))
        if not self.has_cell_state:
            return torch.stack(h0)  # (L, B, H)
        return torch.stack(h0), torch.stack(c0)

    def _decoder_step(
        self, embedded: Tensor, state: DecoderState
    ) -> tuple[Tensor, DecoderState, Tensor | None]:
        """One target token: embedded e_t ``(N, E)`` -> h~_t ``(N, H)``, new state, weights ``(N, S)``."""
        kind, extras = self.config.attention, state.extras
        context = weights = None
        inputs = [embedded]
        if kind == "bahdanau":
            h = state.rnn[0] if isinstance(state.rnn, tuple) else state.rnn  # (L, N, H)
            context, weights = self._attend(h[-1], extras)  # query s_{t-1}, the top layer; (N, C)
            inputs.append(context)
        if self.config.input_feeding:
            inputs.append(extras["feed"])  # h~_{t-1}
        x = torch.cat(inputs, dim=-1)  # (N, E [+ C] [+ H])
        top, rnn_state = self.decoder.step(x, state.rnn)  # (N, H); dropout between layers inside
        if kind == "bahdanau" and self.combine is not None and context is not None:
            out = torch.tanh(self.combine(torch.cat([top, context, embedded], dim=-1)))  # (N, H)
        elif self.combine is not None:
            context, weights = self._attend(top, extras)  # query s_t; (N, C)
            out = torch.tanh(self.combine(torch.cat([context, top], dim=-1)))  # (N, H)
        else:
            out = top
        if self.config.input_feeding:
            extras = {**extras, "feed": out}
        return out, DecoderState(rnn_state, extras), weights

    def _attend(self, query: Tensor, extras: Mapping[str, Tensor]) -> tuple[Tensor, Tensor]:
        if self.attention is None:
            raise ValueError("Seq2Seq: attention='none' has nothing to attend with.")
        return self.attention(query, extras["keys"], extras["mask"], projected_keys=extras["projected_keys"])

    # -- input checks ---------------------------------------------------------------------------

    def _check_tokens(self, name: str, ids: Tensor, vocab_size: int, batch_size: int | None = None) -> None:
        check_token_ids("Seq2Seq", name, ids, vocab_size, min_time=1)
        if batch_size is not None and ids.shape[0] != batch_size:
            raise ValueError(f"Seq2Seq: {name} has batch {ids.shape[0]}, but src has batch {batch_size}.")
