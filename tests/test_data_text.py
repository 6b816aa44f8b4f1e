"""rnnkit.data.text.tokenize: the documented rules, on real-review-like strings."""

from __future__ import annotations

import pytest

from rnnkit.data.text import tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # HTML line breaks in all their spellings become spaces, never glue words together.
        ("great<br />film", ["great", "film"]),
        ("great<br/>film<br>again<BR  />and<br >more", ["great", "film", "again", "and", "more"]),
        # Other tags disappear; their text stays.
        ('a <i>truly</i> <a href="x.html">bad</a> one', ["a", "truly", "bad", "one"]),
        # A lone < or > is punctuation, not a tag.
        ("i <3 it, 5 > 4", ["i", "<", "3", "it", ",", "5", ">", "4"]),
        # Entities are decoded.
        ("tom &amp; jerry &quot;classic&quot;", ["tom", "&", "jerry", '"', "classic", '"']),
        # Lower case; inner apostrophes stay in the word, curly ones are straightened.
        ("I DON'T know", ["i", "don't", "know"]),
        ("It\u2019s the 90\u2019s", ["it's", "the", "90's"]),
        ("rock'n'roll", ["rock'n'roll"]),
        # Apostrophes outside a word are tokens of their own.
        ("'quoted' and the actors' work", ["'", "quoted", "'", "and", "the", "actors", "'", "work"]),
        # Punctuation: one token per character.
        ("wow!!! really?!", ["wow", "!", "!", "!", "really", "?", "!"]),
        ("so... well-made (sort of)", ["so", ".", ".", ".", "well", "-", "made", "(", "sort", "of", ")"]),
        # Numbers are kept, decimals and thousands together, a trailing full stop apart.
        ("7.5/10, 1,000 extras in 1999.", ["7.5", "/", "10", ",", "1,000", "extras", "in", "1999", "."]),
        ("the 10th time, b4 noon", ["the", "10th", "time", ",", "b4", "noon"]),
        # Underscore is punctuation; letters of other scripts are letters.
        ("snake_case café señor", ["snake", "_", "case", "café", "señor"]),
        # Whitespace of any kind (tabs, newlines, non-breaking space) only separates.
        ("  a\tb\n\nc\u00a0d  ", ["a", "b", "c", "d"]),
    ],
)
def test_tokenizer_rules(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_real_review_like_text() -> None:
    review = (
        "This movie was <b>NOT</b> what I expected!<br /><br />The acting (especially Costner's) "
        'was "meh"... I\'d give it 4/10.'
    )
    assert tokenize(review) == [
        "this", "movie", "was", "not", "what", "i", "expected", "!",
        "the", "acting", "(", "especially", "costner's", ")",
        "was", '"', "meh", '"', ".", ".", ".", "i'd", "give", "it", "4", "/", "10", ".",
    ]  # fmt: skip


@pytest.mark.parametrize("text", ["", "   ", "<br /><br />", "<p></p>\n"])
def test_texts_without_tokens_give_an_empty_list(text: str) -> None:
    assert tokenize(text) == []


def test_no_token_holds_whitespace_or_upper_case() -> None:
    tokens = tokenize("Mixed CASE\u2003text\twith <I>Tags</I> and\r\nbreaks ÉTÉ")
    assert all(token and not any(c.isspace() for c in token) for token in tokens)
    assert all(token == token.lower() for token in tokens)


def test_bytes_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="decode"):
        tokenize(b"bytes")  # type: ignore[arg-type]
