"""Time in a clause: windows, periods, dates and the units of duration columns.

"in the last 30 days" with a verb of buying is recency, with joining words tenure,
converted to the column's unit (a unit its name, its dictionary or, for a customer's
lifetime, its range gives, said in the reply); "this year" counts back from the as-of
date; a year or a month said of a date column is a period ("joined in March 2013").
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from assistant.interpreter.datalex import ColumnWords, unit_days
from assistant.interpreter.linking import evidence, has_evidence, link, names_a_flag
from assistant.interpreter.quantities import LATEST, Qty, a_year
from assistant.interpreter.reader import Reader
from assistant.interpreter.tagging import Item
from tools.engine.dataset import LAST_PURCHASE
from tools.engine.definitions import And, Between, Compare, Condition, Not, Purchased
from tools.engine.naming import name_words
from tools.engine.schema import DType, Role

UNIT_NAMES = {1: "days", 7: "weeks", 30: "months", 365: "years"}


def compare(r: Reader, column: ColumnWords, qty: Qty) -> None:
    low, high, value = qty.low, qty.high, qty.value
    scale = 1.0
    if column.scale != 1 and (qty.scaled or (value or high or 0) >= column.scale):
        scale = column.scale  # "(k$)": 70,000 is 70
    if qty.unit == "percent" and (column.info.maximum or 0) <= 1:
        scale = 100.0
    if qty.unit == "decade" and "birth" in column.concepts and (low or 0) < 100:
        century = 2000 if (low or 0) < 30 else 1900  # "the 80s": 1980-1989
        low, high = (low or 0) + century, (high or 0) + century
    name = column.name
    if low is not None and high is not None:
        r.add(Between(column=name, low=typed_number(column, low / scale),
                      high=typed_number(column, high / scale)), "qty", name)
    elif value is not None:
        r.add(Compare(column=name, op=qty.op or "==",  # type: ignore[arg-type]
                      value=typed_number(column, value / scale)), "qty", name)


def typed_number(column: ColumnWords, value: float) -> float | int:
    if column.info.dtype in (DType.INTEGER, DType.BOOL) or float(value).is_integer():
        return int(value) if float(value).is_integer() else round(value, 6)
    return round(value, 6)


def time_window(r: Reader, k: int, qty: Qty, words: list[Item]) -> None:
    if qty.period is not None and _in_a_column_name(r, qty, words) or _a_named_window(r, qty):
        return
    if qty.period in _PREVIOUS and _previous_period(r, qty, words):
        return
    named_after = _negated_date_after(r, k) if not any(
        has_evidence(i, r.data) for i in words) else []
    words = [*words, *named_after]
    # A column of days, months or dates first ("with the bank for 48 months":
    # Months_on_book, not Total_Relationship_Count)
    durations = link(words, r.data, accept=lambda w: w.unit_days is not None or w.is_date)
    named = [i for i in words if not i.has("activity")]  # "bought" is no name of Open_To_Buy
    if durations.column is None and not durations.tied and named:
        durations = link(named, r.data, accept=lambda w: w.info.role in (
            Role.RECENCY, Role.TENURE) or bool(w.concepts & {"recency", "tenure"}) and w.numeric)
    column = r.data.columns.get(durations.column or "")
    # A stay's length and its date both "stay": "stayed at least a week" is the length,
    # "stayed in the last month" and "hasn't stayed for 6 months" the date.
    since = qty.window or qty.ago or bool(named_after) or r.find("neg") is not None or \
        r.find("inactivity") is not None
    tied = [r.data.columns[c] for c in durations.tied
            if r.data.columns[c].is_date == since]
    if column is None and len(tied) == 1:
        column = tied[0]
        durations = link(words, r.data, accept=lambda w: w is column)
    if column is None and not qty.window and not qty.ago:
        plain = link(words, r.data, accept=lambda w: w.numeric and not w.is_date and
                     not w.is_flag)
        column_words = r.data.columns[plain.column].norms if plain.column else frozenset()
        named = [words[i] for i in plain.supporting if not words[i].has(
            "activity", "fixed", "neg") and (not words[i].has("role") or any(
                t.norm in column_words for t in words[i].tokens))]
        if plain.column is not None and named:  # "a payment delay over 20 days": as said,
            r.use(*(words[i] for i in plain.supporting))  # or in the unit its name gives
            column = r.data.columns[plain.column]  # ("contract over 2 years": 24 months)
            unit = column.name_unit_days
            if unit and unit != qty.days:
                convert = converter(qty.days, unit)
                qty = Qty(qty.first, qty.last, qty.text, op=qty.op, unit=qty.unit, days=unit,
                          value=None if qty.value is None else float(convert(qty.value)),
                          low=None if qty.low is None else float(convert(qty.low)),
                          high=None if qty.high is None else float(convert(qty.high)))
            compare(r, column, qty)
            return
    if column is not None:
        r.use(*(words[i] for i in durations.supporting))
        if column.is_date:  # "last purchase": the recency feature, where there is one
            column = r.data.role_column(
                "recency" if "recency" in column.concepts else "tenure") or column
    tenure = r.joined or any("tenure" in i.args("role") for _, i in r.items()
                             if r.free(i) or i in words)
    # "hasn't STAYED in 6 months": the negation stands before the words naming the column.
    first = next((j for j, p in enumerate(r.parts) if words and p is words[0]), k)
    negated = r.negated(k) or r.negated(min(first, k)) or _no_orders(r) or _not_after(r, k) \
        or bool(named_after)
    # "inactive for 2 weeks" on last_active: the word names the date and says its side
    inactive = r.find("inactivity") or next((i for i in words if i.has("inactivity")), None)
    verb = any(i.has("activity", "role") and not names_a_flag(i, r.data) for i in words)
    if inactive is not None and verb and negated and names_a_flag(inactive, r.data):
        inactive = None  # "inactive accounts that haven't ordered": the flag, said as well
    if column is None and _about_a_flag(r, words):
        return
    if column is None and not (tenure or negated or inactive or r.find("activity")) and \
            _unknown_measure(r, k):
        return
    if column is None:
        role = "tenure" if tenure else "recency"
        column = r.data.role_column(role) or date_column(r, role) or (
            _counted_in_time(r, role) if inactive is not None else None)
    if column is None:
        r.problem("no_dates")
        return
    r.use(*(i for i in words if i.has("activity", "role")), *([inactive] if inactive else []),
          *(i for _, i in r.items() if i.has("activity") and not i.has("column") and r.free(i)
            and not (verb and names_a_flag(i, r.data))))
    recency = column.info.role == Role.RECENCY or "recency" in column.concepts
    if qty.is_range:
        op = "between"
    elif (recency or column.is_date) and (negated or inactive is not None):
        op = qty.op or ">"  # "haven't bought in 90 days", "не покупали больше 120 дней"
    elif qty.window:
        op = qty.op if qty.op in ("<", "<=") else "<="
    else:
        # "最后一次下单在30天以前": a last order before 30 days ago
        op = qty.op or (">" if (recency or column.is_date) and qty.ago else
                        "<=" if recency else ">=")
    if qty.period is not None and not _period_days(r, qty):
        return
    if column.is_date:
        _date_window(r, column, qty, op)
    elif column.unit_days is None and _guess_unit(r, column, qty) is None:
        r.use(*words)
        r.problem("unit_unknown", list(UNIT_NAMES.values()), chooser=column.name,
                  column=column.name)
    elif op == "between":
        convert = converter(qty.days, column.unit_days or _guess_unit(r, column, qty) or 1)
        r.add(Between(column=column.name, low=convert(qty.low or 0), high=convert(qty.high or 0)),
              "qty", column.name)
    else:
        convert = converter(qty.days, column.unit_days or _guess_unit(r, column, qty) or 1)
        r.add(Compare(column=column.name, op=op, value=convert(qty.value or 0)),  # type: ignore[arg-type]
              "qty", column.name)


_PREVIOUS = ("last_year", "last_month")
_PERIOD_NAMES = {"last_month": frozenset({"last", "month"}),
                 "last_year": frozenset({"last", "year"})}


def _in_a_column_name(r: Reader, qty: Qty, words: list[Item]) -> bool:
    """"visited more than 5 times last month" on VisitsLastMonth: the period is part of the
    name of a number column the clause reads, not a window of dates ("signed up last year"
    is the sign-up date's, whatever other column has "last year" in its name)."""
    if _role_of(r) == "tenure" or link(words, r.data, accept=lambda w: w.is_date).column:
        return False
    said = {t.norm for i in qty.source for t in i.tokens}
    # said in another language than the name ("в прошлом месяце", "上个月"): its English words
    named = _PERIOD_NAMES.get(qty.period or "", frozenset())
    if not any((said and said <= w.norms or named and named <= w.norms) and w.numeric and
               not w.is_date for w in r.data.columns.values()):
        return False
    r.use(*qty.source)
    return True


def _counted_in_time(r: Reader, role: str) -> ColumnWords | None:
    """The one number column of months or days of that kind where there are no dates
    ("неактивные 3 месяца": Months_Inactive_12_mon)."""
    found = [w for w in r.data.columns.values() if w.numeric and w.unit_days is not None and
             role in w.concepts]
    return found[0] if len(found) == 1 else None


def _a_named_window(r: Reader, qty: Qty) -> bool:
    """"at least ten flights in the last 12 months" on flights_last_12m: the window is the
    one the name of a column the clause names gives (number, then unit), not a date's."""
    # "the last year" is the 12 months of "_12_mon" (5 days apart); so is "last yr"
    said = qty.value * qty.days if qty.value is not None else \
        {"last_year": 365, "last_month": 30}.get(qty.period or "")
    if not qty.window or said is None or qty.is_range or not any(
            isinstance(p, Qty) and p is not qty for p in r.parts):  # a count said of it too
        return False
    short = {u: d for f in r.env.lexicon.files.values() for u, d in f.name_time_units.items()}
    for column in r.data.columns.values():
        words = [w.lower() for w in name_words(column.name)]
        if not column.numeric or column.is_date or column.name not in r.out.columns and not any(
                evidence(i, column) > 0 or i.has("inactivity") and "recency" in column.concepts
                for _, i in r.items() if i not in qty.source):
            continue
        if any(w.isdigit() and abs(int(w) * (
                short.get(unit) or unit_days(unit, r.env.lexicon) or 0) - said) <= 5
               for w, unit in zip(words, words[1:], strict=False)):
            r.use(*qty.source)
            return True
    return False


def _previous_period(r: Reader, qty: Qty, words: list[Item]) -> bool:
    """"joined last year", "去年注册的", "в прошлом месяце": the whole previous calendar
    year or month of a date column. Of the last purchase it stays a window (a customer
    who bought last year may have bought since)."""
    end = r.env.context.as_of or r.env.context.data_end
    named = link(words, r.data, accept=lambda w: w.is_date).column
    role = _role_of(r)
    if end is None or (named is None and role != "tenure"):
        qty.period, qty.value, qty.days = None, 1, 365 if qty.period == "last_year" else 30
        return False
    last = end - timedelta(days=1)
    if qty.period == "last_year":
        qty.value, qty.date = float(last.year - 1), None
    else:
        previous = date(last.year, last.month, 1) - timedelta(days=1)
        qty.date = f"{previous.year:04d}-{previous.month:02d}"
    qty.op, qty.window = None, False
    date_condition(r, qty, words)
    return True


def _period_days(r: Reader, qty: Qty) -> bool:
    """"this year": the days from the period's first day to the as-of date."""
    end = r.env.context.as_of or r.env.context.data_end
    if end is None:
        r.problem("unplaced", words=f"'{qty.text}'")
        return False
    last = end - timedelta(days=1)  # the latest day of the data
    first = {"year": date(last.year, 1, 1), "month": date(last.year, last.month, 1),
             "quarter": date(last.year, 3 * ((last.month - 1) // 3) + 1, 1),
             "week": last - timedelta(days=last.weekday())}[qty.period or "year"]
    qty.value, qty.days = float((end - first).days), 1
    return True


def _guess_unit(r: Reader, column: ColumnWords, qty: Qty | None = None) -> int | None:
    """A customer-lifetime column with no unit in its name or dictionary: the unit in which
    the number asked for falls inside the column's range, else the one its range makes
    plausible (up to 15: years, up to 150: months); the reply says which."""
    high, low = column.info.maximum, column.info.minimum or 0
    if "tenure" not in column.concepts or high is None:
        return None
    fitting = [u for u in (365, 30, 7, 1) if qty is not None and qty.value is not None and
               low <= converter(qty.days, u)(qty.value) <= high]
    preferred = 365 if high <= 15 else 30 if high <= 150 else None
    unit = preferred if preferred in fitting or not fitting else fitting[0] if len(
        fitting) == 1 else preferred
    if unit is not None:
        name = r.env.lexicon.message(r.env.language, f"unit_{UNIT_NAMES[unit]}")
        note = r.env.lexicon.message(r.env.language, "unit_guessed", column=column.name,
                                     unit=name, low=f"{column.info.minimum or 0:g}",
                                     high=f"{high:g}")
        if note not in r.out.notes:
            r.out.notes.append(note)
    return unit


def _unknown_measure(r: Reader, k: int) -> bool:
    """"a contract length over 12 months" where no column is a length: the words that name
    the measure are asked about, not read as a time since the last purchase."""
    near = [p for p in r.parts[max(0, k - 3):k] if isinstance(p, Item) and r.free(p)]
    named = [i for i in near if i.has("concept") and not i.has("activity", "role", "people")
             and not _links_a_category(i, r)]  # "полисы, оформленные за полгода": what was bought
    if not named:
        return False
    r.unplaced(named)
    return True


def _links_a_category(item: Item, r: Reader) -> bool:
    column = link([item], r.data).column
    return column is not None and r.data.columns[column].is_category


def _about_a_flag(r: Reader, words: list[Item]) -> bool:
    """"complained in the last 2 years": a yes/no column has no date to window."""
    flags = [w for w in r.data.columns.values() if w.is_flag and any(
        link([i], r.data).column == w.name for _, i in r.items()
        if not i.has("activity", "inactivity"))]
    if flags and r.find("activity") is None:
        r.problem("no_dates_for", name=flags[0].name)
        return True
    return False


def _negated_date_after(r: Reader, k: int) -> list[Item]:
    """"30天没登录", "6 months not logged in": a negation right after the time, then the
    words of a date column (the negation is used here)."""
    after = r.parts[k + 1] if k + 1 < len(r.parts) else None
    if not (isinstance(after, Item) and after.has("neg") and r.free(after)):
        return []
    named = [i for i in r.run(k + 1, +1) if has_evidence(i, r.data)]
    if not named or link(named, r.data, accept=lambda w: w.is_date).column is None:
        return []
    r.use(after)
    return named


def _not_after(r: Reader, k: int) -> bool:
    """"полгода не покупали": a negated verb of buying right after the time."""
    after = [p for p in r.parts[k + 1:k + 4] if isinstance(p, Item) and not p.only_function]
    if len(after) >= 2 and after[0].has("neg") and after[1].has("activity") and \
            r.free(after[0]):  # "半年没(来)买过"
        r.use(after[0])
        return True
    return False


def _no_orders(r: Reader) -> bool:
    """"no orders in the last 2 weeks": the fixed phrase is a negated verb here."""
    for _, item in r.items():
        if r.free(item) and any(str(a).endswith("== 0") for a in item.args("fixed")):
            r.use(item)
            return True
    return False


def date_column(r: Reader, role: str) -> ColumnWords | None:
    dates = [w for w in r.data.columns.values() if w.is_date]
    named = [w for w in dates if role in w.concepts]
    if len(named) == 1:
        return named[0]
    # The only date that is not a last-purchase date: when customers joined.
    others = [w for w in dates if "recency" not in w.concepts]
    if role == "tenure":
        return others[0] if len(others) == 1 else None
    # The one date that says nothing of joining or birth: "не приезжавшие полгода" on
    # дата_последнего_заезда, "30天没来过" on 最近到店日期 beside 入会日期
    plain = [w for w in dates if not w.concepts & {"tenure", "birth"}]
    return plain[0] if len(plain) == 1 else None


def _date_window(r: Reader, column: ColumnWords, qty: Qty, op: str) -> None:
    end = r.env.context.as_of or r.env.context.data_end
    if end is None:
        r.problem("unplaced", words=f"'{qty.text}'")
        return
    start = (end - timedelta(days=round((qty.value or 0) * qty.days))).isoformat()
    flipped = {"<=": ">=", "<": ">", ">": "<", ">=": "<="}.get(op, ">=")
    r.add(Compare(column=column.name, op=flipped, value=start), "qty",  # type: ignore[arg-type]
          column.name)


def year_of_date(r: Reader, qty: Qty, words: list[Item]) -> bool:
    """A year said of a date column ("joined after 2013", "last bought in 2011")."""
    years = (qty.low, qty.high) if qty.is_range else (qty.value,)
    if not all(a_year(y) for y in years) or qty.unit is not None:
        return False
    # "消费超过2000" is an amount, though a date's name says 消费 (最近消费日期).
    if qty.op is not None and any("monetary" in i.args("role") for i in words):
        return False
    if link(words, r.data, accept=lambda w: w.is_date).column is not None:
        return True
    named = [i for i in words if not i.has("activity", "role")]
    verbs = [i for _, i in r.items() if i.has("role", "activity") and r.free(i) and
             "monetary" not in i.args("role")]
    temporal = qty.op is None or any(i.has("temporal") for i in qty.source) or any(
        i.has("temporal") for _, i in r.items())
    return not named and bool(verbs) and temporal and date_column(r, _role_of(r)) is not None


def _role_of(r: Reader) -> str:
    """"joined", "signed up": when customers came; otherwise when they last bought."""
    return "tenure" if any("tenure" in i.args("role") for _, i in r.items()) else "recency"


def date_condition(r: Reader, qty: Qty, words: list[Item], *, negated: bool = False) -> None:
    """A date, month or year said of a date column; negated ("haven't bought since
    September 2011"), the customers on the other side of it."""
    found = link(words, r.data, accept=lambda w: w.is_date)
    dates = [w for w in r.data.columns.values() if w.is_date]
    column = r.data.columns.get(found.column or "") or date_column(r, _role_of(r)) or (
        dates[0] if len(dates) == 1 else None)  # "before 1 July 2025": the one date there is
    r.use(*(words[i] for i in found.supporting),
          *(i for _, i in r.items() if i.has("role", "activity") and r.free(i)))
    if column is None:
        r.problem("unplaced", words=f"'{qty.text}'")
        return
    end = r.env.context.as_of or r.env.context.data_end
    if any(d is not None and d.startswith(LATEST) for d in (qty.date, qty.until)):
        if end is None:
            r.problem("unplaced", words=f"'{qty.text}'")
            return
        qty.date, qty.until = (_latest(d, end) for d in (qty.date, qty.until))
    if qty.until is not None or qty.is_range:  # "between January and June 2024", "2022-2023"
        first, after = _period(qty.date, qty.low)[0], _period(qty.until, qty.high)[1]
        qty.op = None
    else:
        first, after = _period(qty.date, qty.value)
    name, op = column.name, qty.op
    if name == LAST_PURCHASE and found.column is None and op in (None, "=="):
        # "bought in December 2010": any purchase then, not the last one (read from the lines)
        bought: Condition = Purchased(start=first, end=after)
        r.add(Not(condition=bought) if negated else bought, "qty", name)
        return
    if op in (None, "=="):
        condition: Condition = And(all=[Compare(column=name, op=">=", value=first),
                                        Compare(column=name, op="<", value=after)])
    elif op in (">", ">="):
        condition = Compare(column=name, op=">=", value=after if op == ">" else first)
    else:
        condition = Compare(column=name, op="<", value=after if op == "<=" else first)
    if negated and isinstance(condition, Compare) and not column.info.n_missing:
        flipped = {">=": "<", "<": ">="}[condition.op]  # the other side of the same day
        condition = Compare(column=name, op=flipped, value=condition.value)  # type: ignore[arg-type]
    elif negated:
        condition = Not(condition=condition)
    r.add(condition, "qty", name)


def _latest(written: str | None, end: date) -> str | None:
    """A month (or day) said without a year: the latest such before the as-of date."""
    if written is None or not written.startswith(LATEST):
        return written
    month_day = written[len(LATEST) + 1:]  # "09" or "09-01"
    last = (end - timedelta(days=1)).strftime("%m-%d")[:len(month_day)]
    year = end.year - (1 if end.month == 1 and end.day == 1 else 0)
    return f"{year if month_day <= last else year - 1:04d}-{month_day}"


def _period(written: str | None, year_said: float | None) -> tuple[str, str]:
    """The first day a date or month (`written`), else a year, stands for, and the day after
    its last."""
    if written is not None and len(written) == 10:
        day = date.fromisoformat(written)
        return day.isoformat(), (day + timedelta(days=1)).isoformat()
    if written is not None:
        year, month = (int(p) for p in written.split("-"))
        last = date(year, month, calendar.monthrange(year, month)[1])
        return f"{year:04d}-{month:02d}-01", (last + timedelta(days=1)).isoformat()
    year = int(year_said or 0)
    return date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat()


def converter(from_days: int, to_days: int) -> Callable[[float], float | int]:
    """Time units to the column's unit: years to months exactly (x12), otherwise by days."""
    months = {30: 1, 90: 3, 180: 6, 365: 12}

    def convert(value: float) -> float | int:
        if to_days in (30, 365) and from_days in months:
            result = value * months[from_days] / (1 if to_days == 30 else 12)
        else:
            result = value * from_days / to_days
        return int(result) if float(result).is_integer() else round(result, 4)
    return convert
def generation(r: Reader, qty: Qty) -> None:
    """"millennials": born 1981-1996, on a birth-year column, or an age range at the as-of."""
    births = r.data.numeric_with("birth")
    ages = r.data.numeric_with("age", without="birth")
    end = r.env.context.as_of or r.env.context.data_end
    if len(births) == 1:
        r.add(Between(column=births[0].name, low=int(qty.low or 0), high=int(qty.high or 0)),
              "qty", births[0].name)
    elif len(ages) == 1 and end is not None:
        low, high = end.year - int(qty.high or 0), end.year - int(qty.low or 0)
        r.add(Between(column=ages[0].name, low=low, high=high), "qty", ages[0].name)
        r.out.notes.append(f"{qty.text}: born {int(qty.low or 0)}-{int(qty.high or 0)}, "
                           f"aged {low}-{high} in {end.year}")
    else:
        r.problem("generation_age", phrase=qty.text, first=f"{int(qty.low or 0)}",
                  last=f"{int(qty.high or 0)}", column=ages[0].name if ages else "age")
