"""rnnkit.data.vocab.Vocab: ordering, limits, unknown/padding ids, JSON round trip and errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from rnnkit.data.vocab import Vocab

CORPUS = [["b", "a", "c", "a"], ["c", "a", "d"], ["b", "e"]]
# counts: a 3, b 2, c 2, d 1, e 1 -> by count, ties alphabetical: a, b, c, d, e


def test_frequency_order_with_alphabetical_ties() -> None:
    vocab = Vocab.build(CORPUS)
    assert vocab.itos == ["<pad>", "<unk>", "a", "b", "c", "d", "e"]
    assert vocab.stoi == {token: i for i, token in enumerate(vocab.itos)}
    assert (vocab.pad_id, vocab.unk_id) == (0, 1)
    assert len(vocab) == 7


def test_build_is_deterministic_whatever_the_corpus_order() -> None:
    assert Vocab.build(CORPUS) == Vocab.build(list(reversed(CORPUS)))
    assert Vocab.build(iter(CORPUS)) == Vocab.build(CORPUS)  # a generator is read once, fine


def test_max_size_counts_the_specials() -> None:
    vocab = Vocab.build(CORPUS, max_size=4)
    assert vocab.itos == ["<pad>", "<unk>", "a", "b"]
    assert Vocab.build(CORPUS, max_size=2).itos == ["<pad>", "<unk>"]


def test_min_freq() -> None:
    assert Vocab.build(CORPUS, min_freq=2).itos == ["<pad>", "<unk>", "a", "b", "c"]
    assert Vocab.build(CORPUS, min_freq=3).itos == ["<pad>", "<unk>", "a"]


def test_unknown_tokens_and_contains() -> None:
    vocab = Vocab.build(CORPUS, max_size=4)
    assert vocab.encode(["a", "c", "zzz", "b"]) == [2, 1, 1, 3]
    assert "a" in vocab and "<pad>" in vocab and "c" not in vocab
    assert vocab.decode(vocab.encode(["a", "b"])) == ["a", "b"]
    assert vocab.decode(torch.tensor([3, 2, 0, 0])) == ["b", "a", "<pad>", "<pad>"]


def test_encode_all_gives_every_text_at_least_one_step() -> None:
    vocab = Vocab.build(CORPUS)
    assert vocab.encode_all([["a"], [], ["zzz", "e"]]) == [[2], [vocab.unk_id], [1, 6]]


def test_extra_specials_and_corpus_tokens_that_look_special() -> None:
    vocab = Vocab.build([["<unk>", "x", "<eos>", "x"]], specials=("<pad>", "<unk>", "<bos>", "<eos>"))
    assert vocab.itos == ["<pad>", "<unk>", "<bos>", "<eos>", "x"]
    assert vocab.encode(["<bos>", "x", "<eos>"]) == [2, 4, 3]


def test_json_round_trip(tmp_path: Path) -> None:
    vocab = Vocab.build([["ünïcode", "a", "don't", '"quote"', "a"]], specials=("<pad>", "<unk>", "<eos>"))
    path = tmp_path / "vocab.json"
    vocab.to_json(path)
    again = Vocab.from_json(path)
    assert again == vocab and again.specials == vocab.specials and again.itos == vocab.itos
    assert json.loads(path.read_text(encoding="utf-8"))["tokens"][0] == "a"
    vocab.to_json(path)  # overwrite in place
    assert os.listdir(tmp_path) == ["vocab.json"]  # no temporary file left behind


def test_empty_corpus_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty corpus"):
        Vocab.build([])
    with pytest.raises(ValueError, match="empty corpus"):
        Vocab.build([[], []])


def test_min_freq_that_keeps_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"min_freq=4.*'a'.*3 times"):
        Vocab.build(CORPUS, min_freq=4)


def test_max_size_smaller_than_the_specials_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"max_size=1 .*2 special"):
        Vocab.build(CORPUS, max_size=1)


def test_strings_instead_of_token_lists_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="tokenize"):
        Vocab.build(["a whole sentence"])


def test_bad_constructor_arguments() -> None:
    with pytest.raises(ValueError, match="twice"):
        Vocab(["a", "a"])
    with pytest.raises(ValueError, match="padding and unknown"):
        Vocab(["a"], specials=("<pad>",))
    with pytest.raises(TypeError, match="str"):
        Vocab(["a", 3])  # type: ignore[list-item]


def test_decode_out_of_range_names_the_id() -> None:
    with pytest.raises(ValueError, match=r"id 9 at position 1 .*0\.\.2"):
        Vocab(["a"]).decode([2, 9])


def test_from_json_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(FileNotFoundError, match="missing.json"):
        Vocab.from_json(missing)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "rnnkit.vocab", "tokens": [', encoding="utf-8")
    with pytest.raises(ValueError, match="broken.json.*not valid UTF-8 JSON"):
        Vocab.from_json(broken)
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"a": 0, "b": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="foreign.json is not an rnnkit vocabulary"):
        Vocab.from_json(foreign)
    future = tmp_path / "future.json"
    future.write_text('{"format": "rnnkit.vocab", "version": 99, "specials": [], "tokens": []}')
    with pytest.raises(ValueError, match="version 99"):
        Vocab.from_json(future)
    duplicated = tmp_path / "duplicated.json"
    duplicated.write_text(
        '{"format": "rnnkit.vocab", "version": 1, "specials": ["<pad>", "<unk>"], "tokens": ["x", "x"]}'
    )
    with pytest.raises(ValueError, match="duplicated.json.*twice"):
        Vocab.from_json(duplicated)
