"""Tiny Shakespeare: about 40,000 lines of Shakespeare's plays in one ASCII file (char-rnn, Karpathy 2015).

The canonical ``input.txt`` of char-rnn's repository: 1,115,394 characters, 65 distinct, 40,000 lines,
speaker names on their own lines. There is no official split; nanoGPT's ``shakespeare_char`` takes the
first 90% of the characters for training and the last 10% for validation, which the ``textgen``
recipe follows so that its figures compare with nanoGPT's.

Example:
    >>> SHAKESPEARE_TXT.folder, SHAKESPEARE_TXT.name, SHAKESPEARE_TXT.size
    ('tinyshakespeare', 'input.txt', 1115394)
"""

from __future__ import annotations

from pathlib import Path

from ..corpus import decode_utf8
from ..download import RemoteFile, fetch

SHAKESPEARE_TXT = RemoteFile(
    folder="tinyshakespeare",
    name="input.txt",
    url="https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
    # the shared mirror's file (its README gives this digest and the counts checked in the tests)
    sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    size=1115394,
)


def shakespeare_structural_check(path: Path) -> None:
    """A copy with another digest passes only if it is UTF-8 text of about the official length."""
    text = decode_utf8(path.read_bytes(), str(path))
    if not 1_000_000 <= len(text) <= 1_200_000:
        raise ValueError(f"{len(text)} characters, expected about 1,115,394")


def load_tiny_shakespeare(root: str | Path | None = None, download: bool = True) -> str:
    """The whole text of ``root/tinyshakespeare/input.txt`` (verified; downloaded if missing)."""
    path = fetch(SHAKESPEARE_TXT, root, download=download, structural_check=shakespeare_structural_check)
    return decode_utf8(path.read_bytes(), str(path))
