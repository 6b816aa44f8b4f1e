"""CoNLL files: one token per line with its columns, a blank line between sentences.

CoNLL-2003 lines are ``token POS chunk NER`` (``EU NNP B-NP B-ORG``), separated by single spaces, with
``-DOCSTART- -X- -X- O`` lines between documents (skipped here). Any CoNLL-style file is read the same
way, the tag column named by its index (``-1``, the last, by default) and the scheme it is written in
(``iob1``, ``iob2`` or ``iobes``, converted to IOB2: :mod:`rnnkit.data.tag_schemes`). Every token line
must have as many columns as the first; a file that breaks that, is empty, or is not UTF-8 is a
ValueError naming the file and the line.

Example:
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".conll", delete=False) as f:
    ...     _ = f.write("-DOCSTART- -X- -X- O\\n\\nEU NNP I-NP I-ORG\\nrejects VBZ I-VP O\\n")
    >>> [(s.tokens, s.tags) for s in read_conll(f.name, scheme="iob1")]
    [(['EU', 'rejects'], ['B-ORG', 'O'])]
    >>> os.remove(f.name)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .tag_schemes import check_scheme, from_iob2, split_tag, to_iob2

DOCSTART = "-DOCSTART-"


@dataclass(frozen=True)
class TaggedSentence:
    """One sentence: its tokens and their IOB2 tags (``None`` for a file without a tag column), where
    it starts in its file (``file:line``, for messages) and its document (counted by ``-DOCSTART-``
    lines from 0; 0 throughout a file without them)."""

    tokens: list[str]
    tags: list[str] | None
    where: str = ""
    document: int = 0


def read_conll(
    path: str | Path, tag_column: int = -1, scheme: str = "iob2", tagged: bool = True
) -> list[TaggedSentence]:
    """The sentences of a CoNLL file, tags converted to IOB2 (``tagged=False``: tokens only).

    Raises:
        FileNotFoundError: no such file.
        ValueError: an unknown scheme, a file that is empty or not UTF-8, a token line whose column count
            differs from the first's or that lacks the tag column, a tag that is not of ``scheme``.
    """
    scheme = check_scheme(scheme)
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"{path}: no such CoNLL file.")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8.") from None
    return parse_conll(text.splitlines(), str(path), tag_column, scheme, tagged)


def parse_conll(
    lines: Iterable[str], name: str, tag_column: int = -1, scheme: str = "iob2", tagged: bool = True
) -> list[TaggedSentence]:
    """:func:`read_conll` on lines already read (``name`` is what the errors call them)."""
    scheme = check_scheme(scheme)
    sentences: list[TaggedSentence] = []
    rows: list[list[str]] = []
    start_line, columns, document, documents_seen = 0, 0, 0, 0
    for number, line in enumerate([*lines, ""], start=1):
        fields = line.split()
        starts_document = bool(fields) and fields[0] == DOCSTART
        if not fields or starts_document:
            if rows:
                where = f"{name}:{start_line}"
                sentences.append(_sentence(rows, where, tag_column, scheme, tagged, document))
                rows = []
            if starts_document:
                document, documents_seen = documents_seen, documents_seen + 1
            continue
        if not columns:
            columns = len(fields)
            if tagged and not -columns <= tag_column < columns:
                raise ValueError(
                    f"{name}:{number}: {columns} column(s), so there is no tag column {tag_column}; set "
                    f"the tag column to one of {-columns}..{columns - 1} (-1, the last, by default)."
                )
        elif len(fields) != columns:
            raise ValueError(
                f"{name}:{number}: {len(fields)} column(s) where the file's first token line has "
                f"{columns}: {line.strip()[:60]!r}. Every token line needs the same columns "
                f"(token ... tag), separated by spaces."
            )
        if not rows:
            start_line = number
        rows.append(fields)
    if not sentences:
        raise ValueError(f"{name}: no sentences (the file is empty or holds only {DOCSTART} lines).")
    return sentences


def _sentence(
    rows: list[list[str]], where: str, tag_column: int, scheme: str, tagged: bool, document: int
) -> TaggedSentence:
    tokens = [row[0] for row in rows]
    if not tagged:
        return TaggedSentence(tokens, None, where, document)
    raw = [row[tag_column] for row in rows]
    try:
        return TaggedSentence(tokens, to_iob2(raw, scheme), where, document)
    except ValueError as error:
        raise ValueError(f"{where}: {error}.") from None


def looks_like_conll(lines: Sequence[str]) -> bool:
    """True for CoNLL-style lines (``-DOCSTART-``, or blank-line-separated token lines that all have the
    same number of columns and end in a tag), False for plain text with one sentence per line."""
    fields = [line.split() for line in lines]
    if any(f and f[0] == DOCSTART for f in fields):
        return True
    rows = [f for f in fields if f]
    if not rows or len(rows) == len(fields):  # no blank line: one sentence per line
        return False
    if len({len(row) for row in rows}) != 1:
        return False
    if len(rows[0]) == 1:
        return True  # one token per line, sentences separated by blank lines
    try:
        for row in rows:
            split_tag(row[-1])
    except ValueError:
        return False
    return True


def format_conll(
    sentences: Sequence[tuple[Sequence[str], Sequence[Sequence[str]]]], scheme: str = "iob2"
) -> str:
    """CoNLL text: each token with its tag columns (IOB2 written in ``scheme``), a blank line after each
    sentence. ``sentences`` holds ``(tokens, [tags, more tags, ...])`` (e.g. the gold and the predicted
    tags, the layout conlleval reads).

    Example:
        >>> print(format_conll([(["EU", "rejects"], [["B-ORG", "O"]])]), end="")
        EU B-ORG
        rejects O
        <BLANKLINE>
    """
    lines: list[str] = []
    for tokens, tag_columns in sentences:
        written = [from_iob2(list(tags), scheme) for tags in tag_columns]
        for position, token in enumerate(tokens):
            lines.append(" ".join([token, *(column[position] for column in written)]))
        lines.append("")
    return "".join(line + "\n" for line in lines)
