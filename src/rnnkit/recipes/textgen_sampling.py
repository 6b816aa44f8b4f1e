"""Streaming generation from a trained language model: one token per step, constant memory.

The prime is read in one pass (a fused forward over it), then each step feeds the token just drawn
through :meth:`~rnnkit.models.awd_lstm.AWDLanguageModel.step` and draws the next from
:func:`~rnnkit.models.decoding.sampling_probs` (temperature, then top-k, then top-p). Temperature 0 is
greedy decoding (argmax, ties to the lowest id). The random draws come from one
:class:`torch.Generator` seeded with ``seed``, so the same run, prime, settings and seed give the
same text; ``seed=None`` draws a fresh seed. Padding is never emitted.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from ..data.corpus import encode_prime, text_pieces
from ..data.vocab import Vocab
from ..models.awd_lstm import AWDLanguageModel
from ..models.decoding import check_sampling, sampling_probs


def check_length(length: int) -> None:
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise ValueError(f"--length {length!r}: generate at least 1 token (e.g. --length 500).")


def stream_tokens(
    model: AWDLanguageModel,
    prime_ids: list[int],
    length: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    banned: tuple[int, ...] = (0,),
) -> Iterator[int]:
    """Token ids after ``prime_ids``, one per step, ``length`` of them (stop iterating to stop early).

    Args:
        model: an :class:`~rnnkit.models.awd_lstm.AWDLanguageModel` (any model with ``read`` and ``step``).
        prime_ids: at least one id to start from.
        temperature: 0 for greedy decoding, else > 0.
        top_k, top_p: keep only the k most probable tokens / the nucleus of mass p (None: all).
        seed: seeds the draws (None: a fresh seed).
        banned: ids never emitted (padding).
    """
    check_length(length)
    if temperature != 0:
        check_sampling(temperature, top_k, top_p, "generate")
    elif top_k is not None or top_p is not None:
        raise ValueError("temperature 0 is greedy decoding; drop --top-k/--top-p (or use a temperature > 0).")
    if not prime_ids:
        raise ValueError("generate: the prime has no tokens; give at least one.")
    generator = torch.Generator()
    if seed is not None:
        generator.manual_seed(seed)
    else:
        generator.seed()
    return _draw(model, prime_ids, length, temperature, top_k, top_p, generator, banned)


def _draw(
    model: AWDLanguageModel,
    prime_ids: list[int],
    length: int,
    temperature: float,
    top_k: int | None,
    top_p: float | None,
    generator: torch.Generator,
    banned: tuple[int, ...],
) -> Iterator[int]:
    model.eval()
    with torch.no_grad():
        log_probs, state = model.read(torch.tensor([prime_ids], dtype=torch.long))  # (1, V)
        ban = torch.zeros(log_probs.shape[-1], dtype=torch.bool)  # (V,), built once
        ban[list(banned)] = True
        for _ in range(length):
            log_probs = log_probs.masked_fill(ban, float("-inf"))  # (1, V)
            if temperature == 0:
                token = log_probs.argmax(dim=-1)  # (1,)
            else:
                probs = sampling_probs(log_probs, temperature, top_k, top_p)  # (1, V)
                token = torch.multinomial(probs, 1, generator=generator).squeeze(1)  # (1,)
            yield int(token.item())
            log_probs, state = model.step(token, state)


def stream_text(
    model: AWDLanguageModel,
    vocab: Vocab,
    level: str,
    prime: str,
    length: int,
    **sampling: float | int | None,
) -> Iterator[str]:
    """The text after ``prime``, a piece (character, or word with its space) per step."""
    ids = encode_prime(prime, vocab, level)
    tokens = (vocab.itos[i] for i in stream_tokens(model, ids, length, banned=(vocab.pad_id,), **sampling))  # type: ignore[arg-type]
    return text_pieces(tokens, level, at_line_start=prime.endswith("\n"))
