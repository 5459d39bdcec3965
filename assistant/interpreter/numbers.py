"""Numbers as people write them: "$5,000", "70k", "1.5m", "ten", "twenty five", "10 percent".

`merge_numbers` rewrites a token list so every quantity is one NUMBER token
carrying its value, currency and percent sign; `read_quantity` reads the
quantity at a position together with a time unit ("3 months" -> 90 days).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.interpreter.text import Kind, Token
from assistant.interpreter.vocabulary import Vocabulary

# Words that are numbers only in some contexts ("a month", "once"): read by the callers.
_CONTEXTUAL = {"a", "an", "single", "couple", "none", "dozen"}


@dataclass(frozen=True)
class Quantity:
    value: float
    end: int  # index after the last token used
    currency: str | None = None
    percent: bool = False
    scaled: float = 1.0  # the multiplier a k/m suffix or "thousand" applied
    days: int | None = None  # days per unit when a time unit followed ("3 months": 30)
    unit: str | None = None  # "day", "week", "month", "year"
    years_old: bool = False

    @property
    def duration_days(self) -> float | None:
        return None if self.days is None else self.value * self.days


def merge_numbers(tokens: list[Token], vocab: Vocabulary) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == Kind.WORD and tok.low in vocab.number_words and tok.low not in (
                _CONTEXTUAL) and not (tok.low == "one" and i + 1 < len(tokens)
                                      and tokens[i + 1].low in ("of", "who", "that")):
            value, j = _spelled_number(tokens, i, vocab)
            words = [t.low for t in tokens[i:j]]
            tok = Token(low=" ".join(words), kind=Kind.NUMBER, surface=" ".join(words),
                        value=float(value), parts=words)
            i = j
        elif tok.kind == Kind.WORD and tok.low in vocab.share_words and i > 0 and tokens[
                i - 1].low in ("top", "bottom", "the", "first", "last", "upper", "lower"):
            tok = Token(low=tok.low, kind=Kind.NUMBER, surface=tok.low,
                        value=vocab.share_words[tok.low], percent=True)
            i += 1
        elif (tok.kind == Kind.WORD and tok.low in ("a", "an") and i + 1 < len(tokens)
              and tokens[i + 1].low == "grand"):  # "more than a grand": 1000
            tok = Token(low="a grand", kind=Kind.NUMBER, surface="a grand", value=1000.0)
            i += 2
        elif (tok.kind == Kind.WORD and tok.low in ("a", "an") and i + 1 < len(tokens)
              and tokens[i + 1].low in ("hundred", "thousand", "million", "dozen")):
            value, j = _spelled_number(tokens, i + 1, vocab)
            tok = Token(low=f"{tok.low} {tokens[i + 1].low}", kind=Kind.NUMBER,
                        surface=tokens[i + 1].low, value=float(value))
            i = j
        elif (tok.kind == Kind.WORD and tok.low in vocab.currency_words and i + 1 < len(tokens)
              and tokens[i + 1].kind == Kind.NUMBER):
            nxt = tokens[i + 1]
            tok = Token(low=nxt.low, kind=Kind.NUMBER, surface=nxt.surface, value=nxt.value,
                        currency=tok.low, percent=nxt.percent, scaled=nxt.scaled)
            i += 2
        else:
            i += 1
        if tok.kind == Kind.NUMBER:
            i = _absorb_suffixes(tok, tokens, i, vocab)
        out.append(tok)
    return out


def _spelled_number(tokens: list[Token], i: int, vocab: Vocabulary) -> tuple[float, int]:
    """'twenty five' -> 25, 'two hundred' -> 200, 'ten thousand' -> 10000."""
    total, current, j = 0.0, 0.0, i
    while j < len(tokens) and tokens[j].kind == Kind.WORD:
        word = tokens[j].low
        if word in ("hundred",):
            current = max(current, 1.0) * 100
        elif word in ("thousand", "million", "billion"):
            total += max(current, 1.0) * vocab.multipliers[word]
            current = 0.0
        elif word == "dozen":
            current = max(current, 1.0) * 12
        elif word in vocab.number_words and word not in _CONTEXTUAL:
            current += vocab.number_words[word]
        elif word == "and" and j > i and current >= 100 and j + 1 < len(tokens) and (
                vocab.number_words.get(tokens[j + 1].low, 100) < 100) and (
                j + 2 >= len(tokens) or tokens[j + 2].low not in ("hundred", "thousand",
                                                                   "million", "billion")):
            pass  # "one hundred and twenty", not "five hundred and one thousand"
        else:
            break
        j += 1
    return total + current, j


def _absorb_suffixes(tok: Token, tokens: list[Token], i: int, vocab: Vocabulary) -> int:
    """Fold '5 thousand', '10 percent', '500 dollars' into the number token."""
    while i < len(tokens):
        nxt = tokens[i]
        if nxt.kind == Kind.WORD and nxt.low in vocab.multipliers and tok.scaled == 1.0 and (
                tok.value is not None):
            tok.value *= vocab.multipliers[nxt.low]
            tok.scaled = vocab.multipliers[nxt.low]
            i += 1
            continue
        if nxt.low == "%" or nxt.low in ("percent", "pct", "percentage"):
            tok.percent = True
            i += 1
            continue
        if nxt.low == "per" and i + 1 < len(tokens) and tokens[i + 1].low == "cent":
            tok.percent = True
            i += 2
            continue
        if nxt.kind == Kind.WORD and nxt.low in vocab.currency_words and tok.currency is None:
            tok.currency = nxt.low
            i += 1
            continue
        break
    return i


def read_quantity(tokens: list[Token], i: int, vocab: Vocabulary) -> Quantity | None:
    """The quantity starting at token `i` ("3 months", "a year", "$500"), or None."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    if tok.kind == Kind.NUMBER and tok.value is not None:
        value, j = tok.value, i + 1
    elif tok.low in ("a", "an", "one") and i + 1 < len(tokens) and (
            tokens[i + 1].low in vocab.time_units):
        value, j = 1.0, i + 1
    else:
        return None
    days = unit = None
    years_old = False
    if j < len(tokens) and tokens[j].low in vocab.time_units:
        days = vocab.time_units[tokens[j].low]
        unit = _unit_name(days)
        j += 1
        if j < len(tokens) and tokens[j].low == "old":
            years_old, days, unit = True, None, None
            j += 1
    if j < len(tokens) and tokens[j].concept == "years_old":
        years_old = True
        j += 1
    return Quantity(value=value, end=j, currency=tok.currency, percent=tok.percent,
                    scaled=tok.scaled, days=days, unit=unit, years_old=years_old)


def _unit_name(days: int) -> str:
    return {1: "day", 7: "week", 14: "week", 30: "month", 90: "month", 365: "year"}[days]
