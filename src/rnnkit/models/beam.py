"""Beam search: keep the ``beam_size`` best partial translations per sentence instead of one.

Works with any decoder given as ``step`` and ``reorder`` functions (see :mod:`rnnkit.models.decoding`,
whose token conventions it shares: no BOS in the output, the first EOS included, ``eos_id`` after it).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import torch
from torch import Tensor

from .decoding import ReorderFn, StepFn, check_log_probs, state_device, validate_decoding_arguments


class BeamResult(NamedTuple):
    """The best hypothesis of each batch row.

    Attributes:
        tokens: ``(B, L)`` long, ``L = max(lengths)``; excludes BOS, includes the EOS, ``eos_id`` after it.
        lengths: ``(B,)`` long, tokens generated including EOS (``max_length`` if cut without EOS).
        scores: ``(B,)`` the ranking score ``log p(y | x) / length**length_penalty``; with
            ``length_penalty=0`` it is the total log-probability of the hypothesis.
    """

    tokens: Tensor
    lengths: Tensor
    scores: Tensor


def beam_search(
    step: StepFn,
    state: Any,
    reorder: ReorderFn,
    *,
    batch_size: int,
    bos_id: int,
    eos_id: int,
    beam_size: int,
    max_length: int,
    length_penalty: float = 1.0,
) -> BeamResult:
    """Approximate ``argmax_y log p(y | x) / |y|^α`` by breadth-limited search.

    Equations (α = ``length_penalty``, K = ``beam_size``)::

        score(y_1..y_t) = sum_{i<=t} log p(y_i | y_<i, x)        accumulated in float64
        rank(y) = score(y) / |y|^α                               |y| counts the EOS; α = 0: no normalisation

    Each step extends the K alive hypotheses of a row by every token (K·V candidates) and looks at
    the best 2K by score. An EOS candidate among the best K is *finished* (it joins the row's finished
    set with its rank); the best K candidates that are not EOS stay alive. A row is done when

    - its best candidate of the step (by score) is EOS: every alive hypothesis scores lower and can
      only lose more (log-probabilities are <= 0), so with α = 0 none can beat it (with α > 0 a longer
      hypothesis could still rank higher after normalisation: like OpenNMT, the search stops anyway);
    - or no alive hypothesis can beat its best finished rank even in the most favourable case,
      ``rank <= score / max_length^α``;
    - or ``max_length`` is reached: the alive hypotheses are then finished as they are, without EOS.

    The answer is the finished hypothesis of highest rank. With K = 1 this is exactly
    :func:`~rnnkit.models.decoding.greedy_decode` (both send exact ties to the lowest token id); with α = 0
    and K at least the number of possible prefixes it is exhaustive search.

    Rows of the state are laid out row-major, hypothesis k of batch row b at ``b * K + k``: the initial
    state is expanded with ``reorder(state, arange(B).repeat_interleave(K))``, and after every step the
    surviving hypotheses are gathered with ``reorder(state, index)``, ``index`` ``(B*K,)``.

    Args:
        step: ``step(tokens (B*K,) long, state) -> (log_probs (B*K, V), new_state)``; ``log_probs`` must
            be normalised (a log-softmax), since scores add them up.
        state: the decoder's state for the B rows, before BOS.
        reorder: ``reorder(state, index) -> state`` selecting rows ``index`` of every tensor.
        batch_size: B. bos_id: fed first. eos_id: ends a hypothesis.
        beam_size: K >= 1 hypotheses kept per row.
        max_length: the most tokens per hypothesis, EOS included.
        length_penalty: α >= 0 (1.0: average log-probability per token; 0.0: total log-probability,
            which favours short outputs).

    Shapes:
        Returns :class:`BeamResult` with tokens ``(B, L)``, lengths ``(B,)``, scores ``(B,)``.

    Example:
        >>> table = torch.tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3]]).log()
        >>> step = lambda tokens, state: (table[tokens], state)  # next token depends on the last one
        >>> result = beam_search(step, None, lambda state, index: state, batch_size=1, bos_id=1,
        ...                      eos_id=2, beam_size=2, max_length=4, length_penalty=0.0)
        >>> result.tokens.tolist(), result.lengths.tolist(), round(result.scores.exp().item(), 2)
        ([[0, 2]], [2], 0.42)
    """
    validate_decoding_arguments("beam_search", batch_size, bos_id, eos_id, max_length)
    if isinstance(beam_size, bool) or not isinstance(beam_size, int) or beam_size < 1:
        raise ValueError(f"beam_search: beam_size must be an int >= 1, got {beam_size!r} (1 is greedy).")
    ok = isinstance(length_penalty, int | float) and not isinstance(length_penalty, bool)
    if not ok or not (math.isfinite(length_penalty) and length_penalty >= 0):
        raise ValueError(
            f"beam_search: length_penalty must be a finite number >= 0, got {length_penalty!r}. "
            "Use 1.0 to rank by average log-probability per token, 0.0 for total log-probability."
        )
    B, K = batch_size, beam_size
    device = state_device(state)
    rows = torch.arange(B, device=device)  # (B,)
    state = reorder(state, rows.repeat_interleave(K))
    tokens = torch.full((B * K,), bos_id, dtype=torch.long, device=device)  # (B*K,)
    # All K hypotheses start identical: only the first may expand at step 1, or the beam would fill
    # with K copies of the same candidates.
    beam_scores = torch.full((B, K), float("-inf"), dtype=torch.float64, device=device)  # (B, K)
    beam_scores[:, 0] = 0.0
    history = torch.empty(B, K, 0, dtype=torch.long, device=device)  # (B, K, t)
    best_scores = torch.full((B,), float("-inf"), dtype=torch.float64, device=device)  # (B,)
    best_tokens = torch.full((B, max_length), eos_id, dtype=torch.long, device=device)  # (B, max_length)
    best_lengths = torch.zeros(B, dtype=torch.long, device=device)  # (B,)
    done = torch.zeros(B, dtype=torch.bool, device=device)  # (B,)
    dtype = torch.float32

    def keep_best(ranks: Tensor, hypotheses: Tensor, length: int) -> None:
        """Replace a row's best with the top of ``ranks`` (B, M) if better; ``hypotheses`` (B, M, t)."""
        nonlocal best_scores, best_tokens, best_lengths
        top_rank, top = ranks.max(dim=1)  # (B,), the first maximum on ties
        better = top_rank > best_scores  # (B,)
        chosen = hypotheses[rows, top]  # (B, length or length - 1)
        padded = torch.full_like(best_tokens, eos_id)  # (B, max_length)
        padded[:, : chosen.shape[1]] = chosen
        best_tokens = torch.where(better.unsqueeze(1), padded, best_tokens)
        best_lengths = torch.where(better, length, best_lengths)
        best_scores = torch.where(better, top_rank, best_scores)

    for t in range(1, max_length + 1):
        log_probs, state = step(tokens, state)  # (B*K, V)
        if t == 1:
            check_log_probs("beam_search", log_probs, B * K)
            dtype = log_probs.dtype
        V = log_probs.shape[-1]
        # The best M of a row are among the best M of each of its hypotheses: select those first, in
        # the model's dtype, and add up scores in float64 for just K*m candidates.
        M, m = min(2 * K, K * V), min(2 * K, V)
        token_scores, token_ids = log_probs.reshape(B, K, V).topk(m, dim=-1)  # (B, K, m)
        candidates = beam_scores.unsqueeze(-1) + token_scores.double()  # (B, K, m)
        flat_ids = token_ids + V * torch.arange(K, device=device).view(1, K, 1)  # (B, K, m), k*V + v
        top_scores, picked = candidates.view(B, K * m).topk(M, dim=1)  # (B, M)
        top_index = flat_ids.view(B, K * m).gather(1, picked)  # (B, M)
        # topk leaves the order of equal scores open: rank them by index, as argmax does, so that
        # K = 1 stays greedy on ties (sort the M by index, then stably by score).
        top_index, by_index = top_index.sort(dim=1)
        top_scores, order = top_scores.gather(1, by_index).sort(dim=1, descending=True, stable=True)
        top_index = top_index.gather(1, order)  # (B, M)
        top_beam, top_token = top_index // V, top_index % V  # (B, M)
        is_eos = top_token == eos_id  # (B, M)

        # 1. EOS among the best K: finished hypotheses of length t (EOS included).
        finishing = is_eos & top_scores.isfinite() & ~done.unsqueeze(1)  # (B, M)
        finishing[:, K:] = False
        ranks = (top_scores / t**length_penalty).masked_fill(~finishing, float("-inf"))  # (B, M)
        keep_best(ranks, history.gather(1, top_beam.unsqueeze(-1).expand(B, M, t - 1)), t)

        # 2. The best K that are not EOS stay alive (an EOS filler, if any, gets score -inf).
        order = (torch.arange(M, device=device) + M * is_eos.long()).argsort(dim=1)[:, :K]  # (B, K)
        beam_scores = top_scores.gather(1, order).masked_fill(is_eos.gather(1, order), float("-inf"))
        alive_beam, tokens = top_beam.gather(1, order), top_token.gather(1, order)  # (B, K)
        history = torch.cat(
            [history.gather(1, alive_beam.unsqueeze(-1).expand(B, K, t - 1)), tokens.unsqueeze(-1)], dim=2
        )  # (B, K, t)
        best_possible = beam_scores.max(dim=1).values / max_length**length_penalty  # (B,), -inf if none
        done |= (is_eos[:, 0] & top_scores[:, 0].isfinite()) | (best_scores >= best_possible)
        if t == max_length or bool(done.all()):
            break
        state = reorder(state, (rows.unsqueeze(1) * K + alive_beam).view(-1))
        tokens = tokens.reshape(-1)  # (B*K,)

    # Rows still searching at max_length: their alive hypotheses end there, without EOS.
    open_rows = (~done).unsqueeze(1) & beam_scores.isfinite()  # (B, K)
    keep_best((beam_scores / t**length_penalty).masked_fill(~open_rows, float("-inf")), history, t)
    length = int(best_lengths.max())
    return BeamResult(best_tokens[:, :length], best_lengths, best_scores.to(dtype))
