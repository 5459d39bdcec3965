"""Which column a comparison is about, and its value in that column's units.

The measure is read from the words around a comparison (before it, between the
comparator and the number, after the number) and matched to a column. Units
follow the column: "70k" is 70 in "Annual Income (k$)", "3 months" is 90 in a
column of days, "aged over 60" is a birth year before as-of year - 60, a year
against a date column is a calendar range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.interpreter.columns import ColumnProfile, by_role, match_columns, word_match
from assistant.interpreter.dates import date_condition
from assistant.interpreter.flags import is_flag
from assistant.interpreter.matching import nearest_names
from assistant.interpreter.numbers import Quantity
from assistant.interpreter.state import Parse, Problem, compare, fmt, typed_value
from assistant.interpreter.text import Kind, stem
from assistant.interpreter.time_windows import calendar_condition, date_column_for, in_unit
from tools.engine.definitions import And, Between, Compare, Condition
from tools.engine.schema import Role

# Nouns for the people in the segment: never a measure.
SUBJECTS = frozenset({"customer", "customers", "client", "clients", "people", "person",
                      "shopper", "shoppers", "user", "users", "member", "members", "account",
                      "accounts", "those", "ones", "them", "buyers", "buyer", "consumers",
                      "subscribers", "guys", "folks", "who", "whose", "the", "a", "an"})
_MEASURE_SPAN = 6
_BIRTH_INVERT = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "=="}


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


def _is_measure_word(parse: Parse, i: int) -> bool:
    tok = parse.tokens[i]
    if tok.kind != Kind.WORD or tok.low in SUBJECTS:
        return False
    if tok.low in parse.value_words and not concepts_at(parse, i):
        return False
    if not parse.is_filler(i) or concepts_at(parse, i):
        return True
    return any(stem(tok.low) in p.stems for p in parse.profiles)


def measure_words(parse: Parse, f: Found) -> list[int]:
    words: list[int] = list(f.inner)
    i, n = f.start - 1, 0
    while i >= 0 and n < _MEASURE_SPAN and not parse.is_boundary(i):
        if parse.tokens[i].kind == Kind.NUMBER:
            if not _names_a_numbered_column(parse, i):
                break
            words.append(i)  # "measure 3 over 50" -> Measure3
        elif _is_measure_word(parse, i):
            words.append(i)
        i, n = i - 1, n + 1
    j, n = f.end, 0
    while j < len(parse.tokens) and n < _MEASURE_SPAN - 1 and not parse.is_boundary(j):
        if parse.tokens[j].kind in (Kind.NUMBER, Kind.DATE) or _starts_comparator(parse, j):
            break
        if _starts_comparator(parse, j + 1):
            break  # "over 40 earning more than 80k": 'earning' is the next comparison's
        if _is_measure_word(parse, j):
            words.append(j)
        j, n = j + 1, n + 1
    return sorted(words)


def _names_a_numbered_column(parse: Parse, i: int) -> bool:
    """A small whole number right after a word, both in one column's name ('Q3', 'Cmp3')."""
    tok = parse.tokens[i]
    if tok.value is None or not tok.value.is_integer() or tok.value > 99 or i == 0:
        return False
    digit, word = str(int(tok.value)), parse.low(i - 1)
    return any(digit in p.stems and word_match(word, p, parse.vocab) for p in parse.profiles)


def _starts_comparator(parse: Parse, j: int) -> bool:
    return any(parse.matches(j, phrase) for phrase, _ in parse.vocab.comparators)


def resolve(parse: Parse, f: Found, as_of: date | None) -> None:
    words = measure_words(parse, f)
    # Words no column answers to stay for later readers (flags, values) or the final check.
    words = [i for i in words if _points_anywhere(parse, i)]
    if "age" in f.implicit and not words:
        column = _age_column(parse)
        if column is not None:
            _emit(parse, f, column, set(), words)
            return
    concepts = set(f.implicit)
    for i in words:
        concepts |= concepts_at(parse, i)
    if f.low.years_old:
        concepts.add("age")
    if (f.iso or _is_year(f)) and _resolve_date(parse, f, words):
        return
    if f.iso or (_is_year(f) and _dateish(parse, f) and not any(
            "year" in p.stems for p in parse.profiles if p.numeric)):
        # A calendar year or date no date column answers to: never a count or an amount.
        dates = [p.name for p in parse.profiles if p.is_date]
        parse.claim(f.start, f.end)
        parse.problems.append(Problem(
            f"Which date should '{_text(parse, f, words)}' apply to?" if dates else
            "This data has no date column to compare with a year or date.",
            dates or [p.name for p in parse.profiles][:8]))
        return
    if not words and not f.implicit:
        previous = _previous_measure(parse, f)
        if previous is not None:  # "spent over 1000 but under 5000": the same measure
            _emit(parse, f, previous, set(), words)
            return
    if not words and "age" not in concepts and _plain_age(f) and (
            _age_column(parse) or _birth_year_column(parse)):
        concepts.add("age")
    candidates = [p for p in parse.profiles if p.numeric and not is_flag(p)]
    if f.low.days is not None:
        timed = [p for p in candidates if p.time_unit]
        candidates = timed or candidates
    # 'logged in 5 times': the count word names no column when another word does.
    naming = [i for i in words if parse.low(i) not in parse.vocab.count_words] or words
    match = match_columns([(i, parse.low(i)) for i in naming], candidates, parse.vocab)
    if match is None or (match.column is None and "age" in concepts):
        if "age" in concepts and _age_by_birth_year(parse, f, words, as_of):
            return
        fallback = _fallback_column(parse, f, concepts)
        if fallback is not None:
            _emit(parse, f, fallback, set(), words)
            return
        _ask_measure(parse, f, words, candidates)
        return
    if match.column is None:
        parse.claim(f.start, f.end)
        for i in words:
            if parse.low(i) in parse.vocab.count_words:
                parse.claim(i, i + 1)
        parse.problems.append(Problem(
            f"'{_text(parse, f, words)}' could mean several columns: which one?",
            [p.name for p in match.best]))
        return
    money = by_role(parse.profiles, Role.MONETARY)
    if money is not None and match.column.role == Role.FREQUENCY and (
            f.low.currency or _amount_of_orders(parse, f)):
        # "£5000 in orders", "over 5000 in purchases": an amount, not a count.
        _emit(parse, f, money, set(match.matched_words), words)
        return
    counted = _count_words(parse, words, match.matched_words, match.column)
    clash = _clashing_word(parse, words, match.matched_words | counted)
    if clash is not None:
        # "spent over 1000 in store" where store counts purchases, not money: ask.
        parse.claim(f.start, f.end)
        parse.problems.append(Problem(
            f"'{_text(parse, f, words)}': '{parse.low(clash)}' does not fit "
            f"{match.column.name}; which column do you mean?",
            [match.column.name] + [p.name for p in candidates
                                   if word_match(parse.low(clash), p, parse.vocab)][:6]))
        return
    _emit(parse, f, match.column, set(match.matched_words) | counted, words)


def _count_words(parse: Parse, words: list[int], matched: frozenset[int],
                 column: ColumnProfile) -> frozenset[int]:
    """'7 times' counts whatever the column counts (visits, calls, logins), not only orders."""
    if "money" in column.name_concepts | column.role_concepts:
        return frozenset()
    return frozenset(i for i in words if i not in matched
                     and parse.low(i) in parse.vocab.count_words)


def _amount_of_orders(parse: Parse, f: Found) -> bool:
    return parse.free(f.end) and parse.low(f.end) in ("in", "worth", "of") and any(
        "orders" in concepts_at(parse, k) for k in (f.end + 1, f.end + 2))


def _clashing_word(parse: Parse, words: list[int], matched: frozenset[int]) -> int | None:
    """A word saying money or orders that the chosen column does not answer to."""
    for i in words:
        if i not in matched and concepts_at(parse, i) & {"money", "orders"} and not (
                concepts_at(parse, i) & {"age", "tenure", "recency"}):
            return i
    return None


_DATE_WORDS = frozenset({"in", "during", "since", "after", "before", "until", "till", "from",
                         "prior", "on", "by", "throughout"})


def _dateish(parse: Parse, f: Found) -> bool:
    """'in 2011', 'after 2013': a year used as a date, not 'more than 2000'."""
    return parse.low(f.start) in _DATE_WORDS or parse.low(f.start - 1) in _DATE_WORDS


def _previous_measure(parse: Parse, f: Found) -> ColumnProfile | None:
    """The column of a comparison just before this one, joined by 'and' / 'but' / 'or'."""
    for part in reversed(parse.parts):
        between = [parse.low(k) for k in range(part.end, f.start)]
        if part.end <= f.start and len(between) <= 2 and all(
                w in ("and", "but", "or", ",", "yet") for w in between) and isinstance(
                part.condition, Compare):
            column = part.condition.column
            return next((p for p in parse.profiles if p.name == column and p.numeric), None)
    return None


def _points_anywhere(parse: Parse, i: int) -> bool:
    word = parse.low(i)
    if word in parse.vocab.fillers and not concepts_at(parse, i):
        return True
    return any(word_match(word, p, parse.vocab) for p in parse.profiles
               if (p.numeric or p.is_date) and not is_flag(p)) or bool(
        concepts_at(parse, i) & {"age", "birth", "money", "orders", "tenure", "recency"})


def _fallback_column(parse: Parse, f: Found, concepts: set[str]) -> ColumnProfile | None:
    """Currency alone means spend; 'times' alone means orders; 'older than' means age."""
    if f.low.currency or "money" in concepts:
        return by_role(parse.profiles, Role.MONETARY)
    if "orders" in concepts:
        return by_role(parse.profiles, Role.FREQUENCY)
    if "age" in concepts:
        return _age_column(parse)
    return None


def _age_column(parse: Parse) -> ColumnProfile | None:
    ages = [p for p in parse.profiles if p.numeric and "age" in p.name_concepts]
    return ages[0] if len(ages) == 1 else None


def _plain_age(f: Found) -> bool:
    """'people over 60', 'women under 30': a bare number a person's age can be."""
    qs = [f.low] + ([f.high] if f.high else [])
    return all(q.days is None and not q.currency and not q.percent and q.scaled == 1
               and 0 < q.value <= 120 for q in qs)


def _emit(parse: Parse, f: Found, column: ColumnProfile, matched: set[int],
          words: list[int]) -> None:
    value = _convert(f.low, column)
    if f.op == "between" and f.high is not None:
        high = _convert(f.high, column)
        lo, hi = min(value, high), max(value, high)
        condition: Condition = Between(column=column.name, low=lo, high=hi)
        text = f"{fmt(lo)} <= {column.name} <= {fmt(hi)}"
    else:
        condition = compare(column, f.op, value)
        text = f"{column.name} {f.op} {fmt(value)}"
    used = [f.start, f.end - 1, *matched]
    _claim_rate(parse, f.end, column)
    parse.add(f.start, f.end, condition, text)
    parse.parts[-1].start, parse.parts[-1].end = min(used), max(used) + 1
    for i in matched:
        parse.claim(i, i + 1)
    _claim_fillers(parse, words, matched)


_RATES = frozenset({"annually", "yearly", "monthly", "weekly", "annual", "pa"})


def _claim_rate(parse: Parse, end: int, column: ColumnProfile) -> None:
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


def _claim_fillers(parse: Parse, words: list[int], matched: set[int]) -> None:
    for i in words:
        if i not in matched and parse.is_filler(i) and not parse.tokens[i].concept:
            parse.claim(i, i + 1)


def _convert(q: Quantity, column: ColumnProfile) -> float | int:
    if q.days is not None and column.time_unit is not None:
        return in_unit(q, column.time_unit)
    value = q.value
    if column.scale > 1 and (q.scaled > 1 or value >= column.scale):
        value = value / column.scale
    if q.percent and column.info.maximum is not None and 0 <= column.info.maximum <= 1:
        value = value / 100  # "over 20%" on a 0-1 ratio column
    return typed_value(column, round(value, 6))


def _is_year(f: Found) -> bool:
    qs = [f.low] + ([f.high] if f.high else [])
    return all(q.days is None and not q.currency and q.scaled == 1 and not q.percent
               and q.value.is_integer() and 1900 <= q.value <= 2100 for q in qs)


def _resolve_date(parse: Parse, f: Found, words: list[int]) -> bool:
    """A year or ISO date against a date column, or against a numeric year column."""
    concepts: set[str] = set()
    for i in words:
        concepts |= concepts_at(parse, i)
    if "birth" in concepts or "age" in concepts:
        birth = _birth_year_column(parse)
        if birth is not None and not f.iso:
            _emit(parse, f, birth, {i for i in words if concepts_at(parse, i) & {"birth", "age"}},
                  words)
            return True
    column = None
    match = match_columns([(i, parse.low(i)) for i in words],
                          [p for p in parse.profiles if p.is_date], parse.vocab)
    if match is not None and match.column is not None:
        column = match.column
    if column is None and not f.iso and not _dateish(parse, f) and words:
        # "lifetime value is over 2000": a number in a year's range, said of an amount.
        amounts = [p for p in parse.profiles if p.numeric and not is_flag(p)]
        amount = match_columns([(i, parse.low(i)) for i in words], amounts, parse.vocab)
        if amount is not None and amount.column is not None:
            return False
    column = column or date_column_for(parse, f.start)
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
    _claim_fillers(parse, words, set())
    parse.claim(min(words, default=f.start), f.start)
    k = f.start - 1
    while parse.free(k) and f.start - k <= 4 and not parse.is_boundary(k) and (
            parse.is_filler(k) or concepts_at(parse, k) & {"tenure", "recency"}
            or parse.low(k) in parse.vocab.activity_words):
        parse.claim(k, k + 1)
        k -= 1
    return True


def _birth_year_column(parse: Parse) -> ColumnProfile | None:
    for p in parse.profiles:
        if p.numeric and "birth" in p.name_concepts | p.stems and "year" in p.stems | {
                s for s in p.stems if s.startswith("year")}:
            return p
    for p in parse.profiles:
        if p.numeric and ("yob" in p.stems or "birthyear" in p.stems):
            return p
    return None


def _age_by_birth_year(parse: Parse, f: Found, words: list[int], as_of: date | None) -> bool:
    """'aged over 60' on a table with Year_Birth: born before as-of year - 60."""
    birth = _birth_year_column(parse)
    if birth is None:
        return False
    if as_of is None:
        parse.claim(f.start, f.end)
        for i in words:
            if concepts_at(parse, i) & {"age"}:
                parse.claim(i, i + 1)
        parse.problems.append(Problem(
            f"This data has no age column, only {birth.name}; tell me the reference year "
            f"(e.g. 'born before 1960') to select by age.", [birth.name]))
        return True
    year = as_of.year
    if f.op == "between" and f.high is not None:
        lo, hi = sorted((f.low.value, f.high.value))
        condition: Condition = Between(column=birth.name, low=int(year - hi), high=int(year - lo))
        text = f"{int(year - hi)} <= {birth.name} <= {int(year - lo)}"
    else:
        value = int(year - f.low.value)
        op = _BIRTH_INVERT[f.op]
        condition, text = compare(birth, op, value), f"{birth.name} {op} {value}"
    parse.add(f.start, f.end, condition, text + f" (age from {year})")
    for i in words:
        if concepts_at(parse, i) & {"age"} or parse.is_filler(i):
            parse.claim(i, i + 1)
    return True


def _ask_measure(parse: Parse, f: Found, words: list[int],
                 candidates: list[ColumnProfile]) -> None:
    parse.claim(f.start, f.end)
    for i in words:
        parse.claim(i, i + 1)
    said = " ".join(parse.low(i) for i in words)
    options = nearest_names(said, [p.name for p in candidates]) if said else []
    options = options or [p.name for p in candidates][:8]
    what = f"'{said}'" if said else "the number"
    if any(concepts_at(parse, i) & {"age", "birth"} for i in words):
        parse.problems.append(Problem(
            "This data has no age or birth-year column, so I cannot select by age. It has: "
            f"{', '.join(p.name for p in parse.profiles)}.", [p.name for p in candidates][:8]))
        return
    parse.problems.append(Problem(
        f"I could not tell which column {what} in '{_text(parse, f, words)}' refers to.",
        options))


def _text(parse: Parse, f: Found, words: list[int]) -> str:
    start = min([f.start, *words])
    end = max([f.end, *(w + 1 for w in words)])
    return " ".join(t.surface if t.kind == Kind.NUMBER else t.low
                    for t in parse.tokens[start:end])
