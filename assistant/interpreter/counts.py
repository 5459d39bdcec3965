"""Counts and product lines named without a number: "with kids at home" -> Kidhome > 0,
"without kids" / "no kids" -> Kidhome == 0, "bought wine" -> MntWines > 0."""

from __future__ import annotations

from assistant.interpreter.columns import ColumnProfile, match_columns, word_match
from assistant.interpreter.flags import is_flag
from assistant.interpreter.state import Parse, compare
from assistant.interpreter.text import Kind
from tools.engine.schema import DType, Role

_COUNT_WORDS = frozenset({"num", "number", "count", "cnt", "qty", "quantity", "kid", "teen",
                          "child", "dependent", "product", "purchase", "order", "visit",
                          "children", "item", "unit", "line", "member", "pet", "car"})
_COUNT_SKIP = frozenset({"a", "an", "any", "some", "the", "their", "young", "little", "small",
                         "older", "teenage", "grown", "either", "both"})
_HAVE = frozenset({"with", "have", "has", "having", "got", "own", "owns"})
_EMPTY = frozenset({"without", "no", "zero", "none"})


def is_count(p: ColumnProfile) -> bool:
    """A whole-number column counting things (kids, purchases), where 'with X' means X > 0."""
    if not p.numeric or is_flag(p) or p.info.dtype != DType.INTEGER:
        return False
    if p.info.minimum is not None and p.info.minimum < 0:
        return False
    if p.stems & _COUNT_WORDS or (p.info.maximum is not None and p.info.maximum <= 10):
        return True
    # "used no coupons", "with no complaints": a whole-number measure named by what it counts.
    return p.role == Role.MEASURE and p.info.minimum == 0 and p.time_unit is None and not (
        p.name_concepts & _NOT_COUNTS) and p.info.maximum is not None and p.info.maximum < 1000


_NOT_COUNTS = frozenset({"age", "birth", "tenure", "recency", "score", "money", "income",
                         "balance"})


def read_counts(parse: Parse) -> None:
    """'with kids' -> Kidhome > 0, 'without kids' / 'no kids' -> Kidhome == 0,
    'bought wine' -> MntWines > 0."""
    counts = [p for p in parse.profiles if is_count(p)]
    # "bought wine": product lines, not the behaviour columns (recency, tenure, ...).
    amounts = [p for p in parse.profiles if p.numeric and not is_flag(p) and p.role in (
        Role.MEASURE, Role.CATEGORY) and not p.name_concepts & {"recency", "tenure", "age"}]
    carried, carried_end = "", -1  # "bought wine and meat": the verb carries over "and"
    i = 0
    while i < len(parse.tokens):
        if not (parse.free(i) and parse.tokens[i].is_word) or parse.is_filler(i) or parse.low(
                i) in parse.vocab.negations:
            i += 1
            continue
        word = parse.low(i)
        if word.endswith("less") and len(word) > 6:
            # "childless": none of what the root counts.
            root_match = match_columns([(i, word[:-4])], counts, parse.vocab)
            if root_match is not None and root_match.column is not None:
                column = root_match.column
                parse.add(i, i + 1, compare(column, "==", 0), f"{column.name} == 0")
                i += 1
                continue
        j = i - 1
        while parse.free(j) and parse.low(j) in _COUNT_SKIP:
            j -= 1
        opener = parse.low(j) if parse.free(j) else ""
        start = j
        if not opener and parse.low(j) in parse.vocab.activity_words:
            opener, start = parse.low(j), i  # "bought wine in the last 30 days": verb shared
        if opener in ("and", "or") and j == carried_end:
            opener, start = carried, i
        verb = opener in parse.vocab.activity_words
        if opener not in _HAVE | _EMPTY and not verb:
            i += 1
            continue
        pool = amounts if verb else counts
        if opener in _EMPTY:  # "no balance", "without cash advances": an amount of zero
            pool = pool + [p for p in parse.profiles if p not in pool and _zero_floor(p)]
        window = [i]
        k = i + 1
        while parse.free(k) and len(window) < 4 and parse.tokens[k].is_word and (
                any(word_match(parse.low(k), p, parse.vocab) for p in pool)
                or parse.low(k) in ("at", "in")):
            window.append(k)
            k += 1
        # The verb helps choose ("bought online": purchases on the web, not web visits).
        context = [(j, opener)] if verb and j != i else []
        match = match_columns(context + [(w, parse.low(w)) for w in window], pool, parse.vocab)
        if match is None or match.column is None or any(
                w not in match.matched_words and not parse.is_filler(w) for w in window):
            i += 1
            continue
        if verb and (not (match.column.name_concepts - {"money", "orders"}) or word_match(
                opener, match.column, parse.vocab) >= 1.0):
            i += 1  # "bought" + a product line, not "bought" + spend or "spending score"
            continue
        if _number_follows(parse, max(match.matched_words) + 1):
            i += 1  # "with a satisfaction score of 1 or 2": the number says how many
            continue
        column = match.column
        empty = opener in _EMPTY or parse.negated_before(j, claim=True)
        if opener == "no" and parse.low(j - 1) in _HAVE and parse.free(j - 1):
            j -= 1
        op, value = ("==", 0) if empty else (">", 0)
        last = max(match.matched_words)
        parse.add(start, last + 1, compare(column, op, value), f"{column.name} {op} {value}")
        carried, carried_end = opener, last + 1
        i = last + 1


def _number_follows(parse: Parse, k: int) -> bool:
    while parse.free(k) and parse.low(k) in ("of", "is", "=", "equal", "equals", "exactly"):
        k += 1
    return parse.free(k) and parse.tokens[k].kind == Kind.NUMBER


def _zero_floor(p: ColumnProfile) -> bool:
    """An amount that can be zero (a balance, a cash advance): 'no X' means X == 0."""
    return p.numeric and not is_flag(p) and p.info.minimum == 0 and p.time_unit is None \
        and not p.name_concepts & {"age", "birth", "score", "recency", "tenure"}
