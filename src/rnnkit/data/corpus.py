"""Plain-text corpora for language models: read UTF-8, cut into characters or words, encode.

Two levels of tokens:

- ``char``: every Unicode character is a token, newlines included (char-rnn, nanoGPT's
  ``shakespeare_char``).
- ``word``: one sentence per line, words split on whitespace, and an ``<eos>`` token closing every line
  (empty lines too), as the PTB and WikiText corpora are read by Zaremba et al. and AWD-LSTM.

The vocabulary comes from the training text only. At word level, words it lacks become ``<unk>`` (PTB
already writes ``<unk>`` in its files, which maps onto the same id); at char level an unseen character
in a validation or test text also becomes ``<unk>``, but a *prime* for generation must be made of known
characters (:func:`encode_prime` says which are not).

Example:
    >>> tokens_of("to be\\nor not", "word")
    ['to', 'be', '<eos>', 'or', 'not', '<eos>']
    >>> vocab = build_vocab([tokens_of("abca", "char")], "char")
    >>> vocab.itos, vocab.encode(list("abz"))
    (['<pad>', '<unk>', 'a', 'b', 'c'], [2, 3, 1])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .vocab import Vocab

LEVELS = ("char", "word")
EOS = "<eos>"
SPECIALS = {"char": ("<pad>", "<unk>"), "word": ("<pad>", "<unk>", EOS)}


def decode_utf8(data: bytes, source: str) -> str:
    """``data`` as text, or a ValueError that names the first bad byte, its line and its offset.

    A leading byte-order mark is dropped; Windows line ends become ``\\n``.

    Example:
        >>> try:
        ...     decode_utf8(b"ok\\nbad \\xff", "f.txt")
        ... except ValueError as error:
        ...     print(str(error)[:65])
        f.txt is not UTF-8 text: byte 0xff at line 2, byte 5 of that line
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ValueError(
            f"{source} is not UTF-8 text: byte 0x{data[error.start]:02x} at line {line}, byte {column} of "
            f"that line (offset {error.start} in the file): {error.reason}. Convert it, e.g. "
            f"`iconv -f latin1 -t utf-8 {source} > {Path(source).stem}.utf8.txt`."
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def read_text(path: str | Path) -> str:
    """The UTF-8 text of a corpus file; an error that names the file if it is missing, not UTF-8 or empty."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"corpus file {path} does not exist (or is not a file); pass a UTF-8 text file."
        )
    text = decode_utf8(path.read_bytes(), str(path))
    if not text.strip():
        raise ValueError(f"corpus file {path} is empty (or only whitespace); pass a file with text in it.")
    return text


def tokens_of(text: str, level: str) -> list[str]:
    """The tokens of ``text`` at ``level`` (``char`` or ``word``; see the module docstring)."""
    if level == "char":
        return list(text)
    if level == "word":
        lines = text.split("\n")
        if lines and lines[-1] == "":  # the newline that ends the last line does not open another
            lines.pop()
        return [token for line in lines for token in (*line.split(), EOS)]
    raise ValueError(f"data.level must be one of {list(LEVELS)}, got {level!r}.")


def build_vocab(token_lists: Iterable[list[str]], level: str, max_size: int = 0, min_freq: int = 1) -> Vocab:
    """The vocabulary of the training tokens: every character (char level, sorted by code point, as
    nanoGPT does), or the ``max_size`` most frequent words seen ``min_freq`` times (0 = no limit)."""
    specials = SPECIALS[level]
    if level == "char":
        characters = sorted({c for tokens in token_lists for c in tokens})
        return Vocab(characters, specials=specials)
    return Vocab.build(token_lists, max_size=max_size or None, min_freq=min_freq, specials=specials)


def encode_prime(text: str, vocab: Vocab, level: str) -> list[int]:
    """The ids of a generation prime. At char level every character must be in the vocabulary (the
    error lists those that are not); at word level unknown words become ``<unk>``, as in training."""
    if not text:
        raise ValueError(
            "--prime is empty; give at least one character to start from (e.g. --prime 'ROMEO:')."
        )
    if level == "char":
        unknown = sorted({c for c in text if c not in vocab.stoi})
        if unknown:
            shown = ", ".join(repr(c) for c in unknown)
            raise ValueError(
                f"--prime holds characters the model never saw in training: {shown}; use only the "
                f"{len(vocab) - len(vocab.specials)} characters of its training text (listed in the run's "
                "vocab.json)."
            )
        return vocab.encode(list(text))
    return vocab.encode(text.split()) or vocab.encode([EOS])


def text_pieces(tokens: Iterable[str], level: str, at_line_start: bool = True) -> Iterator[str]:
    """The text of each token as it comes (for streaming): characters as they are; words with a space
    before every word but a line's first, and ``<eos>`` as a line end (``at_line_start=False``: the
    text continues a line, so its first word gets a space).

    Example:
        >>> "".join(text_pieces(["to", "be", "<eos>", "or"], "word"))
        'to be\\nor'
    """
    for token in tokens:
        if level == "char":
            yield token
        elif token == EOS:
            at_line_start = True
            yield "\n"
        else:
            yield token if at_line_start else " " + token
            at_line_start = False


def detokenize(tokens: Iterable[str], level: str) -> str:
    """Text from tokens: :func:`text_pieces` joined."""
    return "".join(text_pieces(tokens, level))
