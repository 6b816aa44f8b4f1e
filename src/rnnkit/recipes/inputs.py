"""What ``rnnkit predict`` reads: each input means one thing, and a file is always named as a file.

For a task whose inputs are texts (``input_kind = "text"``, e.g. sentiment)::

    "A moving film."        the text itself, never a path (a mistyped path is not a review)
    @review.txt             the whole file is one text
    -                       each non-empty line of standard input is one text
    --file reviews.txt      each non-empty line is one text (rows are named reviews.txt:LINE)
    --file reviews/         each file in the folder is one text

For a task whose inputs name items (``input_kind = "item"``, e.g. mnist)::

    test:0  digit.png       an example of the dataset, or a file (``@digit.png`` means the same)
    -  /  --file list.txt   one item per line (relative paths are relative to the list's folder)
    --file digits/          each file in the folder

A path that does not exist is an error that names it; so is a file that is not UTF-8 text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

KINDS = ("text", "item")
LABEL_CHARS = 60  # a text input is named by its start in the printed rows


@dataclass(frozen=True)
class PredictInput:
    """One input: ``value`` is what the recipe reads (a text, a path, ``test:N``, an array);
    ``label`` is how the output rows name it (the text's start, the path, ``reviews.txt:12``)."""

    value: Any
    label: str


def text_label(text: str) -> str:
    """The start of a text, on one line, as rows name it."""
    flat = " ".join(text.split())
    return flat[:LABEL_CHARS] + ("..." if len(flat) > LABEL_CHARS else "")


def as_input(value: Any) -> PredictInput:
    """An input given from Python: a string is named by its start, anything else by its type."""
    if isinstance(value, PredictInput):
        return value
    if isinstance(value, str):
        return PredictInput(value, text_label(value))
    shape = getattr(value, "shape", None)
    return PredictInput(value, f"{type(value).__name__}{tuple(shape) if shape is not None else ''}")


def gather(
    values: Sequence[str],
    files: Sequence[str] = (),
    kind: str = "text",
    stdin: IO[str] | None = None,
    reader: Callable[[Path], list[PredictInput] | None] | None = None,
) -> list[PredictInput]:
    """The inputs of one ``rnnkit predict`` call, in order: the positional values, then each ``--file``.

    ``reader`` (a recipe's :meth:`~rnnkit.recipes.base.Recipe.file_inputs`) reads a ``--file`` in the
    task's own format (a CoNLL file's sentences); where it returns None the file is one input per line.

    Raises:
        FileNotFoundError: an ``@PATH`` or ``--file`` path that does not exist (named in the message).
        ValueError: no inputs at all, an empty text, or a file that is not UTF-8 text.
    """
    if kind not in KINDS:
        raise ValueError(f"input kind must be one of {KINDS}, got {kind!r}.")
    stream = stdin if stdin is not None else sys.stdin
    inputs: list[PredictInput] = []
    for value in values:
        if value == "-":
            inputs.extend(_lines(stream, "stdin", None, kind))
        elif value.startswith("@"):
            path = _existing(value[1:], f"@{value[1:]}")
            inputs.append(_whole_file(path, kind))
        else:
            label = text_label(value) if kind == "text" else value
            inputs.append(PredictInput(value, label))
    for name in files:
        if name == "-":
            inputs.extend(_lines(stream, "stdin", None, kind))
            continue
        path = _existing(name, f"--file {name}")
        if path.is_dir():
            members = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not members:
                raise ValueError(f"predict: --file {name}: the folder holds no files to predict.")
            inputs.extend(_whole_file(member, kind) for member in members)
        else:
            own = reader(path) if reader is not None else None
            if own is not None:
                inputs.extend(own)
                continue
            with _open_text(path) as handle:
                inputs.extend(_lines(handle, str(path), path.parent, kind))
    if not inputs:
        raise ValueError(
            "predict: no inputs given; pass them as arguments, with --file PATH (one per line, or a "
            "folder), or - to read standard input."
        )
    for item in inputs:
        if kind == "text" and not str(item.value).strip():
            raise ValueError(f"predict: input {item.label or repr(item.value)} is empty text.")
    return inputs


def _existing(name: str, given: str) -> Path:
    path = Path(name)
    if not name or not path.exists():
        raise FileNotFoundError(
            f"predict: {given}: no such file or folder (texts are passed as they are; @PATH and --file "
            "PATH name files)."
        )
    return path


def _open_text(path: Path) -> IO[str]:
    return path.open(encoding="utf-8", newline="")


def _whole_file(path: Path, kind: str) -> PredictInput:
    if kind == "item":
        return PredictInput(str(path), str(path))
    if path.is_dir():
        raise ValueError(f"predict: @{path} is a folder; use --file {path} for one input per file.")
    try:
        return PredictInput(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError as error:
        raise ValueError(
            f"predict: {path} is not UTF-8 text (byte {error.start}); save it as UTF-8."
        ) from None


def _lines(handle: Iterable[str], source: str, base: Path | None, kind: str) -> list[PredictInput]:
    inputs = []
    try:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            if kind == "item" and base is not None and not text.startswith("test:"):
                candidate = base / text
                text = str(candidate) if candidate.exists() else text
            inputs.append(PredictInput(text, f"{source}:{number}"))
    except UnicodeDecodeError as error:
        raise ValueError(
            f"predict: {source} is not UTF-8 text (byte {error.start}); save it as UTF-8."
        ) from None
    return inputs
