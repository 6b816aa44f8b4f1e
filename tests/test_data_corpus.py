"""Plain-text corpora: UTF-8 errors naming the line and byte, char and word tokens, vocabularies, primes."""

from __future__ import annotations

import pytest

from rnnkit.data.corpus import (
    EOS,
    build_vocab,
    decode_utf8,
    detokenize,
    encode_prime,
    read_text,
    text_pieces,
    tokens_of,
)


def test_a_non_utf8_file_names_the_line_the_byte_and_the_fix(tmp_path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("first line\nsecond\ncaf\u00e9 au lait\n".encode("latin-1"))
    with pytest.raises(
        ValueError,
        match=r"latin1.txt is not UTF-8 text: byte 0xe9 at line 3, byte 4 of that line \(offset 21",
    ) as info:
        read_text(path)
    assert "iconv" in str(info.value)


def test_empty_and_missing_files_are_refused(tmp_path) -> None:
    (tmp_path / "empty.txt").write_text(" \n\n")
    with pytest.raises(ValueError, match="empty.txt is empty"):
        read_text(tmp_path / "empty.txt")
    with pytest.raises(FileNotFoundError, match="nope.txt does not exist"):
        read_text(tmp_path / "nope.txt")


def test_bom_and_windows_line_ends_are_normalised() -> None:
    assert decode_utf8("\ufeffa\r\nb".encode(), "x") == "a\nb"


def test_word_level_closes_every_line_with_eos_and_char_level_keeps_every_character() -> None:
    assert tokens_of("the cat\n\nsat  down\n", "word") == ["the", "cat", EOS, EOS, "sat", "down", EOS]
    assert tokens_of("ab\n", "char") == ["a", "b", "\n"]
    with pytest.raises(ValueError, match="data.level"):
        tokens_of("x", "byte")


def test_vocabularies_come_from_training_tokens_and_unknowns_become_unk() -> None:
    chars = build_vocab([list("hello")], "char")
    assert chars.itos == ["<pad>", "<unk>", "e", "h", "l", "o"]  # sorted by code point, as nanoGPT
    words = build_vocab([tokens_of("a b a\nb a <unk>\nc\n", "word")], "word", max_size=5)
    assert words.itos[:3] == ["<pad>", "<unk>", EOS] and words.itos[3:] == ["a", "b"]
    assert words.encode(["a", "c", "<unk>", "zebra"]) == [3, 1, 1, 1]  # PTB's own <unk> is the same id


def test_primes_at_char_level_must_be_known_and_the_error_lists_the_rest() -> None:
    vocab = build_vocab([list("ROME:\n abc")], "char")
    assert vocab.decode(encode_prime("ROME:", vocab, "char")) == list("ROME:")
    with pytest.raises(ValueError, match=r"never saw in training: '!', 'Z'"):
        encode_prime("ZOE!", vocab, "char")
    with pytest.raises(ValueError, match="empty"):
        encode_prime("", vocab, "char")
    words = build_vocab([["to", "be", EOS]], "word")
    assert words.decode(encode_prime("to fly", words, "word")) == ["to", "<unk>"]


def test_text_pieces_stream_words_with_spaces_and_line_ends() -> None:
    tokens = ["to", "be", EOS, "or", "not", EOS]
    assert detokenize(tokens, "word") == "to be\nor not\n"
    assert "".join(text_pieces(["or", "not"], "word", at_line_start=False)) == " or not"
    assert tokens_of(detokenize(tokens, "word"), "word") == tokens
    assert detokenize(list("ab\nc"), "char") == "ab\nc"
