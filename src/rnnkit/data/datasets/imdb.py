"""IMDB Large Movie Review Dataset v1.0 (Maas et al., ACL 2011): 50,000 labelled reviews.

Read straight from the official ``aclImdb_v1.tar.gz`` (nothing is extracted to disk): the reviews
are the members ``aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt``, one UTF-8 review per file,
12,500 per folder. Label 1 = ``pos`` (ratings 7-10), 0 = ``neg`` (ratings 1-4); the unlabelled
``train/unsup`` reviews and the bag-of-words files are skipped.

Order: reviews come sorted by member name (plain string order, so ``neg`` before ``pos`` and
``10_2.txt`` before ``2_3.txt``), whatever the order inside the archive; shuffle before training.

Movies: ``aclImdb/<split>/urls_{pos,neg}.txt`` give, on line ``i``, the IMDB page of the movie that
review ``<i>_<rating>.txt`` is about (``.../title/tt0453418/usercomments``). The train and test
splits hold disjoint movies (at most 30 reviews each), so a validation split drawn by review shares
movies with training and reads optimistic; ``movie_ids=True`` returns the ``tt...`` id of each
review so a validation split can be drawn by movie, as the test split is.

Empty review files are kept as ``""`` (with a warning; the official data has none), so indices stay
aligned with the files. They tokenize to ``[]``; ``Vocab.encode_all`` turns them into one unknown
token, as ``pad_sequences`` needs at least one step.

Reading the archive walks all ~100,000 members (the tar headers, parsed in Python by ``tarfile``,
cost most of the time: about 6 s on one core), so :func:`load_imdb_splits` reads both splits in one
pass; :func:`load_imdb` is one split of it.

Example:
    >>> IMDB_ARCHIVE.name, IMDB_ARCHIVE.folder
    ('aclImdb_v1.tar.gz', 'imdb')
"""

from __future__ import annotations

import gzip
import re
import tarfile
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from ..download import RemoteFile, fetch

IMDB_ARCHIVE = RemoteFile(
    folder="imdb",
    name="aclImdb_v1.tar.gz",
    url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
    size=84125825,
)
IMDB_REPACKS = MappingProxyType(
    {
        # Supersedes 0b2ee16553f410ebab6e5a52cbc25f092579e8529a029638f5ff6b811145c14e (56,741,754 bytes),
        # which held app-store text in 8 review files; that digest is no longer accepted.
        "91ab3079f70de8a9697b762bba75c97e4c82d1f1b49e151618e666091fb6a7fc": (
            "the rnnkit shared mirror's rebuild of the archive from the per-review files: same layout, "
            "the three bag-of-words .feat files missing, tar metadata normalised; see its README"
        ),
    }
)
SPLITS = ("train", "test")
LABELS = {"neg": 0, "pos": 1}
_ROOT = "aclImdb"
_CHUNK = 1 << 20
_MOVIE_ID = re.compile(r"/title/(tt\d+)")
_URL_FILES = {f"urls_{label}.txt": label for label in LABELS}  # member name -> label


def _member_name(member: tarfile.TarInfo) -> str:
    name = member.name
    return name[2:] if name.startswith("./") else name


def _read_error(path: Path, exc: BaseException) -> ValueError:
    return ValueError(
        f"{path}: cannot read the archive ({type(exc).__name__}: {exc}); it is corrupted or truncated. "
        f"Delete it and run again to download {IMDB_ARCHIVE.url}."
    )


def imdb_structural_check(path: str | Path) -> None:
    """Check that ``path`` is a complete gzip file holding a tar with the ``aclImdb`` layout.

    Two passes: the whole gzip stream is decompressed (its CRC and length trailer catch truncation and
    corruption, about 1 s), then tar members are read until a review has been seen in each of
    ``aclImdb/{train,test}/{pos,neg}/``. Used by :func:`rnnkit.data.download.fetch` for a present
    archive whose digest is not the official one.

    Raises:
        ValueError: naming the problem (not gzip, truncated, not a tar, a member outside ``aclImdb/``,
            a review folder missing).

    Example:
        >>> import io, tarfile, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with tarfile.open(f"{tmp}/a.tar.gz", "w:gz") as tar:
        ...         tar.addfile(tarfile.TarInfo("aclImdb/train/pos/0_9.txt"), io.BytesIO())
        ...     try:
        ...         imdb_structural_check(f"{tmp}/a.tar.gz")
        ...     except ValueError as exc:
        ...         print(str(exc).split(": ", 1)[1].split(";")[0])
        no review in aclImdb/test/neg/, aclImdb/test/pos/, aclImdb/train/neg/
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(_CHUNK):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(
            f"{path} is not a complete gzip file ({type(exc).__name__}: {exc}); it is corrupted or truncated."
        ) from exc
    missing = {f"{split}/{label}" for split in SPLITS for label in LABELS}
    try:
        with tarfile.open(path, "r|gz") as archive:
            for member in archive:
                name = _member_name(member)
                if name != _ROOT and not name.startswith(_ROOT + "/"):
                    raise ValueError(
                        f"{path}: member {member.name!r} is outside {_ROOT}/; expected the official "
                        f"layout {_ROOT}/{{train,test}}/{{pos,neg}}/<id>_<rating>.txt."
                    )
                parts = name.split("/")
                if len(parts) == 4 and member.isfile():
                    missing.discard(f"{parts[1]}/{parts[2]}")
                    if not missing:
                        return
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ValueError(
            f"{path} is gzip but not a readable tar archive ({type(exc).__name__}: {exc})."
        ) from exc
    folders = ", ".join(f"{_ROOT}/{folder}/" for folder in sorted(missing))
    raise ValueError(f"{path}: no review in {folders}; expected the official {_ROOT} layout.")


def _movie_ids(path: Path, member: str, data: bytes) -> list[str]:
    """The movie id on each line of a ``urls_<label>.txt`` member."""
    ids = []
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        match = _MOVIE_ID.search(line)
        if match is None:
            raise ValueError(
                f"{path}: {member} line {number} is not an IMDB title URL ({line[:80]!r}); expected "
                "http://www.imdb.com/title/tt<digits>/usercomments. The archive is not the official one."
            )
        ids.append(match.group(1))
    return ids


def _review_movie(path: Path, name: str, urls: dict[str, list[str]]) -> str:
    """Movie of review ``aclImdb/<split>/<label>/<i>_<rating>.txt``: line ``i`` of its urls file."""
    _, split, label, filename = name.split("/")
    key = f"{split}/{label}"
    if key not in urls:
        raise ValueError(
            f"{path}: {_ROOT}/{split}/urls_{label}.txt is missing; it names each review's movie. "
            "Pass movie_ids=False to read the reviews without it."
        )
    index = filename.split("_", 1)[0]
    if not index.isdigit() or int(index) >= len(urls[key]):
        raise ValueError(
            f"{path}: review {name} has no line in {_ROOT}/{split}/urls_{label}.txt "
            f"({len(urls[key])} lines); expected files named <line>_<rating>.txt."
        )
    return urls[key][int(index)]


def _member_bytes(path: Path, archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    """The contents of a regular-file member (``extractfile`` gives None only for other kinds)."""
    stream = archive.extractfile(member)
    if stream is None:
        raise ValueError(f"{path}: member {member.name} is not a regular file.")
    return stream.read()


def _read_reviews(path: Path, splits: Sequence[str], movie_ids: bool = False) -> dict[str, tuple[list, ...]]:
    """One pass over the archive, collecting the labelled reviews of ``splits`` (and their movies)."""
    found: dict[str, list[tuple[str, str, int]]] = {split: [] for split in splits}
    urls: dict[str, list[str]] = {}  # "<split>/<label>" -> movie id per review number
    empty: list[str] = []
    try:
        with tarfile.open(path, "r|gz") as archive:
            for member in archive:
                name = _member_name(member)
                parts = name.split("/")
                urls_member = len(parts) == 3 and parts[1] in found and parts[2] in _URL_FILES
                if movie_ids and urls_member and member.isfile():
                    label = _URL_FILES[parts[2]]
                    urls[f"{parts[1]}/{label}"] = _movie_ids(path, name, _member_bytes(path, archive, member))
                    continue
                if (
                    len(parts) != 4
                    or parts[0] != _ROOT
                    or parts[1] not in found
                    or parts[2] not in LABELS
                    or not parts[3].endswith(".txt")
                    or not member.isfile()
                ):
                    continue
                data = _member_bytes(path, archive, member)
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ValueError(
                        f"{path}: member {member.name} is not valid UTF-8 ({exc}); the archive is damaged "
                        f"or not the official one. Delete it and run again to download {IMDB_ARCHIVE.url}."
                    ) from exc
                if not text.strip():
                    empty.append(member.name)
                found[parts[1]].append((name, text, LABELS[parts[2]]))
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise _read_error(path, exc) from exc
    if empty:
        warnings.warn(
            f"{path}: {len(empty)} empty review file(s) (first: {empty[0]}) kept as empty texts; they "
            "tokenize to [] (Vocab.encode_all makes them one unknown token).",
            UserWarning,
            stacklevel=3,
        )
    result: dict[str, tuple[list, ...]] = {}
    for split, reviews in found.items():
        if not reviews:
            raise ValueError(
                f"{path}: no reviews under {_ROOT}/{split}/pos/ or {_ROOT}/{split}/neg/; expected the "
                f"official layout. Delete it and run again to download {IMDB_ARCHIVE.url}."
            )
        reviews.sort(key=lambda review: review[0])
        texts = [text for _, text, _ in reviews]
        labels = [label for _, _, label in reviews]
        if movie_ids:
            result[split] = (texts, labels, [_review_movie(path, name, urls) for name, _, _ in reviews])
        else:
            result[split] = (texts, labels)
    return result


def load_imdb_splits(
    root: str | Path | None = None,
    download: bool = True,
    splits: Sequence[str] = SPLITS,
    movie_ids: bool = False,
) -> dict[str, tuple[list, ...]]:
    """Several splits in one pass over the archive: ``{split: (texts, labels)}``.

    Args:
        root: the data root (default ``$RNNKIT_DATA`` or ``~/.cache/rnnkit``); the archive is
            ``root/imdb/aclImdb_v1.tar.gz``.
        download: download the archive if it is missing.
        splits: any of ``"train"``, ``"test"``.
        movie_ids: also return each review's movie (``"tt0453418"``), from the split's
            ``urls_{pos,neg}.txt``, for validation splits drawn by movie.

    Returns:
        For each split, the review texts and their labels (1 = positive, 0 = negative), sorted by
        member name; with ``movie_ids``, ``(texts, labels, movies)``.

    Raises:
        ValueError: an unknown split; an archive that is damaged, not UTF-8 or has the wrong digest;
            with ``movie_ids``, a urls file that is missing, short or malformed.
        FileNotFoundError: the archive is missing and ``download`` is False.
    """
    if isinstance(splits, str):
        splits = (splits,)
    unknown = [split for split in splits if split not in SPLITS]
    if unknown or not splits or len(set(splits)) != len(splits):
        raise ValueError(f"splits must be distinct names from {SPLITS}, got {tuple(splits)!r}.")
    path = fetch(
        IMDB_ARCHIVE,
        root,
        download=download,
        structural_check=imdb_structural_check,
        known_repacks=IMDB_REPACKS,
    )
    return _read_reviews(path, splits, movie_ids)


def load_imdb(
    split: str = "train", root: str | Path | None = None, download: bool = True
) -> tuple[list[str], list[int]]:
    """One split of IMDB: ``(texts, labels)``, 25,000 reviews, labels 1 = positive, 0 = negative.

    Reads the whole archive; to get both splits, :func:`load_imdb_splits` does it in one pass.
    Arguments and errors as :func:`load_imdb_splits`.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}.")
    texts, labels = load_imdb_splits(root, download, (split,))[split]
    return texts, labels
