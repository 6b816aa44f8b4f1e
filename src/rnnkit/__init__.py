"""rnnkit: recurrent neural networks as the literature describes them, verified and fast.

The public API. ``rnnkit.RNN``, ``rnnkit.LSTM`` and ``rnnkit.GRU`` are torch.nn-compatible layers
(batch-first by default) with ``lengths``, ``step`` for streaming, and a fused fast path;
``rnnkit.cells`` holds the single-step cells written from the equations; ``rnnkit.reference`` is the
NumPy implementation with hand-written backpropagation through time.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from . import data, models, reference, training
    from ._version import __version__
    from .cells import (
        ElmanCell,
        GRUCell,
        LayerNormGRUCell,
        LayerNormLSTMCell,
        LSTMCell,
        MinGRUCell,
        MinLSTMCell,
        RecurrentCell,
    )
    from .layers import (
        GRU,
        LSTM,
        RNN,
        LayerNormGRU,
        LayerNormLSTM,
        MinGRU,
        MinLSTM,
        Recurrent,
        lengths_to_mask,
        reverse_padded,
    )
    from .recipes import load_run

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "ElmanCell",
    "GRUCell",
    "LSTMCell",
    "LayerNormGRU",
    "LayerNormGRUCell",
    "LayerNormLSTM",
    "LayerNormLSTMCell",
    "MinGRU",
    "MinGRUCell",
    "MinLSTM",
    "MinLSTMCell",
    "Recurrent",
    "RecurrentCell",
    "__version__",
    "data",
    "models",
    "reference",
    "training",
    "lengths_to_mask",
    "load_run",
    "reverse_padded",
]

_EXPORTS = {
    "data": "",
    "models": "",
    "reference": "",
    "training": "",
    "__version__": "._version",
    "ElmanCell": ".cells",
    "GRUCell": ".cells",
    "LayerNormGRUCell": ".cells",
    "LayerNormLSTMCell": ".cells",
    "LSTMCell": ".cells",
    "MinGRUCell": ".cells",
    "MinLSTMCell": ".cells",
    "RecurrentCell": ".cells",
    "GRU": ".layers",
    "LSTM": ".layers",
    "RNN": ".layers",
    "LayerNormGRU": ".layers",
    "LayerNormLSTM": ".layers",
    "MinGRU": ".layers",
    "MinLSTM": ".layers",
    "Recurrent": ".layers",
    "lengths_to_mask": ".layers",
    "reverse_padded": ".layers",
    "load_run": ".recipes",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
