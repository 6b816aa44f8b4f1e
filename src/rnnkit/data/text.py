"""Word-level tokenisation of real-world review text (IMDB and the like).

The rules, applied in this order:

1. HTML line breaks (``<br />``, ``<br/>``, ``<br>``, any case and spacing) become spaces.
2. Every other HTML tag (``<i>``, ``</b>``, ``<a href="...">``: a ``<`` followed by a letter or ``/``
   and closed by ``>`` on the same tag) becomes a space. A lone ``<`` or ``>`` (as in ``<3`` or
   ``5 > 4``) is not a tag and stays as punctuation.
3. HTML entities are decoded (``&amp;`` -> ``&``, ``&quot;`` -> ``"``).
4. Everything is lower-cased; curly apostrophes (U+2018, U+2019) become ``'``.
5. Tokens are read left to right, whitespace separating them and never part of one:

   - a **number**: digits with inner ``.`` or ``,`` groups (``7``, ``7.5``, ``1,000``), when not glued
     to letters;
   - a **word**: letters and digits (any script), with inner apostrophes kept (``don't``,
     ``90's``, ``rock'n'roll``); ``10th`` and ``b4`` are words;
   - otherwise **one punctuation character** per token: ``!!!`` is three ``!`` tokens, ``...`` three
     ``.``; a hyphen splits ``well-made`` into ``well``, ``-``, ``made``; an apostrophe that is not
     inside a word (``'quoted'``, ``students'``) is its own token; ``_`` is punctuation.

A text with no tokens (empty, only whitespace or only tags) gives ``[]``.

Example:
    >>> tokenize("I <i>didn't</i> like it!<br /><br />7.5/10...")
    ['i', "didn't", 'like', 'it', '!', '7.5', '/', '10', '.', '.', '.']
"""

from __future__ import annotations

import html
import re

_LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# [^\W_] is "a letter or digit of any script": \w without the underscore.
_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)*(?!'?[^\W_])"  # a number not glued to a word: 7, 7.5, 1,000 (not 10th, 90's)
    r"|[^\W_]+(?:'[^\W_]+)*"  # a word with inner apostrophes: don't, 90's
    r"|[^\w\s]|_"  # one punctuation character
)


def tokenize(text: str) -> list[str]:
    """Split review text into lower-case word, number and punctuation tokens (rules in the module doc).

    Args:
        text: raw text, possibly with HTML line breaks, tags and entities.

    Returns:
        The tokens, in order; ``[]`` if there are none.

    Raises:
        TypeError: ``text`` is not a str.

    Example:
        >>> tokenize("Don't   miss it?! It's GREAT &amp; fun.")
        ["don't", 'miss', 'it', '?', '!', "it's", 'great', '&', 'fun', '.']
    """
    if not isinstance(text, str):
        raise TypeError(
            f"tokenize expects a str, got {type(text).__name__}; decode bytes first "
            "(e.g. data.decode('utf-8'))."
        )
    text = _LINE_BREAK.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    tokens: list[str] = []
    find = _TOKEN.findall
    for chunk in text.split():
        # Fast path, same result: a chunk of letters and digits only is one token (\w = isalnum or _).
        if chunk.isalnum():
            tokens.append(chunk)
        else:
            tokens.extend(find(chunk))
    return tokens
