"""Cells stacked in layers and directions: the machinery behind ``rnnkit.RNN``, ``LSTM`` and ``GRU``."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from ..cells.base import RecurrentCell, takes_h_mask
from ..cells.linear_recurrence import LinearRecurrenceCell
from . import bptt, fused
from .errors import ShapeError
from .masking import LengthsArg, Padding, pack_like, padding_for
from .recurrent import run_over_time
from .scan import SCAN_METHODS, scan_over_time
from .stacking import run_stack
from .validation import check_bool, check_count, check_probability, check_sequence, check_state
from .weight_lists import WeightLists, flat_weight_names

BACKENDS = ("auto", "bptt", "fused", "loop", "scan")
StateArg = Tensor | tuple[Tensor, ...]


class RecurrentStack(WeightLists):
    """``num_layers`` layers of a cell, each one or two directions, with torch.nn's interface.

    Subclasses set ``cell_class``, any :class:`~rnnkit.cells.RecurrentCell` (a new cell too:
    ``class MyLayer(RecurrentStack): cell_class = MyCell`` stacks it, on the ``loop`` backend).
    Parameters are registered under torch.nn's names
    (``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``, and
    ``..._reverse`` for the backward direction; extra cell parameters follow the same pattern, e.g.
    ``ln_ih_weight_l0``), so ``load_state_dict`` works both ways with torch.nn.

    Layer k > 0 reads the concatenated outputs of both directions of layer k - 1 (``K*H``
    features; ``K*P`` for an LSTM with ``proj_size=P``). Dropout with probability ``dropout`` is
    applied to the outputs of every layer but the last, in training only.

    As torch.nn's layers, a stack has ``mode``, ``proj_size``, ``all_weights``, ``_flat_weights``
    and ``_flat_weights_names`` (see :mod:`rnnkit.layers.weight_lists`). Wrong argument types and
    shapes raise errors that are both what torch.nn raises and what rnnkit raised (ValueError), see
    :mod:`rnnkit.layers.errors`.

    Backends: ``"fused"`` runs PyTorch's fused kernels; ``"bptt"`` runs each layer-direction as one
    autograd node with the cell's hand-written derivatives (:mod:`rnnkit.layers.bptt`: Elman, LSTM,
    GRU and the layer-norm cells, with lengths and recurrent dropout); ``"scan"`` computes a
    linear-recurrence cell (minGRU, minLSTM: :mod:`rnnkit.layers.scan`) over all steps at once;
    ``"loop"`` steps the cell's equations in Python under autograd (readable; the path for any new
    cell). ``"auto"`` takes ``"fused"`` whenever :func:`rnnkit.layers.fused.why_not` allows, else
    ``"scan"`` for the cells that have it, else ``"loop"``. All give the same results. ``scan_method``
    says how the scan solves the recurrence (:data:`rnnkit.layers.scan.SCAN_METHODS`; ``auto`` by
    device).
    """

    cell_class: ClassVar[type[RecurrentCell]]

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = True,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        backend: str = "auto",
        recurrent_dropout: float = 0.0,
        scan_method: str = "auto",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        **cell_options: object,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = check_count(name, "input_size", input_size, 32)
        self.hidden_size = check_count(name, "hidden_size", hidden_size, 32)
        self.num_layers = check_count(name, "num_layers", num_layers, 1)
        self.bias = check_bool(name, "bias", bias)
        self.batch_first = check_bool(name, "batch_first", batch_first)
        self.bidirectional = check_bool(name, "bidirectional", bidirectional)
        self.dropout = check_probability(name, "dropout", dropout, one_allowed=True)
        self.recurrent_dropout = check_probability(
            name, "recurrent_dropout", recurrent_dropout, one_allowed=False
        )
        if backend not in BACKENDS:
            raise ValueError(f"{name}: backend must be one of {BACKENDS}, got {backend!r}.")
        if scan_method not in SCAN_METHODS:
            raise ValueError(f"{name}: scan_method must be one of {SCAN_METHODS}, got {scan_method!r}.")
        self.scan_method = scan_method
        self.num_directions = 2 if bidirectional else 1
        # The cells hold the maths, not the parameters (a plain list keeps them out of state_dict).
        # Layer k > 0 reads both directions of layer k - 1: K * (its h_t's features).
        self._cells: list[RecurrentCell] = []
        for _ in range(num_layers):
            features = self._cells[-1].output_size * self.num_directions if self._cells else input_size
            self._cells.append(
                self.cell_class(features, hidden_size, bias, own_parameters=False, **cell_options)
            )
        # torch.nn's RNN and GRU have proj_size = 0 too; only an LSTM cell projects h_t.
        self.proj_size: int = getattr(self._cells[0], "proj_size", 0)
        if self.recurrent_dropout and not takes_h_mask(self._cells[0].recur):
            raise ValueError(
                f"{name}: recurrent_dropout={recurrent_dropout} needs a cell whose recur takes h_mask, "
                f"and {self.cell_class.__name__}.recur does not. Give it a parameter "
                "'h_mask: Tensor | None = None' that multiplies h_(t-1) in the recurrent products, "
                "or set recurrent_dropout=0."
            )
        self._param_names: list[list[dict[str, str]]] = []  # [layer][direction] cell name -> ours
        for k, cell in enumerate(self._cells):
            directions = []
            for d in range(self.num_directions):
                suffix = f"_l{k}" + ("_reverse" if d == 1 else "")
                names = {}
                for pname, shape in cell.parameter_shapes().items():
                    weight = torch.empty(shape, device=device, dtype=dtype)
                    self.register_parameter(pname + suffix, nn.Parameter(weight))
                    names[pname] = pname + suffix
                directions.append(names)
            self._param_names.append(directions)
        self._all_weights = [list(names.values()) for layer in self._param_names for names in layer]
        self._flat_weights_names = flat_weight_names(self._param_names)
        self.backend = backend
        if backend == "fused":
            self._require_fused(None)
        if backend == "bptt":
            self._require_bptt()
        if backend == "scan" and not self.scans:
            raise ValueError(
                f"{name}: backend='scan' needs a linear-recurrence cell (minGRU, minLSTM), and "
                f"{self.cell_class.__name__} reads h_(t-1) in its gates. Use backend='auto' or 'loop'."
            )
        self.reset_parameters()

    # -- parameters --------------------------------------------------------------------------------

    @property
    def cell(self) -> RecurrentCell:
        """The first layer's cell (its maths and options; the parameters live on this module)."""
        return self._cells[0]

    @property
    def mode(self) -> str:
        """torch.nn's mode (``"LSTM"``, ``"GRU"``, ``"RNN_TANH"``, ``"RNN_RELU"``) where a fused kernel
        computes this layer; else the layer's class name (``"LayerNormLSTM"``)."""
        return fused.kernel_mode(self.cell) or type(self).__name__

    def layer_parameters(self, layer: int, direction: int = 0) -> dict[str, Tensor]:
        """One layer-direction's parameters under the cell's names (``weight_ih``, ...)."""
        names = self._param_names[layer][direction]
        return {cell_name: getattr(self, ours) for cell_name, ours in names.items()}

    @property
    def param_dtype(self) -> torch.dtype:
        """The dtype of the parameters (inputs and states must match it)."""
        return self.layer_parameters(0)["weight_ih"].dtype

    def reset_parameters(self) -> None:
        """Xavier-uniform input weights, orthogonal recurrent weights, zero biases (see the cells)."""
        for k, cell in enumerate(self._cells):
            for d in range(self.num_directions):
                cell.init_parameters(self.layer_parameters(k, d))

    def _kernel_weights(self) -> list[Tensor]:
        """``_flat_weights`` for a fused kernel, each one there."""
        weights = self._flat_weights
        for name, weight in zip(self._flat_weights_names, weights, strict=True):
            if weight is None:
                raise AttributeError(
                    f"{type(self).__name__}: {name} was deleted; assign it again (layer.{name} = ...) "
                    "before running the layer."
                )
        return weights  # type: ignore[return-value]  # no None, checked above

    def flatten_parameters(self) -> None:
        """On a GPU, pack the weights into one cuDNN buffer (as torch.nn does); elsewhere a no-op."""
        mode = fused.kernel_mode(self.cell)
        if mode is not None:
            fused.flatten_weights_for_cudnn(
                self._flat_weights,
                mode,
                input_size=self.input_size,
                hidden_size=self.hidden_size,
                num_layers=self.num_layers,
                bidirectional=self.bidirectional,
                bias=self.bias,
                proj_size=self.proj_size,
            )

    def _apply(self, fn, recurse=True):  # noqa: ANN001 - torch.nn.Module's signature
        result = super()._apply(fn, recurse)
        self.flatten_parameters()  # moving to a GPU is when the buffer can be built
        return result

    # -- backends ----------------------------------------------------------------------------------

    def why_not_fused(self, x: Tensor | None = None) -> str | None:
        """Why the fused kernels cannot run this layer now (None when they can)."""
        return fused.why_not(
            self.cell,
            recurrent_dropout=self.recurrent_dropout,
            training=self.training,
            dtype=None if x is None else x.dtype,
            device=None if x is None else x.device,
        )

    def _require_fused(self, x: Tensor | None) -> None:
        reason = self.why_not_fused(x)
        if reason is not None:
            raise ValueError(
                f"{type(self).__name__}: backend='fused' cannot run this configuration: {reason}. "
                f"Use backend='auto' (fused where possible, loop otherwise) or backend='loop'."
            )

    def why_not_bptt(self) -> str | None:
        """Why the hand-written BPTT (:mod:`rnnkit.layers.bptt`) cannot run this layer (None when it can)."""
        return bptt.why_not(self.cell)

    def _require_bptt(self) -> None:
        reason = self.why_not_bptt()
        if reason is not None:
            raise ValueError(
                f"{type(self).__name__}: backend='bptt' cannot run this configuration: {reason}. "
                "Use backend='auto' or backend='loop'."
            )

    @property
    def scans(self) -> bool:
        """Whether this layer's cell is a linear recurrence that the ``scan`` backend can run."""
        return isinstance(self.cell, LinearRecurrenceCell)

    def resolve_backend(self, x: Tensor | None = None) -> str:
        """``"fused"``, ``"bptt"``, ``"scan"`` or ``"loop"``: what ``forward`` will run for this input."""
        if self.backend == "fused":
            self._require_fused(x)
            return "fused"
        if self.backend == "bptt":
            self._require_bptt()
            return "bptt"
        if self.backend == "auto" and self.why_not_fused(x) is None:
            return "fused"
        if self.backend in ("auto", "scan") and self.scans:
            return "scan"
        # auto does not take "bptt" yet: backends are chosen by measurement, and bptt has only been
        # timed on a busy machine so far (docs/design.md, 2026-12-07), not on an idle one.
        return "loop"

    # -- forward -----------------------------------------------------------------------------------

    def forward(
        self,
        x: Tensor | PackedSequence,
        state: StateArg | None = None,
        lengths: LengthsArg | None = None,
    ) -> tuple[Tensor | PackedSequence, StateArg]:
        """Run the stack over a batch of sequences.

        Args:
            x: ``(B, T, D)`` if ``batch_first`` (the default) else ``(T, B, D)``; ``(T, D)`` for one
                unbatched sequence; or a ``PackedSequence`` (as torch.nn accepts).
            state: the initial state: ``h_0`` ``(L*K, B, H)`` for RNN/GRU, ``(h_0, c_0)`` for LSTM
                (``h_0`` ``(L*K, B, P)`` with ``proj_size=P``); zeros when None.
            lengths: ``(B,)`` true length of each sequence (any device; the layer keeps a CPU copy for
                packing), or the :class:`~rnnkit.layers.masking.Padding` a model built for this
                batch (so the mask is built once). Outputs past a sequence's length are zero, and the
                final state is taken at its own last step (for the reverse direction, after reading
                the whole real sequence). No manual packing needed.

        Returns:
            ``(output, state_n)``: output ``(B, T, K*H)`` (the last layer's hidden states, both
            directions concatenated; ``K*P`` with ``proj_size=P``) and the final state in the same
            form as ``state``. A PackedSequence in gives a PackedSequence out, with the input's batch
            sizes and sort indices (None where the input's are None), as torch.nn's.
        """
        name = type(self).__name__
        if isinstance(x, PackedSequence):
            if lengths is not None:
                raise ValueError(f"{name}: pass either a PackedSequence or lengths, not both.")
            padded, packed_lengths = pad_packed_sequence(x, batch_first=True)  # (B, T, D)
            padded = check_sequence(name, padded, self.input_size, self.param_dtype)
            out, state_n = self._forward_batch_first(padded, state, packed_lengths)
            return pack_like(out, packed_lengths, x), state_n
        x = check_sequence(name, x, self.input_size, self.param_dtype)
        if x.dim() == 2:  # one unbatched sequence (T, D), as torch.nn accepts
            if lengths is not None:
                raise ValueError(f"{name}: lengths needs a batch; x is unbatched {tuple(x.shape)}.")
            unbatched_state = None if state is None else _map_state(state, lambda s: s.unsqueeze(1))
            out, state_n = self._forward_batch_first(x.unsqueeze(0), unbatched_state, None)
            return out.squeeze(0), _map_state(state_n, lambda s: s.squeeze(1))
        if not self.batch_first:
            x = x.transpose(0, 1)  # (T, B, D) -> (B, T, D)
        out, state_n = self._forward_batch_first(x, state, lengths)
        return (out if self.batch_first else out.transpose(0, 1)), state_n

    def _forward_batch_first(
        self, x: Tensor, state: StateArg | None, lengths: LengthsArg | None
    ) -> tuple[Tensor, StateArg]:
        name = type(self).__name__
        B, T, _ = x.shape
        if T == 0:
            raise ShapeError(
                f"{name}: x has an empty time axis (shape {tuple(x.shape)} batch first): expected "
                "sequence length to be larger than 0. Drop empty sequences before the layer."
            )
        LK = self.num_layers * self.num_directions
        shapes = tuple((LK, B, size) for size in self.cell.state_size)
        if state is None:
            states = tuple(x.new_zeros(shape) for shape in shapes)
        else:
            features = [
                "proj_size" if self.proj_size and i == 0 else "hidden_size" for i in range(len(shapes))
            ]
            layouts = tuple(f"num_layers * num_directions, batch, {f}" for f in features)
            states = check_state(name, state, self.cell.state_names, shapes, x.dtype, layouts)
        padding = padding_for(name, lengths, B, T, x.device)
        if padding is not None and padding.full:
            padding = None  # every sequence is full length: nothing to mask
        mode, backend = fused.kernel_mode(self.cell), self.resolve_backend(x)
        if backend == "fused" and mode is not None:  # (fused implies a mode)
            out, final = fused.run_fused(
                mode,
                x,
                states,
                self._kernel_weights(),
                bias=self.bias,
                num_layers=self.num_layers,
                dropout=self.dropout,
                training=self.training,
                bidirectional=self.bidirectional,
                padding=padding,
            )
        else:  # one step goes through the cell's own recur: the scan has nothing to parallelise
            out, final = self._run_loop(
                x, states, padding, "loop" if backend == "scan" and T == 1 else backend
            )
        return out, (final[0] if len(final) == 1 else final)

    def _run_loop(
        self, x: Tensor, states: tuple[Tensor, ...], padding: Padding | None, backend: str = "loop"
    ) -> tuple[Tensor, tuple[Tensor, ...]]:
        """Each layer-direction a cell stepped over time (``loop``: autograd records every step;
        ``bptt``: one node with the cell's hand-written derivatives; ``scan``: all steps at once),
        in :func:`~rnnkit.layers.stacking.run_stack`."""
        mask = None if padding is None else padding.mask  # (B, T)

        def run_direction(k: int, d: int, layer_input: Tensor) -> tuple[Tensor, tuple[Tensor, ...]]:
            cell, params = self._cells[k], self.layer_parameters(k, d)
            x_proj = cell.project_input(layer_input, params)  # (B, T, G*H)
            initial = tuple(s[k * self.num_directions + d] for s in states)  # each (B, H)
            if backend == "scan" and isinstance(cell, LinearRecurrenceCell):
                return scan_over_time(
                    cell, x_proj, initial, params, mask, d == 1, method=self.scan_method
                )  # (B, T, H)
            h_mask = self._recurrent_dropout_mask(initial[0])
            if backend == "bptt":
                return bptt.bptt_over_time(cell, x_proj, initial, params, mask, d == 1, h_mask)
            return run_over_time(cell, x_proj, initial, params, mask, d == 1, h_mask)  # (B, T, H)

        return run_stack(
            x,
            run_direction,
            num_layers=self.num_layers,
            num_directions=self.num_directions,
            dropout=self.dropout,
            training=self.training,
        )

    def _recurrent_dropout_mask(self, h: Tensor) -> Tensor | None:
        """Variational dropout (Gal & Ghahramani 2016): one mask on h_(t-1), the same at every step."""
        if not (self.training and self.recurrent_dropout):
            return None
        keep = 1.0 - self.recurrent_dropout
        return torch.bernoulli(torch.full_like(h, keep)) / keep  # (B, H)

    def step(self, x_t: Tensor, state: StateArg | None = None) -> tuple[Tensor, StateArg]:
        """One time step, for streaming inference: feed inputs as they arrive.

        ``step`` over a sequence gives the same outputs and final state as ``forward`` over it.
        Unidirectional only (the reverse direction needs the future).

        Shapes:
            x_t ``(B, D)``; state as in :meth:`forward`. Returns output ``(B, H)`` (``(B, P)`` with
            ``proj_size=P``) and the new state.
        """
        if self.bidirectional:
            raise ValueError(
                f"{type(self).__name__}.step: a bidirectional layer cannot stream, because its "
                "reverse direction reads the sequence from the end. Use forward() on whole sequences."
            )
        if not isinstance(x_t, Tensor) or x_t.dim() != 2:
            shape = tuple(x_t.shape) if isinstance(x_t, Tensor) else type(x_t).__name__
            raise ValueError(
                f"{type(self).__name__}.step: x_t must be (batch, {self.input_size}), got {shape}. "
                "For whole sequences use forward()."
            )
        x = check_sequence(f"{type(self).__name__}.step", x_t, self.input_size, self.param_dtype)
        out, state_n = self._forward_batch_first(x.unsqueeze(1), state, None)  # (B, 1, K*H)
        return out[:, 0], state_n

    def extra_repr(self) -> str:
        parts = [f"{self.input_size}, {self.hidden_size}"]
        if self.num_layers != 1:
            parts.append(f"num_layers={self.num_layers}")
        if not self.bias:
            parts.append("bias=False")
        if not self.batch_first:
            parts.append("batch_first=False")
        if self.dropout:
            parts.append(f"dropout={self.dropout}")
        if self.bidirectional:
            parts.append("bidirectional=True")
        if self.proj_size:
            parts.append(f"proj_size={self.proj_size}")
        if self.recurrent_dropout:
            parts.append(f"recurrent_dropout={self.recurrent_dropout}")
        if self.backend != "auto":
            parts.append(f"backend={self.backend!r}")
        return ", ".join(parts)


def _map_state(state: StateArg, fn: Callable[[Tensor], Tensor]) -> StateArg:
    return tuple(fn(s) for s in state) if isinstance(state, tuple) else fn(state)
