"""A cache of verified SHA-256 digests, so a large archive is not re-hashed on every load.

One small JSON file per data file, kept under a writable cache folder (never next to the data: a
shared mirror is often read-only). An entry is trusted only while the data file keeps the same
absolute path, size, modification time and change time; anything else is a miss and the caller
hashes the file again. Every failure to read or write the cache is silent (logged at DEBUG) and
costs only a re-hash.

The folder is ``$XDG_CACHE_HOME/rnnkit/.digests``, or ``~/.cache/rnnkit/.digests``.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     data = Path(tmp, "data.bin")
    ...     _ = data.write_bytes(b"abc")
    ...     cache = Path(tmp, "cache")
    ...     remember(data, "ba7816bf", cache_dir=cache)
    ...     lookup(data, cache_dir=cache)
    'ba7816bf'
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from ..atomic import atomic_write_text

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """Where verified digests are remembered: ``$XDG_CACHE_HOME/rnnkit/.digests`` or ``~/.cache/...``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rnnkit" / ".digests"


def _entry_path(path: Path, cache_dir: Path) -> Path:
    key = hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir / f"{key}.json"


def _fingerprint(path: Path) -> dict[str, int | str]:
    stat = path.stat()
    return {
        "path": str(path),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "ctime_ns": stat.st_ctime_ns,
    }


def lookup(path: str | Path, cache_dir: Path | None = None) -> str | None:
    """The remembered digest of ``path``, or None if there is none or the file changed since."""
    path = Path(path).absolute()
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        entry = json.loads(_entry_path(path, cache_dir).read_text(encoding="utf-8"))
        fingerprint = _fingerprint(path)
    except (OSError, ValueError) as exc:
        logger.debug("no cached digest for %s (%s)", path, exc)
        return None
    if not isinstance(entry, dict) or any(entry.get(k) != v for k, v in fingerprint.items()):
        return None
    digest = entry.get("sha256")
    return digest if isinstance(digest, str) else None


def remember(path: str | Path, digest: str, cache_dir: Path | None = None) -> None:
    """Remember that ``path``, as it is now, has ``digest``; silently does nothing if it cannot."""
    path = Path(path).absolute()
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        entry = {**_fingerprint(path), "sha256": digest}
        atomic_write_text(_entry_path(path, cache_dir), json.dumps(entry))
    except OSError as exc:
        logger.debug("cannot cache the digest of %s in %s (%s)", path, cache_dir, exc)
