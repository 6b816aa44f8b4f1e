"""Data files on disk: where they live, how they are verified, and how they are downloaded.

Every dataset file is described by a :class:`RemoteFile` (the official URL, SHA-256 and size) and
lives at ``data_root(root) / folder / name``. :func:`fetch` returns that path once the file is there
and verified:

- **present, official digest**: used as is. The digest is remembered in a small cache (see
  :mod:`rnnkit.data.digest_cache`) keyed by path, size and times, so a large archive is hashed once,
  not on every load.
- **present, other digest**: accepted with a ``UserWarning`` naming both digests if the digest is a
  known repack (``known_repacks``: digest -> description) or if ``structural_check`` passes (a
  rebuilt copy with the right content); otherwise a ValueError that names both digests and says to
  delete the file.
- **missing**: downloaded with urllib into a temporary file next to the target (a progress bar on
  stderr, :class:`rnnkit.progress.ProgressBar`: by default only on a terminal), verified against the
  official digest (a downloaded file gets no leniency),
  then renamed into place atomically. A failed download leaves nothing behind and raises
  :class:`DownloadError` (a FileNotFoundError and a ConnectionError).

With ``RNNKIT_DATA`` pointing at a folder that already holds the files (the shared mirror in CI),
nothing is downloaded and nothing is written next to the data.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     source = Path(tmp, "hello.txt")
    ...     _ = source.write_bytes(b"hello")
    ...     remote = RemoteFile("demo", "hello.txt", source.as_uri(), sha256_of(source))
    ...     fetch(remote, root=Path(tmp, "data")).read_bytes()
    b'hello'
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import os
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from ..atomic import atomic_open
from ..progress import ProgressBar
from . import digest_cache

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
TIMEOUT_S = 60.0
_NO_REPACKS: Mapping[str, str] = MappingProxyType({})


class DownloadError(FileNotFoundError, ConnectionError):
    """A missing data file could not be downloaded (network, HTTP or timeout failure).

    It is both a FileNotFoundError (the file is still not there, as with ``download=False``; the CLI
    reports it as one red line) and a ConnectionError (what went wrong). The message names the URL
    and where to place the file by hand.
    """


def data_root(root: str | Path | None = None) -> Path:
    """The folder that holds the datasets: ``root``, else ``$RNNKIT_DATA``, else ``~/.cache/rnnkit``.

    Example:
        >>> data_root("/srv/data").as_posix()
        '/srv/data'
    """
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get("RNNKIT_DATA")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "rnnkit"


@dataclass(frozen=True)
class RemoteFile:
    """One official dataset file.

    Args:
        folder: the sub-folder of the data root it lives in (e.g. ``"imdb"``).
        name: its file name (e.g. ``"aclImdb_v1.tar.gz"``).
        url: where the official file is downloaded from.
        sha256: the official file's SHA-256, lower-case hex.
        size: the official file's size in bytes, if known (used for the progress bar).

    Example:
        >>> RemoteFile("demo", "a.txt", "https://example.org/a.txt", "0" * 64).name
        'a.txt'
    """

    folder: str
    name: str
    url: str
    sha256: str
    size: int | None = None


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks (lower-case hex).

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile() as f:
        ...     _ = f.write(b"abc")
        ...     f.flush()
        ...     sha256_of(f.name)[:16]
        'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(
    remote: RemoteFile,
    root: str | Path | None = None,
    *,
    download: bool = True,
    structural_check: Callable[[Path], None] | None = None,
    known_repacks: Mapping[str, str] = _NO_REPACKS,
    progress: bool | None = None,
) -> Path:
    """Return ``data_root(root) / remote.folder / remote.name``, verified, downloading it if missing.

    Args:
        remote: the official file.
        root: the data root (default: ``$RNNKIT_DATA`` or ``~/.cache/rnnkit``).
        download: if False, a missing file is an error instead of a download.
        structural_check: called with the path of a present file whose digest is not the official one;
            it raises ValueError if the file is not a valid copy (wrong layout, truncated, ...).
        known_repacks: digest -> description of rebuilt copies known to hold the official content.
        progress: the download's progress bar on stderr: None = only when stderr is a terminal,
            True = always, False = never.

    Returns:
        The path of the verified file.

    Raises:
        ValueError: a present file has another digest and is neither a known repack nor passes the
            structural check; or a downloaded file does not have the official digest.
        FileNotFoundError: the file is missing and ``download`` is False.
        DownloadError: the file is missing and the download failed (a FileNotFoundError and a
            ConnectionError; the message names the URL and where to place the file by hand).
    """
    path = data_root(root) / remote.folder / remote.name
    if path.exists():
        if not path.is_file():
            raise ValueError(f"{path} should be the file {remote.name} but is not a regular file; remove it.")
        _verify_present(remote, path, structural_check, known_repacks)
        return path
    if not download:
        raise FileNotFoundError(
            f"{path} does not exist and download=False. Download {remote.url} by hand and place it at "
            f"{path} (expected sha256 {remote.sha256}), or call again with download=True."
        )
    _download(remote, path, progress)
    return path


def _verify_present(
    remote: RemoteFile,
    path: Path,
    structural_check: Callable[[Path], None] | None,
    known_repacks: Mapping[str, str],
) -> None:
    actual = digest_cache.lookup(path)
    cached = actual is not None
    if actual is None:
        actual = sha256_of(path)
    expected = remote.sha256
    if actual == expected:
        logger.debug("%s: official sha256 %s", path, actual)
    elif actual in known_repacks:
        warnings.warn(
            f"{path}: sha256 {actual} differs from the official {expected}; accepted as a known repack "
            f"({known_repacks[actual]}).",
            UserWarning,
            stacklevel=3,
        )
    elif structural_check is not None:
        try:
            structural_check(path)
        except ValueError as exc:
            raise ValueError(
                f"{path}: sha256 {actual} does not match the official {expected}, and the file is not a "
                f"valid {remote.name}: {_with_fix(str(exc), remote)}"
            ) from exc
        warnings.warn(
            f"{path}: sha256 {actual} differs from the official {expected}; accepted because its "
            "structure checks out (a rebuilt copy?). Delete it and run again for the official file.",
            UserWarning,
            stacklevel=3,
        )
    else:
        raise ValueError(
            f"{path}: sha256 {actual} does not match the official {expected}. The file is corrupted, "
            f"truncated or another version: delete it and run again to download {remote.url}."
        )
    if not cached:
        digest_cache.remember(path, actual)


def _with_fix(reason: str, remote: RemoteFile) -> str:
    """``reason`` ending with the fix, said once (a dataset's own check may already say it)."""
    fix = f"Delete it and run again to download {remote.url}."
    return reason if "Delete it" in reason else f"{reason.rstrip('.')}. {fix}"


def _missing_hint(remote: RemoteFile, path: Path) -> str:
    return (
        f"{remote.folder}/{remote.name} is missing: looked for {path}. Point rnnkit at a folder that has it "
        f"(export RNNKIT_DATA=/path/to/datasets, or --data-dir DIR; in Python root=), or download "
        f"{remote.url} by hand to that path"
    )


def _download(remote: RemoteFile, path: Path, progress: bool | None = None) -> None:
    """Download ``remote`` to ``path``; on any failure, leave nothing behind (not even the folders)."""
    folder = path.parent
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        hint = _missing_hint(remote, path)
        raise DownloadError(f"{hint} ({existing} is a file, not a folder, so it cannot be downloaded there).")
    if not os.access(existing, os.W_OK):
        raise DownloadError(
            f"{_missing_hint(remote, path)} ({existing} is not writable, so it cannot be downloaded)."
        )
    response = _open_url(remote, path)  # before any folder is made: offline, nothing is created
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with response, atomic_open(path, suffix=".part") as out:  # the partial file goes on any error
            actual = _stream_into(remote, path, response, out, progress)
            if actual != remote.sha256:
                raise ValueError(
                    f"downloaded {remote.url}: sha256 {actual} does not match the expected {remote.sha256}; "
                    f"nothing was written to {path}. Run again; if it persists, the file at that URL has "
                    "changed or is being altered in transit: download it by hand and check it."
                )
    except BaseException:
        for made in created:  # innermost first; only the folders this call made, and only if empty
            with contextlib.suppress(OSError):
                made.rmdir()
        raise
    digest_cache.remember(path, actual)
    logger.info("downloaded %s to %s (sha256 %s)", remote.url, path, actual)


def _open_url(remote: RemoteFile, path: Path) -> Any:
    logger.info("downloading %s to %s", remote.url, path)
    try:
        return urllib.request.urlopen(remote.url, timeout=TIMEOUT_S)  # http(s) and file:// by design
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"{_missing_hint(remote, path)} (the download failed: {reason}).") from exc


def _stream_into(remote: RemoteFile, path: Path, response: Any, out: IO[bytes], progress: bool | None) -> str:
    """Copy the open ``response`` into the open file ``out``; return the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else remote.size
    with ProgressBar(total, remote.name, unit="B", unit_scale=True, enabled=progress) as bar:
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except (http.client.HTTPException, OSError) as exc:
                raise DownloadError(
                    f"{_missing_hint(remote, path)} (the download broke off: {exc})."
                ) from exc
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()
