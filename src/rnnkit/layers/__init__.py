"""Recurrent layers: cells run over time, stacked and bidirectional, with a fused fast path."""

from .errors import ArgumentTypeError, DtypeError, ShapeError
from .fused import why_not
from .masking import Padding, lengths_to_mask, padding_for, reverse_padded
from .recurrent import Recurrent, run_over_time
from .rnn import GRU, LSTM, RNN, LayerNormGRU, LayerNormLSTM, MinGRU, MinLSTM
from .scan import SCAN_METHODS, linear_recurrence, linear_scan, scan_over_time
from .stacked import BACKENDS, RecurrentStack

__all__ = [
    "BACKENDS",
    "ArgumentTypeError",
    "DtypeError",
    "GRU",
    "LSTM",
    "RNN",
    "LayerNormGRU",
    "LayerNormLSTM",
    "MinGRU",
    "MinLSTM",
    "Padding",
    "Recurrent",
    "RecurrentStack",
    "ShapeError",
    "lengths_to_mask",
    "padding_for",
    "reverse_padded",
    "SCAN_METHODS",
    "linear_recurrence",
    "linear_scan",
    "run_over_time",
    "scan_over_time",
    "why_not",
]
