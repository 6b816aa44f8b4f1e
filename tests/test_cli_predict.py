"""`rnnkit predict` as a user meets it: explicit files, batches of inputs, rows as CSV or JSON lines, and the
Python API `load_run(path).predict([...])` giving the same answers."""

from __future__ import annotations

import csv
import json
import os
import warnings

import numpy as np
import pytest
from tiny_imdb import write_tiny_imdb

from rnnkit.cli import main
from rnnkit.recipes import load_run


def _run(argv: list[str]) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the tiny archive's digest is not the official one
        return main(argv)


@pytest.fixture(scope="module")
def sentiment_run(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("sentiment")
    write_tiny_imdb(root / "data")
    run = root / "run"
    args = ["train", "sentiment", "--quick", "--quiet", "--out", str(run), "--data-dir", str(root / "data")]
    assert _run(args) == 0
    return str(run)


REVIEWS = ["A wonderful, moving film.", "Awful. Boring plot, bad acting.", "Great acting!", "Terrible."]


def _rows(out: str) -> list[str]:
    return [line for line in out.strip().splitlines() if line.startswith("input=")]


def test_a_file_of_reviews_is_one_call_with_the_same_answers_as_one_by_one(sentiment_run, tmp_path, capsys):
    listing = tmp_path / "reviews.txt"
    many = REVIEWS * 60  # 240 reviews, more than one batch of 100
    listing.write_text("\n".join(many) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert _run(["predict", sentiment_run, "--file", str(listing), "--batch-size", "100"]) == 0
    batched = _rows(capsys.readouterr().out)
    assert len(batched) == len(many) and batched[0].startswith(f"input={listing}:1  label=")
    assert _run(["predict", sentiment_run, *REVIEWS]) == 0
    single = _rows(capsys.readouterr().out)
    answers = [row.split("  ", 1)[1] for row in single]
    assert [row.split("  ", 1)[1] for row in batched[: len(REVIEWS)]] == answers


def test_output_csv_and_jsonl_hold_one_row_per_input(sentiment_run, tmp_path):
    assert _run(["predict", sentiment_run, *REVIEWS, "--output", str(tmp_path / "p.csv")]) == 0
    with (tmp_path / "p.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["input"] for r in rows] == REVIEWS and {r["label"] for r in rows} <= {"positive", "negative"}
    assert _run(["predict", sentiment_run, *REVIEWS, "--output", str(tmp_path / "p.jsonl")]) == 0
    lines = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["probability_positive"] for x in lines] == [float(r["probability_positive"]) for r in rows]


def test_the_python_api_batches_and_agrees_with_the_cli(sentiment_run, tmp_path, capsys):
    run = load_run(sentiment_run)
    rows = run.predict(REVIEWS, batch_size=3)
    assert [r["input"] for r in rows] == REVIEWS
    capsys.readouterr()
    assert _run(["predict", sentiment_run, *REVIEWS]) == 0
    cli = _rows(capsys.readouterr().out)
    assert [f"label={r['label']}  probability_positive={r['probability_positive']}" for r in rows] == [
        row.split("  ", 1)[1] for row in cli
    ]
    with pytest.raises(TypeError, match="list of inputs"):
        run.predict("one review")


def test_long_reviews_stdin_and_mistyped_files(sentiment_run, tmp_path, capsys, monkeypatch):
    long_review = "An honest, quiet film about a family. " * 20  # 760 bytes
    assert _run(["predict", sentiment_run, long_review]) == 0
    assert len(_rows(capsys.readouterr().out)) == 1
    assert _run(["predict", sentiment_run, f"@{tmp_path / 'missing.txt'}"]) == 2
    err = capsys.readouterr().err
    assert "missing.txt: no such file" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("Great acting!\nTerrible.\n"))
    assert _run(["predict", sentiment_run, "-"]) == 0
    assert [r.split("  ", 1)[0] for r in _rows(capsys.readouterr().out)] == ["input=stdin:1", "input=stdin:2"]
    assert _run(["predict", sentiment_run, "Fine.", "--output", str(tmp_path / "p.txt")]) == 2
    assert not (tmp_path / "p.txt").exists()


needs_mirror = pytest.mark.skipif(not os.environ.get("RNNKIT_DATA"), reason="needs the dataset mirror")


@needs_mirror
def test_mnist_arrays_in_0_1_and_0_255_agree_and_anything_else_is_refused(tmp_path, capsys):
    from rnnkit.data import load_mnist

    run = tmp_path / "run"
    assert _run(["train", "mnist", "--quick", "--quiet", "--out", str(run)]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        digit = load_mnist()["x_test"][0]  # (28, 28) uint8
    np.save(tmp_path / "u8.npy", digit)
    np.save(tmp_path / "f01.npy", digit.astype(np.float32) / 255.0)
    capsys.readouterr()
    assert _run(["predict", str(run), "test:0", str(tmp_path / "u8.npy"), str(tmp_path / "f01.npy")]) == 0
    answers = [row.split("  ", 1)[1] for row in _rows(capsys.readouterr().out)]
    assert len(answers) == 3 and answers[0] == answers[1] == answers[2]
    bad = {
        "nan.npy": np.full((28, 28), np.nan, dtype=np.float32),
        "f255.npy": digit.astype(np.float64),  # 0-255 as floats: was read as [0, 1] * 255 and misread
        "i64.npy": digit.astype(np.int64),
    }
    for name, array in bad.items():
        np.save(tmp_path / name, array)
        assert _run(["predict", str(run), str(tmp_path / name)]) == 2, name
        err = capsys.readouterr().err
        assert name in err and len(err.strip().splitlines()) == 1
    assert load_run(run).predict([digit])[0]["digit"] == int(answers[0].split("digit=")[1].split()[0])
