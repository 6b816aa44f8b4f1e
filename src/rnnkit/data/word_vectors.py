"""Pretrained word vectors in the GloVe or word2vec text format, and an embedding built from them.

One word per line followed by its E numbers, separated by spaces (``the 0.418 0.24968 ...``); word2vec's
text files begin with a ``count dim`` header line, GloVe's do not (both are read). Every line must have
the same E; a line that does not, or a number that is not one, is a ValueError naming the file and line.

Example:
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("2 3\\nparis 0.1 0.2 0.3\\nlamb 1 2 3\\n")
    >>> vectors = read_vectors(f.name)
    >>> vectors.words, vectors.dim
    (['paris', 'lamb'], 3)
    >>> os.remove(f.name)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WordVectors:
    """The words of a vectors file, in file order, and their vectors (one list of E floats each)."""

    words: list[str]
    vectors: list[list[float]]

    @property
    def dim(self) -> int:
        return len(self.vectors[0]) if self.vectors else 0


def read_vectors(path: str | Path, lowercase: bool = False) -> WordVectors:
    """The vectors of a GloVe / word2vec text file; with ``lowercase`` a word's first (most frequent)
    spelling wins (``Paris`` before ``PARIS``)."""
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"model.vectors={path}: no such file; give a GloVe or word2vec text file.")
    words: list[str] = []
    vectors: list[list[float]] = []
    seen: set[str] = set()
    dim = 0
    try:
        with source.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                fields = line.rstrip("\n").split(" ")
                fields = [f for f in fields if f]
                if not fields:
                    continue
                if number == 1 and len(fields) == 2 and all(f.isdigit() for f in fields):
                    continue  # word2vec's "count dim" header
                if not dim:
                    dim = len(fields) - 1
                    if dim < 1:
                        raise ValueError(
                            f"{path}:{number}: a word without numbers; expected 'word v1 ... vE'."
                        )
                if len(fields) - 1 != dim:
                    raise ValueError(
                        f"{path}:{number}: {len(fields) - 1} numbers where the first vector has {dim}; "
                        "every line is 'word v1 ... vE' with the same E."
                    )
                try:
                    vector = [float(v) for v in fields[1:]]
                except ValueError:
                    raise ValueError(
                        f"{path}:{number}: {line.strip()[:40]!r} holds a value that is not a number."
                    ) from None
                word = fields[0].lower() if lowercase else fields[0]
                if word in seen:
                    continue
                seen.add(word)
                words.append(word)
                vectors.append(vector)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8.") from None
    if not words:
        raise ValueError(f"model.vectors={path}: the file holds no vectors.")
    return WordVectors(words, vectors)
