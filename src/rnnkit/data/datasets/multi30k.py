"""Multi30k task 1 (Elliott et al. 2016): English captions of Flickr30k images with German translations.

The canonical raw files of ``github.com/multi30k/dataset`` (``data/task1/raw/``), gzip-compressed, one
sentence per line, UTF-8; line i of ``.en`` is the translation of line i of ``.de``. Splits: ``train``
(29,000 pairs), ``validation`` (``val``, 1,014) and ``test`` (``test_2016_flickr``, 1,000), the split every
published Multi30k figure reports on.

Example:
    >>> MULTI30K[("test", "de")].name, MULTI30K[("test", "de")].folder
    ('test_2016_flickr.de.gz', 'multi30k')
"""

from __future__ import annotations

import gzip
from pathlib import Path

from ..download import RemoteFile, fetch
from ..parallel import decode_lines

_BASE = "https://github.com/multi30k/dataset/raw/master/data/task1/raw"
STEMS = {"train": "train", "validation": "val", "test": "test_2016_flickr"}
LINES = {"train": 29_000, "validation": 1_014, "test": 1_000}
LANGUAGES = ("en", "de")
# the shared mirror's files (its README gives these digests, sizes and line counts)
_DIGESTS = {
    ("train", "en"): ("d79cfa999dd4c51d2cb42499b6796d5a882c3a8a961923c25a898c90f8bbd56f", 568_929),
    ("train", "de"): ("726e39b2fa9eb9ffb6dc763fb35a179f80fae06ffc5d28b6ace5faa883de28a6", 637_044),
    ("validation", "en"): ("14f7d25ddd868909a9213e361768460edcacdd6ab9d1e77b92560dc10c10dc28", 21_650),
    ("validation", "de"): ("f0cba2f995189cf5770f29a8a9a537a3ad3f51657ad873405082ff6863a5e75a", 24_681),
    ("test", "en"): ("611d361c6334bc7246101d48097c13cf5c4413c5befc793cc629934359d532d9", 21_077),
    ("test", "de"): ("9204244e408ccb38d2a55cfcd344df15005fc42a07a6e55ca6c52b6ababb8cc8", 22_890),
}
MULTI30K = {
    (split, lang): RemoteFile(
        folder="multi30k",
        name=f"{STEMS[split]}.{lang}.gz",
        url=f"{_BASE}/{STEMS[split]}.{lang}.gz",
        sha256=digest,
        size=size,
    )
    for (split, lang), (digest, size) in _DIGESTS.items()
}


def multi30k_structural_check(path: Path) -> None:
    """A copy with another digest passes only if it is gzip'd UTF-8 with the split's line count."""
    split = next(s for s, stem in STEMS.items() if path.name.startswith(stem + "."))
    lines = decode_lines(gzip.decompress(path.read_bytes()), str(path))
    if len(lines) != LINES[split]:
        raise ValueError(f"{len(lines)} lines, expected {LINES[split]}")


def load_multi30k(
    split: str, language: str, root: str | Path | None = None, download: bool = True
) -> list[str]:
    """The sentences of one split in one language (``en`` or ``de``), verified; downloaded if missing."""
    if split not in STEMS or language not in LANGUAGES:
        raise ValueError(
            f"Multi30k has splits {list(STEMS)} in {list(LANGUAGES)}; got split={split!r}, "
            f"language={language!r}."
        )
    remote = MULTI30K[(split, language)]
    path = fetch(remote, root, download=download, structural_check=multi30k_structural_check)
    return decode_lines(gzip.decompress(path.read_bytes()), str(path))
