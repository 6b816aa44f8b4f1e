"""Where ``rnnkit predict`` puts its answers: one row per input, printed or written as CSV / JSON lines.

The output file's name is checked before the model is loaded (so a typo costs nothing), and the file
is written atomically once every input has been predicted (so a failure leaves no half a file).

Example:
    >>> rows = [{"input": "a fine film", "label": "positive", "probability_positive": 0.91}]
    >>> format_row(rows[0])
    'input=a fine film  label=positive  probability_positive=0.91'
    >>> print(to_csv(rows), end="")
    input,label,probability_positive
    a fine film,positive,0.91
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text, json_safe

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".conll": "conll"}
COMMON = (".csv", ".jsonl")  # every task writes these; the others only where a recipe says so


def check_output(path: str | Path, extra: Sequence[str] = ()) -> Path:
    """The output path, checked: a suffix the task writes (``.csv``, ``.jsonl`` and the recipe's
    ``extra``, e.g. ``.conll``), a folder that exists, not itself a folder."""
    target = Path(path)
    allowed = [*COMMON, *extra]
    if target.suffix.lower() not in allowed:
        raise ValueError(
            f"--output {path}: the name must end in {' or '.join(allowed)} (CSV, one JSON object per "
            f"line{', or CoNLL columns' if '.conll' in allowed else ''})."
        )
    if target.is_dir():
        raise ValueError(f"--output {path} is a folder; name a file, e.g. {target / 'predictions.csv'}.")
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"--output {path}: the folder {target.parent} does not exist; create it first."
        )
    return target


def plain(value: Any) -> Any:
    """A value as one readable cell: a list of words joined by spaces, an entity
    (``{"text", "type", "start", "end"}``) as ``text/TYPE[start:end]``; anything else as it is.

    Example:
        >>> plain([{"text": "EU", "type": "ORG", "start": 0, "end": 1}, {"text": "lamb", "type": "MISC",
        ...        "start": 7, "end": 8}])
        'EU/ORG[0:1] lamb/MISC[7:8]'
    """
    if isinstance(value, Mapping) and {"text", "type", "start", "end"} <= set(value):
        return f"{value['text']}/{value['type']}[{value['start']}:{value['end']}]"
    if isinstance(value, (list, tuple)):
        return " ".join(str(plain(item)) for item in value)
    return value


def format_row(row: Mapping[str, Any]) -> str:
    """One row as ``key=value`` pairs, for the terminal."""
    return "  ".join(f"{key}={plain(value)}" for key, value in row.items())


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: plain(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def to_conll(rows: Sequence[Mapping[str, Any]]) -> str:
    """CoNLL columns: each token, its gold tag when the input had one, and the predicted tag (the layout
    conlleval reads), a blank line after each sentence."""
    lines: list[str] = []
    for row in rows:
        if "tokens" not in row or "tags" not in row:
            raise ValueError("--output .conll needs rows with tokens and tags (a ner run's).")
        columns = [row["tokens"], *([row["gold_tags"]] if "gold_tags" in row else []), row["tags"]]
        lines.extend(" ".join(str(column[i]) for column in columns) for i in range(len(row["tokens"])))
        lines.append("")
    return "".join(line + "\n" for line in lines)


def to_jsonl(rows: Sequence[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(json_safe(dict(row)), ensure_ascii=False) + "\n" for row in rows)


def write_rows(rows: Sequence[Mapping[str, Any]], path: str | Path, extra: Sequence[str] = ()) -> Path:
    """Write ``rows`` to ``path`` in the format its suffix names (``.csv``, ``.jsonl``, or one of
    ``extra``: ``.conll``), atomically."""
    target = check_output(path, extra)
    writers = {"csv": to_csv, "jsonl": to_jsonl, "conll": to_conll}
    text = writers[FORMATS[target.suffix.lower()]](rows)
    atomic_write_text(target, text)
    return target
