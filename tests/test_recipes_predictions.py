"""Prediction rows written as CSV or JSON lines, checked before anything is computed."""

from __future__ import annotations

import csv
import json

import pytest

from rnnkit.recipes.predictions import check_output, write_rows

ROWS = [
    {"input": 'said "hi", then left', "label": "positive", "probability_positive": 0.9},
    {"input": "line\nbreak", "label": "negative", "probability_positive": 0.1},
]


def test_csv_and_jsonl_read_back_with_the_standard_readers(tmp_path):
    write_rows(ROWS, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        back = list(csv.DictReader(handle))
    assert [row["input"] for row in back] == [row["input"] for row in ROWS]
    assert [float(row["probability_positive"]) for row in back] == [0.9, 0.1]
    write_rows(ROWS, tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == ROWS


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("out.txt", "must end in .csv or .jsonl"),
        ("missing/out.csv", "does not exist"),
        ("folder.csv", "is a folder"),
    ],
)
def test_bad_output_names_are_refused_before_writing(tmp_path, name, message):
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        check_output(tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv"]
