"""Every model's configuration: frozen dataclasses, with no torch import.

The settings of a run (a recipe's presets, ``config.json``) are built from these, so that reading,
checking and printing them (``rnnkit tasks``, ``train --help``, ``--set``) does not load torch. Each
model module re-exports its own config; the checks that need the model (e.g. a cell name that has a
layer) run when the model is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CELLS = ("rnn", "lstm", "gru", "layernorm_lstm", "layernorm_gru", "mingru", "minlstm")
BACKENDS = ("auto", "bptt", "fused", "loop", "scan")
POOLINGS = ("last", "mean", "max", "max_mean", "attention")


def check_probability(owner: str, name: str, value: float, inclusive_one: bool = False) -> None:
    """``value`` is a dropout probability: in [0, 1) (or [0, 1] with ``inclusive_one``)."""
    high_ok = value <= 1.0 if inclusive_one else value < 1.0
    if not (isinstance(value, (int, float)) and 0.0 <= value and high_ok):
        bound = "1]" if inclusive_one else "1)"
        raise ValueError(f"{owner}.{name} must be in [0, {bound}, got {value!r} (a dropout probability).")


def check_positive(owner: str, name: str, value: int | None) -> None:
    if value is not None and not (isinstance(value, int) and value >= 1):
        raise ValueError(f"{owner}.{name} must be an int >= 1, got {value!r}.")


def check_choice(owner: str, name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{owner}.{name} must be one of {list(choices)}, got {value!r}.")


@dataclass(frozen=True)
class RNNConfig:
    """The recurrent layers of a model.

    Attributes:
        cell: one of ``rnn``, ``lstm``, ``gru``, ``layernorm_lstm``, ``layernorm_gru``, ``mingru``,
            ``minlstm`` (the last two computed by a parallel scan).
        hidden_size: H, units per direction.
        num_layers: L, stacked layers.
        bidirectional: K = 2 directions when True.
        dropout: between stacked layers (training only).
        recurrent_dropout: variational dropout on h_(t-1) (the bptt backend while training).
        nonlinearity: ``tanh`` or ``relu``, for ``cell="rnn"`` only.
        backend: ``auto``, ``bptt``, ``fused``, ``loop`` or ``scan`` (:class:`rnnkit.layers.RecurrentStack`).
    """

    cell: str = "lstm"
    hidden_size: int = 128
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    nonlinearity: str = "tanh"
    backend: str = "auto"

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """Features of the layers' output: K * H."""
        return self.num_directions * self.hidden_size

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"unknown cell {self.cell!r}; choose one of {list(CELLS)} (e.g. cell='lstm').")
        check_choice("rnn", "backend", self.backend, BACKENDS)
        check_choice("rnn", "nonlinearity", self.nonlinearity, ("tanh", "relu"))
        check_positive("rnn", "hidden_size", self.hidden_size)
        check_positive("rnn", "num_layers", self.num_layers)
        check_probability("rnn", "dropout", self.dropout, inclusive_one=True)
        check_probability("rnn", "recurrent_dropout", self.recurrent_dropout)


@dataclass(frozen=True)
class ClassifierConfig:
    """A sequence classifier.

    Attributes:
        num_classes: C; 1 gives a single logit for binary tasks (use BCE-with-logits), C >= 2 gives C
            logits (use cross-entropy).
        vocab_size: V, when the input is token ids ``(B, T)``; an embedding comes first.
        input_size: D, when the input is real-valued features ``(B, T, D)``. Set exactly one of the two.
        embedding_dim: E, size of the token embedding.
        padding_idx: the pad token id (its embedding stays zero).
        rnn: the recurrent layers.
        pooling: ``last`` (final state), ``mean`` or ``max`` over valid steps, ``max_mean`` (both,
            concatenated: ``(B, 2*K*H)``, as ULMFiT's concat pooling without the last state), or
            ``attention``.
        attention_size: hidden size of the attention scorer.
        dropout: on the embedding and on the pooled vector, in training.
        token_dropout: in training, zero whole token vectors with this probability (scaling the kept
            ones by ``1 / (1 - p)``), so the model cannot lean on any single word, such as a name
            that only appears in reviews of one movie.
        embedding_uniform_init: start the embedding at ``U(-a, a)`` instead of torch's ``N(0, 1)``
            (Keras uses a = 0.05).
    """

    num_classes: int
    vocab_size: int | None = None
    input_size: int | None = None
    embedding_dim: int = 100
    padding_idx: int = 0
    rnn: RNNConfig = field(default_factory=RNNConfig)
    pooling: str = "last"
    attention_size: int = 64
    dropout: float = 0.0
    token_dropout: float = 0.0
    embedding_uniform_init: float | None = None

    def __post_init__(self) -> None:
        check_probability("ClassifierConfig", "dropout", self.dropout)
        check_probability("ClassifierConfig", "token_dropout", self.token_dropout)
        check_choice("ClassifierConfig", "pooling", self.pooling, POOLINGS)


@dataclass(frozen=True)
class TaggerConfig:
    """A sequence tagger.

    Attributes:
        num_tags: C, the number of tags.
        vocab_size: V, when the input is token ids ``(B, T)``; an embedding comes first.
        input_size: D, when the input is real-valued features ``(B, T, D)``. Set exactly one of the two.
        embedding_dim: E, size of the token embedding.
        padding_idx: the pad token id (its embedding stays zero).
        rnn: the recurrent layers (``bidirectional=True`` lets each tag see the whole sentence).
        head: ``softmax`` (each step's tag on its own, cross-entropy) or ``crf`` (a linear-chain CRF
            over the whole tag path, negative log-likelihood and Viterbi decoding).
        dropout: on the input vectors (words, characters and case joined) and on the recurrent outputs,
            in training.
        token_dropout: in training, drop whole tokens with this probability (see
            :func:`rnnkit.models.embedding.embed_tokens`): read as ``unk_id`` when it is set (Lample et
            al.'s word dropout), else zeroed.
        unk_id: the unknown word's id, for ``token_dropout``.
        embedding_uniform_init: start the embedding at ``U(-a, a)`` instead of torch's ``N(0, 1)``.
        char_features: ``none``, ``cnn`` (Ma & Hovy 2016) or ``lstm`` (Lample et al. 2016): a vector per
            word from its characters (:mod:`rnnkit.models.char_features`), joined to its embedding.
        char_vocab_size: characters the reader knows (id 0 is padding); needed with ``char_features``.
        char_embedding_dim, char_hidden_size, char_kernel_size: the character reader's sizes (the CNN's
            filters, or the LSTM's units per direction; the CNN's width).
        case_classes: the number of case classes of the case feature ids ``(B, T)`` (0: no case feature);
            each class gets a learnt vector of ``case_embedding_dim``, joined to the word's.
    """

    num_tags: int
    vocab_size: int | None = None
    input_size: int | None = None
    embedding_dim: int = 100
    padding_idx: int = 0
    rnn: RNNConfig = field(default_factory=RNNConfig)
    head: str = "softmax"
    dropout: float = 0.0
    token_dropout: float = 0.0
    unk_id: int | None = None
    embedding_uniform_init: float | None = None
    char_features: str = "none"
    char_vocab_size: int = 0
    char_embedding_dim: int = 30
    char_hidden_size: int = 50
    char_kernel_size: int = 3
    case_classes: int = 0
    case_embedding_dim: int = 8

    def __post_init__(self) -> None:
        check_probability("TaggerConfig", "dropout", self.dropout)
        check_probability("TaggerConfig", "token_dropout", self.token_dropout)
        check_choice("TaggerConfig", "char_features", self.char_features, ("none", "cnn", "lstm"))
        for name in ("char_embedding_dim", "char_hidden_size", "char_kernel_size", "case_embedding_dim"):
            check_positive("TaggerConfig", name, getattr(self, name))
        if self.case_classes < 0:
            raise ValueError(f"TaggerConfig.case_classes must be >= 0, got {self.case_classes}.")


@dataclass(frozen=True)
class LanguageModelConfig:
    """A recurrent language model.

    Attributes:
        vocab_size: V.
        embedding_dim: E.
        rnn: the recurrent layers; unidirectional (the next token may not see the future).
        dropout: on the embeddings and on the top layer's outputs, in training.
        tie_weights: share the embedding matrix with the output layer (Press & Wolf 2017; Inan et
            al. 2017); needs ``embedding_dim == rnn.hidden_size``.
        pad_id: a padding id ignored by the loss (None: every position counts).
    """

    vocab_size: int
    embedding_dim: int = 128
    rnn: RNNConfig = field(default_factory=RNNConfig)
    dropout: float = 0.0
    tie_weights: bool = False
    pad_id: int | None = None

    def __post_init__(self) -> None:
        check_probability("LanguageModelConfig", "dropout", self.dropout)


@dataclass(frozen=True)
class AWDConfig:
    """A stateful word- or character-level language model with the AWD-LSTM regularisers (Merity et
    al. 2017). With every probability and penalty at 0 it is the plain char-rnn / Zaremba LSTM.

    Attributes:
        vocab_size: V; the ``textgen`` recipe sets it from the vocabulary it builds.
        embedding_dim: E.
        hidden_size: H of every layer but the last; the last has E units when ``tie_weights`` (AWD's
            1150-1150-400), else H.
        num_layers: L, each its own fused layer, so that dropout can sit between them.
        cell: ``lstm`` or ``gru`` (or any rnnkit cell; fused where PyTorch has a kernel).
        tie_weights: share the embedding matrix with the softmax layer (Press & Wolf 2017).
        embedding_dropout: drop whole tokens of the embedding matrix (AWD ``dropoute``).
        input_dropout: on the embeddings fed to layer 1 (``dropouti``).
        hidden_dropout: between layers (``dropouth``).
        output_dropout: on the last layer's output, before the softmax layer (``dropout``).
        weight_drop: DropConnect on every layer's ``weight_hh`` (``wdrop``), one mask per batch.
        variational: one dropout mask per sequence shared over time (AWD); False: a fresh mask per
            entry (Zaremba et al.).
        activation_penalty: AR, ``alpha * mean(dropped last-layer outputs^2)`` added to the training loss.
        temporal_penalty: TAR, ``beta * mean((h_t - h_{t-1})^2)`` of the last layer's outputs before dropout.
        init_range: uniform(-r, r) initialisation of every weight, biases included (Zaremba's 0.05);
            0: rnnkit's Xavier/orthogonal recurrent layers, torch's defaults for the softmax layer and
            the embedding (N(0, 1): inputs of unit scale, as char-rnn's one-hot vectors), except that a
            tied embedding starts uniform(-0.1, 0.1) as AWD-LSTM's (a tied softmax layer needs it small).
    """

    vocab_size: int | None = None
    embedding_dim: int = 400
    hidden_size: int = 1150
    num_layers: int = 3
    cell: str = "lstm"
    tie_weights: bool = True
    embedding_dropout: float = 0.0
    input_dropout: float = 0.0
    hidden_dropout: float = 0.0
    output_dropout: float = 0.0
    weight_drop: float = 0.0
    variational: bool = True
    activation_penalty: float = 0.0
    temporal_penalty: float = 0.0
    init_range: float = 0.0

    def __post_init__(self) -> None:
        check_positive("AWDConfig", "vocab_size", self.vocab_size)
        for name in ("embedding_dim", "hidden_size", "num_layers"):
            check_positive("AWDConfig", name, getattr(self, name))
        if self.cell not in CELLS:
            raise ValueError(f"AWDConfig.cell: unknown cell {self.cell!r}; choose one of {list(CELLS)}.")
        for name in ("embedding_dropout", "input_dropout", "hidden_dropout", "output_dropout", "weight_drop"):
            check_probability("AWDConfig", name, getattr(self, name))
        for name in ("activation_penalty", "temporal_penalty", "init_range"):
            if getattr(self, name) < 0:
                raise ValueError(f"AWDConfig.{name} must be >= 0, got {getattr(self, name)!r}.")

    def layer_sizes(self) -> list[int]:
        """Units of each layer: H ... H, and E for the last one when the weights are tied."""
        last = self.embedding_dim if self.tie_weights else self.hidden_size
        return [self.hidden_size] * (self.num_layers - 1) + [last]


@dataclass(frozen=True)
class GeneratorConfig:
    """A conditional sequence generator.

    Attributes:
        feature_size: F, size of the conditioning vector.
        vocab_size: V. embedding_dim: E.
        rnn: the decoder's recurrent layers (unidirectional).
        bos_id, eos_id, pad_id: special token ids; targets start with BOS, end with EOS, pad with pad_id.
        dropout: on embeddings and outputs, in training.
        tie_weights: share embedding and output matrices (needs embedding_dim == rnn.hidden_size).
    """

    feature_size: int
    vocab_size: int
    embedding_dim: int = 128
    rnn: RNNConfig = field(default_factory=RNNConfig)
    bos_id: int = 1
    eos_id: int = 2
    pad_id: int = 0
    dropout: float = 0.0
    tie_weights: bool = False

    def __post_init__(self) -> None:
        check_probability("GeneratorConfig", "dropout", self.dropout)


@dataclass(frozen=True)
class Seq2SeqConfig:
    """An encoder-decoder translation model.

    Attributes:
        src_vocab_size, tgt_vocab_size: V_src, V (0 in a recipe's settings: set from its tokenizers).
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
        label_smoothing: ε of the training loss (Szegedy et al. 2016): the target distribution puts
            1 - ε on the reference token and ε spread evenly over the vocabulary.
    """

    src_vocab_size: int = 0
    tgt_vocab_size: int = 0
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
    label_smoothing: float = 0.0

    def __post_init__(self) -> None:
        check_probability("Seq2SeqConfig", "dropout", self.dropout)
        check_probability("Seq2SeqConfig", "label_smoothing", self.label_smoothing)


@dataclass(frozen=True)
class ForecasterConfig:
    """A forecaster.

    Attributes:
        input_size: D, series in the window.
        output_size: O, series to forecast (default D). Autoregressive mode feeds forecasts back
            as inputs, so there O must equal D.
        horizon: steps ahead to forecast.
        mode: ``direct`` (one head emits all ``horizon`` steps from the window's final state) or
            ``autoregressive`` (one step at a time, each forecast fed back as the next input).
        gaussian: predict a mean and a scale per value (trained by Gaussian negative log-likelihood),
            giving prediction intervals; otherwise a point forecast trained by MSE.
        rnn: the recurrent layers (unidirectional for autoregressive mode).
        dropout: on the final state before the head, in training.
    """

    input_size: int
    output_size: int | None = None
    horizon: int = 1
    mode: str = "direct"
    gaussian: bool = False
    rnn: RNNConfig = field(default_factory=RNNConfig)
    dropout: float = 0.0

    @property
    def targets(self) -> int:
        return self.output_size or self.input_size

    def __post_init__(self) -> None:
        check_probability("ForecasterConfig", "dropout", self.dropout)


@dataclass(frozen=True)
class SegRNNConfig:
    """A SegRNN forecaster (see :class:`~rnnkit.models.segrnn.SegRNN`).

    Attributes:
        channels: C, series in the window (each forecast; channel independence).
        lookback: L, steps in the window; a multiple of ``segment``.
        horizon: H, steps forecast; a multiple of ``segment``.
        segment: w, steps per segment (the paper uses 48 on hourly data).
        hidden_size: d, the segment embedding and GRU size (the paper: 512).
        dropout: on the decoder's output, in training.
        revin: reversible instance normalisation of each window.
    """

    channels: int
    lookback: int = 96
    horizon: int = 96
    segment: int = 48
    hidden_size: int = 512
    dropout: float = 0.0
    revin: bool = True

    def __post_init__(self) -> None:
        for name in ("channels", "lookback", "horizon", "segment"):
            check_positive("SegRNNConfig", name, getattr(self, name))
        check_positive("SegRNNConfig", "hidden_size", self.hidden_size)
        if self.hidden_size < 2:
            raise ValueError(
                f"SegRNNConfig.hidden_size must be >= 2 (position + channel halves), got {self.hidden_size}."
            )
        for name in ("lookback", "horizon"):
            if getattr(self, name) % self.segment:
                raise ValueError(
                    f"SegRNNConfig.{name}={getattr(self, name)} must be a multiple of segment={self.segment}."
                )
        check_probability("SegRNNConfig", "dropout", self.dropout)
