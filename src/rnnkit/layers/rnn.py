"""The torch.nn-compatible layers: ``RNN``, ``LSTM``, ``GRU`` and their layer-normalised variants.

Each is a :class:`~rnnkit.layers.stacked.RecurrentStack` of one cell type; the cell's docstring holds
the equations and the mapping from textbook symbols to parameter names.

Shapes (B batch, T time, D input_size, H hidden_size, L num_layers, K 2 if bidirectional else 1,
P proj_size of an LSTM):
    x ``(B, T, D)`` (``(T, B, D)`` with ``batch_first=False``); lengths ``(B,)``;
    state ``(L*K, B, H)``; output ``(B, T, K*H)``. With ``proj_size=P``: h ``(L*K, B, P)``,
    output ``(B, T, K*P)``.

Unlike torch.nn, ``batch_first`` defaults to True (rnnkit is batch-first at every public boundary);
pass ``batch_first=False`` to drop a layer in where a torch.nn layer was.
"""

from __future__ import annotations

from typing import Any

import torch

from ..cells.elman import ElmanCell
from ..cells.gru import GRUCell
from ..cells.layernorm_gru import LayerNormGRUCell
from ..cells.layernorm_lstm import LayerNormLSTMCell
from ..cells.lstm import LSTMCell, check_proj_size
from ..cells.mingru import MinGRUCell
from ..cells.minlstm import MinLSTMCell
from .stacked import RecurrentStack


class RNN(RecurrentStack):
    """Elman RNN layers: ``h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)`` per layer and direction.

    ``weight_ih_l{k}`` is U (W_xh), ``weight_hh_l{k}`` is W (W_hh), b_h = bias_ih + bias_hh; the
    output head V (W_hy) belongs to the model. See :class:`~rnnkit.cells.ElmanCell`.

    Shapes:
        x ``(B, T, D)``; lengths ``(B,)``; h_0 and h_n ``(L*K, B, H)``; output ``(B, T, K*H)``.
        ``batch_first`` defaults to True, unlike torch.nn.

    Example:
        >>> import torch
        >>> rnn = RNN(4, 8, num_layers=2, nonlinearity="relu")
        >>> out, h_n = rnn(torch.randn(3, 5, 4))
        >>> tuple(out.shape), tuple(h_n.shape)
        ((3, 5, 8), (2, 3, 8))
    """

    cell_class = ElmanCell

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = True,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        backend: str = "auto",
        recurrent_dropout: float = 0.0,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        self.nonlinearity = nonlinearity
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            backend=backend,
            recurrent_dropout=recurrent_dropout,
            device=device,
            dtype=dtype,
            nonlinearity=nonlinearity,
        )


class LSTM(RecurrentStack):
    """LSTM layers: forget, input and output gates and a cell state C_t (see :class:`~rnnkit.cells.LSTMCell`).

    The state goes in and comes out as a tuple ``(h, c)``. ``forget_bias=1.0`` initialises b_f to 1.
    ``proj_size=P > 0`` projects each h_t to P features, ``h_t = W_hr (o_t ⊙ tanh(c_t))`` (LSTMP, as
    torch.nn.LSTM's ``proj_size``): h and the output have P features per direction, c keeps H, layer
    k > 0 reads ``K*P`` features, and each layer-direction has ``weight_hr_l{k}[_reverse]`` ``(P, H)``.

    Shapes:
        x ``(B, T, D)``; lengths ``(B,)``; h and c ``(L*K, B, H)``; output ``(B, T, K*H)``.
        With ``proj_size=P``: h ``(L*K, B, P)``, c ``(L*K, B, H)``, output ``(B, T, K*P)``.
        ``batch_first`` defaults to True, unlike torch.nn.

    Example:
        >>> import torch
        >>> lstm = LSTM(4, 8, bidirectional=True)
        >>> out, (h_n, c_n) = lstm(torch.randn(3, 5, 4), lengths=torch.tensor([5, 3, 1]))
        >>> tuple(out.shape), tuple(c_n.shape)
        ((3, 5, 16), (2, 3, 8))
        >>> out, (h_n, c_n) = LSTM(4, 8, num_layers=2, proj_size=3)(torch.randn(3, 5, 4))
        >>> tuple(out.shape), tuple(h_n.shape), tuple(c_n.shape)
        ((3, 5, 3), (2, 3, 3), (2, 3, 8))
    """

    cell_class = LSTMCell

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = True,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        **options: Any,
    ) -> None:
        """torch.nn.LSTM's positional arguments (``proj_size`` eighth); the keyword ``options`` are
        :class:`~rnnkit.layers.RecurrentStack`'s (``backend``, ``recurrent_dropout``, ``device``,
        ``dtype``) and the cell's ``forget_bias``."""
        check_proj_size(type(self).__name__, proj_size, hidden_size)
        args = (input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)
        super().__init__(*args, proj_size=proj_size, **options)


class GRU(RecurrentStack):
    """GRU layers with update and reset gates (see :class:`~rnnkit.cells.GRUCell`).

    Shapes:
        x ``(B, T, D)``; lengths ``(B,)``; h_0 and h_n ``(L*K, B, H)``; output ``(B, T, K*H)``.
        ``batch_first`` defaults to True, unlike torch.nn.

    Example:
        >>> import torch
        >>> gru = GRU(4, 8, num_layers=3, dropout=0.1)
        >>> out, h_n = gru(torch.randn(3, 5, 4))
        >>> tuple(h_n.shape)
        (3, 3, 8)
    """

    cell_class = GRUCell


class LayerNormLSTM(RecurrentStack):
    """Layer-normalised LSTM layers, loop backend (see :class:`~rnnkit.cells.LayerNormLSTMCell`).

    Shapes:
        as :class:`LSTM`.

    Example:
        >>> import torch
        >>> out, (h_n, c_n) = LayerNormLSTM(4, 8)(torch.randn(3, 5, 4))
        >>> tuple(out.shape)
        (3, 5, 8)
    """

    cell_class = LayerNormLSTMCell


class LayerNormGRU(RecurrentStack):
    """Layer-normalised GRU layers, loop backend (see :class:`~rnnkit.cells.LayerNormGRUCell`).

    Shapes:
        as :class:`GRU`.

    Example:
        >>> import torch
        >>> out, h_n = LayerNormGRU(4, 8, recurrent_dropout=0.25)(torch.randn(3, 5, 4))
        >>> tuple(h_n.shape)
        (1, 3, 8)
    """

    cell_class = LayerNormGRUCell


class MinGRU(RecurrentStack):
    """minGRU layers (Feng et al. 2024), computed by a scan (see :class:`~rnnkit.cells.MinGRUCell`).

    No gate reads h_(t-1), so ``backend="auto"`` (or ``"scan"``) computes every step at once
    (:mod:`rnnkit.layers.scan`); ``"loop"`` steps the same equations one by one, and ``step`` streams.
    Parameters per layer-direction: ``weight_ih_l{k}`` ``(2H, D)``, ``bias_ih_l{k}`` ``(2H,)``.

    Shapes:
        as :class:`GRU`.

    Example:
        >>> import torch
        >>> layer = MinGRU(4, 8, bidirectional=True)
        >>> out, h_n = layer(torch.randn(3, 5, 4), lengths=torch.tensor([5, 2, 1]))
        >>> tuple(out.shape), tuple(h_n.shape), layer.resolve_backend()
        ((3, 5, 16), (2, 3, 8), 'scan')
    """

    cell_class = MinGRUCell


class MinLSTM(RecurrentStack):
    """minLSTM layers (Feng et al. 2024), computed by a scan (see :class:`~rnnkit.cells.MinLSTMCell`).

    The state is h alone (no cell state), so ``state`` and ``h_n`` are single tensors, as a GRU's.
    Parameters per layer-direction: ``weight_ih_l{k}`` ``(3H, D)``, ``bias_ih_l{k}`` ``(3H,)``.

    Shapes:
        as :class:`GRU`.

    Example:
        >>> import torch
        >>> out, h_n = MinLSTM(4, 8, num_layers=2)(torch.randn(3, 5, 4))
        >>> tuple(out.shape), tuple(h_n.shape)
        ((3, 5, 8), (2, 3, 8))
    """

    cell_class = MinLSTMCell
