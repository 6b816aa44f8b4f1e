"""CoNLL files: columns, documents, schemes converted, and every bad file named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnkit.data.conll import format_conll, looks_like_conll, parse_conll, read_conll

SAMPLE = """-DOCSTART- -X- -X- O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
. . O O

-DOCSTART- -X- -X- O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER
"""


def write(tmp_path: Path, text: str, name: str = "f.conll") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sentences_documents_and_iob1_converted(tmp_path: Path) -> None:
    sentences = read_conll(write(tmp_path, SAMPLE), scheme="iob1")
    assert [s.tokens for s in sentences] == [["EU", "rejects", "German", "."], ["Peter", "Blackburn"]]
    assert [s.tags for s in sentences] == [["B-ORG", "O", "B-MISC", "O"], ["B-PER", "I-PER"]]
    assert [s.document for s in sentences] == [0, 1]
    assert sentences[1].where.endswith("f.conll:10")


def test_the_tag_column_is_a_setting(tmp_path: Path) -> None:
    sentences = read_conll(write(tmp_path, "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n"), tag_column=2)
    assert sentences[0].tags == ["B-NP", "B-VP"]


def test_a_line_with_the_wrong_number_of_columns_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "EU NNP B-NP B-ORG\nrejects VBZ O\n")
    with pytest.raises(
        ValueError, match=r"f\.conll:2: 3 column\(s\) where the file's first token line has 4"
    ):
        read_conll(path)


def test_an_empty_file_an_unknown_scheme_and_a_foreign_tag(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no sentences"):
        read_conll(write(tmp_path, "\n-DOCSTART- -X- -X- O\n\n"))
    with pytest.raises(ValueError, match="unknown tag scheme 'bio'"):
        read_conll(write(tmp_path, SAMPLE), scheme="bio")
    with pytest.raises(ValueError, match=r"f\.conll:1: tag 'E-ORG' is not IOB2"):
        read_conll(write(tmp_path, "EU NNP B-NP E-ORG\n"))
    with pytest.raises(ValueError, match="no tag column 5"):
        read_conll(write(tmp_path, SAMPLE), tag_column=5)


def test_plain_text_is_not_mistaken_for_conll() -> None:
    assert looks_like_conll(SAMPLE.splitlines())
    assert looks_like_conll(["EU", "rejects", "", "Peter"])
    assert not looks_like_conll(["EU rejects German call .", "Peter Blackburn"])
    assert not looks_like_conll(["EU rejects German", "", "call to boycott"])  # last column not a tag


def test_format_conll_writes_what_read_conll_reads(tmp_path: Path) -> None:
    sentences = parse_conll(SAMPLE.splitlines(), "sample", scheme="iob1")
    text = format_conll([(s.tokens, [s.tags]) for s in sentences], scheme="iobes")
    again = read_conll(write(tmp_path, text, "again.conll"), scheme="iobes")
    assert [s.tags for s in again] == [s.tags for s in sentences]
