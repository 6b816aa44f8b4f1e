"""The datasets rnnkit knows by name, for ``rnnkit data list|download|verify``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .datasets.airline import AIRLINE
from .datasets.conll2003 import CONLL2003, conll2003_structural_check
from .datasets.ett import ETT
from .datasets.imdb import IMDB_ARCHIVE, IMDB_REPACKS, imdb_structural_check
from .datasets.mnist import MNIST_NPZ, MNIST_REPACKS, mnist_structural_check
from .datasets.multi30k import MULTI30K, STEMS, multi30k_structural_check
from .datasets.pm25 import PM25_CSV, PM25_REPACKS, pm25_structural_check
from .datasets.published_csv import PublishedCsv
from .datasets.shakespeare import SHAKESPEARE_TXT, shakespeare_structural_check
from .datasets.sunspots import SUNSPOTS
from .datasets.weather import WEATHER
from .download import RemoteFile, data_root, fetch, sha256_of


@dataclass(frozen=True)
class CatalogEntry:
    """One dataset: its official file, the known faithful repacks, and a structural check."""

    remote: RemoteFile
    repacks: Mapping[str, str]
    check: Callable[[Path], None]
    used_by: str


def _published(dataset: PublishedCsv, used_by: str) -> CatalogEntry:
    return CatalogEntry(dataset.remote, dataset.repacks, dataset.check, used_by)


CATALOG = {
    "imdb": CatalogEntry(IMDB_ARCHIVE, IMDB_REPACKS, imdb_structural_check, "sentiment"),
    "mnist": CatalogEntry(MNIST_NPZ, MNIST_REPACKS, mnist_structural_check, "mnist"),
    "sunspots": _published(SUNSPOTS, "forecast"),
    "airline": _published(AIRLINE, "forecast"),
    "pm25": CatalogEntry(PM25_CSV, PM25_REPACKS, pm25_structural_check, "forecast"),
    "etth1": _published(ETT["ETTh1"], "forecast"),
    "etth2": _published(ETT["ETTh2"], "forecast"),
    "weather": _published(WEATHER, "forecast"),
    "tinyshakespeare": CatalogEntry(SHAKESPEARE_TXT, {}, shakespeare_structural_check, "textgen"),
    **{
        f"multi30k-{STEMS[split]}.{lang}": CatalogEntry(remote, {}, multi30k_structural_check, "translate")
        for (split, lang), remote in MULTI30K.items()
    },
    **{
        f"conll2003-{split}": CatalogEntry(remote, {}, conll2003_structural_check, "ner")
        for split, remote in CONLL2003.items()
    },
}


def _entries(names: list[str]) -> list[tuple[str, CatalogEntry]]:
    unknown = [n for n in names if n not in CATALOG]
    if unknown:
        raise ValueError(f"unknown dataset(s) {unknown}; known: {sorted(CATALOG)}.")
    return [(n, CATALOG[n]) for n in (names or list(CATALOG))]


def describe(names: list[str], root: str | None = None) -> Iterator[str]:
    """One line per dataset: name, task, file, whether it is present under the data root."""
    base = data_root(root)
    yield f"data root: {base}"
    for name, entry in _entries(names):
        path = base / entry.remote.folder / entry.remote.name
        state = "present" if path.is_file() else "missing"
        file = f"{entry.remote.folder}/{entry.remote.name}"
        yield f"{name:8s} task {entry.used_by:10s} {file}  [{state}]  {entry.remote.url}"


def download(names: list[str], root: str | None = None) -> Iterator[str]:
    """Fetch (or verify, if present) each dataset's file."""
    for name, entry in _entries(names):
        path = fetch(entry.remote, root, structural_check=entry.check, known_repacks=entry.repacks)
        yield f"{name:8s} ok  {path}"


def verify(names: list[str], root: str | None = None) -> Iterator[str]:
    """Hash each present file and say whether it is the official file, a known repack, or wrong."""
    base = data_root(root)
    for name, entry in _entries(names):
        path = base / entry.remote.folder / entry.remote.name
        if not path.is_file():
            yield f"{name:8s} missing  {path} (run `rnnkit data download {name}`)"
            continue
        digest = sha256_of(path)
        if digest == entry.remote.sha256:
            yield f"{name:8s} official  sha256 {digest}"
        elif digest in entry.repacks:
            official = entry.remote.sha256
            yield f"{name:8s} repack    sha256 {digest} (official {official}): {entry.repacks[digest]}"
        else:
            entry.check(path)  # raises ValueError naming the problem when the content is wrong
            yield (
                f"{name:8s} unknown   sha256 {digest} differs from the official {entry.remote.sha256}; "
                "the content passes the structural check"
            )
