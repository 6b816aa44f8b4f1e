"""rnnkit.reference: Elman RNN, LSTM and GRU in NumPy with backpropagation through time by hand.

Teaching material and the project's numerical oracle. NumPy only, never torch; float64 throughout the
tests. Parameters use the textbook names (``W_xh``, ``W_hi``, ``b_f``...); ``to_torch`` and
``from_torch`` convert to and from torch.nn's stacked layout.

Every cell has the same three functions::

    params = init_<cell>_params(input_size, hidden_size, rng)
    hs, state_T, cache = <cell>_forward(params, x, state0=None, lengths=None)
    grads, dx, dstate0 = <cell>_backward(params, dhs, cache, dstate_T=None)

with x ``(B, T, D)``, hs ``(B, T, H)``, states h ``(B, H)`` (the LSTM's a pair ``(h, c)``).

``rnnkit.reference.char_model`` puts the pieces together (a character-level language model trained with
truncated BPTT, clipping and Adam); it is an example, so it is not re-exported here. Run it with
``python -m rnnkit.reference.char_model``.
"""

from .activations import sigmoid
from .clipping import clip_by_global_norm, clip_by_value
from .elman import elman_backward, elman_forward, init_elman_params
from .gradcheck import max_relative_error, numerical_gradient
from .gru import gru_backward, gru_forward, init_gru_params
from .init import orthogonal, xavier_uniform
from .layout import from_torch, to_torch
from .losses import mean_squared_error, softmax_cross_entropy
from .lstm import init_lstm_params, lstm_backward, lstm_forward
from .optimizers import SGD, Adam
from .output import init_output_params, output_backward, output_forward

__all__ = [
    "SGD",
    "Adam",
    "clip_by_global_norm",
    "clip_by_value",
    "elman_backward",
    "elman_forward",
    "from_torch",
    "gru_backward",
    "gru_forward",
    "init_elman_params",
    "init_gru_params",
    "init_lstm_params",
    "init_output_params",
    "lstm_backward",
    "lstm_forward",
    "max_relative_error",
    "mean_squared_error",
    "numerical_gradient",
    "orthogonal",
    "output_backward",
    "output_forward",
    "sigmoid",
    "softmax_cross_entropy",
    "to_torch",
    "xavier_uniform",
]
