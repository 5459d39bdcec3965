"""A comparison found in a request ("over 5000", "between 30 and 40") and how it becomes a
condition on a column, in that column's units ("70k" is 70 in "Annual Income (k$)",
"3 months" is 90 in a column of days)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.interpreter.columns import ColumnProfile
from assistant.interpreter.numbers import Quantity
from assistant.interpreter.state import Parse, compare, fmt, typed_value
from assistant.interpreter.text import Kind
from assistant.interpreter.time_windows import in_column_unit
from tools.engine.definitions import Between, Condition


@dataclass
class Found:
    start: int  # first token of the comparator
    end: int  # after the value
    op: str  # ">", ..., or "between"
    low: Quantity
    high: Quantity | None = None
    inner: tuple[int, ...] = ()  # measure words between comparator and number
    implicit: tuple[str, ...] = ()  # concepts the comparator implies ("older than": age)
    iso: tuple[str, ...] = ()  # dates as "YYYY-MM-DD|day" or "YYYY-MM-01|month"


def concepts_at(parse: Parse, i: int) -> frozenset[str]:
    return parse.vocab.concepts_of(parse.low(i))


def emit(parse: Parse, f: Found, column: ColumnProfile, matched: set[int],
         words: list[int]) -> None:
    value = convert(f.low, column)
    if f.op == "between" and f.high is not None:
        high = convert(f.high, column)
        lo, hi = min(value, high), max(value, high)
        condition: Condition = Between(column=column.name, low=lo, high=hi)
        text = f"{fmt(lo)} <= {column.name} <= {fmt(hi)}"
    else:
        condition = compare(column, f.op, value)
        text = f"{column.name} {f.op} {fmt(value)}"
    used = [f.start, f.end - 1, *matched]
    claim_rate(parse, f.end, column)
    parse.add(f.start, f.end, condition, text)
    parse.parts[-1].start, parse.parts[-1].end = min(used), max(used) + 1
    for i in matched:
        parse.claim(i, i + 1)
    claim_fillers(parse, words, matched)


_RATES = frozenset({"annually", "yearly", "monthly", "weekly", "annual", "pa"})


def claim_rate(parse: Parse, end: int, column: ColumnProfile) -> None:
    """'earns more than 80k a year', 'pays over 70 per month': the rate the column holds."""
    if column.time_unit is not None:
        return
    if parse.free(end) and parse.low(end) in _RATES:
        parse.claim(end, end + 1)
    elif parse.free(end) and parse.low(end) in ("a", "per", "an", "each", "every") and (
            parse.free(end + 1) and parse.low(end + 1) in parse.vocab.time_units):
        parse.claim(end, end + 2)
    elif parse.free(end) and parse.low(end) in ("per_month",):
        parse.claim(end, end + 1)


def claim_fillers(parse: Parse, words: list[int], matched: set[int]) -> None:
    for i in words:
        if i not in matched and parse.is_filler(i) and not parse.tokens[i].concept:
            parse.claim(i, i + 1)


def convert(q: Quantity, column: ColumnProfile) -> float | int:
    if q.days is not None and column.time_unit is not None:
        return in_column_unit(q, column)
    value = q.value
    if column.scale > 1 and (q.scaled > 1 or value >= column.scale):
        value = value / column.scale
    if q.percent and column.info.maximum is not None and 0 <= column.info.maximum <= 1:
        value = value / 100  # "over 20%" on a 0-1 ratio column
    return typed_value(column, round(value, 6))


def said_text(parse: Parse, f: Found, words: list[int]) -> str:
    start = min([f.start, *words])
    end = max([f.end, *(w + 1 for w in words)])
    return " ".join(t.surface if t.kind == Kind.NUMBER else t.low
                    for t in parse.tokens[start:end])

