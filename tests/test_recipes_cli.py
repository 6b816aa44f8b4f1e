"""Each recipe end to end through the CLI at a tiny --quick size: train, evaluate, predict, resume.

Sentiment runs on a tiny archive in the canonical aclImdb layout written here (reading the real
25k + 25k reviews takes too long for a unit test; the loader's checks against the real mirror live in
tests/test_data_imdb.py). MNIST runs on the shared mirror ($RNNKIT_DATA).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from tiny_imdb import write_tiny_imdb

from rnnkit.cli import main


@pytest.fixture
def tiny_imdb(tmp_path: Path) -> Path:
    write_tiny_imdb(tmp_path / "data")
    return tmp_path / "data"


def _run(argv: list[str]) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the tiny archive's digest is not the official one
        return main(argv)


def test_sentiment_train_evaluate_predict_resume(tiny_imdb, tmp_path, capsys):
    run = tmp_path / "run"
    common = ["--data-dir", str(tiny_imdb)]
    argv = ["train", "sentiment", "--quick", "--out", str(run), "--set", "train.epochs=2", *common]
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "test_accuracy" in out
    for name in (
        "model.safetensors",
        "config.json",
        "vocab.json",
        "trainer_state.pt",
        "log.csv",
        "test_metrics.json",
    ):
        assert (run / name).is_file(), name
    trained = json.loads((run / "test_metrics.json").read_text())
    assert trained["test_examples"] == 60
    assert trained["validation_by"] == "movie"
    assert trained["validation_examples"] == 6  # 10% of 60 reviews: two movies of 3

    # A fresh run into the same folder is refused before it writes anything there
    recipe = (run / "config.json").read_bytes()
    assert (
        _run(["train", "sentiment", "--quick", "--out", str(run), "--set", "model.embedding_dim=8", *common])
        == 2
    )
    assert "already holds a run" in capsys.readouterr().err
    assert (run / "config.json").read_bytes() == recipe

    assert _run(["evaluate", str(run), *common]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    assert evaluated["test_accuracy"] == pytest.approx(trained["test_accuracy"])

    assert _run(["predict", str(run), "What a wonderful, great film!", "Boring and awful."]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all("probability_positive=" in line for line in lines)

    # A finished run resumes to the same place: nothing left to train, the same weights
    assert _run(["train", "sentiment", "--resume", "--out", str(run), *common]) == 0
    resumed = json.loads((run / "test_metrics.json").read_text())
    assert resumed["test_accuracy"] == pytest.approx(trained["test_accuracy"])


def test_sentiment_validation_holds_out_whole_movies() -> None:
    from rnnkit.recipes.sentiment import SentimentData, split_validation

    movies = [f"tt{i // 7:04d}" for i in range(700)]  # 100 movies, 7 reviews each
    val, train = split_validation(movies, SentimentData(), 0.1, seed=0)
    assert {movies[i] for i in val}.isdisjoint({movies[i] for i in train})
    assert len(val) == 70 and sorted(val + train) == list(range(700))
    val, train = split_validation(movies, SentimentData(validation_by="review"), 0.1, seed=0)
    assert len(val) == 70 and {movies[i] for i in val} & {movies[i] for i in train}  # shares movies
    with pytest.raises(ValueError, match="validation_by must be 'movie' or 'review', got 'film'"):
        SentimentData(validation_by="film")


def test_sentiment_bad_inputs_are_one_red_line(tiny_imdb, tmp_path, capsys):
    common = ["--data-dir", str(tiny_imdb), "--out", str(tmp_path / "r")]
    assert _run(["train", "sentiment", "--quick", "--set", "model.hiden_size=3", *common]) == 2
    err = capsys.readouterr().err
    assert "hiden_size" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _run(["train", "sentiment", "--quick", "--set", "train.lr=fast", *common]) == 2
    assert "train.lr" in capsys.readouterr().err
    assert _run(["train", "sentiment", "--preset", "nope", *common]) == 2
    assert "unknown preset 'nope'" in capsys.readouterr().err
    assert (
        _run(
            [
                "train",
                "sentiment",
                "--quick",
                "--data-dir",
                str(tmp_path / "empty"),
                "--out",
                str(tmp_path / "r2"),
            ]
        )
        == 2
    )
    assert "aclImdb_v1.tar.gz" in capsys.readouterr().err


def test_corrupted_archive_is_a_clear_error(tmp_path, capsys):
    archive = write_tiny_imdb(tmp_path / "data")
    archive.write_bytes(archive.read_bytes()[:200])  # truncated
    assert (
        _run(
            [
                "train",
                "sentiment",
                "--quick",
                "--data-dir",
                str(tmp_path / "data"),
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "aclImdb_v1.tar.gz" in err and "Traceback" not in err


def test_predict_rejects_empty_review_and_non_utf8_file(tiny_imdb, tmp_path, capsys):
    run = tmp_path / "run"
    assert _run(["train", "sentiment", "--quick", "--out", str(run), "--data-dir", str(tiny_imdb)]) == 0
    capsys.readouterr()
    assert _run(["predict", str(run), "   "]) == 2
    assert "is empty text" in capsys.readouterr().err
    latin1 = tmp_path / "review.txt"
    latin1.write_bytes("Tr\xe8s bon film".encode("latin-1"))
    assert _run(["predict", str(run), f"@{latin1}"]) == 2
    assert "not UTF-8" in capsys.readouterr().err


needs_mirror = pytest.mark.skipif(
    not os.environ.get("RNNKIT_DATA"), reason="RNNKIT_DATA (the dataset mirror) is not set"
)


@needs_mirror
def test_mnist_train_evaluate_predict(tmp_path, capsys):
    run = tmp_path / "run"
    assert _run(["train", "mnist", "--quick", "--out", str(run)]) == 0
    trained = json.loads((run / "test_metrics.json").read_text())
    assert trained["test_examples"] == 600 and 0.0 <= trained["test_accuracy"] <= 1.0
    capsys.readouterr()
    assert _run(["evaluate", str(run)]) == 0
    assert json.loads(capsys.readouterr().out)["test_accuracy"] == pytest.approx(trained["test_accuracy"])
    image = tmp_path / "digit.npy"
    np.save(image, np.zeros((28, 28), dtype=np.uint8))
    assert _run(["predict", str(run), "test:0", str(image)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("input=test:0  digit=")
    assert _run(["predict", str(run), "test:99999"]) == 2
    np.save(image, np.zeros((3, 3)))
    assert _run(["predict", str(run), str(image)]) == 2
    assert "expected (28, 28)" in capsys.readouterr().err


def test_mnist_predict_reads_pictures(tmp_path, capsys):
    from PIL import Image

    from rnnkit.data import load_mnist

    run = tmp_path / "run"
    assert _run(["train", "mnist", "--quick", "--out", str(run)]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the mirror's npz is a known repack
        digit = load_mnist()["x_test"][0]  # (28, 28) uint8, light on dark
    Image.fromarray(digit).save(tmp_path / "as_mnist.png")
    Image.fromarray(255 - digit).convert("RGB").save(tmp_path / "dark_on_white.png")  # inverted back
    Image.fromarray(digit).resize((56, 56)).save(tmp_path / "large.bmp")
    capsys.readouterr()
    inputs = ["test:0", *(str(tmp_path / n) for n in ("as_mnist.png", "dark_on_white.png", "large.bmp"))]
    assert _run(["predict", str(run), *inputs]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and all("digit=" in line for line in lines)
    same_pixels = [line.split("  ", 1)[1] for line in lines[:3]]  # digit and probability, not the input
    assert same_pixels[0] == same_pixels[1] == same_pixels[2]  # lossless PNG, and the inversion undone
    (tmp_path / "broken.png").write_bytes(b"not a png")
    assert _run(["predict", str(run), str(tmp_path / "broken.png")]) == 2
    assert "is not a readable image" in capsys.readouterr().err


def test_reading_a_picture_without_pillow_says_what_to_install(tmp_path, monkeypatch):
    from rnnkit.recipes.mnist import read_digit_image

    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL now raises ImportError
    with pytest.raises(ValueError, match=r'needs Pillow: pip install "rnnkit\[images\]"'):
        read_digit_image(tmp_path / "digit.png")


def test_tasks_and_unknown_task(capsys):
    assert _run(["tasks"]) == 0
    out = capsys.readouterr().out
    assert "sentiment" in out and "mnist" in out and "seed-simplernn" in out
    assert _run(["train", "speech"]) == 2
    assert "planned but not built yet" in capsys.readouterr().err
    assert _run(["evaluate", "/no/such/run"]) == 2
