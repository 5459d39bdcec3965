"""A year or a date in a comparison: a calendar range on a date column ("joined after
2020"), a birth year ("born before 1970"), or an amount that only looks like a year."""

from __future__ import annotations

from assistant.interpreter.ages import birth_year_column
from assistant.interpreter.columns import match_columns
from assistant.interpreter.dates import date_condition
from assistant.interpreter.flags import is_flag
from assistant.interpreter.found import Found, claim_fillers, concepts_at, emit
from assistant.interpreter.state import Parse
from assistant.interpreter.time_windows import calendar_condition, date_column_for
from tools.engine.definitions import And, Condition

_DATE_WORDS = frozenset({"in", "during", "since", "after", "before", "until", "till", "from",
                         "prior", "on", "by", "throughout"})


def dateish(parse: Parse, f: Found) -> bool:
    """'in 2011', 'after 2013': a year used as a date, not 'more than 2000'."""
    return parse.low(f.start) in _DATE_WORDS or parse.low(f.start - 1) in _DATE_WORDS


def is_year(f: Found) -> bool:
    qs = [f.low] + ([f.high] if f.high else [])
    return all(q.days is None and not q.currency and q.scaled == 1 and not q.percent
               and q.value.is_integer() and 1900 <= q.value <= 2100 for q in qs)


def resolve_date(parse: Parse, f: Found, words: list[int]) -> bool:
    """A year or ISO date against a date column, or against a numeric year column."""
    concepts: set[str] = set()
    for i in words:
        concepts |= concepts_at(parse, i)
    if "birth" in concepts or "age" in concepts:
        birth = birth_year_column(parse)
        if birth is not None and not f.iso:
            emit(parse, f, birth, {i for i in words if concepts_at(parse, i) & {"birth", "age"}},
                  words)
            return True
    column = None
    match = match_columns([(i, parse.low(i)) for i in words],
                          [p for p in parse.profiles if p.is_date], parse.vocab)
    if match is not None and match.column is not None:
        column = match.column
    if column is None and not f.iso and not dateish(parse, f) and words:
        # "lifetime value is over 2000": a number in a year's range, said of an amount.
        amounts = [p for p in parse.profiles if p.numeric and not is_flag(p)]
        amount = match_columns([(i, parse.low(i)) for i in words], amounts, parse.vocab)
        if amount is not None and amount.column is not None:
            return False
    column = column or date_column_for(parse, f.start, f.op)
    if column is None:
        return False
    if f.iso:
        (low, low_precision), *rest = [tuple(x.split("|")) for x in f.iso]
        if f.op == "between" and rest:
            high, high_precision = rest[0]
            lo_cond = date_condition(column, ">=", low, low_precision)[0]
            hi_cond = date_condition(column, "<=", high, high_precision)[0]
            condition: Condition = And(all=[lo_cond, hi_cond])
            text = f"{column.name} from {low} to {high}"
        else:
            condition, text = date_condition(column, f.op, low, low_precision)
        parse.add(f.start, f.end, condition, text)
    else:
        year = int(f.low.value)
        if f.op == "between" and f.high is not None:
            lo = calendar_condition(column, ">=", year)[0]
            hi = calendar_condition(column, "<=", int(f.high.value))[0]
            parse.add(f.start, f.end, And(all=[lo, hi]),  # type: ignore[list-item]
                      f"{column.name} from {year} to {int(f.high.value)}")
        else:
            cond, text = calendar_condition(column, f.op, year)
            parse.add(f.start, f.end, cond, text)  # type: ignore[arg-type]
    claim_fillers(parse, words, set())
    parse.claim(min(words, default=f.start), f.start)
    k = f.start - 1
    while parse.free(k) and f.start - k <= 4 and not parse.is_boundary(k) and (
            parse.is_filler(k) or concepts_at(parse, k) & {"tenure", "recency"}
            or parse.low(k) in parse.vocab.activity_words):
        parse.claim(k, k + 1)
        k -= 1
    return True
