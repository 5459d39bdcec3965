"""Comparisons on numbers and dates: "spent over 1000", "at least 10 orders",
"aged between 20 and 35", "10 or more orders", "with 2 kids", "in their 30s",
"a negative balance". Finding the comparison is done here; which column it is
about is `measures.resolve`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.interpreter.columns import match_columns, word_match
from assistant.interpreter.flags import is_flag
from assistant.interpreter.found import Found, concepts_at, convert
from assistant.interpreter.measures import measure_words, resolve
from assistant.interpreter.numbers import Quantity, read_quantity
from assistant.interpreter.state import Parse, Part, compare, fmt
from assistant.interpreter.text import Kind
from tools.engine.definitions import Compare, In


def read_comparisons(parse: Parse, as_of: date | None) -> None:
    i = 0
    while i < len(parse.tokens):
        found = _between_at(parse, i) or _prefix_at(parse, i) or _postfix_at(parse, i)
        if found is None:
            i += 1
            continue
        resolve(parse, found, as_of)
        i = found.end


def read_decades(parse: Parse, as_of: date | None) -> None:
    """'in their 30s', 'customers in their forties' -> 30 <= age <= 39."""
    for i, tok in enumerate(parse.tokens):
        if not parse.free(i):
            continue
        decade, end = None, i + 1
        born = any("birth" in concepts_at(parse, k) for k in range(max(0, i - 4), i))
        if tok.kind == Kind.NUMBER and tok.value is not None and tok.value.is_integer() and (
                1900 <= tok.value <= 2090 and tok.value % 10 == 0) and (
                parse.free(i + 1) and parse.low(i + 1) == "s") and born:
            decade, end = int(tok.value), i + 2  # "born in the 1980s"
        elif tok.kind == Kind.NUMBER and tok.value in (10, 20, 30, 40, 50, 60, 70, 80, 90) and (
                parse.free(i + 1) and parse.low(i + 1) == "s"):
            decade, end = int(tok.value), i + 2
        elif tok.low in parse.vocab.decade_words and parse.low(i - 1) in ("their", "the"):
            decade = parse.vocab.decade_words[tok.low]
        if decade is None or parse.low(i - 1) not in ("their", "the", "in", "aged"):
            continue
        if born and decade < 100:
            decade += 1900  # "born in the 80s": the 1980s, not ages 80-89
        low = Quantity(value=float(decade), end=end)
        high = Quantity(value=float(decade + 9), end=end)
        start = i - 1
        if parse.low(start - 1) == "in" and parse.free(start - 1):
            start -= 1
        found = Found(start=start, end=end, op="between", low=low, high=high,
                       implicit=() if born else ("age",))
        resolve(parse, found, as_of)


_SIGNS = {"negative": "<", "positive": ">", "zero": "=="}


def read_signs(parse: Parse) -> None:
    """'a negative balance' -> balance < 0, 'zero income' -> income == 0."""
    numeric = [p for p in parse.profiles if p.numeric and not is_flag(p)]
    for i, tok in enumerate(parse.tokens):
        if not parse.free(i) or tok.low not in _SIGNS:
            continue
        k = i + 1
        while parse.free(k) and k - i <= 3 and parse.tokens[k].is_word and any(
                word_match(parse.low(k), p, parse.vocab) for p in numeric):
            k += 1
        if k == i + 1:
            continue
        match = match_columns([(w, parse.low(w)) for w in range(i + 1, k)], numeric, parse.vocab)
        if match is None or match.column is None:
            continue
        op = _SIGNS[tok.low]
        parse.add(i, k, compare(match.column, op, 0), f"{match.column.name} {op} 0")


def read_bare_numbers(parse: Parse, as_of: date | None) -> None:
    """'with 2 kids', 'aged 30': a number beside a measure means equality; 'joined in
    March 2013': a date beside a date column means that day or month."""
    for i, tok in enumerate(parse.tokens):
        if tok.kind == Kind.DATE and tok.iso and parse.free(i):
            resolve(parse, Found(start=i, end=i + 1, op="==", low=Quantity(value=0.0, end=i + 1),
                                 iso=(f"{tok.iso}|{tok.precision}",)), as_of)
            continue
        if tok.kind != Kind.NUMBER or not parse.free(i):
            continue
        q = read_quantity(parse.tokens, i, parse.vocab)
        if q is None or (q.days is not None and parse.low(i - 1) in (
                parse.vocab.time_window_words | parse.vocab.time_window_openers)):
            continue  # "in the last 2 years" that no time reader understood: ask, not ==
        found = Found(start=i, end=q.end, op="==", low=q)
        if measure_words(parse, found):
            before = len(parse.parts)
            resolve(parse, found, as_of)
            if len(parse.parts) > before:
                _more_values(parse, parse.parts[-1], q.end, i)


def _more_values(parse: Parse, part: Part, end: int, start: int) -> None:
    """'a satisfaction score of 1 or 2', 'tier 1, 2 or 3', 'with 1 or 2 kids': one column,
    several values."""
    condition = part.condition
    if not (isinstance(condition, Compare) and condition.op == "=="):
        return
    column = next((p for p in parse.profiles if p.name == condition.column and p.numeric), None)
    if column is None:
        return
    values: list[Any] = [condition.value]
    k = end
    while parse.free(k) and parse.low(k) in ("or", ",") and parse.free(k + 1) and (
            parse.tokens[k + 1].kind == Kind.NUMBER):
        q = read_quantity(parse.tokens, k + 1, parse.vocab)
        if q is None or q.days is not None or q.percent:
            break
        values.append(convert(q, column))
        parse.claim(k, q.end)
        part.end = max(part.end, q.end)
        k = q.end
    k = start - 1
    while parse.free(k) and parse.low(k) in ("or", ",") and parse.free(k - 1) and (
            parse.tokens[k - 1].kind == Kind.NUMBER):
        q = read_quantity(parse.tokens, k - 1, parse.vocab)
        if q is None or q.end != k or q.days is not None or q.percent:
            break
        values.insert(0, convert(q, column))
        parse.claim(k - 1, k + 1)
        part.start = min(part.start, k - 1)
        k -= 2
    if len(values) > 1:
        part.condition = In(column=column.name, values=list(dict.fromkeys(values)))
        part.text = f"{column.name} in [{', '.join(fmt(v) for v in values)}]"


def _value_at(parse: Parse, i: int) -> tuple[Quantity, str | None] | None:
    if not parse.free(i):
        return None
    tok = parse.tokens[i]
    if tok.kind == Kind.DATE and tok.iso:
        return Quantity(value=0.0, end=i + 1), f"{tok.iso}|{tok.precision}"
    q = read_quantity(parse.tokens, i, parse.vocab)
    return (q, None) if q is not None else None


def _prefix_at(parse: Parse, i: int) -> Found | None:
    for phrase, op in parse.vocab.comparators:
        if not parse.matches(i, phrase):
            continue
        j = i + len(phrase)
        inner: list[int] = []
        while j < len(parse.tokens) and len(inner) < 4 and parse.free(j) and (
                parse.tokens[j].kind == Kind.WORD and parse.low(j) not in ("and", "or", "but")):
            if _value_at(parse, j) is not None:
                break
            if parse.low(j) in parse.value_words or any(
                    parse.matches(j, p) for p, _ in parse.vocab.comparators):
                break
            inner.append(j)
            j += 1
        value = _value_at(parse, j)
        if value is None:
            continue
        q, iso = value
        implicit = ("age",) if any(w in phrase for w in ("older", "younger")) else ()
        return Found(start=i, end=_skip_ago(parse, q.end), op=op, low=q,
                      inner=tuple(k for k in inner if not parse.is_filler(k) or concepts_at(
                          parse, k)), implicit=implicit, iso=(iso,) if iso else ())
    return None


def _between_at(parse: Parse, i: int) -> Found | None:
    """'between 20 and 35', 'from 500 to 1000', '20-35', '20 to 35'."""
    j = i
    if parse.free(i) and parse.low(i) in parse.vocab.between_words:
        j = i + 1
    elif not (parse.free(i) and parse.tokens[i].kind in (Kind.NUMBER, Kind.DATE)):
        return None
    inner: list[int] = []
    while j < len(parse.tokens) and len(inner) < 3 and parse.free(j) and (
            parse.tokens[j].kind == Kind.WORD) and j > i and _value_at(parse, j) is None:
        if parse.low(j) in parse.value_words and not concepts_at(parse, j):
            return None  # "from Texas aged 30 to 40": a place, then a range of its own
        inner.append(j)
        j += 1
    first = _value_at(parse, j)
    if first is None:
        return None
    low, low_iso = first
    k = low.end
    if not (parse.free(k) and parse.low(k) in parse.vocab.range_joiners):
        return None
    if j == i and parse.low(k) == "and":  # "5 and 10" alone is not a range
        return None
    second = _value_at(parse, k + 1)
    if second is None:
        return None
    high, high_iso = second
    low, high = _align_scales(low, high)
    if low.days is None and high.days is not None:
        low = Quantity(value=low.value, end=low.end, currency=low.currency, days=high.days,
                       unit=high.unit, scaled=low.scaled)
    if high.years_old or low.years_old:
        low = Quantity(value=low.value, end=low.end, years_old=True)
    isos = tuple(x for x in (low_iso, high_iso) if x)
    return Found(start=i, end=_skip_ago(parse, high.end), op="between", low=low, high=high,
                  inner=tuple(inner), iso=isos if len(isos) == 2 else ())


def _postfix_at(parse: Parse, i: int) -> Found | None:
    if not (parse.free(i) and parse.tokens[i].kind == Kind.NUMBER):
        return None
    q = read_quantity(parse.tokens, i, parse.vocab)
    if q is None:
        return None
    for phrase, op in parse.vocab.postfix_comparators:
        if parse.matches(q.end, phrase):
            return Found(start=i, end=q.end + len(phrase), op=op, low=q)
        # "10 times or more", "5 orders or fewer": the measure sits before the comparator.
        if parse.free(q.end) and parse.tokens[q.end].is_word and parse.matches(
                q.end + 1, phrase) and parse.low(q.end) not in ("and", "or", "but"):
            return Found(start=i, end=q.end + 1 + len(phrase), op=op, low=q, inner=(q.end,))
    return None


def _skip_ago(parse: Parse, end: int) -> int:
    return end + 1 if parse.free(end) and parse.low(end) == "ago" else end


def _align_scales(low: Quantity, high: Quantity) -> tuple[Quantity, Quantity]:
    """'between 30 and 50k' means 30k to 50k."""
    if high.scaled > 1 and low.scaled == 1 and low.value * high.scaled <= high.value:
        low = Quantity(value=low.value * high.scaled, end=low.end, currency=low.currency,
                       scaled=high.scaled)
    if high.currency and not low.currency:
        low = Quantity(value=low.value, end=low.end, currency=high.currency, scaled=low.scaled)
    return low, high

