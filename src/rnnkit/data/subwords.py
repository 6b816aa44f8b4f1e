"""Subword tokenisation with SentencePiece (Kudo & Richardson 2018), learnt on training text only.

A sentence is cut into pieces from a vocabulary of a fixed size, learnt by BPE (Sennrich et al. 2016:
start from characters, merge the most frequent adjacent pair until the vocabulary is full) or the unigram
model. SentencePiece reads raw text: a space becomes part of the next piece (``▁``), so decoding the
pieces is exact detokenisation, with no tokenizer rules to undo::

    "A man rides a bike."  ->  ▁A ▁man ▁rid es ▁a ▁bike .  ->  "A man rides a bike."

Ids 0-3 are the specials every model here shares: ``<pad>`` 0, ``<s>`` (BOS) 1, ``</s>`` (EOS) 2,
``<unk>`` 3. With ``character_coverage=1.0`` every character of the training text has a piece; a character
never seen in training becomes ``<unk>`` (and decodes to ``⁇``), which :meth:`SubwordTokenizer.unknown`
counts so that a caller can say so.

The model is bytes (:meth:`to_bytes`), written into the run folder and read back whole.

Example:
    >>> tok = SubwordTokenizer.train(["a dog runs", "a cat runs", "two dogs"] * 20, vocab_size=30)
    >>> tok.decode(tok.encode("a dog runs"))
    'a dog runs'
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
MODEL_TYPES = ("bpe", "unigram")


def _processor(model: bytes):  # noqa: ANN202  (sentencepiece ships no type hints)
    try:
        import sentencepiece as spm
    except ImportError:  # pragma: no cover - the translate extra installs it
        raise ImportError(
            "subword tokenisation needs sentencepiece; install it with `pip install -e .[translate]` "
            "(make install does)."
        ) from None
    return spm.SentencePieceProcessor(model_proto=model)


class SubwordTokenizer:
    """Text to subword ids and back (see the module docstring)."""

    def __init__(self, model: bytes) -> None:
        self.model = model
        self._sp = _processor(model)
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = PAD_ID, BOS_ID, EOS_ID, UNK_ID

    @classmethod
    def train(
        cls,
        sentences: Iterable[str],
        vocab_size: int,
        model_type: str = "bpe",
        character_coverage: float = 1.0,
    ) -> SubwordTokenizer:
        """Learn a vocabulary of (at most) ``vocab_size`` pieces from ``sentences``.

        ``hard_vocab_limit=False``: a text too small for ``vocab_size`` gets a smaller vocabulary instead
        of an error. One thread and no sampling of the input, so the same text gives the same model.
        """
        import sentencepiece as spm

        if model_type not in MODEL_TYPES:
            raise ValueError(f"subword model_type must be one of {MODEL_TYPES}, got {model_type!r}.")
        if vocab_size < 8:
            raise ValueError(
                f"subword vocab_size must be >= 8 (4 specials and some pieces), got {vocab_size}."
            )
        text = [s for s in sentences if s.strip()]
        if not text:
            raise ValueError("no non-empty sentence to learn subwords from.")
        buffer = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(text),
            model_writer=buffer,
            vocab_size=vocab_size,
            model_type=model_type,
            character_coverage=character_coverage,
            pad_id=PAD_ID,
            bos_id=BOS_ID,
            eos_id=EOS_ID,
            unk_id=UNK_ID,
            hard_vocab_limit=False,
            num_threads=1,
            input_sentence_size=0,
            shuffle_input_sentence=False,
            minloglevel=2,
        )
        return cls(buffer.getvalue())

    def __len__(self) -> int:
        return int(self._sp.get_piece_size())

    def to_bytes(self) -> bytes:
        return self.model

    def encode(self, text: str) -> list[int]:
        """The piece ids of one sentence (no BOS/EOS)."""
        return list(self._sp.encode(text, out_type=int))

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return [list(ids) for ids in self._sp.encode(list(texts), out_type=int)]

    def pieces(self, text: str) -> list[str]:
        """The pieces of one sentence as strings (``▁`` marks a space), for plots."""
        return list(self._sp.encode(text, out_type=str))

    def id_to_piece(self, ids: Sequence[int]) -> list[str]:
        return [self._sp.id_to_piece(int(i)) for i in ids]

    def decode(self, ids: Sequence[int]) -> str:
        """Detokenised text of piece ids; specials (pad, BOS, EOS) are dropped."""
        return str(self._sp.decode([int(i) for i in ids if i not in (PAD_ID, BOS_ID, EOS_ID)]))

    def unknown(self, ids: Sequence[int]) -> int:
        """How many of ``ids`` are ``<unk>`` (characters the training text never had)."""
        return sum(1 for i in ids if i == UNK_ID)
