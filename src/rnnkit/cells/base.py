"""The cell contract: what one time step of a recurrent network must provide.

A cell computes one step, ``state_t = f(x_t, state_{t-1})``, and nothing else: running it over time,
masking padded steps, stacking layers and reversing directions belong to ``rnnkit.layers``.

The step is split in two because the input half does not depend on time order:

1. ``project_input(x, params)``: the input-to-hidden products ``W_x* x + b`` for *every* step at once,
   one large matrix multiply over ``(batch, time, features)`` instead of ``time`` small ones;
2. ``recur(x_proj_t, state, params) -> state``: the part that must wait for ``state_{t-1}``.

Parameters are passed in explicitly (a mapping of names to tensors) so that a layer can own them
under torch.nn's names (``weight_ih_l0``, ``weight_hh_l1_reverse``, ...) while the cell supplies the
maths. A standalone cell owns its own parameters, named like torch.nn.LSTMCell's (``weight_ih``, ...),
and ``forward(x_t, state)`` runs one step with them.

Adding a cell is one new file: subclass :class:`RecurrentCell`, set ``num_gates`` and
``state_names``, and write ``recur`` (and ``parameter_shapes``/``project_input`` if the cell has more
than the four standard tensors). Those three arguments are the whole contract: every layer calls
``recur(x_proj_t, state, params)``.

Recurrent (variational) dropout is an optional extra: a cell that supports it gives ``recur`` a
fourth parameter ``h_mask: Tensor | None = None`` and multiplies ``h_{t-1}`` by it in its recurrent
products (not in the state it carries on). Layers pass ``h_mask=`` only when the mask is active, and
refuse ``recurrent_dropout > 0`` for a cell whose ``recur`` has no ``h_mask`` (see
:func:`takes_h_mask`).

Hand-written backpropagation through time (the ``bptt`` backend, :mod:`rnnkit.layers.bptt`) is
another optional extra. The layer does the recurrent product ``rec_t = W_hh h_in_{t-1}`` itself (plus
``bptt_recurrent_bias`` when the cell names one) and the weight gradients of all steps in one matrix
product; the cell gives the rest of its step and that part's derivatives:

- ``bptt_step(x_proj_t, rec_t, state, params) -> (state_t, saved)``: ``recur``'s maths from the
  recurrent product on, with what the backward needs;
- ``bptt_step_backward(saved, d_state_t, params) -> StepGradients``: the gradients of that step.

A cell has the backend only where the class that defines ``bptt_step`` also defines ``recur``, so a
subclass that changes the equations does not inherit derivatives of the old ones (see
:meth:`RecurrentCell.why_not_bptt`).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import ClassVar, NamedTuple, Protocol, TypeGuard

import torch
from torch import Tensor, nn

State = tuple[Tensor, ...]
"""A cell state: ``(h,)`` for Elman and GRU cells, ``(h, c)`` for LSTM cells; each ``(batch, hidden)``."""

Params = Mapping[str, Tensor]
"""A cell's parameters by the cell's own names (``weight_ih``, ``weight_hh``, ``bias_ih``, ...)."""

Recurrence = Callable[[Tensor, State, Params], State]
"""``recur(x_proj_t, state, params) -> state``: one step, as every layer calls it."""

Saved = tuple[Tensor, ...]
"""What ``bptt_step`` keeps of one step for its backward."""


class StepGradients(NamedTuple):
    """The gradients of one step's loss with respect to its inputs, from ``bptt_step_backward``.

    Fields:
        x_proj: ``(B, G*H)``, with respect to the projected input ``x_proj_t``.
        rec: ``(B, G*H)``, with respect to the recurrent product ``rec_t``; None when it equals
            ``x_proj`` (cells whose step adds the two, Elman and LSTM).
        state: with respect to ``state_{t-1}`` along the paths that do not go through ``rec_t``
            (the LSTM's ``f_t ⊙ c_{t-1}``, the GRU's ``z_t ⊙ h_{t-1}``), one tensor per state entry
            (None for zero: the Elman cell reads h_{t-1} only in the product).
        params: with respect to the parameters the step reads itself (``bptt_step_parameters``),
            summed over the batch.
    """

    x_proj: Tensor
    rec: Tensor | None
    state: tuple[Tensor | None, ...]
    params: dict[str, Tensor]


class MaskedRecurrence(Protocol):
    """A ``recur`` that also takes the recurrent-dropout mask ``h_mask`` ``(B, H)`` (or None)."""

    def __call__(
        self, x_proj_t: Tensor, state: State, params: Params, *, h_mask: Tensor | None = None
    ) -> State: ...


def xavier_uniform_(weight: Tensor, gain: float = 1.0) -> Tensor:
    """Xavier/Glorot uniform init, in place: ``U(-a, a)``, ``a = gain sqrt(6 / (fan_in + fan_out))``.

    The variance of the result is ``2 / (fan_in + fan_out)`` (times ``gain**2``), which keeps the
    scale of activations and of gradients roughly constant through the layer.
    """
    fan_out, fan_in = weight.shape
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return weight.uniform_(-bound, bound)


class RecurrentCell(nn.Module):
    """Base class of every cell: one time step of a recurrent network.

    Subclasses set ``num_gates`` (1 Elman, 4 LSTM, 3 GRU) and ``state_names`` (``("h",)`` or
    ``("h", "c")``) and implement :meth:`recur`.

    Args:
        input_size: D, features of ``x_t``.
        hidden_size: H, features of ``h_t``.
        bias: whether the cell has ``bias_ih`` and ``bias_hh``.
        own_parameters: create and register this cell's parameters. Layers build their cells with
            ``own_parameters=False`` and pass their own tensors to :meth:`project_input`/:meth:`recur`.

    Default initialisation (see :meth:`init_parameters`): Xavier-uniform for every input weight
    block, orthogonal for every recurrent weight block (each gate's (H, H) block on its own), zero
    biases.
    """

    num_gates: ClassVar[int] = 1
    state_names: ClassVar[tuple[str, ...]] = ("h",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        own_parameters: bool = True,
    ) -> None:
        super().__init__()
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"{type(self).__name__}: {name} must be a positive int, got {value!r}. "
                    f"Pass the number of features, e.g. {name}=32."
                )
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        if own_parameters:
            for name, shape in self.parameter_shapes().items():
                self.register_parameter(name, nn.Parameter(torch.empty(shape)))
            self.reset_parameters()

    # -- parameters ------------------------------------------------------------------------------

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """Names and shapes of this cell's parameters, in torch.nn's order and layout."""
        G, H, D = self.num_gates, self.hidden_size, self.input_size
        shapes: dict[str, tuple[int, ...]] = {"weight_ih": (G * H, D), "weight_hh": (G * H, H)}
        if self.bias:
            shapes.update(bias_ih=(G * H,), bias_hh=(G * H,))
        return shapes

    def init_parameters(self, params: Params) -> None:
        """Initialise ``params`` in place: Xavier-uniform input weights, orthogonal recurrent
        weights (per gate block), zero biases. Cells with extra parameters extend this."""
        H = self.hidden_size
        with torch.no_grad():
            for gate in range(self.num_gates):
                xavier_uniform_(params["weight_ih"][gate * H : (gate + 1) * H])
                nn.init.orthogonal_(params["weight_hh"][gate * H : (gate + 1) * H])
            for name in ("bias_ih", "bias_hh"):
                if name in params:
                    params[name].zero_()

    def reset_parameters(self) -> None:
        """Re-initialise this cell's own parameters (see :meth:`init_parameters`)."""
        self.init_parameters(dict(self.named_parameters(recurse=False)))

    # -- the step ----------------------------------------------------------------------------------

    def project_input(self, x: Tensor, params: Params) -> Tensor:
        """``W_ih x + b_ih`` for any leading shape: ``(..., D) -> (..., G*H)``.

        Only ``bias_ih`` is added here; a cell that has ``bias_hh`` adds it itself (in its own
        ``project_input`` when it can be folded in, as the Elman and LSTM cells do, or in ``recur``).
        """
        return nn.functional.linear(x, params["weight_ih"], params.get("bias_ih"))

    def recur(self, x_proj_t: Tensor, state: State, params: Params) -> State:
        """One step: the projected input ``x_proj_t`` ``(B, G*H)`` (from :meth:`project_input`) and
        ``state_{t-1}`` (a tuple, one ``(B, H)`` tensor per entry of ``state_names``) give
        ``state_t``, a tuple of the same form whose first entry is the output ``h_t``.

        ``params`` holds this step's parameters under the cell's names (``weight_hh``, ...).
        Subclasses must implement this; see the module docstring for the optional ``h_mask``.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement recur(x_proj_t, state, params) -> state."
        )

    # -- hand-written BPTT (optional; see the module docstring) -------------------------------------

    bptt_recurrent_bias: ClassVar[str | None] = None
    """A bias the layer adds to the recurrent product, ``rec_t = W_hh h + b`` (the GRU's ``bias_hh``,
    which the reset gate multiplies), or None."""

    bptt_step_parameters: ClassVar[tuple[str, ...]] = ()
    """The parameters ``bptt_step`` reads besides ``weight_hh`` and the recurrent bias (layer-norm
    gains and shifts), whose gradients ``bptt_step_backward`` returns."""

    def bptt_step(self, x_proj_t: Tensor, rec_t: Tensor, state: State, params: Params) -> tuple[State, Saved]:
        """``recur``'s maths after the recurrent product: ``rec_t`` ``(B, G*H)`` is ``W_hh h_in_{t-1}``
        (``+ b`` for :attr:`bptt_recurrent_bias`), ``h_in`` being h_{t-1} times any recurrent-dropout
        mask. Returns ``state_t`` and what :meth:`bptt_step_backward` needs."""
        raise NotImplementedError(f"{type(self).__name__} has no hand-written BPTT step.")

    def bptt_step_backward(self, saved: Saved, d_state: State, params: Params) -> StepGradients:
        """The derivatives of :meth:`bptt_step`: from ``d_state`` (``∂L/∂state_t``, one tensor per
        state entry) to the gradients of its inputs (see :class:`StepGradients`)."""
        raise NotImplementedError(f"{type(self).__name__} has no hand-written BPTT step.")

    bptt_equations: ClassVar[tuple[str, ...]] = ("recur",)
    """The methods that hold the step's equations, which ``bptt_step`` must be as new as."""

    def why_not_bptt(self) -> str | None:
        """Why the ``bptt`` backend cannot run this cell (None when it can): it has no
        ``bptt_step``, or a subclass changed the equations (:attr:`bptt_equations`) below the class
        that wrote their derivatives."""
        name = type(self).__name__
        steps_at = _defined_at(type(self), "bptt_step")
        if steps_at is RecurrentCell:
            return f"{name} has no hand-written BPTT step (bptt_step, bptt_step_backward)"
        for method in (*self.bptt_equations, "bptt_step_backward"):
            method_at = _defined_at(type(self), method)
            if not issubclass(steps_at, method_at) or (
                method_at is not steps_at and method.startswith("bptt")
            ):
                return (
                    f"{name}.{method} comes from {method_at.__name__} but bptt_step from "
                    f"{steps_at.__name__}, so the hand-written derivatives may not be those of its equations"
                )
        return None

    def initial_state(
        self, batch_size: int, *, dtype: torch.dtype | None = None, device: torch.device | None = None
    ) -> State:
        """Zeros, one ``(batch, size)`` tensor per entry of ``state_names`` (sizes: :attr:`state_size`)."""
        return tuple(torch.zeros(batch_size, size, dtype=dtype, device=device) for size in self.state_size)

    @property
    def state_size(self) -> tuple[int, ...]:
        """The feature size of each state tensor, e.g. ``(H, H)`` for an LSTM's ``(h, c)`` (``(P, H)``
        with a projection to P)."""
        return tuple(self.hidden_size for _ in self.state_names)

    @property
    def output_size(self) -> int:
        """The features of ``h_t``, what the cell outputs (and a next layer reads): ``state_size[0]``."""
        return self.state_size[0]

    def forward(self, x_t: Tensor, state: State | Tensor | None = None) -> tuple[Tensor, State]:
        """Run one step with this cell's own parameters.

        Args:
            x_t: ``(batch, input_size)`` input at step t.
            state: ``state_{t-1}``; a tensor is accepted for single-tensor states; None means zeros.

        Returns:
            ``(h_t, state_t)``: the output ``(batch, hidden)`` and the full new state.
        """
        if x_t.dim() != 2 or x_t.shape[-1] != self.input_size:
            raise ValueError(
                f"{type(self).__name__}: x_t must be (batch, {self.input_size}), got shape "
                f"{tuple(x_t.shape)}. Pass one time step of a batch; for sequences use the layers."
            )
        if state is None:
            state = self.initial_state(x_t.shape[0], dtype=x_t.dtype, device=x_t.device)
        elif isinstance(state, Tensor):
            state = (state,)
        expected = [(x_t.shape[0], size) for size in self.state_size]
        if len(state) != len(self.state_names) or [tuple(s.shape) for s in state] != expected:
            got = [tuple(s.shape) for s in state]
            raise ValueError(
                f"{type(self).__name__}: state must be {len(self.state_names)} tensor(s) "
                f"{self.state_names} of shapes {expected}, got {got}."
            )
        params = dict(self.named_parameters(recurse=False))
        new_state = self.recur(self.project_input(x_t, params), state, params)
        return new_state[0], new_state

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


def _defined_at(cls: type, attribute: str) -> type:
    """The class of ``cls``'s MRO whose own namespace defines ``attribute``."""
    return next(klass for klass in cls.__mro__ if attribute in vars(klass))


def takes_h_mask(recur: Callable[..., State]) -> TypeGuard[MaskedRecurrence]:
    """Whether a cell's ``recur`` accepts ``h_mask`` (i.e. the cell supports recurrent dropout).

    Example:
        >>> from rnnkit.cells import GRUCell
        >>> takes_h_mask(GRUCell(2, 3).recur), takes_h_mask(RecurrentCell(2, 3).recur)
        (True, False)
    """
    return "h_mask" in inspect.signature(recur).parameters


def recurrence(cell: RecurrentCell, h_mask: Tensor | None = None) -> Recurrence:
    """``cell.recur`` as the per-step function of a loop, with ``h_mask`` bound when there is one.

    Raises:
        ValueError: a mask was given but the cell's ``recur`` takes no ``h_mask``.
    """
    recur = cell.recur
    if h_mask is None:
        return recur
    if not takes_h_mask(recur):
        raise ValueError(
            f"{type(cell).__name__}.recur takes no h_mask, so recurrent dropout cannot reach it. Add "
            "'h_mask: Tensor | None = None' to recur and multiply h_(t-1) by it in the recurrent "
            "products, or set recurrent_dropout=0."
        )
    return lambda x_proj_t, state, params: recur(x_proj_t, state, params, h_mask=h_mask)
