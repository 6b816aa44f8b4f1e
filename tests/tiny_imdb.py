"""A tiny aclImdb_v1.tar.gz in the official layout, for the CLI tests (the real 50k reviews take too long)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

POSITIVE = ["A wonderful, moving film.<br /><br />Loved it!", "Great acting and a great story.", "Brilliant!"]
NEGATIVE = [
    "Awful. Boring plot, bad acting.",
    "I hated every minute of it.<br />Terrible.",
    "Worst film ever?",
]


SPLIT_DIGIT = {"train": 1, "test": 2}


def write_tiny_imdb(root: Path, copies: int = 30) -> Path:
    """An aclImdb_v1.tar.gz with the official layout, a few hundred short reviews, 3 per movie."""
    folder = root / "imdb"
    folder.mkdir(parents=True)
    archive = folder / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for split in ("train", "test"):
            for label, texts in (("pos", POSITIVE), ("neg", NEGATIVE)):
                for i in range(copies):
                    text = texts[i % len(texts)].encode("utf-8")
                    rating = 9 if label == "pos" else 2
                    info = tarfile.TarInfo(f"aclImdb/{split}/{label}/{i}_{rating}.txt")
                    info.size = len(text)
                    tar.addfile(info, io.BytesIO(text))
                prefix = f"{SPLIT_DIGIT[split]}{label == 'pos':d}"
                movies = "".join(
                    f"http://www.imdb.com/title/tt{prefix}{i // 3:05d}/usercomments\n" for i in range(copies)
                ).encode()
                info = tarfile.TarInfo(f"aclImdb/{split}/urls_{label}.txt")
                info.size = len(movies)
                tar.addfile(info, io.BytesIO(movies))
    return archive
