"""Recurrent cells: one time step each, written from the equations."""

from .base import RecurrentCell, State, xavier_uniform_
from .elman import ElmanCell
from .gru import GRUCell
from .layernorm_gru import LayerNormGRUCell
from .layernorm_lstm import LayerNormLSTMCell
from .linear_recurrence import LinearRecurrenceCell
from .lstm import LSTMCell
from .mingru import MinGRUCell
from .minlstm import MinLSTMCell

__all__ = [
    "ElmanCell",
    "GRUCell",
    "LSTMCell",
    "LayerNormGRUCell",
    "LayerNormLSTMCell",
    "LinearRecurrenceCell",
    "MinGRUCell",
    "MinLSTMCell",
    "RecurrentCell",
    "State",
    "xavier_uniform_",
]
