"""From a request's raw text to tokens: words, numbers, dates and symbols.

Normalisation is shared with the vocabulary and with column names and values,
so "one-time", "one time" and "One Time" meet as the same words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

# Longest request read; anything beyond is ignored so a pasted novel cannot stall a turn.
MAX_CHARS = 2000
MAX_TOKENS = 300


class Kind(StrEnum):
    WORD = "word"
    NUMBER = "number"
    DATE = "date"
    SYMBOL = "symbol"
    PUNCT = "punct"


@dataclass
class Token:
    low: str  # normalised lower-case text
    kind: Kind
    surface: str = ""  # as the user wrote it
    value: float | None = None  # numbers
    iso: str | None = None  # dates (YYYY-MM-DD)
    precision: str = "day"  # "day" or "month" ("March 2013") for dates
    currency: str | None = None
    percent: bool = False
    scaled: float = 1.0  # a k/m suffix or "thousand" multiplied the number
    concept: str | None = None  # set when a phrase was merged into this token
    parts: list[str] = field(default_factory=list)  # the words a merged token came from

    @property
    def upper(self) -> bool:
        letters = [c for c in self.surface if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)

    @property
    def is_word(self) -> bool:
        return self.kind == Kind.WORD


_CONTRACTIONS = [
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bain'?t\b"), "is not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\b(haven|hasn|hadn|didn|doesn|don|isn|aren|wasn|weren|shouldn|wouldn|couldn)t\b"),
     r"\1 not"),
    (re.compile(r"\b(what|that|who|it|there|here|where|how)'s\b"), r"\1 is"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\bw/o\b"), "without"),  # note-taking shorthand: "customers w/o kids"
    # "4+ months", "3+ orders": the unit or noun sits between the number and "or more".
    (re.compile(r"(\d[\d.,]*\s?[km]?)\s?\+\s?([a-z][a-z-]*)\b"), r"\1 \2 or more"),
    # "half a year", "a half year": half of the unit.
    (re.compile(r"\b(?:a\s+)?half\s+(?:an?\s+)?(year|month|week|day)\b"), r"0.5 \1"),
    (re.compile(r"\bw/(?=\s|\w)"), "with "),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"(\w)'s\b"), r"\1"),
    (re.compile(r"(\w)s'(?=\s|$)"), r"\1s"),
]
_NEGATIVE_STEMS = {"haven": "have", "hasn": "has", "hadn": "had", "didn": "did", "doesn": "does",
                   "don": "do", "isn": "is", "aren": "are", "wasn": "was", "weren": "were",
                   "shouldn": "should", "wouldn": "would", "couldn": "could"}

_TOKEN = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"|(?P<ordinal>\d{1,2}(?:st|nd|rd|th)\b)"
    r"|(?P<number>(?:(?:r\$|[$£€¥₹₽])\s?)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+)(?:\.\d+)?"
    r"(?:\s?(?:k|m|mm|mn|bn)(?![a-z]))?(?:\s?[$£€¥₹₽])?\s?%?)"
    r"|(?P<symbol>>=|<=|=>|=<|==|[<>=≥≤+%-])"
    r"|(?P<word>[^\W\d_]+(?:\.[^\W\d_])*\.?)"
    r"|(?P<punct>[,;:.!?()\[\]/&])"
)
_NUMBER_PARTS = re.compile(
    r"(?P<cur>r\$|[$£€¥₹₽])?\s?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
    r"|\d+)(?:\.\d+)?)"
    r"\s?(?P<suf>k|m|mm|mn|bn)?\s?(?P<cur2>[$£€¥₹₽])?\s?(?P<pct>%)?"
)
_SUFFIX = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "bn": 1e9}


def normalise(text: str) -> str:
    """Lower-case, unify quotes and hyphens, spell out contractions."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    text = text.replace("“", '"').replace("”", '"').replace("–", "-").replace("—", " - ")
    text = text.lower()
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    # "one-time", "at-risk", "non-UK": a hyphen between letters separates words.
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)
    text = re.sub(r"(?<=[^\W\d_]{2})-(?=\d)", " ", text)  # "covid-19", not "5k-10k"
    return text.replace('"', " ").replace("'", " ")


def words_of(text: str) -> list[str]:
    """The normalised words of a phrase (vocabulary entries, values, column names)."""
    return list(_phrase_words(text))


@lru_cache(maxsize=50_000)
def _phrase_words(text: str) -> tuple[str, ...]:
    # The same column values are read on every turn; tokenising them once is enough.
    return tuple(t.low for t in tokenize(text) if t.kind in (Kind.WORD, Kind.NUMBER,
                                                            Kind.SYMBOL))


def tokenize(text: str) -> list[Token]:
    """Split a request into tokens; surface forms keep the user's capitals."""
    raw = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    surfaces = _surface_words(raw)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(normalise(raw)):
        kind = match.lastgroup
        piece = match.group(0).strip()
        if not piece:
            continue
        if kind == "date":
            tokens.append(_date_token(piece))
        elif kind == "number":
            tokens.append(_number_token(piece))
        elif kind == "ordinal":
            value = float(piece[:-2])
            tokens.append(Token(low=piece[:-2], kind=Kind.NUMBER, surface=piece, value=value))
        elif kind == "symbol":
            tokens.append(Token(low=piece, kind=Kind.SYMBOL, surface=piece))
        elif kind == "word":
            low = piece.replace(".", "")  # "U.S." -> "us", "e.g." -> "eg"
            tokens.append(Token(low=low, kind=Kind.WORD, surface=surfaces.get(low, low)))
        else:
            tokens.append(Token(low=piece, kind=Kind.PUNCT, surface=piece))
        if len(tokens) >= MAX_TOKENS:
            break
    return tokens


def _surface_words(raw: str) -> dict[str, str]:
    """Lower-case word -> as first written, to tell codes ("SP") from words ("sp")."""
    found: dict[str, str] = {}
    for word in re.findall(r"[^\W\d_]+(?:\.[^\W\d_])*\.?", raw):
        key = word.lower().replace(".", "")
        word = word.replace(".", "")
        # An upper-case spelling anywhere wins: it marks a code.
        if key not in found or word.isupper():
            found[key] = word
    return found


def _date_token(piece: str) -> Token:
    year, month, day = (int(p) for p in piece.split("-"))
    iso = f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    if iso is None:
        return Token(low=piece, kind=Kind.WORD, surface=piece)
    return Token(low=piece, kind=Kind.DATE, surface=piece, iso=iso)


def _number_token(piece: str) -> Token:
    parts = _NUMBER_PARTS.fullmatch(piece)
    if parts is None:  # pragma: no cover - the token regex and this one agree
        return Token(low=piece, kind=Kind.WORD, surface=piece)
    value = float(re.sub(r"[,\s\u00a0\u202f]", "", parts["num"]))
    scale = _SUFFIX.get(parts["suf"] or "", 1.0)
    currency = parts["cur"] or parts["cur2"]
    return Token(low=parts["num"], kind=Kind.NUMBER, surface=piece, value=value * scale,
                 currency=currency, percent=bool(parts["pct"]), scaled=scale)


def stem(word: str) -> str:
    """A crude English singular: enough to meet 'purchases' with 'purchase'."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
