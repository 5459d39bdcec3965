"""Quantities in a clause -> comparisons, time windows, dates, ranks and RFM scores.

A quantity takes the column named right before it ("income over 75000",
"收入超过8万", "траты от 1000") or right after it ("more than 5 orders",
"3 и более заказами"); failing that, its unit decides (money is spend, "times"
are orders, a number after a people word is an age). A time quantity with a
verb of buying is recency, with joining words tenure, converted to the
column's unit; a year or a month said of a date column is a period.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from assistant.interpreter.datalex import ColumnWords
from assistant.interpreter.linking import link
from assistant.interpreter.quantities import Qty
from assistant.interpreter.reader import Reader
from assistant.interpreter.tagging import Item
from tools.engine.definitions import And, Between, Compare, Condition, In, Not, Rank, RfmScore
from tools.engine.schema import DType, Role

UNIT_NAMES = {1: "days", 7: "weeks", 30: "months", 365: "years"}


def quantities(r: Reader) -> None:
    positions = [k for k, p in enumerate(r.parts) if isinstance(p, Qty)]
    lefts = {k: r.run(k, -1) for k in positions}
    for n, k in enumerate(positions):
        qty = r.parts[k]
        assert isinstance(qty, Qty)
        if id(qty) in r.out.used or _score(r, k, qty) or _ranked(r, k, qty):
            continue
        taken = set(map(id, lefts[positions[n + 1]])) if n + 1 < len(positions) else set()
        right = [i for i in r.run(k, +1) if id(i) not in taken]
        _postfix(r, qty, k + len(right) + 1)
        words = [*lefts[k], *right, *(i for i in qty.source if i.has("measure_unit"))]
        if qty.unit == "generation":
            _generation(r, qty)
            continue
        age = _age_column(r, qty, words)
        if age is not None:  # "older than 60 years", "старше 60 лет", "30到40岁"
            r.use(*(i for i in words if "age" in i.args("concept")))
            compare(r, age, Qty(qty.first, qty.last, qty.text, value=qty.value, op=qty.op,
                                low=qty.low, high=qty.high))
        elif qty.unit == "time" or qty.window or qty.ago:
            _time(r, k, qty, words)
        elif qty.date is not None or _year_of_date(r, qty, words):
            _date(r, qty, words)
        else:
            _number(r, k, qty, words)


def _generation(r: Reader, qty: Qty) -> None:
    """"millennials": born 1981-1996, on a birth-year column, or an age range at the as-of."""
    births = [w for w in r.data.columns.values() if "birth" in w.concepts and w.numeric]
    ages = [w for w in r.data.columns.values()
            if "age" in w.concepts and w.numeric and "birth" not in w.concepts]
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


def _age_column(r: Reader, qty: Qty, words: list[Item]) -> ColumnWords | None:
    """A number of years said with an age word is an age, not a time window."""
    if qty.unit not in ("time", None) or qty.days not in (1, 365) or qty.window or qty.ago:
        return None
    said = [i for i in [*words, *qty.source] if "age" in i.args("concept")]
    if not said or (qty.unit == "time" and qty.days != 365):
        return None
    ages = [w for w in r.data.columns.values()
            if "age" in w.concepts and w.numeric and "birth" not in w.concepts]
    return ages[0] if len(ages) == 1 else None


def _postfix(r: Reader, qty: Qty, k: int) -> None:
    """"5 orders or fewer": a comparator after the measure's name."""
    part = r.parts[k] if k < len(r.parts) else None
    if qty.op is None and isinstance(part, Item) and part.has("cmp_post") and r.free(part):
        qty.op = str(part.args("cmp_post")[0])
        r.use(part)


def _ranked(r: Reader, k: int, qty: Qty) -> bool:
    """"top 10%", "the 50 biggest": the rank next to it takes the number."""
    near = [r.parts[j] for j in (k - 1, k + 1, k - 2) if 0 <= j < len(r.parts)]
    return any(isinstance(p, Item) and p.has("rank") and r.free(p) for p in near) or (
        qty.unit == "percent" and r.find("rank") is not None)


def _number(r: Reader, k: int, qty: Qty, words: list[Item]) -> None:
    found = link(words, r.data, accept=lambda w: (w.numeric or bool(w.bands)) and not w.is_date
                 and not w.is_flag and _plausible(w, qty))
    column = r.data.columns.get(found.column or "")
    if column is not None:
        r.use(*(words[i] for i in found.supporting))
    elif found.tied:
        r.use(*words)
        r.problem("which_column", list(found.tied), words=" ".join(w.text for w in words),
                  options=", ".join(found.tied))
        return
    else:
        column = _implied(r, k, qty)
    if column is None and r.out.conditions and r.out.columns[-1:] and any(
            "birth" in r.data.columns[c].concepts for c in r.out.columns[-1:]):
        return  # an age read on the birth year
    if column is None and r.last_measure in r.data.columns and qty.op is not None:
        column = r.data.columns[r.last_measure]  # "more than 1000 and less than 5000"
    if column is None:
        numeric = [w.name for w in r.data.columns.values() if w.numeric and not w.is_date
                   and not w.is_flag][:8]
        r.problem("which_number_column", numeric, phrase=qty.text, options=", ".join(numeric))
        return
    before = len(r.out.conditions)
    if qty.values:
        r.add(In(column=column.name, values=[_num(column, v) for v in qty.values]), "qty",
              column.name)  # "1 or 2 kids", "an NPS of 9 or 10"
    elif column.bands:
        _bands(r, column, qty)
    else:
        compare(r, column, qty)
    if len(r.out.conditions) > before and r.negated(k - len(words)):
        r.out.conditions[-1] = Not(condition=r.out.conditions[-1])  # "did not spend over 1000"


def _plausible(column: ColumnWords, qty: Qty) -> bool:
    """A number far above everything in the column ("over 1000" on a 1-100 score) is not
    about it, whatever the words."""
    high = column.info.maximum
    asked = qty.low if qty.is_range else qty.value
    if high is None or asked is None or qty.op in ("<", "<=") or column.scale != 1:
        return True
    return asked <= max(10 * high, high + 100)


def _bands(r: Reader, column: ColumnWords, qty: Qty) -> None:
    """"earning less than $40k" on bands ("Less than $40K", "$40K - $60K"): the bands inside."""
    low, high = (qty.low, qty.high) if qty.is_range else {
        "<": (None, qty.value), "<=": (None, qty.value), ">": (qty.value, None),
        ">=": (qty.value, None)}.get(qty.op or "", (qty.value, qty.value))
    scale = column.scale if (qty.value or qty.high or 0) >= 1000 and column.scale != 1 else 1
    inside = [v for v, (a, b) in column.bands.items()
              if (low is None or a >= low / scale) and (high is None or b <= high / scale)]
    if not inside:
        values = list(column.bands)
        r.problem("no_band", values, column=column.name, phrase=qty.text,
                  options=", ".join(values))
        return
    r.add(In(column=column.name, values=inside), "qty", column.name)


def _implied(r: Reader, k: int, qty: Qty) -> ColumnWords | None:
    """A number no column word names: by its unit, or an age after a people word."""
    for unit, role in (("currency", "monetary"), ("count", "frequency")):
        if qty.unit == unit:
            found = r.data.role_column(role)
            candidates = [w for w in r.data.columns.values() if role in w.concepts and
                          w.numeric and not w.is_flag and not w.is_date]
            if found is None and len(candidates) > 1:
                r.problem("which_column", [c.name for c in candidates], words=qty.text,
                          options=", ".join(c.name for c in candidates))
            return found or (candidates[0] if len(candidates) == 1 else None)
    before = next((p for p in reversed(r.parts[:k]) if not (isinstance(p, Item) and p.filler)),
                  None)
    plausible = qty.is_range or (
        qty.value is not None and 0 < qty.value < 120 and qty.op in (">", "<", ">=", "<="))
    buying = any(i.has("activity") for _, i in r.items())
    person = isinstance(before, Item) and (before.has("people") or any(
        g in ("female", "male") for g in before.args("value_group")) or (
        before.has("value") and not buying))
    if qty.unit == "decade" or (plausible and person):
        ages = [w for w in r.data.columns.values() if "age" in w.concepts and (
            w.numeric or w.bands) and "birth" not in w.concepts]
        if len(ages) == 1:
            return ages[0]
        births = [w for w in r.data.columns.values() if "birth" in w.concepts and w.numeric]
        if len(births) == 1 and _age_as_birth_year(r, births[0], qty):
            return None
    return None


def _age_as_birth_year(r: Reader, births: ColumnWords, qty: Qty) -> bool:
    """"over 60" on a birth-year column: born before (reference year - 60)."""
    end = r.env.context.as_of or r.env.context.data_end
    if end is None:
        r.problem("age_needs_year", column=births.name)
        return True
    flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
    if qty.is_range:
        r.add(Between(column=births.name, low=end.year - int(qty.high or 0),
                      high=end.year - int(qty.low or 0)), "qty", births.name)
    else:
        r.add(Compare(column=births.name, op=flipped.get(qty.op or "", "=="),  # type: ignore[arg-type]
                      value=end.year - int(qty.value or 0)), "qty", births.name)
    return True


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
        r.add(Between(column=name, low=_num(column, low / scale), high=_num(column, high / scale)),
              "qty", name)
    elif value is not None:
        r.add(Compare(column=name, op=qty.op or "==",  # type: ignore[arg-type]
                      value=_num(column, value / scale)), "qty", name)


def _time(r: Reader, k: int, qty: Qty, words: list[Item]) -> None:
    durations = link(words, r.data, accept=lambda w: w.unit_days is not None or w.is_date
                     or w.info.role in (Role.RECENCY, Role.TENURE) or
                     bool(w.concepts & {"recency", "tenure"}) and w.numeric)
    column = r.data.columns.get(durations.column or "")
    if column is None and not qty.window and not qty.ago:
        plain = link(words, r.data, accept=lambda w: w.numeric and not w.is_date and
                     not w.is_flag)
        column_words = r.data.columns[plain.column].norms if plain.column else frozenset()
        named = [words[i] for i in plain.supporting if not words[i].has("activity", "role") or
                 any(t.norm in column_words for t in words[i].tokens)]
        if plain.column is not None and named:  # "a payment delay over 20 days": as said
            r.use(*(words[i] for i in plain.supporting))
            compare(r, r.data.columns[plain.column], qty)
            return
    if column is not None:
        r.use(*(words[i] for i in durations.supporting))
        if column.is_date:  # "last purchase": the recency feature, where there is one
            column = r.data.role_column(
                "recency" if "recency" in column.concepts else "tenure") or column
    tenure = r.joined or any("tenure" in i.args("role") for _, i in r.items()
                             if r.free(i) or i in words)
    negated = r.negated(k) or _no_orders(r)
    inactive = r.find("inactivity")
    if column is None and _about_a_flag(r, words):
        return
    if column is None:
        role = "tenure" if tenure else "recency"
        column = r.data.role_column(role) or date_column(r, role)
    if column is None:
        r.problem("no_measure", what="purchase dates",
                  hint="map a date column with --map, or describe customers by another column.")
        return
    r.use(*(i for i in words if i.has("activity", "role")), *([inactive] if inactive else []),
          *(i for _, i in r.items() if i.has("activity") and not i.has("column") and r.free(i)))
    recency = column.info.role == Role.RECENCY or "recency" in column.concepts
    if qty.is_range:
        op = "between"
    elif recency and (negated or inactive is not None):
        op = qty.op or ">"  # "haven't bought in 90 days", "не покупали больше 120 дней"
    elif qty.window:
        op = qty.op if qty.op in ("<", "<=") else "<="
    else:
        op = qty.op or ("<=" if recency else ">=")
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
        note = r.env.lexicon.message(r.env.language, "unit_guessed", column=column.name,
                                     unit=UNIT_NAMES[unit], low=f"{column.info.minimum or 0:g}",
                                     high=f"{high:g}")
        if note not in r.out.notes:
            r.out.notes.append(note)
    return unit


def _about_a_flag(r: Reader, words: list[Item]) -> bool:
    """"complained in the last 2 years": a yes/no column has no date to window."""
    flags = [w for w in r.data.columns.values() if w.is_flag and any(
        link([i], r.data).column == w.name for _, i in r.items() if not i.has("activity"))]
    if flags and r.find("activity") is None:
        r.problem("no_dates_for", name=flags[0].name)
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
    return others[0] if role == "tenure" and len(others) == 1 else None


def _date_window(r: Reader, column: ColumnWords, qty: Qty, op: str) -> None:
    end = r.env.context.as_of or r.env.context.data_end
    if end is None:
        r.problem("unplaced", words=f"'{qty.text}'")
        return
    start = (end - timedelta(days=round((qty.value or 0) * qty.days))).isoformat()
    flipped = {"<=": ">=", "<": ">", ">": "<", ">=": "<="}.get(op, ">=")
    r.add(Compare(column=column.name, op=flipped, value=start), "qty",  # type: ignore[arg-type]
          column.name)


def _year_of_date(r: Reader, qty: Qty, words: list[Item]) -> bool:
    """A year said of a date column ("joined after 2013", "last bought in 2011")."""
    if qty.value is None or not 1900 <= qty.value <= 2100 or qty.unit is not None:
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


def _date(r: Reader, qty: Qty, words: list[Item]) -> None:
    found = link(words, r.data, accept=lambda w: w.is_date)
    column = r.data.columns.get(found.column or "") or date_column(r, _role_of(r))
    r.use(*(words[i] for i in found.supporting),
          *(i for _, i in r.items() if i.has("role", "activity") and r.free(i)))
    if column is None:
        r.problem("unplaced", words=f"'{qty.text}'")
        return
    first, after = _period(qty)
    name, op = column.name, qty.op
    if op in (None, "=="):
        condition: Condition = And(all=[Compare(column=name, op=">=", value=first),
                                        Compare(column=name, op="<", value=after)])
    elif op in (">", ">="):
        condition = Compare(column=name, op=">=", value=after if op == ">" else first)
    else:
        condition = Compare(column=name, op="<", value=after if op == "<=" else first)
    r.add(condition, "qty", name)


def _period(qty: Qty) -> tuple[str, str]:
    """The first day a date, month or year stands for, and the day after its last."""
    if qty.date is not None and len(qty.date) == 10:
        day = date.fromisoformat(qty.date)
        return day.isoformat(), (day + timedelta(days=1)).isoformat()
    if qty.date is not None:
        year, month = (int(p) for p in qty.date.split("-"))
        last = date(year, month, calendar.monthrange(year, month)[1])
        return f"{year:04d}-{month:02d}-01", (last + timedelta(days=1)).isoformat()
    year = int(qty.value or 0)
    return date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat()


def ranks(r: Reader) -> None:
    for k, item in r.items():
        if not item.has("rank") or not r.free(item):
            continue
        direction = str(item.args("rank")[0])
        size = _rank_size(r, k)
        measure = _rank_measure(r, item)
        if size is None:
            if measure is not None:
                r.use(item)
                r.out.vague.append(("rank_" + direction, measure.name))
                r.out.signals.add("vague")
            continue
        r.use(item)
        if measure is None:
            numeric = [w.name for w in r.data.columns.values() if w.numeric][:8]
            r.problem("which_column", numeric, words=item.text, options=", ".join(numeric))
            continue
        n, percent = size
        rank: Condition = Rank(column=measure.name, direction=direction,  # type: ignore[arg-type]
                               n=n, percent=percent)
        r.add(Not(condition=rank) if r.negated(k) else rank, "rank", measure.name)


def _rank_size(r: Reader, k: int) -> tuple[int | None, float | None] | None:
    for j in (k + 1, k - 1, k + 2, k - 2):
        part = r.parts[j] if 0 <= j < len(r.parts) else None
        if isinstance(part, Item) and part.has("share") and r.free(part):
            r.use(part)
            return None, float(part.args("share")[0])  # type: ignore[arg-type]
    for j in (k + 1, k - 1, k + 2, k - 2, *range(len(r.parts))):
        part = r.parts[j] if 0 <= j < len(r.parts) else None
        if isinstance(part, Qty) and part.value is not None and part.value >= 1 and \
                not part.is_range and id(part) not in r.out.used and (
                abs(j - k) <= 2 or part.unit == "percent"):
            r.out.used.add(id(part))
            return (None, part.value) if part.unit == "percent" else (int(part.value), None)
    return None


def _rank_measure(r: Reader, rank: Item) -> ColumnWords | None:
    if rank.has("rank_measure"):  # "the biggest spenders", "the oldest"
        own = link([rank], r.data, accept=lambda w: w.numeric and not w.is_flag)
        if own.column is not None:
            return r.data.columns[own.column]
    words = [i for _, i in r.items() if r.free(i) and i is not rank and link([i], r.data).score]
    found = link(words, r.data, accept=lambda w: w.numeric and not w.is_date and not w.is_flag)
    if found.column is not None:
        r.use(*(words[i] for i in found.supporting))
        return r.data.columns[found.column]
    return None


def _score(r: Reader, k: int, qty: Qty) -> bool:
    """"R score of 5", "recency score at least 4", "RFM cell 555"."""
    near = [r.parts[j] for j in range(max(0, k - 3), k) if isinstance(r.parts[j], Item)]
    item = next((i for i in near if i.has("rfm_score") and r.free(i)), None)  # type: ignore[union-attr]
    if item is None or qty.value is None and not qty.is_range:
        return False
    score = str(item.args("rfm_score")[0])  # type: ignore[union-attr]
    r.use(item)  # type: ignore[arg-type]
    r.out.used.add(id(qty))
    if score == "cell":
        digits = [int(d) for d in str(int(qty.value or 0))]
        if len(digits) != 3 or not all(1 <= d <= 5 for d in digits):
            r.problem("unplaced", words=f"'{qty.text}'")
            return True
        for letter, digit in zip("rfm", digits, strict=True):
            r.add(RfmScore(score=letter, low=digit, high=digit), "named")  # type: ignore[arg-type]
        return True
    low, high = _score_range(qty)
    r.add(RfmScore(score=score, low=low, high=high), "named")  # type: ignore[arg-type]
    return True


def _score_range(qty: Qty) -> tuple[int, int]:
    if qty.is_range:
        return int(qty.low or 1), int(qty.high or 5)
    value = int(qty.value or 1)
    return {">": (value + 1, 5), ">=": (value, 5), "<": (1, value - 1),
            "<=": (1, value)}.get(qty.op or "", (value, value))


def _num(column: ColumnWords, value: float) -> float | int:
    if column.info.dtype in (DType.INTEGER, DType.BOOL) or float(value).is_integer():
        return int(value) if float(value).is_integer() else round(value, 6)
    return round(value, 6)


def converter(from_days: int, to_days: int) -> Callable[[float], float | int]:
    """Time units to the column's unit: years to months exactly (x12), otherwise by days."""
    months = {30: 1, 90: 3, 182: 6, 365: 12}

    def convert(value: float) -> float | int:
        if to_days in (30, 365) and from_days in months:
            result = value * months[from_days] / (1 if to_days == 30 else 12)
        else:
            result = value * from_days / to_days
        return int(result) if float(result).is_integer() else round(result, 4)
    return convert
