"""Weight drop: DropConnect on a recurrent layer's hidden-to-hidden weights (Wan et al. 2013, as used
by AWD-LSTM, Merity et al. 2017).

Equations::

    M ~ Bernoulli(1 - p) entrywise, the shape of W_hh (one draw per forward call: per batch)
    W_hh' = W_hh ⊙ M / (1 - p)
    h_t = cell(x_t, h_{t-1}; W_ih, W_hh', b)      for every t of the batch, with the same W_hh'

The mask is applied to the weight once, before the layer runs, so the layer still runs as one fused
kernel over the whole sequence (PyTorch's native LSTM/GRU on CPU, cuDNN on GPU): nothing happens per
step. The dropped weight is passed with :func:`torch.func.functional_call`; the stored parameter is
never modified, and its gradient is the masked gradient ``M / (1 - p) ⊙ dL/dW_hh'``. In eval mode the
layer runs with ``W_hh`` itself.

Example:
    >>> import torch
    >>> from rnnkit.layers import LSTM
    >>> layer = WeightDrop(LSTM(3, 4, batch_first=True), p=0.5)
    >>> before = layer.rnn.weight_hh_l0.detach().clone()
    >>> out, _ = layer(torch.randn(2, 5, 3))
    >>> tuple(out.shape), torch.equal(layer.rnn.weight_hh_l0, before)
    ((2, 5, 4), True)
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn
from torch.func import functional_call
from torch.nn import functional as F

from .variational_dropout import check_p


class WeightDrop(nn.Module):
    """A recurrent layer whose ``weight_hh*`` parameters are dropped out, one mask per forward call.

    Args:
        rnn: a recurrent stack (rnnkit's or torch.nn's layout: parameters named ``weight_hh_l{k}``).
        p: the drop probability of each weight entry, in [0, 1).

    Shapes:
        as ``rnn``: ``forward(x (B, T, D), state) -> (output (B, T, H), state)``; ``step`` likewise.
    """

    def __init__(self, rnn: nn.Module, p: float) -> None:
        super().__init__()
        check_p("WeightDrop", p)
        self.rnn = rnn
        self.p = p
        self.names = [name for name, _ in rnn.named_parameters() if name.startswith("weight_hh")]
        if not self.names:
            raise ValueError(f"WeightDrop: {type(rnn).__name__} has no weight_hh* parameters to drop.")

    def dropped_weights(self) -> dict[str, Tensor]:
        """A fresh DropConnect draw of every hidden-to-hidden weight (training only)."""
        return {name: F.dropout(getattr(self.rnn, name), self.p, training=True) for name in self.names}

    def forward(self, x: Tensor, state: Any = None) -> tuple[Tensor, Any]:
        if not self.training or self.p == 0.0:
            return self.rnn(x, state)
        output: tuple[Tensor, Any] = functional_call(self.rnn, self.dropped_weights(), (x, state))
        return output

    def step(self, x_t: Tensor, state: Any = None) -> tuple[Tensor, Any]:
        """One step with the stored weights (for generation, in eval mode; training runs ``forward``)."""
        step: Any = self.rnn.step  # a recurrent stack's streaming step
        output: tuple[Tensor, Any] = step(x_t, state)
        return output

    def extra_repr(self) -> str:
        return f"p={self.p}, weights={self.names}"
