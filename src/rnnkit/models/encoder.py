"""The recurrent body every model shares: a cell type, depth and directions chosen by configuration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..layers.rnn import GRU, LSTM, RNN, LayerNormGRU, LayerNormLSTM
from ..layers.stacked import RecurrentStack

LAYERS_BY_CELL: dict[str, type[RecurrentStack]] = {
    "rnn": RNN,
    "lstm": LSTM,
    "gru": GRU,
    "layernorm_lstm": LayerNormLSTM,
    "layernorm_gru": LayerNormGRU,
}
"""The recurrent layer class for each ``RNNConfig.cell`` name."""


@dataclass(frozen=True)
class RNNConfig:
    """The recurrent layers of a model.

    Attributes:
        cell: one of ``rnn``, ``lstm``, ``gru``, ``layernorm_lstm``, ``layernorm_gru``.
        hidden_size: H, units per direction.
        num_layers: L, stacked layers.
        bidirectional: K = 2 directions when True.
        dropout: between stacked layers (training only).
        recurrent_dropout: variational dropout on h_(t-1) (loop backend while training).
        nonlinearity: ``tanh`` or ``relu``, for ``cell="rnn"`` only.
        backend: ``auto``, ``fused`` or ``loop``.
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


def build_rnn(config: RNNConfig, input_size: int) -> RecurrentStack:
    """The recurrent stack described by ``config``, reading ``input_size`` features, batch first.

    Example:
        >>> rnn = build_rnn(RNNConfig(cell="gru", hidden_size=8, bidirectional=True), input_size=3)
        >>> type(rnn).__name__, rnn.hidden_size, rnn.bidirectional
        ('GRU', 8, True)
    """
    if config.cell not in LAYERS_BY_CELL:
        raise ValueError(
            f"unknown cell {config.cell!r}; choose one of {sorted(LAYERS_BY_CELL)} (e.g. cell='lstm')."
        )
    layer: Callable[..., RecurrentStack] = LAYERS_BY_CELL[config.cell]
    if config.cell == "rnn":
        layer = partial(RNN, nonlinearity=config.nonlinearity)
    elif config.nonlinearity != "tanh":
        raise ValueError(
            f"nonlinearity={config.nonlinearity!r} applies to cell='rnn' only, got cell={config.cell!r}."
        )
    return layer(
        input_size,
        config.hidden_size,
        num_layers=config.num_layers,
        batch_first=True,
        dropout=config.dropout,
        bidirectional=config.bidirectional,
        backend=config.backend,
        recurrent_dropout=config.recurrent_dropout,
    )
