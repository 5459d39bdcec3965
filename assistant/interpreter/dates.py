"""Calendar dates written in words: "March 2013", "1 November 2011", "Nov 1, 2011".

They become DATE tokens (ISO text plus a precision: a whole month or one day),
so "joined before March 2013" compares the signup date with 2013-03-01 and
"first purchase in March 2011" covers that whole month.
"""

from __future__ import annotations

from datetime import date, timedelta

from assistant.interpreter.columns import ColumnProfile
from assistant.interpreter.state import compare
from assistant.interpreter.text import Kind, Token
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.definitions import And, Condition


def merge_dates(tokens: list[Token], vocab: Vocabulary) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        found = _date_at(tokens, i, vocab)
        if found is None:
            out.append(tokens[i])
            i += 1
            continue
        token, i = found
        out.append(token)
    return out


def _year(tok: Token | None) -> int | None:
    if tok is None or tok.kind != Kind.NUMBER or tok.value is None or tok.currency:
        return None
    value = tok.value
    return int(value) if value.is_integer() and 1900 <= value <= 2100 and tok.scaled == 1 else None


def _day(tok: Token | None) -> int | None:
    if tok is None:
        return None
    text = tok.low.rstrip("stndrh") if tok.kind == Kind.WORD else tok.low
    if tok.kind == Kind.NUMBER and tok.value is not None and tok.value.is_integer():
        return int(tok.value) if 1 <= tok.value <= 31 else None
    return int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= 31 else None


def _date_at(tokens: list[Token], i: int, vocab: Vocabulary) -> tuple[Token, int] | None:
    def at(k: int) -> Token | None:
        return tokens[k] if 0 <= k < len(tokens) else None

    def skip_comma(k: int) -> int:
        return k + 1 if at(k) is not None and tokens[k].low == "," else k

    first = tokens[i]
    day: int | None = None
    start = i
    if _day(first) is not None and at(i + 1) is not None and tokens[i + 1].low in (
            vocab.month_names):
        day, i = _day(first), i + 1  # "1 November 2011"
    tok = tokens[i]
    if tok.kind != Kind.WORD or tok.low not in vocab.month_names:
        return None
    month = vocab.month_names[tok.low]
    k = i + 1
    if day is None and _day(at(k)) is not None and _year(at(skip_comma(k + 1))) is not None:
        day, k = _day(at(k)), skip_comma(k + 1)  # "November 1, 2011"
    year = _year(at(k))
    if year is None:
        return None
    if tok.low == "may" and day is None and k != i + 1:
        return None
    try:
        when = date(year, month, day or 1)
    except ValueError:
        return None
    words = [t.low for t in tokens[start:k + 1]]
    return Token(low=" ".join(words), kind=Kind.DATE, surface=" ".join(words),
                 iso=when.isoformat(), precision="day" if day else "month"), k + 1


def date_condition(column: ColumnProfile, op: str, iso: str, precision: str
                   ) -> tuple[Condition, str]:
    """A comparison with a day or a month, whole periods included ('before March 2013')."""
    first = date.fromisoformat(iso)
    if precision == "month":
        following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    else:
        following = first + timedelta(days=1)
    lo, hi = first.isoformat(), following.isoformat()
    name = column.name
    if op == ">":
        return compare(column, ">=", hi), f"{name} >= {hi}"
    if op == ">=":
        return compare(column, ">=", lo), f"{name} >= {lo}"
    if op == "<":
        return compare(column, "<", lo), f"{name} < {lo}"
    if op == "<=":
        return compare(column, "<", hi), f"{name} < {hi}"
    return (And(all=[compare(column, ">=", lo), compare(column, "<", hi)]),
            f"{lo} <= {name} < {hi}")
