"""Greedy and sampled decoding for any autoregressive model, one token per step.

A decoder is described by two functions, so that these algorithms know nothing about the model:

- ``step(tokens, state) -> (log_probs, new_state)``: feed the previous token of every row, tokens
  ``(N,)`` long, and get the next token's log-probabilities ``(N, V)`` (a log-softmax: beam search adds
  them up) and the state after reading that token. The state is anything the model likes (a tensor, a
  tuple, a dict of tensors); only the model looks inside it.
- ``reorder(state, index) -> state`` (beam search only): keep, duplicate or permute rows, i.e.
  ``index_select(batch_axis, index)`` on every tensor of the state. Every model here passes
  :func:`reorder_state`: recurrent states are laid out as torch.nn lays them out, ``(L*K, N, H)`` with
  the rows on axis 1; anything else a decoder carries per row goes, batch first, in a
  :class:`DecoderState`'s ``extras``.

Conventions shared by every decoder here: decoding starts by feeding ``bos_id``; the returned tokens
*exclude* BOS and *include* the first EOS (so ``lengths`` counts the EOS, and a sequence cut at
``max_length`` without EOS has length ``max_length``); positions after a sequence's end are filled with
``eos_id``. Decoding stops as soon as every row has emitted EOS, so the token tensor has
``max(lengths) <= max_length`` columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import torch
from torch import Tensor

StepFn = Callable[[Tensor, Any], tuple[Tensor, Any]]
"""``step(tokens (N,) long, state) -> (log_probs (N, V), new_state)``."""

ReorderFn = Callable[[Any, Tensor], Any]
"""``reorder(state, index (N',) long) -> state`` with the rows ``index`` of every tensor."""


def validate_decoding_arguments(
    caller: str, batch_size: int, bos_id: int, eos_id: int, max_length: int
) -> None:
    """Raise ValueError naming the bad argument (shared by greedy, sampled and beam decoding)."""
    for name, value, low in (("batch_size", batch_size, 1), ("max_length", max_length, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{caller}: {name} must be an int >= {low}, got {value!r}.")
    for name, value in (("bos_id", bos_id), ("eos_id", eos_id)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{caller}: {name} must be a token id (an int >= 0), got {value!r}.")


def state_device(state: Any) -> torch.device:
    """Where ``state`` lives: the first non-CPU device among its tensors (nested tuples, lists, dicts);
    CPU if none (or if ``state`` holds no tensor at all)."""
    if isinstance(state, Tensor):
        return state.device
    items = state.values() if isinstance(state, dict) else state if isinstance(state, tuple | list) else ()
    for item in items:
        device = state_device(item)
        if device.type != "cpu":
            return device
    return torch.device("cpu")


def select_rows(state: Any, index: Tensor) -> Any:
    """A ``reorder`` for states whose tensors all have the batch on axis 0: ``index_select(0, index)``
    on every tensor of nested tuples (named tuples included), lists and dicts; other values are kept.

    Example:
        >>> select_rows({"h": torch.tensor([[1.0], [2.0]])}, torch.tensor([1, 1, 0]))["h"].flatten().tolist()
        [2.0, 2.0, 1.0]
    """
    if isinstance(state, Tensor):
        return state.index_select(0, index)
    if isinstance(state, dict):
        return {key: select_rows(value, index) for key, value in state.items()}
    if isinstance(state, tuple | list):
        values = [select_rows(value, index) for value in state]
        return type(state)(*values) if hasattr(state, "_fields") else type(state)(values)
    return state  # None or a plain value: nothing per row


class DecoderState(NamedTuple):
    """A decoder's state when it carries more than its recurrent layers' state (e.g. attention).

    Attributes:
        rnn: the recurrent layers' state as the layers return it: ``h`` ``(L, N, H)``, or ``(h, c)``.
        extras: batch-first tensors ``(N, ...)`` read or carried step to step: attention keys, their
            projection and mask, the input-feeding vector.
    """

    rnn: Tensor | tuple[Tensor, ...]
    extras: Mapping[str, Tensor]


def reorder_state(state: Any, index: Tensor) -> Any:
    """The ``reorder`` of every model's decoding state: keep the rows ``index`` (for beam search).

    A tensor or a tuple of tensors is a recurrent state ``(L*K, N, H)``, rows on axis 1 (torch.nn's
    layout); a :class:`DecoderState` has its ``rnn`` reordered so and its ``extras`` on axis 0.

    Example:
        >>> h = torch.tensor([[[1.0], [2.0]]])  # (L=1, N=2, H=1)
        >>> reorder_state(h, torch.tensor([1, 1, 0])).flatten().tolist()
        [2.0, 2.0, 1.0]
        >>> state = DecoderState((h, h), {"feed": torch.tensor([[5.0], [6.0]])})
        >>> state = reorder_state(state, torch.tensor([1]))
        >>> state.rnn[1].flatten().tolist(), state.extras["feed"].tolist()
        ([2.0], [[6.0]])
    """
    if isinstance(state, DecoderState):
        return DecoderState(reorder_state(state.rnn, index), select_rows(dict(state.extras), index))
    if isinstance(state, Tensor):
        return state.index_select(1, index)
    if isinstance(state, tuple) and all(isinstance(s, Tensor) for s in state):
        return tuple(s.index_select(1, index) for s in state)
    raise TypeError(
        f"reorder_state: expected a recurrent state (a tensor or tuple of tensors (L*K, N, H)) or a "
        f"DecoderState, got {type(state).__name__}. Put batch-first tensors in DecoderState.extras."
    )


def check_log_probs(caller: str, log_probs: Tensor, rows: int) -> None:
    """The step function's output must be ``(rows, V)`` floating point."""
    if not isinstance(log_probs, Tensor) or log_probs.dim() != 2 or log_probs.shape[0] != rows:
        got = tuple(log_probs.shape) if isinstance(log_probs, Tensor) else type(log_probs).__name__
        raise ValueError(
            f"{caller}: step must return log_probs of shape ({rows}, V), got {got}. "
            "Return one row of next-token log-probabilities per input token."
        )
    if not log_probs.is_floating_point():
        raise TypeError(f"{caller}: step must return floating-point log_probs, got {log_probs.dtype}.")


def _decode(
    caller: str,
    step: StepFn,
    state: Any,
    choose: Callable[[Tensor], Tensor],
    batch_size: int,
    bos_id: int,
    eos_id: int,
    max_length: int,
) -> tuple[Tensor, Tensor]:
    """The loop shared by greedy and sampled decoding; ``choose`` maps ``(B, V)`` to ``(B,)`` ids."""
    validate_decoding_arguments(caller, batch_size, bos_id, eos_id, max_length)
    device = state_device(state)
    tokens = torch.full((batch_size,), bos_id, dtype=torch.long, device=device)  # (B,)
    finished = torch.zeros(batch_size, dtype=torch.bool, device=device)  # (B,)
    lengths = torch.zeros(batch_size, dtype=torch.long, device=device)  # (B,)
    out: list[Tensor] = []
    for t in range(max_length):
        log_probs, state = step(tokens, state)  # (B, V)
        if t == 0:
            check_log_probs(caller, log_probs, batch_size)
        # Rows that already ended keep emitting EOS (the padding), whatever the model says.
        tokens = torch.where(finished, eos_id, choose(log_probs))  # (B,)
        lengths += (~finished).long()
        finished |= tokens == eos_id
        out.append(tokens)
        if bool(finished.all()):
            break
    return torch.stack(out, dim=1), lengths  # (B, T'), (B,)


def greedy_decode(
    step: StepFn, state: Any, *, batch_size: int, bos_id: int, eos_id: int, max_length: int
) -> tuple[Tensor, Tensor]:
    """Pick the most probable token at every step: ``y_t = argmax_v log p(v | y_<t, x)``.

    Ties go to the lowest token id (``torch.argmax``). Token conventions: see the module docstring.

    Args:
        step: ``step(tokens (B,) long, state) -> (log_probs (B, V), new_state)``.
        state: the decoder's state before BOS (e.g. after reading the source sentence).
        batch_size: B, rows decoded in parallel.
        bos_id: fed first. eos_id: ends a row.
        max_length: the most tokens generated per row, EOS included.

    Shapes:
        Returns tokens ``(B, T')`` long with ``T' = max(lengths) <= max_length``, excluding BOS,
        including the first EOS, filled with ``eos_id`` after it; and lengths ``(B,)`` long.

    Example:
        >>> table = torch.tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3]]).log()
        >>> step = lambda tokens, state: (table[tokens], state)  # next token depends on the last one
        >>> tokens, lengths = greedy_decode(step, None, batch_size=1, bos_id=1, eos_id=2, max_length=5)
        >>> tokens.tolist(), lengths.tolist()
        ([[0, 2]], [2])
    """
    return _decode(
        "greedy_decode", step, state, lambda lp: lp.argmax(-1), batch_size, bos_id, eos_id, max_length
    )


def sample_decode(
    step: StepFn,
    state: Any,
    *,
    batch_size: int,
    bos_id: int,
    eos_id: int,
    max_length: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """Draw each token from the model's distribution, sharpened or flattened by a temperature.

    Equations::

        p_τ(v) = exp(log p(v) / τ) / sum_u exp(log p(u) / τ)      τ = temperature
        top-k: p_τ(v) = 0 unless log p(v) is among the k largest (then renormalised)
        top-p: p_τ(v) = 0 outside the smallest set of most probable tokens whose p_τ adds up to >= p
        y_t ~ p_τ

    τ -> 0 tends to greedy decoding, τ = 1 samples the model itself, τ > 1 flattens it. ``top_k=1``
    keeps only the most probable token, so it equals :func:`greedy_decode` (barring exact ties).

    Args:
        step, state, batch_size, bos_id, eos_id, max_length: as for :func:`greedy_decode`.
        temperature: τ > 0.
        top_k: sample among the k most probable tokens only (None: all of them); clipped to V.
        top_p: nucleus sampling (Holtzman et al. 2020): sample among the most probable tokens whose
            probabilities (after the temperature and top-k) add up to at least p; None or 1: all.
        generator: the random generator, for reproducible samples (on the state's device).

    Shapes:
        As :func:`greedy_decode`: tokens ``(B, T')``, lengths ``(B,)``.

    Example:
        >>> table = torch.tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3]]).log()
        >>> step = lambda tokens, state: (table[tokens], state)
        >>> g = torch.Generator().manual_seed(0)
        >>> tokens, lengths = sample_decode(step, None, batch_size=4, bos_id=1, eos_id=2, max_length=6,
        ...                                 temperature=0.8, top_k=2, generator=g)
        >>> tokens.shape[0], bool((lengths >= 1).all() and (lengths <= 6).all())
        (4, True)
    """
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not temperature > 0:
        raise ValueError(
            f"sample_decode: temperature must be a number > 0, got {temperature!r}. "
            "Use 1.0 to sample the model as it is, or greedy_decode for the limit temperature -> 0."
        )
    check_sampling(temperature, top_k, top_p, "sample_decode")

    def choose(log_probs: Tensor) -> Tensor:
        probs = sampling_probs(log_probs, temperature, top_k, top_p)  # (B, V)
        return torch.multinomial(probs, 1, generator=generator).squeeze(1)  # (B,)

    return _decode("sample_decode", step, state, choose, batch_size, bos_id, eos_id, max_length)


def check_sampling(temperature: float, top_k: int | None, top_p: float | None, caller: str) -> None:
    """Raise ValueError naming a bad temperature, top_k or top_p."""
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not temperature > 0:
        raise ValueError(
            f"{caller}: temperature must be a number > 0, got {temperature!r}. "
            "Use 1.0 to sample the model as it is, or greedy decoding for the limit temperature -> 0."
        )
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"{caller}: top_k must be None (no truncation) or an int >= 1, got {top_k!r}.")
    if top_p is not None and (
        isinstance(top_p, bool) or not isinstance(top_p, int | float) or not 0 < top_p <= 1
    ):
        raise ValueError(f"{caller}: top_p must be None (no truncation) or in (0, 1], got {top_p!r}.")


def sampling_probs(
    log_probs: Tensor, temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None
) -> Tensor:
    """The distribution a token is drawn from: temperature, then top-k, then top-p (nucleus).

    The most probable token always survives, so the result is a distribution whatever k and p are.

    Shapes:
        log_probs ``(B, V)`` (any logits) -> probabilities ``(B, V)``, zero on excluded tokens.

    Example:
        >>> probs = sampling_probs(torch.tensor([[0.5, 0.3, 0.2]]).log(), top_p=0.7)
        >>> [round(p, 3) for p in probs[0].tolist()]
        [0.625, 0.375, 0.0]
    """
    logits = log_probs.float() / temperature  # (B, V)
    if top_k is not None and top_k < logits.shape[-1]:
        kth = logits.topk(top_k, dim=-1).values[:, -1:]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)  # (B, V)
    if top_p is not None and top_p < 1:
        sorted_probs, order = probs.sort(dim=-1, descending=True)  # (B, V)
        before = sorted_probs.cumsum(dim=-1) - sorted_probs  # mass of the more probable tokens
        drop_sorted = before >= top_p  # the nucleus: tokens reached before the mass hits p
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)  # (B, V)
        probs = probs.masked_fill(drop, 0.0)
        probs = probs / probs.sum(dim=-1, keepdim=True)
    return probs
