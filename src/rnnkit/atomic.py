"""Atomic file writes: the one helper every writer in rnnkit uses (run folders, vocabularies, downloads).

A write goes to a temporary file in the destination folder, is flushed and fsynced, then renamed over
the destination with :func:`os.replace` (atomic on POSIX and Windows), so a crash leaves either the old
file or the new one, never a mix. The file gets the permissions an ordinary ``open(path, "w")`` would
give it (``0o666`` less the process umask), not the ``0o600`` of :func:`tempfile.mkstemp`.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a" / "b.json"
    >>> write_json(path, {"loss": float("nan"), "epoch": 3})
    >>> path.read_text()
    '{\\n  "loss": null,\\n  "epoch": 3\\n}\\n'
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it back at once
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # makes the rename durable (POSIX; not possible on Windows)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def atomic_open(path: str | Path, suffix: str = ".tmp") -> Iterator[IO[bytes]]:
    """A binary file handle whose content replaces ``path`` atomically when the block ends cleanly.

    On an exception the temporary file is removed and ``path`` is untouched. Parent folders are created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as tmp:
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
            with contextlib.suppress(OSError):
                os.fchmod(tmp.fileno(), 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(path.parent)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path) as file:
        file.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None, so that it is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def write_json(path: str | Path, data: Any) -> None:
    """Write ``data`` as indented, strict JSON (NaN and infinities become null), atomically."""
    atomic_write_text(path, json.dumps(json_safe(data), indent=2, allow_nan=False) + "\n")
