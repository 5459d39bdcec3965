"""Which column a comparison is about, and its value in that column's units.

The measure is read from the words around a comparison (before it, between the
comparator and the number, after the number) and matched to a column. Units
follow the column: "70k" is 70 in "Annual Income (k$)", "3 months" is 90 in a
column of days, "aged over 60" is a birth year before as-of year - 60, a year
against a date column is a calendar range.
"""

from __future__ import annotations

from datetime import date

from assistant.interpreter.ages import age_by_birth_year, age_column, birth_year_column, plain_age
from assistant.interpreter.columns import ColumnProfile, by_role, match_columns, word_match
from assistant.interpreter.flag_counts import read_flag_count
from assistant.interpreter.flags import is_flag
from assistant.interpreter.found import Found, concepts_at, emit, said_text
from assistant.interpreter.matching import nearest_names
from assistant.interpreter.measure_dates import dateish, is_year, resolve_date
from assistant.interpreter.range_values import banded, read_band_comparison
from assistant.interpreter.state import Parse, Problem
from assistant.interpreter.text import Kind, stem
from tools.engine.definitions import Compare
from tools.engine.schema import Role

# Nouns for the people in the segment: never a measure.
SUBJECTS = frozenset({"customer", "customers", "client", "clients", "people", "person",
                      "shopper", "shoppers", "user", "users", "member", "members", "account",
                      "accounts", "those", "ones", "them", "buyers", "buyer", "consumers",
                      "subscribers", "guys", "folks", "who", "whose", "the", "a", "an"})
_MEASURE_SPAN = 6


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
        elif parse.low(i) in parse.value_words and not concepts_at(parse, i):
            break  # "bought footwear aged 30 to 40": the value ends the phrase before
        elif _is_measure_word(parse, i):
            words.append(i)
        i, n = i - 1, n + 1
    j, n = f.end, 0
    while j < len(parse.tokens) and n < _MEASURE_SPAN - 1 and not parse.is_boundary(j):
        if parse.tokens[j].kind in (Kind.NUMBER, Kind.DATE) or _starts_comparator(parse, j):
            break
        if _starts_comparator(parse, j + 1):
            break  # "over 40 earning more than 80k": 'earning' is the next comparison's
        if j + 1 < len(parse.tokens) and parse.tokens[j + 1].kind == Kind.NUMBER and (
                parse.free(j + 1) and _is_measure_word(parse, j)):
            break  # "spent over $80 aged 30 to 40": 'aged' names the next number
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
    if read_flag_count(parse, f, words):
        return  # "accepted 2 or more campaigns": how many of several flags hold
    named = list(words)
    # Words no column answers to stay for later readers (flags, values) or the final check.
    words = [i for i in words if _points_anywhere(parse, i)]
    if "age" in f.implicit and not words:
        column = age_column(parse)
        if column is not None:
            emit(parse, f, column, set(), words)
            return
    concepts = set(f.implicit)
    for i in words:
        concepts |= concepts_at(parse, i)
    if f.low.years_old:
        concepts.add("age")
    if (f.iso or is_year(f)) and resolve_date(parse, f, words):
        return
    if f.iso or (is_year(f) and dateish(parse, f) and not any(
            "year" in p.stems for p in parse.profiles if p.numeric)):
        # A calendar year or date no date column answers to: never a count or an amount.
        dates = [p.name for p in parse.profiles if p.is_date]
        parse.claim(f.start, f.end)
        parse.problems.append(Problem(
            f"Which date should '{said_text(parse, f, words)}' apply to?" if dates else
            "This data has no date column to compare with a year or date.",
            dates or [p.name for p in parse.profiles][:8]))
        return
    if not words and not f.implicit:
        previous = _previous_measure(parse, f)
        if previous is not None:  # "spent over 1000 but under 5000": the same measure
            emit(parse, f, previous, set(), words)
            return
    if not words and _paid_for(parse, f):
        concepts.add("money")  # "bought shoes for more than 50": a price, not an age
    if not words and not concepts & {"age", "money"} and plain_age(f) and (
            age_column(parse) or birth_year_column(parse) or banded(parse, "age")):
        concepts.add("age")
    candidates = [p for p in parse.profiles if p.numeric and not is_flag(p)]
    if f.low.days is not None:
        # A duration goes to a column of time, unless only another column is named
        # ("a payment delay over 20 days" where Payment Delay has no unit in its name).
        timed = [p for p in candidates if p.time_unit]
        if timed and (not words or match_columns([(i, parse.low(i)) for i in words], timed,
                                                 parse.vocab) is not None):
            candidates = timed
    # 'logged in 5 times': the count word names no column when another word does.
    naming = [i for i in words if parse.low(i) not in parse.vocab.count_words] or words
    match = match_columns([(i, parse.low(i)) for i in naming], candidates, parse.vocab)
    if match is None or (match.column is None and "age" in concepts):
        if "age" in concepts and age_by_birth_year(parse, f, words, as_of):
            return
        fallback = _fallback_column(parse, f, concepts)
        if fallback is not None:
            emit(parse, f, fallback, set(), words)
            return
        if read_band_comparison(parse, f, named, concepts):
            return  # "aged 25 to 44" on an age_group of bands
        _ask_measure(parse, f, words, candidates)
        return
    if match.column is None:
        parse.claim(f.start, f.end)
        for i in words:
            if parse.low(i) in parse.vocab.count_words:
                parse.claim(i, i + 1)
        parse.problems.append(Problem(
            f"'{said_text(parse, f, words)}' could mean several columns: which one?",
            [p.name for p in match.best]))
        return
    money = by_role(parse.profiles, Role.MONETARY)
    if money is not None and match.column.role == Role.FREQUENCY and (
            f.low.currency or _amount_of_orders(parse, f)):
        # "£5000 in orders", "over 5000 in purchases": an amount, not a count.
        emit(parse, f, money, set(match.matched_words), words)
        return
    counted = _count_words(parse, f, words, match.matched_words, match.column)
    clash = None if _takes_spend(match.column) or parse.low(f.end) in parse.vocab.measure_units \
        else _clashing_word(parse, words, match.matched_words | counted)
    if clash is not None:
        # "spent over 1000 in store" where store counts purchases, not money: ask.
        parse.claim(f.start, f.end)
        parse.problems.append(Problem(
            f"'{said_text(parse, f, words)}': '{parse.low(clash)}' does not fit "
            f"{match.column.name}; which column do you mean?",
            [match.column.name] + [p.name for p in candidates
                                   if word_match(parse.low(clash), p, parse.vocab)][:6]))
        return
    emit(parse, f, match.column, set(match.matched_words) | counted, words)


def _count_words(parse: Parse, f: Found, words: list[int], matched: frozenset[int],
                 column: ColumnProfile) -> frozenset[int]:
    """'7 times' counts whatever the column counts (visits, calls, logins), not only orders;
    the verb before it says what was counted ('contacted 3 times' in a campaign column)."""
    if "money" in column.name_concepts | column.role_concepts:
        return frozenset()
    counted = {i for i in words if i not in matched and parse.low(i) in parse.vocab.count_words}
    verb = f.start - 1
    if counted and parse.free(verb) and parse.tokens[verb].is_word and parse.low(
            verb).endswith("ed") and parse.low(verb) not in parse.vocab.negations:
        counted.add(verb)
    return frozenset(counted)


_COUNTING_STEMS = frozenset({"number", "count", "purchase", "order", "visit", "transaction",
                             "trx", "frequency", "quantity", "item", "unit", "score", "rating",
                             "rate", "ratio", "percent", "level", "rank", "index", "tier"})


def _takes_spend(column: ColumnProfile) -> bool:
    """A product-line amount named without a money word ("Fresh", "Grocery" in wholesale
    data): 'spend over 20000 on fresh' fits it; counts, scores and durations do not."""
    return column.role == Role.MEASURE and column.time_unit is None and not (
        column.stems & _COUNTING_STEMS) and not (column.name_concepts & {
            "age", "birth", "income", "tenure", "recency", "orders", "visit", "balance"}) and (
        column.info.maximum is not None and column.info.maximum > 100) and (
        column.info.minimum is None or column.info.minimum >= 0)


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


def _paid_for(parse: Parse, f: Found) -> bool:
    """'bought ... for more than 50', 'orders worth over 100': the number is a price."""
    return parse.low(f.start - 1) in ("for", "worth") and any(
        parse.low(k) in parse.vocab.activity_words for k in range(max(0, f.start - 8), f.start))


def _money_column(parse: Parse) -> ColumnProfile | None:
    """The one amount column of a table whose loader gave no column the monetary role."""
    # Through the money concept only: "Spending Score" is a score, not an amount.
    amounts = [p for p in parse.profiles if p.numeric and not is_flag(p)
               and word_match("revenue", p, parse.vocab)]
    return amounts[0] if len(amounts) == 1 else None


def _fallback_column(parse: Parse, f: Found, concepts: set[str]) -> ColumnProfile | None:
    """Currency alone means spend; 'times' alone means orders; 'older than' means age."""
    if f.low.currency or "money" in concepts:
        return by_role(parse.profiles, Role.MONETARY) or _money_column(parse)
    if "orders" in concepts:
        return by_role(parse.profiles, Role.FREQUENCY)
    if "age" in concepts:
        return age_column(parse)
    return None


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
        f"I could not tell which column {what} in '{said_text(parse, f, words)}' refers to.",
        options))


