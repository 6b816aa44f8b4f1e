"""CoNLL-2003 English named-entity recognition (Tjong Kim Sang & De Meulder 2003): Reuters news with
PER, LOC, ORG and MISC entities.

The shared task's page (https://www.clips.uantwerpen.be/conll2003/ner/) distributes the annotations and
the scripts that rebuild the files from the Reuters corpus (RCV1), whose text is under the Reuters/NIST
research agreement; the files read here are the commonly distributed IOB2 ``train.txt`` and
``valid.txt`` (the "testa" development split): ``token POS chunk NER`` per line. The download URL is
where the Hugging Face ``conll2003`` dataset keeps its copy (not checked from the offline machine this
was written on); a copy with another digest is accepted when it parses with the split's sentence count.

Example:
    >>> CONLL2003["validation"].name, SENTENCES["validation"]
    ('valid.txt', 3250)
"""

from __future__ import annotations

from pathlib import Path

from ..conll import TaggedSentence, read_conll
from ..download import RemoteFile, fetch

_BASE = "https://huggingface.co/datasets/eriktks/conll2003/resolve/main/data"
FILES = {"train": "train.txt", "validation": "valid.txt"}
SENTENCES = {"train": 14_041, "validation": 3_250}
TOKENS = {"train": 203_621, "validation": 51_362}
# the shared mirror's files (its README gives these digests, sizes and counts)
_DIGESTS = {
    "train": ("213953b5522fb7924802d883e50f027b2c6ffb5d4d0e63368ed82909f9b60423", 3_283_420),
    "validation": ("c02eb19809eafb83998326a0481942eb37d96f31826ae387cfe8773699969f5b", 827_443),
}
CONLL2003 = {
    split: RemoteFile("conll2003", FILES[split], f"{_BASE}/{FILES[split]}", digest, size)
    for split, (digest, size) in _DIGESTS.items()
}


def conll2003_structural_check(path: Path) -> None:
    """A copy with another digest passes only if it parses with the split's sentence count."""
    split = next(s for s, name in FILES.items() if path.name == name)
    count = len(read_conll(path))
    if count != SENTENCES[split]:
        raise ValueError(f"{count} sentences, expected {SENTENCES[split]}")


def load_conll2003(split: str, root: str | Path | None = None, download: bool = True) -> list[TaggedSentence]:
    """The sentences of ``train`` or ``validation`` with their IOB2 entity tags, verified."""
    if split not in FILES:
        raise ValueError(
            f"CoNLL-2003 here has splits {list(FILES)} (the mirror holds no test file); got {split!r}."
        )
    path = fetch(CONLL2003[split], root, download=download, structural_check=conll2003_structural_check)
    return read_conll(path)
