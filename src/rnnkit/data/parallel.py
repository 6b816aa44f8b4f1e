"""Parallel text: two files of sentences, line i of one the translation of line i of the other.

Files are UTF-8 (gzip'd when their name ends in ``.gz``), one sentence per line. Reading checks what a
translation corpus needs and names the file and line of what is wrong: bytes that are not UTF-8,
files of different line counts (both counts named: the pairs would be misaligned from the first
missing line on) and empty files. An empty line in a pair is kept at reading; the recipe drops pairs
with an empty side from training (they teach nothing) and refuses them where they would be scored.

Example:
    >>> decode_lines(b"A dog runs.\\nTwo men talk.\\n", "en.txt")
    ['A dog runs.', 'Two men talk.']
"""

from __future__ import annotations

import gzip
from pathlib import Path

from .corpus import decode_utf8


def decode_lines(data: bytes, source: str) -> list[str]:
    """The lines of UTF-8 ``data`` (no line ends; a final newline does not open another line), each
    stripped of surrounding whitespace."""
    lines = decode_utf8(data, source).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.strip() for line in lines]


def read_lines(path: str | Path, what: str = "text file") -> list[str]:
    """The sentences of one file (gzip'd if it ends in ``.gz``); errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{what} {path} does not exist (or is not a file); pass a UTF-8 text file.")
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise ValueError(f"{what} {path} ends in .gz but is not a gzip file ({error}).") from None
    lines = decode_lines(data, str(path))
    if not any(lines):
        raise ValueError(f"{what} {path} is empty (no sentence on any line); pass a file with one per line.")
    return lines


def read_parallel(source: str | Path, target: str | Path) -> tuple[list[str], list[str]]:
    """The aligned sentences of two files; a ValueError naming both files and both line counts if they
    differ."""
    source_lines = read_lines(source, "source file")
    target_lines = read_lines(target, "target file")
    if len(source_lines) != len(target_lines):
        raise ValueError(
            f"the source file {source} has {len(source_lines)} lines but the target file {target} has "
            f"{len(target_lines)}; line i of one must be the translation of line i of the other."
        )
    return source_lines, target_lines
