"""Column names as lower-case words, so "InvoiceDate", "invoice_date" and "Invoice Date" match.

`name_words` splits a name as written. `role_words` also reads what the role vocabularies
(`roles.py`, `customer_key.py`, `log_shape.py`, all in English) cannot see by themselves:
names in other languages ("Kundennummer", "Дата заказа", "客户ID") and English names
written in one piece ("PRICEEACH"). What each word means lives in data files, one per
language (`column_words/<language>.yaml`), not in code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

# Scripts written without spaces between words: a name is read as the words found in it,
# the characters in none of them kept as they are.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A run of ASCII letters and digits (split further by `name_words`), or of other letters.
_RUNS = re.compile(r"[A-Za-z0-9]+|[^\W\dA-Za-z_]+")


def name_words(name: str) -> list[str]:
    """Split a column name into lower-case words: CamelCase, snake_case, spaces, digits."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    # Between letters and digits both ways, also twice in a row ("Campaign1Resp").
    spaced = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


@cache
def role_words(name: str) -> tuple[str, ...]:
    """The English words of the role vocabularies that a column name says.

    "Kundennummer" -> customer, number; "Дата заказа" -> date, order; "客户ID" -> customer,
    id; "PRICEEACH" -> price, each; "InvoiceDate" -> invoice, date (as `name_words`). A word
    no data file knows is kept as it is.
    """
    words: list[str] = []
    for token in _tokens(name):
        words.extend(_translate(token))
    return tuple(words)


def _fold(text: str) -> str:
    """Accents off and ß as ss, so "Stückpreis" and "Stueckpreis" read alike; ё as е."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "SS"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(name: str) -> list[str]:
    tokens: list[str] = []
    for run in _RUNS.findall(_fold(name)):
        tokens.extend(name_words(run) if run.isascii() else [run.lower()])
    return tokens


@dataclass(frozen=True)
class _Lexicon:
    words: dict[str, tuple[str, ...]]
    # The endings that may follow each word (its language's).
    endings: dict[str, frozenset[str]]
    longest: int


@cache
def column_word_files() -> dict[str, dict[str, Any]]:
    """Each language's `column_words/<language>.yaml`, read once (its words and endings
    here, its yes/no values in `yes_no.py`); a file added for a language counts without a
    change in code."""
    folder = resources.files("tools.engine").joinpath("column_words")
    return {entry.name.removesuffix(".yaml"): yaml.safe_load(entry.read_text(encoding="utf-8"))
            # English first: where languages share a word, its English meanings lead
            for entry in sorted(folder.iterdir(), key=lambda e: (e.name != "en.yaml", e.name))
            if entry.name.endswith(".yaml")}


@cache
def _lexicon() -> _Lexicon:
    words: dict[str, tuple[str, ...]] = {}
    endings: dict[str, frozenset[str]] = {}
    for data in column_word_files().values():
        its_endings = frozenset(_fold(str(e)).lower() for e in data.get("endings") or ())
        for word, meaning in data["words"].items():
            key = _fold(str(word)).lower()
            words[key] = tuple(dict.fromkeys((*words.get(key, ()), *map(str, meaning))))
            endings[key] = endings.get(key, frozenset()) | its_endings
    return _Lexicon(words, endings, max(map(len, words)))


def _translate(token: str) -> list[str]:
    lexicon = _lexicon()
    if token in lexicon.words:
        return list(lexicon.words[token])
    found = _segment(token, lexicon)
    return found if found is not None else [token]


def _segment(token: str, lexicon: _Lexicon) -> list[str] | None:
    """The token read as words of the data files one after another, or None.

    Of the readings, the one leaving the fewest characters unread, then with the fewest
    words, wins. Every character must be read, except in scripts without spaces (Chinese),
    where unread characters are kept. A reading is one word with an ending ("заказа") or
    two words or more; English words are only taken whole, so "orders" stays "orders".
    """
    unspaced = bool(_UNSPACED.search(token))
    size = len(token)
    # best[i]: (unread characters, words read, an ending was used, the words with whether
    # each was read) for token[:i].
    best: list[tuple[int, int, bool, list[tuple[str, bool]]] | None] = [None] * (size + 1)
    best[0] = (0, 0, False, [])
    for start in range(size):
        here = best[start]
        if here is None:
            continue
        unread, pieces, ended, words = here
        steps: list[tuple[int, bool, list[tuple[str, bool]]]] = []
        for end in range(start + 1, min(size, start + lexicon.longest) + 1):
            piece = token[start:end]
            if piece in lexicon.words:
                meaning = [(word, True) for word in lexicon.words[piece]]
                steps.append((end, False, meaning))
                steps.extend((end + len(ending), True, meaning)
                             for ending in lexicon.endings[piece]
                             if token.startswith(ending, end))
        if unspaced:
            steps.append((start + 1, False, [(token[start], False)]))
        for end, with_ending, meaning in steps:
            read = meaning[0][1]
            candidate = (unread + (0 if read else 1), pieces + (1 if read else 0),
                         ended or with_ending, words + meaning)
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    result = best[size]
    if result is None:
        return None
    _, pieces, ended, words = result
    if pieces == 0 or (pieces == 1 and not ended and len(words) == 1):
        return None
    # Unread characters next to each other are kept as one word ("卡" in "会员卡号").
    kept: list[str] = []
    for position, (word, read) in enumerate(words):
        if not read and position and not words[position - 1][1]:
            kept[-1] += word
        else:
            kept.append(word)
    return kept
