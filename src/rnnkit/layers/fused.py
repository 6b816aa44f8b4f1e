"""The fast path: PyTorch's own fused recurrent kernels (cuDNN on GPU, native/oneDNN on CPU).

``why_not(...)`` says, in words, why a configuration cannot use them (or None when it can); the
layers use it for ``backend="auto"`` and to explain a refused ``backend="fused"``. The kernels read
parameters in torch.nn's layout, which is rnnkit's layout, so nothing is copied or permuted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from ..cells.base import RecurrentCell
from ..cells.elman import ElmanCell
from ..cells.gru import GRUCell
from ..cells.lstm import LSTMCell
from .masking import Padding, reverse_padded
from .stacking import run_stack

_CPU_DTYPES = (torch.float32, torch.float64)
_CUDA_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def kernel_mode(cell: RecurrentCell) -> str | None:
    """The fused kernel that computes exactly this cell's equations, or None.

    Exact types only: a subclass (say a layer-normalised LSTM) changes the maths.
    """
    if type(cell) is LSTMCell:
        return "LSTM"
    if type(cell) is GRUCell:
        return "GRU"
    if type(cell) is ElmanCell:
        return "RNN_TANH" if cell.nonlinearity == "tanh" else "RNN_RELU"
    return None


def why_not(
    cell: RecurrentCell,
    *,
    recurrent_dropout: float = 0.0,
    training: bool = False,
    dtype: torch.dtype | None = None,
    device: torch.device | None = None,
) -> str | None:
    """Why this configuration cannot run on the fused kernels; None when it can.

    Example:
        >>> from rnnkit.cells import LayerNormLSTMCell, LSTMCell
        >>> why_not(LSTMCell(2, 3)) is None
        True
        >>> why_not(LayerNormLSTMCell(2, 3))
        'PyTorch has no fused kernel for LayerNormLSTMCell'
    """
    if kernel_mode(cell) is None:
        return f"PyTorch has no fused kernel for {type(cell).__name__}"
    if recurrent_dropout > 0 and training:
        return (
            f"recurrent_dropout={recurrent_dropout} masks h_(t-1) inside the step, which the fused "
            "kernels cannot do (it is inactive in eval mode, where fused runs)"
        )
    if dtype is not None and device is not None:
        allowed = _CUDA_DTYPES if device.type == "cuda" else _CPU_DTYPES
        if dtype not in allowed:
            return f"the fused kernels on {device.type} do not take {dtype}"
    return None


Kernel = Callable[..., tuple[Tensor, ...]]
"""``torch.lstm`` / ``torch.gru`` / ``torch.rnn_tanh`` / ``torch.rnn_relu``: (output, *final states)."""

_KERNELS: dict[str, Kernel] = {
    "LSTM": torch.lstm,
    "GRU": torch.gru,
    "RNN_TANH": torch.rnn_tanh,
    "RNN_RELU": torch.rnn_relu,
}


def ragged_strategy(mode: str, device: torch.device, needs_grad: bool) -> str:
    """How :func:`run_fused` runs a ragged batch: ``"padded"`` (the padded kernel layer by layer, see
    :func:`_run_ragged_layerwise`) for single-state cells on the CPU when autograd will need the
    backward, else ``"packed"``.

    On the CPU the packed kernels' backward is what is slow (a training step of a ragged BiGRU runs
    several times faster padded); their forward alone beats the padded kernel, since it skips the
    padding. ``bench/layers.py --ragged`` measures both; docs/benchmarks.md records a run.

    Example:
        >>> cpu = torch.device("cpu")
        >>> [ragged_strategy(m, cpu, g) for m, g in (("GRU", True), ("GRU", False), ("LSTM", True))]
        ['padded', 'packed', 'packed']
    """
    return "padded" if needs_grad and mode != "LSTM" and device.type == "cpu" else "packed"


def run_fused(
    mode: str,
    x: Tensor,
    state: tuple[Tensor, ...],
    flat_weights: list[Tensor],
    *,
    bias: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    padding: Padding | None = None,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """Run the whole stack in one fused call.

    Ragged batches are packed (``pack_padded_sequence``, with the CPU lengths) so each sequence stops
    at its own length; the output is padded back with zeros and the final state put back in batch
    order. On the CPU, single-state cells skip packing while autograd records (see
    :func:`ragged_strategy`).

    An LSTM with projections (``weight_hr`` after each layer-direction's tensors in
    ``flat_weights``, h of P features) runs on the same ``torch.lstm``, which tells it by h and c
    differing in size.

    Shapes:
        x ``(B, T, D)`` batch first; state: tuple of ``(L*K, B, H)`` (h ``(L*K, B, P)`` with a
        projection); padding for ``(B, T)``. Returns output ``(B, T, K*H)`` (``K*P``) and the final
        state in the form of ``state``.
    """
    kernel = _KERNELS[mode]
    lstm = mode == "LSTM"
    needs_grad = torch.is_grad_enabled() and (x.requires_grad or any(w.requires_grad for w in flat_weights))
    if padding is not None and ragged_strategy(mode, x.device, needs_grad) == "padded":
        return _run_ragged_layerwise(
            kernel, x, state[0], flat_weights, bias, num_layers, dropout, training, bidirectional, padding
        )
    hx: Tensor | tuple[Tensor, ...] = state if lstm else state[0]
    if padding is None:
        result = kernel(x, hx, flat_weights, bias, num_layers, dropout, training, bidirectional, True)
        return result[0], tuple(result[1:])
    T = x.shape[1]
    packed = pack_padded_sequence(x, padding.lengths, batch_first=True, enforce_sorted=False)
    order, restore = packed.sorted_indices, packed.unsorted_indices
    if order is None or restore is None:  # enforce_sorted=False always sets both
        raise RuntimeError("pack_padded_sequence returned no sort order; this is a bug in rnnkit.")
    hx = tuple(s.index_select(1, order) for s in state) if lstm else state[0].index_select(1, order)
    result = kernel(
        packed.data, packed.batch_sizes, hx, flat_weights, bias, num_layers, dropout, training,
        bidirectional,
    )  # fmt: skip
    packed_out = PackedSequence(result[0], packed.batch_sizes, order, restore)
    output, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=T)  # (B, T, K*H)
    return output, tuple(s.index_select(1, restore) for s in result[1:])


def _run_ragged_layerwise(
    kernel: Kernel,
    x: Tensor,
    h0: Tensor,
    flat_weights: list[Tensor],
    bias: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    padding: Padding,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """Ragged batches for single-state cells (Elman, GRU) on the CPU, without packing.

    PyTorch's packed-sequence kernels train several times slower than its padded ones on the CPU
    (``bench/layers.py --ragged`` measures it), so each layer-direction runs the padded kernel
    instead. That is exact here: a state-only cell's output at step t depends only on steps before t,
    so outputs before each length are right; the state at the last real step is the output there;
    and the reverse direction reads each sequence reversed within its own length.
    """
    lengths = padding.device_lengths  # (B,)
    index = (lengths - 1).view(-1, 1, 1)  # (B, 1, 1): each sequence's last real step
    real = padding.mask.unsqueeze(-1)  # (B, T, 1)
    per_direction = 4 if bias else 2
    directions = 2 if bidirectional else 1

    def run_direction(k: int, d: int, layer_input: Tensor) -> tuple[Tensor, tuple[Tensor, ...]]:
        first = (k * directions + d) * per_direction
        weights = flat_weights[first : first + per_direction]
        source = layer_input if d == 0 else reverse_padded(layer_input, lengths)
        h = h0[k * directions + d].unsqueeze(0)  # (1, B, H)
        out = kernel(source, h, weights, bias, 1, 0.0, training, False, True)[0]  # (B, T, H)
        out = torch.where(real, out, 0.0)
        final = out.gather(1, index.expand(-1, 1, out.shape[2])).squeeze(1)  # (B, H)
        return (out if d == 0 else reverse_padded(out, lengths)), (final,)

    return run_stack(
        x, run_direction, num_layers=num_layers, num_directions=directions, dropout=dropout, training=training
    )


def flatten_weights_for_cudnn(
    flat_weights: Sequence[Tensor | None],
    mode: str,
    *,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    bidirectional: bool,
    bias: bool,
    proj_size: int = 0,
) -> None:
    """Make the weights views into one contiguous cuDNN buffer, in place (GPU only; else a no-op).

    cuDNN reads all weights from one buffer; without this every call copies them there (and
    PyTorch warns). Skipped when a weight is missing (deleted), when they are not all on a
    cuDNN-capable GPU in one dtype, or when two of them share storage.
    """
    if not flat_weights or not torch.backends.cudnn.is_available():
        return
    weights = [w for w in flat_weights if isinstance(w, Tensor)]
    if len(weights) != len(flat_weights):
        return
    first = weights[0]
    if any(
        not w.is_cuda or w.dtype != first.dtype or not torch.backends.cudnn.is_acceptable(w) for w in weights
    ):
        return
    if len({w.data_ptr() for w in weights}) != len(weights):
        return
    if not torch._use_cudnn_rnn_flatten_weight():
        return
    from torch.backends.cudnn import rnn as cudnn_rnn

    with torch.cuda.device_of(first), torch.no_grad():
        torch._cudnn_rnn_flatten_weight(
            weights,
            (4 if bias else 2) + (1 if proj_size else 0),  # tensors per layer-direction
            input_size,
            cudnn_rnn.get_cudnn_mode(mode),
            hidden_size,
            proj_size,
            num_layers,
            True,  # batch_first
            bidirectional,
        )
