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

FORMATS = {".csv": "csv", ".jsonl": "jsonl"}


def check_output(path: str | Path) -> Path:
    """The output path, checked: a known suffix, a folder that exists, not itself a folder."""
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise ValueError(
            f"--output {path}: the name must end in {' or '.join(FORMATS)} (CSV, or one JSON object "
            "per line)."
        )
    if target.is_dir():
        raise ValueError(f"--output {path} is a folder; name a file, e.g. {target / 'predictions.csv'}.")
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"--output {path}: the folder {target.parent} does not exist; create it first."
        )
    return target


def format_row(row: Mapping[str, Any]) -> str:
    """One row as ``key=value`` pairs, for the terminal."""
    return "  ".join(f"{key}={value}" for key, value in row.items())


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_jsonl(rows: Sequence[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(json_safe(dict(row)), ensure_ascii=False) + "\n" for row in rows)


def write_rows(rows: Sequence[Mapping[str, Any]], path: str | Path) -> Path:
    """Write ``rows`` to ``path`` in the format its suffix names (``.csv`` or ``.jsonl``), atomically."""
    target = check_output(path)
    text = to_csv(rows) if FORMATS[target.suffix.lower()] == "csv" else to_jsonl(rows)
    atomic_write_text(target, text)
    return target
