"""Time in requests: activity windows, inactivity, tenure and calendar dates (SEMANTICS.md).

"bought in the last 30 days" -> recency <= 30; "haven't ordered in 3 months" ->
recency > 90; "with us for less than 60 days" -> tenure < 60; "joined after
2013" -> the signup date column >= 2014-01-01. A week is 7 days, a month 30, a
year 365; durations are converted to the column's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from assistant.interpreter.columns import ColumnProfile, by_role, days_per_unit, word_match
from assistant.interpreter.numbers import Quantity, read_quantity
from assistant.interpreter.state import Parse, Problem, compare, fmt
from assistant.interpreter.text import Kind, stem
from tools.engine.definitions import And
from tools.engine.schema import Role

_TENURE_TRIGGERS = frozenset({"joined", "join", "joining", "signup", "registered", "with_us",
                              "customer_since", "enrolled", "onboarded", "acquired", "became",
                              "started", "new", "opened", "created"})
# "been a customer for", "been members for": tenure; "been active in": activity.
_BEEN_TENURE = frozenset({"customer", "customers", "member", "members", "client", "clients",
                          "a", "an", "subscriber", "subscribers", "with", "user", "users"})
_SIGNUP_NAME_WORDS = frozenset({"customer", "join", "joined", "signup", "sign", "registration",
                                "registered", "since", "created", "enrolled", "enrollment",
                                "start", "first", "onboarding", "member"})
_LAST_NAME_WORDS = frozenset({"last", "latest", "recent"})
_BUYING_WORDS = frozenset({"bought", "buy", "ordered", "order", "purchased", "purchase",
                           "shopped", "shop", "transacted", "active"})
_INVERT = {">": "<", "<": ">", ">=": "<=", "<=": ">="}


@dataclass
class _Window:
    start: int
    end: int
    quantity: Quantity
    op: str | None  # an explicit comparator ("more than 90 days")
    window: bool  # "in the last", "within", "past"
    ago: bool


def read_time_windows(parse: Parse, as_of: date | None) -> None:
    i = 0
    while i < len(parse.tokens):
        found = _window_at(parse, i) or _calendar_window_at(parse, i, as_of)
        if found is None:
            i += 1
            continue
        meaning = _meaning(parse, found)
        if meaning is not None:
            kind, op, trigger_start, column = meaning
            _add(parse, found, kind, op, trigger_start, as_of, column)
        i = found.end


def _calendar_window_at(parse: Parse, i: int, as_of: date | None) -> _Window | None:
    """'this year', 'this month', 'year to date': from the start of the as-of period.

    The as-of date is the day after the data's last purchase (SEMANTICS.md), so the
    period is the one that day falls in; a window reaching its first day is as many
    days long as that day is before the as-of date.
    """
    if as_of is None or not parse.free(i):
        return None
    words = (parse.low(i), parse.low(i + 1))
    if words[0] == "this" and words[1] in ("year", "month", "week", "quarter"):
        end = i + 2
        unit = words[1]
    elif words == ("year", "to") and parse.low(i + 2) == "date":
        end, unit = i + 3, "year"
    elif words[0] == "ytd":
        end, unit = i + 1, "year"
    else:
        return None
    last_day = as_of - timedelta(days=1)
    if unit == "year":
        first = date(last_day.year, 1, 1)
    elif unit == "quarter":
        first = date(last_day.year, 3 * ((last_day.month - 1) // 3) + 1, 1)
    elif unit == "month":
        first = date(last_day.year, last_day.month, 1)
    else:
        first = last_day - timedelta(days=last_day.weekday())
    days = (as_of - first).days
    start = i - 1 if parse.free(i - 1) and parse.low(i - 1) in ("in", "during", "so") else i
    quantity = Quantity(value=float(days), end=end, days=1, unit="day")
    return _Window(start=start, end=end, quantity=quantity, op=None, window=True, ago=False)


def _names_a_column(parse: Parse, start: int, end: int) -> bool:
    """'last month' said of a count kept per period: visits_last_month, or
    NumWebVisitsMonth when the request also names the visits and gives a number."""
    words = {stem(parse.low(k)) for k in range(start, end)}
    unit = stem(parse.low(end - 1))
    counted = any(t.kind == Kind.NUMBER for t in parse.tokens)
    for p in parse.profiles:
        if not p.numeric or p.role in (Role.RECENCY, Role.TENURE) or unit not in p.stems:
            continue
        if words <= p.stems:
            return True
        numeric = [q for q in parse.profiles if q.numeric]
        if counted and any(
                k not in range(start, end) and parse.tokens[k].kind == Kind.WORD
                and not parse.is_filler(k) and stem(parse.low(k)) != unit
                and [q.name for q in numeric if word_match(parse.low(k), q, parse.vocab)]
                == [p.name] for k in range(len(parse.tokens))):
            parse.claim(start, end)  # the column's own period: said, not a condition
            return True
    return False


def _window_at(parse: Parse, i: int) -> _Window | None:
    if not parse.free(i):
        return None
    quantity = read_quantity(parse.tokens, i, parse.vocab)
    implicit = False
    if quantity is None or quantity.days is None:
        # "in the last month", "the past year": one unit.
        if parse.low(i) in parse.vocab.time_units and parse.low(i - 1) in (
                parse.vocab.time_window_words):
            if _names_a_column(parse, i - 1, i + 1):
                return None  # "visited 5 times last month": the visits_last_month column
            quantity = Quantity(value=1.0, end=i + 1, days=parse.vocab.time_units[parse.low(i)],
                                unit=None)
            implicit = True
        else:
            return None
    if quantity.days is None or quantity.years_old:
        return None
    start, op, window = i, None, False
    while start > 0 and parse.free(start - 1):
        prev = parse.low(start - 1)
        comp = _comparator_ending(parse, start)
        if comp is not None and window and prev in parse.vocab.time_window_openers:
            comp = None  # "bought over the last 6 months": 'over' opens the window
        if comp is not None and op is None:
            op, start = comp
            if op == "<=" and parse.low(start) == "within":
                window = True
            continue
        if prev in parse.vocab.time_window_words:
            window = True
        elif prev in parse.vocab.time_window_openers or prev == "the":
            if prev == "within":
                window = True
        else:
            break
        start -= 1
    end = quantity.end
    ago = False
    if parse.free(end) and parse.low(end) == "ago":
        ago, end = True, end + 1
    for phrase, post_op in parse.vocab.postfix_comparators:
        if parse.matches(end, phrase) and op is None:
            op, end = post_op, end + len(phrase)
            break
    if implicit and not window:
        return None
    return _Window(start=start, end=end, quantity=quantity, op=op, window=window, ago=ago)


def _comparator_ending(parse: Parse, end: int) -> tuple[str, int] | None:
    for phrase, op in parse.vocab.comparators:
        start = end - len(phrase)
        if start >= 0 and parse.matches(start, phrase):
            return op, start
    return None


def _meaning(parse: Parse, w: _Window
             ) -> tuple[str, str, int, ColumnProfile | None] | None:
    """('recency' | 'tenure', op, start of the trigger words, a named event column) or None
    when the window is not about time."""
    found = _base_meaning(parse, w)
    if found is not None:
        return (*found, None)
    event = _event_column(parse, w)
    if event is None:
        return None
    column, trigger = event
    # "haven't logged in for 30 days" on a last_login_days column: time since that event.
    negated = any(parse.low(k) in parse.vocab.negations for k in range(trigger - 3, trigger))
    if negated or any(parse.low(k) in parse.vocab.inactivity_words
                      for k in range(trigger - 3, trigger)):
        return "recency", w.op or ">", max(0, trigger - 3), column
    if w.window or w.op in ("<=", "<"):
        return "recency", w.op or "<=", trigger, column
    return None


def _event_column(parse: Parse, w: _Window) -> tuple[ColumnProfile, int] | None:
    """A duration column named by a word before the window ('logged in' -> last_login_days)."""
    timed = [p for p in parse.profiles if p.numeric and p.time_unit and p.role != Role.TENURE]
    for i in range(w.start - 1, max(-1, w.start - 5), -1):
        if not parse.free(i) or parse.low(i) in ("and", "or", "but", "who", "whose", "with"):
            break
        hits = [p for p in timed if word_match(parse.low(i), p, parse.vocab) >= 1.0]
        if len(hits) == 1:
            return hits[0], i
    return None


def _base_meaning(parse: Parse, w: _Window) -> tuple[str, str, int] | None:
    vocab = parse.vocab
    negated = inactive = active = tenure = last = False
    i, trigger = w.start - 1, w.start
    while i >= 0 and w.start - i <= 7 and parse.free(i):
        word = parse.low(i)
        if word in ("and", "or", "but") or parse.tokens[i].kind == Kind.PUNCT:
            break
        if word in vocab.negations:
            negated, trigger = True, i
        elif word in vocab.inactivity_words:
            inactive, trigger = True, i
        elif word in _TENURE_TRIGGERS or (word == "first" and not last) or (
                word == "been" and parse.low(i + 1) in _BEEN_TENURE):
            tenure, trigger = True, i
        elif word in _LAST_NAME_WORDS:
            last, trigger = True, i
        elif word in vocab.activity_words:
            active, trigger = True, i
        elif word in ("who", "whose", "with", "that"):
            break
        i -= 1
    if inactive or (negated and (active or last)):
        op = w.op or ">"
        if negated and w.op in ("<", "<="):  # "haven't bought in less than..." reads oddly
            op = _INVERT[w.op]
        return "recency", op, trigger
    if tenure:
        if w.ago:
            return "tenure", w.op or ">=", trigger
        if w.window and w.op in (None, "<="):
            return "tenure", "<=", trigger
        return "tenure", w.op or ">=", trigger
    if active or last:
        if w.ago:
            if w.op is None:
                return None
            return "recency", w.op, trigger
        if w.window or w.op in ("<=", "<"):
            return "recency", w.op or "<=", trigger
        if last and w.op is not None:
            return "recency", w.op, trigger
    return None


def _add(parse: Parse, w: _Window, kind: str, op: str, trigger: int, as_of: date | None,
         event: ColumnProfile | None = None) -> None:
    role = Role.RECENCY if kind == "recency" else Role.TENURE
    column = event or by_role(parse.profiles, role) or _named_duration(parse, kind)
    days = w.quantity.duration_days or 0.0
    if column is not None and column.time_unit is not None:
        value = in_column_unit(w.quantity, column)
        parse.add(w.start, w.end, compare(column, op, value), f"{column.name} {op} {fmt(value)}")
        parse.parts[-1].start = min(trigger, w.start)
        _claim_trigger(parse, trigger, w.start)
        return
    dated = _date_column(parse, kind)
    if dated is not None and as_of is not None:
        cutoff = (as_of - timedelta(days=int(days))).isoformat()
        # More days since the event means an earlier date.
        parse.add(w.start, w.end, compare(dated, _INVERT.get(op, op), cutoff),
                  f"{dated.name} {_INVERT.get(op, op)} {cutoff}")
        _claim_trigger(parse, trigger, w.start)
        return
    parse.claim(trigger, w.end)
    what = "days since the last purchase" if kind == "recency" else "time as a customer"
    parse.problems.append(Problem(
        f"This data has no column for {what}, so I cannot apply '{_span(parse, w)}'.",
        [p.name for p in parse.profiles if p.numeric or p.is_date][:8]))


def _claim_trigger(parse: Parse, trigger: int, start: int) -> None:
    """Claim the words that gave the window its meaning, leaving any comparison between."""
    for i in range(trigger, start):
        word = parse.low(i)
        if parse.is_filler(i) or word in parse.vocab.negations or word in (
                parse.vocab.inactivity_words) or word in _TENURE_TRIGGERS or word in (
                _LAST_NAME_WORDS) or word in parse.vocab.activity_words or word == "first":
            if not _starts_comparison(parse, i):
                parse.claim(i, i + 1)
            else:
                break


def _starts_comparison(parse: Parse, i: int) -> bool:
    return any(parse.matches(i, phrase) for phrase, _ in parse.vocab.comparators)


def _span(parse: Parse, w: _Window) -> str:
    return " ".join(t.surface or t.low for t in parse.tokens[w.start:w.end])


def in_column_unit(q: Quantity, column: ColumnProfile) -> float | int:
    """A duration in the column's unit. A column guessed to count years (a bare tenure up
    to 12) that only fits the number as months counts months: CC data's TENURE of 6-12."""
    assert column.time_unit is not None
    value = in_unit(q, column.time_unit)
    if column.time_unit == "year" and q.unit in ("month", "year") and not _within(
            column, value) and _within(column, in_unit(q, "month")):
        return in_unit(q, "month")
    return value


def _within(column: ColumnProfile, value: float) -> bool:
    low, high = column.info.minimum, column.info.maximum
    return low is not None and high is not None and low <= value <= high


def in_unit(q: Quantity, unit: str) -> float | int:
    if unit == "month" and q.unit in ("month", "year"):
        value = q.value * (12 if q.unit == "year" else (q.days or 30) / 30)
    elif unit == "year" and q.unit == "year":
        value = q.value
    else:
        value = q.value * (q.days or 1) / days_per_unit(unit)
    value = round(value, 4)
    return int(value) if float(value).is_integer() else value


def _named_duration(parse: Parse, kind: str) -> ColumnProfile | None:
    """A duration column recognisable by name ('days_since_last_order', 'tenure_months')."""
    wanted = {"recency"} if kind == "recency" else {"tenure"}
    for p in parse.profiles:
        if p.numeric and p.time_unit and (p.name_concepts & wanted):
            return p
    if kind == "recency":  # "Months_Inactive_12_mon": time without a purchase
        for p in parse.profiles:
            if p.numeric and p.time_unit and p.stems & parse.vocab.inactivity_words:
                return p
    return None


def _date_column(parse: Parse, kind: str) -> ColumnProfile | None:
    words = _LAST_NAME_WORDS if kind == "recency" else _SIGNUP_NAME_WORDS
    for p in parse.profiles:
        if p.is_date and p.stems & words:
            return p
    return None


def date_column_for(parse: Parse, start: int, op: str | None = None) -> ColumnProfile | None:
    """The date column a clause means: signup words -> signup date, 'last' -> last purchase.
    'bought since / after X' is the last purchase on or after X and 'bought before X' the
    first purchase before X: exact for "had a purchase then", unlike 'bought in X'."""
    words = {parse.low(i) for i in range(max(0, start - 6), start)}
    if words & _TENURE_TRIGGERS or "first" in words:
        return _date_column(parse, "tenure")
    if words & _LAST_NAME_WORDS:
        return _date_column(parse, "recency")
    if words & _BUYING_WORDS and op in (">", ">="):
        return _date_column(parse, "recency")
    if words & _BUYING_WORDS and op in ("<", "<="):
        return next((p for p in parse.profiles if p.is_date and "first" in p.stems), None)
    dates = [p for p in parse.profiles if p.is_date]
    return dates[0] if len(dates) == 1 else None


def calendar_condition(column: ColumnProfile, op: str, year: int, month: int | None = None
                       ) -> tuple[object, str]:
    """'after 2013' -> >= 2014-01-01, 'before 2013' -> < 2013-01-01, 'in 2013' -> the year."""
    first = date(year, month or 1, 1)
    if month is None:
        following = date(year + 1, 1, 1)
    else:
        following = date(year + (month == 12), month % 12 + 1, 1)
    lo, hi = first.isoformat(), following.isoformat()
    if op == ">":
        return compare(column, ">=", hi), f"{column.name} >= {hi}"
    if op in (">=",):
        return compare(column, ">=", lo), f"{column.name} >= {lo}"
    if op == "<":
        return compare(column, "<", lo), f"{column.name} < {lo}"
    if op == "<=":
        return compare(column, "<", hi), f"{column.name} < {hi}"
    both = And(all=[compare(column, ">=", lo), compare(column, "<", hi)])
    return both, f"{lo} <= {column.name} < {hi}"
