"""The recurrent body every model shares: a cell type, depth and directions chosen by configuration."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..layers.rnn import GRU, LSTM, RNN, LayerNormGRU, LayerNormLSTM, MinGRU, MinLSTM
from ..layers.stacked import RecurrentStack
from .config import RNNConfig as RNNConfig  # re-exported: callers import it from here

LAYERS_BY_CELL: dict[str, type[RecurrentStack]] = {
    "rnn": RNN,
    "lstm": LSTM,
    "gru": GRU,
    "layernorm_lstm": LayerNormLSTM,
    "layernorm_gru": LayerNormGRU,
    "mingru": MinGRU,
    "minlstm": MinLSTM,
}
"""The recurrent layer class for each ``RNNConfig.cell`` name."""


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
