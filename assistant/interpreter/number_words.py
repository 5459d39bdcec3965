"""Numbers written as words ("twenty", "тремя", "two hundred"), read by number-parser in
English and Russian: for the tagger and for the data lexicon (a value's "Two year" is
also found as "2 year"), in a module of their own so neither imports the other for it."""

from __future__ import annotations

import re
from functools import cache

from number_parser import parse_number
from number_parser.data import en, ru


@cache
def number_word(word: str) -> float | None:
    """"twenty" -> 20, "тремя" -> 3; None for a word that is no number."""
    if len(word) < 3:
        return None
    try:
        value = parse_number(word, language=_language(word))
    except (ValueError, KeyError, IndexError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) else None


@cache
def number_phrase(text: str) -> float | None:
    """"twenty one" -> 21: number words already seen to join into one number."""
    value = parse_number(text, language=_language(text))
    return float(value) if isinstance(value, int | float) else None


@cache
def number_vocabulary() -> dict[str, str]:
    """The number words number-parser knows (English, Russian), as typo targets."""
    words = {w for info in (en.info, ru.info) for key in
             ("UNIT_NUMBERS", "DIRECT_NUMBERS", "TENS", "HUNDREDS", "BIG_POWERS_OF_TEN")
             for w in info.get(key, ()) if len(w) >= 4}
    return {w: w for w in words}


def _language(text: str) -> str:
    return "ru" if re.search("[\u0400-\u04ff]", text) else "en"
