"""Linear-chain conditional random field: a tagger's output layer that scores whole tag paths.

A softmax head picks each step's tag on its own; a CRF adds a learned score for every pair of
neighbouring tags (``I-PER`` after ``B-PER`` is likely, after ``B-LOC`` it is not) and normalises over
all C^T paths at once. The sum over paths is the forward algorithm, the best path is Viterbi; both
are O(T C^2) dynamic programmes written here in log space.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

REDUCTIONS = ("mean", "sum", "none")
FORBIDDEN = -1.0e4  # the score of a transition a constraint forbids


class LinearChainCRF(nn.Module):
    """A linear-chain CRF over ``num_tags`` tags (C).

    Equations::

        score(y)   = start[y_1] + sum_{t=1..T} emit[t, y_t] + sum_{t=2..T} trans[y_{t-1}, y_t] + end[y_T]
        log Z      = logsumexp over all y in {0..C-1}^T of score(y)
        NLL(gold)  = log Z - score(gold)                                   (>= 0)

        forward algorithm, alpha_t (C,):
            alpha_1[j] = start[j] + emit[1, j]
            alpha_t[j] = logsumexp_i (alpha_{t-1}[i] + trans[i, j]) + emit[t, j]
            log Z      = logsumexp_j (alpha_T[j] + end[j])
        Viterbi: the same recursion with max for logsumexp, keeping
            bp_t[j] = argmax_i (delta_{t-1}[i] + trans[i, j]); the best path is read backwards from
            y_T = argmax_j (delta_T[j] + end[j]) through y_{t-1} = bp_t[y_t].

    Constraints (:meth:`constrain`): transitions marked not allowed (``I-PER`` after ``O`` in IOB2) score
    ``FORBIDDEN`` = -10^4 in every one of these sums, so no Viterbi path takes one and the partition
    function leaves them out (their probability is exp(-10^4), zero in float32 and float64).

    ``trans[i, j]`` (``transitions``) scores tag i followed by tag j; ``start`` and ``end``
    (``start_transitions``, ``end_transitions``) score the first and the last tag. T is each sequence's
    own length: at padded steps the recursions carry alpha and delta unchanged, so emissions and tags
    there never matter.

    Shapes:
        emissions ``(B, T, C)`` (the per-step scores of an encoder); tags ``(B, T)`` integer;
        mask ``(B, T)`` bool, True on real steps, left-aligned (padding at the end, every sequence at
        least one step long); ``None`` means every step is real.

    Args:
        num_tags: C, the number of tags.

    Example:
        >>> crf = LinearChainCRF(3)
        >>> emissions = torch.randn(2, 4, 3)
        >>> mask = torch.tensor([[True, True, True, True], [True, True, False, False]])
        >>> nll = crf.neg_log_likelihood(emissions, torch.tensor([[0, 1, 2, 1], [2, 2, 0, 0]]), mask)
        >>> bool(nll >= 0), [len(path) for path in crf.decode(emissions, mask)]
        (True, [4, 2])
    """

    allowed: Tensor  # (C, C) bool buffers, set by constrain()
    allowed_start: Tensor
    allowed_end: Tensor

    def __init__(self, num_tags: int) -> None:
        super().__init__()
        if isinstance(num_tags, bool) or not isinstance(num_tags, int) or num_tags < 1:
            raise ValueError(f"LinearChainCRF: num_tags must be an int >= 1, got {num_tags!r}.")
        self.num_tags = num_tags
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags))  # [from i, to j]
        self.start_transitions = nn.Parameter(torch.empty(num_tags))
        self.end_transitions = nn.Parameter(torch.empty(num_tags))
        # Constraints are rebuilt from the tag set, not learnt: kept out of the state dict.
        self.register_buffer("allowed", torch.ones(num_tags, num_tags, dtype=torch.bool), persistent=False)
        self.register_buffer("allowed_start", torch.ones(num_tags, dtype=torch.bool), persistent=False)
        self.register_buffer("allowed_end", torch.ones(num_tags, dtype=torch.bool), persistent=False)
        self.reset_parameters()

    def constrain(self, transitions: object, start: object = None, end: object = None) -> None:
        """Forbid transitions: ``transitions[i][j]`` False forbids tag j after tag i, ``start[j]`` /
        ``end[j]`` False forbid j first / last (None: all allowed). E.g. IOB2's rules from
        :func:`rnnkit.data.tag_schemes.allowed_transitions`."""
        C = self.num_tags
        rules = {
            "transitions": (transitions, (C, C), self.allowed),
            "start": (start, (C,), self.allowed_start),
            "end": (end, (C,), self.allowed_end),
        }
        for name, (given, shape, buffer) in rules.items():
            value = torch.ones(shape, dtype=torch.bool) if given is None else torch.as_tensor(given)
            if tuple(value.shape) != shape or value.dtype != torch.bool:
                raise ValueError(
                    f"LinearChainCRF.constrain: {name} must be bools of shape {shape}, got "
                    f"{value.dtype} of shape {tuple(value.shape)}."
                )
            buffer.copy_(value)
        if not bool(self.allowed_start.any()) or not bool(self.allowed_end.any()):
            raise ValueError("LinearChainCRF.constrain: at least one tag must be allowed first and last.")

    def _scores(self) -> tuple[Tensor, Tensor, Tensor]:
        """``(trans, start, end)`` with ``FORBIDDEN`` where a constraint forbids the move."""
        return (
            self.transitions.masked_fill(~self.allowed, FORBIDDEN),
            self.start_transitions.masked_fill(~self.allowed_start, FORBIDDEN),
            self.end_transitions.masked_fill(~self.allowed_end, FORBIDDEN),
        )

    def reset_parameters(self) -> None:
        """Small uniform scores in [-0.1, 0.1]: near-neutral transitions to start from."""
        for p in (self.transitions, self.start_transitions, self.end_transitions):
            nn.init.uniform_(p, -0.1, 0.1)

    def extra_repr(self) -> str:
        return f"num_tags={self.num_tags}"

    # ----------------------------------------------------------------- public API

    def forward(
        self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None, reduction: str = "mean"
    ) -> Tensor:
        """The negative log-likelihood; see :meth:`neg_log_likelihood`."""
        return self.neg_log_likelihood(emissions, tags, mask, reduction)

    def log_partition(self, emissions: Tensor, mask: Tensor | None = None) -> Tensor:
        """``log Z`` of each sequence ``(B,)``, by the forward algorithm."""
        emissions, mask = self._check(emissions, mask)
        return self._log_partition(emissions, mask)

    def score(self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None) -> Tensor:
        """``score(tags)`` of each sequence ``(B,)``; tags at padded steps are ignored."""
        emissions, mask = self._check(emissions, mask, tags)
        return self._score(emissions, tags, mask)

    def neg_log_likelihood(
        self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None, reduction: str = "mean"
    ) -> Tensor:
        """``log Z - score(tags)`` per sequence, averaged (``mean``), summed (``sum``) or ``(B,)``
        (``none``). The mean is over sequences, not tokens."""
        if reduction not in REDUCTIONS:
            raise ValueError(f"LinearChainCRF: reduction must be one of {REDUCTIONS}, got {reduction!r}.")
        emissions, mask = self._check(emissions, mask, tags)
        nll = self._log_partition(emissions, mask) - self._score(emissions, tags, mask)  # (B,)
        if reduction == "mean":
            return nll.mean()
        return nll.sum() if reduction == "sum" else nll

    def viterbi(
        self, emissions: Tensor, mask: Tensor | None = None, pad_value: int = -100
    ) -> tuple[Tensor, Tensor]:
        """The best path of each sequence as a padded tensor.

        Returns:
            ``(best_score, tags)``: ``best_score`` ``(B,)`` is ``score`` of the best path (differentiable
            in the parameters); ``tags`` ``(B, T)`` int64 holds ``pad_value`` at padded steps (the
            default, -100, is the tagger's ``ignore_index``).
        """
        emissions, mask = self._check(emissions, mask)
        best_score, tags = self._viterbi(emissions, mask)
        return best_score, tags.masked_fill(~mask, pad_value)

    @torch.no_grad()
    def decode(self, emissions: Tensor, mask: Tensor | None = None) -> list[list[int]]:
        """The best path of each sequence, cut to its own length: ``B`` lists of tag ids."""
        emissions, mask = self._check(emissions, mask)
        _, tags = self._viterbi(emissions, mask)
        lengths = mask.sum(1).tolist()
        return [row[:n] for row, n in zip(tags.tolist(), lengths, strict=True)]

    # ----------------------------------------------------------------- dynamic programmes

    def _viterbi(self, emissions: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        B, T, C = emissions.shape
        transitions, start, end = self._scores()
        delta = start + emissions[:, 0]  # (B, C)
        # At a padded step the backpointer is the identity, so the backward pass walks through it.
        identity = torch.arange(C, device=emissions.device).expand(B, C)  # (B, C)
        backpointers = []
        for t in range(1, T):
            best, previous = (delta.unsqueeze(2) + transitions).max(dim=1)  # (B, C) over y_{t-1}
            valid = mask[:, t].unsqueeze(1)  # (B, 1)
            delta = torch.where(valid, best + emissions[:, t], delta)  # (B, C)
            backpointers.append(torch.where(valid, previous, identity))
        best_score, tag = (delta + end).max(dim=1)  # (B,), (B,)
        path = [tag]
        for pointers in reversed(backpointers):
            tag = pointers.gather(1, tag.unsqueeze(1)).squeeze(1)  # (B,)
            path.append(tag)
        return best_score, torch.stack(path[::-1], dim=1)  # (B,), (B, T)

    def _log_partition(self, emissions: Tensor, mask: Tensor) -> Tensor:
        transitions, start, end = self._scores()
        alpha = start + emissions[:, 0]  # (B, C)
        for t in range(1, emissions.shape[1]):
            # alpha[b, i] + trans[i, j], summed (in log space) over the previous tag i.
            scores = alpha.unsqueeze(2) + transitions  # (B, C_prev, C_next)
            step = torch.logsumexp(scores, dim=1) + emissions[:, t]  # (B, C)
            alpha = torch.where(mask[:, t].unsqueeze(1), step, alpha)  # padded steps carry alpha
        return torch.logsumexp(alpha + end, dim=1)  # (B,)

    def _score(self, emissions: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        transitions, start, end = self._scores()
        tags = tags.to(emissions.device).long().masked_fill(~mask, 0)  # padded tags may be anything
        valid = mask.to(emissions.dtype)  # (B, T)
        emit = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # (B, T): emit[t, y_t]
        trans = transitions[tags[:, :-1], tags[:, 1:]]  # (B, T-1): trans[y_{t-1}, y_t]
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)  # (B,): y_T
        return start[tags[:, 0]] + (emit * valid).sum(1) + (trans * valid[:, 1:]).sum(1) + end[last]  # (B,)

    # ----------------------------------------------------------------- input checks

    def _check(self, emissions: object, mask: object, tags: object | None = None) -> tuple[Tensor, Tensor]:
        """Check the inputs; return emissions with zeros at padded steps and the mask as bool."""
        name, C = "LinearChainCRF", self.num_tags
        if not isinstance(emissions, Tensor) or not emissions.is_floating_point():
            got = emissions.dtype if isinstance(emissions, Tensor) else type(emissions).__name__
            raise TypeError(f"{name}: emissions must be a floating tensor (batch, time, {C}), got {got}.")
        if emissions.dim() != 3 or emissions.shape[2] != C or emissions.shape[1] < 1:
            raise ValueError(
                f"{name}: emissions must have shape (batch, time >= 1, num_tags={C}), got "
                f"{tuple(emissions.shape)}. Project the encoder's output to {C} scores per step."
            )
        B, T = emissions.shape[:2]
        if mask is None:
            mask = torch.ones(B, T, dtype=torch.bool, device=emissions.device)
        elif not isinstance(mask, Tensor) or mask.dtype != torch.bool:
            got = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
            raise TypeError(
                f"{name}: mask must be a bool tensor (batch, time), got {got}. Use mask.bool() or "
                f"rnnkit.lengths_to_mask(lengths, time)."
            )
        elif tuple(mask.shape) != (B, T):
            raise ValueError(
                f"{name}: mask must have shape {(B, T)} like emissions' (batch, time), got "
                f"{tuple(mask.shape)}."
            )
        mask = mask.to(emissions.device)
        self._check_left_aligned(mask)
        if tags is not None:
            self._check_tags(tags, mask)
        # Zeroing padded steps keeps non-finite padding out of the gradients (0 * inf is nan).
        return emissions.masked_fill(~mask.unsqueeze(2), 0.0), mask  # (B, T, C)

    @staticmethod
    def _check_left_aligned(mask: Tensor) -> None:
        name = "LinearChainCRF"
        starts = mask[:, 0]  # (B,)
        if not bool(starts.all()):
            b = int((~starts).nonzero()[0])
            raise ValueError(
                f"{name}: mask must be left-aligned with every sequence starting at step 0, got "
                f"mask[{b}, 0] = False. Put padding at the end, drop empty sequences, and build the "
                f"mask with rnnkit.lengths_to_mask(lengths, time)."
            )
        gaps = mask[:, 1:] & ~mask[:, :-1]  # (B, T-1): a real step after a padded one
        if bool(gaps.any()):
            b = int(gaps.any(1).nonzero()[0])
            row = "".join("1" if v else "0" for v in mask[b, :40].tolist())
            raise ValueError(
                f"{name}: mask must be left-aligned (True on the first steps, then False), got a gap "
                f"in row {b}: {row}{'...' if mask.shape[1] > 40 else ''}. Put padding at the end and "
                f"build the mask with rnnkit.lengths_to_mask(lengths, time)."
            )

    def _check_tags(self, tags: object, mask: Tensor) -> None:
        name, C = "LinearChainCRF", self.num_tags
        if not isinstance(tags, Tensor) or tags.is_floating_point() or tags.dtype == torch.bool:
            got = tags.dtype if isinstance(tags, Tensor) else type(tags).__name__
            raise TypeError(f"{name}: tags must be an integer tensor (batch, time), got {got}. Use .long().")
        if tuple(tags.shape) != tuple(mask.shape):
            raise ValueError(
                f"{name}: tags must have shape {tuple(mask.shape)} like emissions' (batch, time), got "
                f"{tuple(tags.shape)}."
            )
        real = tags.to(mask.device)[mask]  # tags on real steps only
        if real.numel() and (int(real.min()) < 0 or int(real.max()) >= C):
            raise ValueError(
                f"{name}: tags on real steps must be in [0, {C}), got min {int(real.min())}, max "
                f"{int(real.max())}. Padded steps may hold anything; a CRF cannot skip a real step."
            )
