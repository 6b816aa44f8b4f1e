"""What `rnnkit predict` reads: texts are texts, files are named as files, and every path is checked."""

from __future__ import annotations

import io

import pytest

from rnnkit.recipes.inputs import PredictInput, as_input, gather, text_label


def test_a_text_is_never_taken_for_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "review.txt").write_text("the file's text", encoding="utf-8")
    long_review = "A long review. " * 40  # 600 bytes: Path.is_file() on it raised OSError (name too long)
    inputs = gather(["review.txt", "missing.txt", long_review])
    assert [i.value for i in inputs] == ["review.txt", "missing.txt", long_review]
    assert inputs[2].label == text_label(long_review) and inputs[2].label.endswith("...")


def test_at_path_reads_one_text_and_a_missing_path_is_an_error(tmp_path):
    review = tmp_path / "review.txt"
    review.write_text("Line one.\nLine two.\n", encoding="utf-8")
    [item] = gather([f"@{review}"])
    assert item == PredictInput("Line one.\nLine two.\n", str(review))
    with pytest.raises(FileNotFoundError, match="@.*missing.txt: no such file"):
        gather([f"@{tmp_path / 'missing.txt'}"])


def test_file_gives_one_input_per_non_empty_line_and_a_folder_one_per_file(tmp_path):
    listing = tmp_path / "reviews.txt"
    listing.write_text("Great film.\n\n  \nDull film.\r\n", encoding="utf-8")
    inputs = gather([], [str(listing)])
    assert [i.value for i in inputs] == ["Great film.", "Dull film."]
    assert [i.label for i in inputs] == [f"{listing}:1", f"{listing}:4"]
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "b.txt").write_text("second", encoding="utf-8")
    (folder / "a.txt").write_text("first", encoding="utf-8")
    (folder / ".hidden").write_text("skipped", encoding="utf-8")
    assert [i.value for i in gather([], [str(folder)])] == ["first", "second"]
    with pytest.raises(FileNotFoundError, match="--file .*nope.txt: no such file"):
        gather([], [str(tmp_path / "nope.txt")])


def test_dash_reads_standard_input():
    inputs = gather(["-"], stdin=io.StringIO("one\n\ntwo\n"))
    assert [(i.value, i.label) for i in inputs] == [("one", "stdin:1"), ("two", "stdin:3")]


def test_non_utf8_files_and_empty_texts_are_errors_that_name_them(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Tr\xe8s bon".encode("latin-1"))
    with pytest.raises(ValueError, match="latin1.txt is not UTF-8 text"):
        gather([f"@{latin1}"])
    with pytest.raises(ValueError, match="latin1.txt is not UTF-8 text"):
        gather([], [str(latin1)])
    with pytest.raises(ValueError, match="is empty text"):
        gather(["   "])
    with pytest.raises(ValueError, match="no inputs given"):
        gather([])


def test_item_inputs_resolve_list_entries_next_to_the_list(tmp_path):
    (tmp_path / "digits").mkdir()
    picture = tmp_path / "digits" / "seven.png"
    picture.write_bytes(b"png")
    listing = tmp_path / "digits" / "list.txt"
    listing.write_text("seven.png\ntest:3\n", encoding="utf-8")
    inputs = gather(["test:0", f"@{picture}"], [str(listing)], kind="item")
    assert [i.value for i in inputs] == ["test:0", str(picture), str(picture), "test:3"]


def test_python_inputs_are_named_by_their_start_or_their_type():
    import numpy as np

    assert as_input("x" * 100).label == "x" * 60 + "..."
    assert as_input(np.zeros((28, 28))).label == "ndarray(28, 28)"
