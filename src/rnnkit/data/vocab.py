"""A token vocabulary: token <-> id, with padding and unknown-token ids, saved as JSON.

Ids ``0 .. len(specials) - 1`` are the special tokens: ``specials[0]`` is padding (``pad_id == 0``),
``specials[1]`` stands for every unknown token (``unk_id == 1``), further specials (``<bos>``,
``<eos>``, ...) follow. The corpus tokens come next, most frequent first, ties in alphabetical order,
so the same corpus always gives the same ids.

Example:
    >>> vocab = Vocab.build([["a", "b", "a"], ["c", "a", "b"]], max_size=4)
    >>> vocab.itos
    ['<pad>', '<unk>', 'a', 'b']
    >>> vocab.encode(["a", "c", "zzz"])
    [2, 1, 1]
    >>> vocab.decode([3, 2, 0])
    ['b', 'a', '<pad>']
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..atomic import atomic_write_text

FORMAT = "rnnkit.vocab"
VERSION = 1


class Vocab:
    """An ordered token list with its inverse map.

    Args:
        tokens: the non-special tokens, in id order (ids start after the specials).
        specials: the special tokens, padding first and unknown second.

    Attributes:
        itos: every token by id, specials first.
        stoi: token -> id.
        specials: the special tokens.
        pad_id: 0, the id of ``specials[0]``.
        unk_id: 1, the id of ``specials[1]``; ``encode`` maps unknown tokens to it.
    """

    pad_id = 0
    unk_id = 1

    def __init__(self, tokens: Iterable[str], specials: Sequence[str] = ("<pad>", "<unk>")) -> None:
        specials = tuple(specials)
        if len(specials) < 2:
            raise ValueError(
                f"specials must hold at least the padding and unknown tokens, got {specials!r}; "
                "pass e.g. specials=('<pad>', '<unk>')."
            )
        itos = [*specials, *tokens]
        for token in itos:
            if not isinstance(token, str):
                raise TypeError(f"vocabulary tokens must be str, got {token!r} ({type(token).__name__}).")
        stoi: dict[str, int] = {}
        for index, token in enumerate(itos):
            if token in stoi:
                raise ValueError(
                    f"token {token!r} appears twice in the vocabulary (ids {stoi[token]} and {index}); "
                    "tokens and specials must all be distinct."
                )
            stoi[token] = index
        self.specials = specials
        self.itos = itos
        self.stoi = stoi

    @classmethod
    def build(
        cls,
        token_lists: Iterable[list[str]],
        max_size: int | None = None,
        min_freq: int = 1,
        specials: Sequence[str] = ("<pad>", "<unk>"),
    ) -> Vocab:
        """Count the tokens of a corpus and keep the most frequent.

        Args:
            token_lists: the corpus, one token list per text (read once; a generator is fine).
            max_size: the largest vocabulary, specials included; None = no limit.
            min_freq: keep only tokens seen at least this many times.
            specials: the special tokens (padding first, unknown second).

        Returns:
            The vocabulary: specials, then tokens by decreasing count, ties alphabetical.

        Raises:
            ValueError: the corpus has no tokens, no token reaches ``min_freq``, ``min_freq < 1`` or
                ``max_size`` is smaller than the number of specials.

        Example:
            >>> Vocab.build([["x", "y", "y"]], min_freq=2).itos
            ['<pad>', '<unk>', 'y']
        """
        specials = tuple(specials)
        if max_size is not None and max_size < len(specials):
            raise ValueError(
                f"max_size={max_size} is smaller than the {len(specials)} special tokens {specials!r}; "
                f"pass max_size >= {len(specials)} (or None for no limit)."
            )
        if min_freq < 1:
            raise ValueError(f"min_freq must be >= 1, got {min_freq}.")
        counts: Counter[str] = Counter()
        for tokens in token_lists:
            if isinstance(tokens, str):
                raise TypeError(
                    f"Vocab.build expects token lists, got the str {tokens[:40]!r}; tokenize each text first."
                )
            counts.update(tokens)
        if not counts:
            raise ValueError("cannot build a vocabulary from an empty corpus: no tokens were given.")
        for special in specials:
            counts.pop(special, None)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        kept = [token for token, count in ranked if count >= min_freq]
        if not kept:
            top, top_count = ranked[0] if ranked else ("", 0)
            raise ValueError(
                f"no token occurs at least min_freq={min_freq} times (the most frequent, {top!r}, occurs "
                f"{top_count} times); lower min_freq."
            )
        if max_size is not None:
            kept = kept[: max_size - len(specials)]
        return cls(kept, specials)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocab):
            return NotImplemented
        return self.itos == other.itos and self.specials == other.specials

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, specials={self.specials!r})"

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Token ids; a token not in the vocabulary gets ``unk_id``.

        Example:
            >>> Vocab(["hi"]).encode(["hi", "there"])
            [2, 1]
        """
        lookup, unk = self.stoi.get, self.unk_id
        return [lookup(token, unk) for token in tokens]

    def encode_all(self, token_lists: Iterable[Sequence[str]]) -> list[list[int]]:
        """``encode`` each token list; an empty one becomes ``[unk_id]``.

        So every text gives at least one step, which :func:`rnnkit.data.batching.pad_sequences`
        requires: a text that is empty after tokenisation (an empty review, or one made only of HTML
        tags) reads as a single unknown word instead of stopping the pipeline.

        Example:
            >>> Vocab(["hi"]).encode_all([["hi"], []])
            [[2], [1]]
        """
        return [self.encode(tokens) or [self.unk_id] for tokens in token_lists]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens for ids (a list, or a 1-D tensor); padding and specials are returned as they are.

        Raises:
            ValueError: an id is outside ``0 .. len(self) - 1``.

        Example:
            >>> Vocab(["hi"]).decode([2, 0])
            ['hi', '<pad>']
        """
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        size = len(self.itos)
        out = []
        for position, index in enumerate(ids):
            if not 0 <= index < size:
                raise ValueError(
                    f"id {index} at position {position} is outside the vocabulary (ids 0..{size - 1}); "
                    "decode ids made with this vocabulary."
                )
            out.append(self.itos[index])
        return out

    def to_json(self, path: str | Path) -> None:
        """Write the vocabulary to ``path`` as UTF-8 JSON, atomically (see :mod:`rnnkit.atomic`)."""
        path = Path(path)
        payload = {"format": FORMAT, "version": VERSION, "specials": list(self.specials)}
        payload["tokens"] = self.itos[len(self.specials) :]
        atomic_write_text(path, json.dumps(payload, ensure_ascii=False))

    @classmethod
    def from_json(cls, path: str | Path) -> Vocab:
        """Read a vocabulary written by :meth:`to_json`.

        Raises:
            FileNotFoundError: ``path`` does not exist.
            ValueError: the file is not valid JSON or not an rnnkit vocabulary.

        Example:
            >>> import tempfile
            >>> with tempfile.TemporaryDirectory() as tmp:
            ...     Vocab(["hi"]).to_json(f"{tmp}/vocab.json")
            ...     Vocab.from_json(f"{tmp}/vocab.json").itos
            ['<pad>', '<unk>', 'hi']
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"vocabulary file {path} does not exist; a text run folder needs the vocab.json that "
                "training wrote: copy the run folder whole, or retrain."
            )
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(
                f"{path} is not valid UTF-8 JSON ({exc}); expected the vocabulary that training wrote."
            ) from exc
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ValueError(
                f"{path} is not an rnnkit vocabulary: expected a JSON object with format={FORMAT!r}, as "
                "training writes it; restore the run folder's own vocab.json, or retrain."
            )
        if payload.get("version") != VERSION:
            raise ValueError(
                f"{path} has vocabulary format version {payload.get('version')!r}, this rnnkit reads "
                f"version {VERSION}; rebuild it with this version."
            )
        specials, tokens = payload.get("specials"), payload.get("tokens")
        if not isinstance(specials, list) or not isinstance(tokens, list):
            raise ValueError(f"{path}: 'specials' and 'tokens' must be JSON lists of strings.")
        try:
            return cls(tokens, specials)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from exc
