"""Quantities: a number with what surrounds it, in any language's word order.

"over £5,000", "at least 10", "10 or more", "3k+", "between 500 and 1000",
"in the last 30 days", "more than 6 months ago", "30s", "March 2011",
"超过3000", "3000以上", "最近60天内", "от 1000", "от 500 до 1000", "не меньше 800"
all become one `Qty`: an operator, a value or a range, and a unit. Which
column it is about is decided later, by the clause it sits in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.interpreter.datalex import empty
from assistant.interpreter.tagging import Item, tag

# Operators with a negation in front ("not more than 5" is "at most 5").
_COMPLEMENT = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}
_MODIFIERS = ("mult", "currency", "percent", "time_unit", "count_unit", "cmp_post", "ago",
              "window")


@dataclass
class Qty:
    first: int  # item indices covered, inclusive
    last: int
    text: str
    value: float | None = None
    op: str | None = None
    low: float | None = None  # a range
    high: float | None = None
    unit: str | None = None  # "time", "count", "percent", "currency", "decade"
    days: int = 1  # days per unit of a time quantity
    window: bool = False  # "in the last ..."
    ago: bool = False  # "... ago"
    scaled: bool = False  # written with a multiplier ("70k")
    date: str | None = None  # ISO date, or a year-month ("2011-03") of month precision
    period: str | None = None  # "year", "month": the calendar period up to the as-of date
    until: str | None = None  # a range of dates: the last date or month it takes in
    source: list[Item] = field(default_factory=list)  # the items it was read from
    values: list[float] = field(default_factory=list)  # "1 or 2", "9 or 10": any of these

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def zero_or_one(self) -> bool:
        """A bare 0 or 1 ("= 1", "为0"): a yes/no column's value when written after its name."""
        return self.value in (0, 1) and self.op in (None, "==") and self.unit is None


Part = Qty | Item


def quantities(items: list[Item]) -> list[Part]:
    """Merge every number and what qualifies it into one Qty; other items stay."""
    parts: list[Part] = []
    used: set[int] = set()
    for j, item in enumerate(items):
        if j in used:
            continue
        qty = _quantity_at(items, j, used)
        if qty is None:
            parts.append(item)
            continue
        # Items before the number (a comparator, "between", a currency) were passed over
        # already: take them back out of the output.
        while parts and isinstance(parts[-1], Item) and _index(items, parts[-1]) >= qty.first:
            parts.pop()
        used.update(range(qty.first, qty.last + 1))
        qty.source = items[qty.first:qty.last + 1]
        if not _date_range(parts, qty):
            parts.append(qty)
    return parts


def _date_range(parts: list[Part], qty: Qty) -> bool:
    """"between January and June 2024", "from 2024-01-01 to 2024-03-31": the two dates
    joined into one range on the Qty before (a month said without a year takes the
    year of the other)."""
    if len(parts) < 2 or qty.date is None or qty.op is not None:
        return False
    joiner, first = parts[-1], parts[-2]
    if not (isinstance(joiner, Item) and joiner.has("range") and isinstance(first, Qty)
            and first.date is not None and first.op in (None, ">=")):  # "с января по июнь"
        return False
    later = int(first.date[5:7]) > int(qty.date[5:7])  # "from November to February"
    if first.date.startswith(LATEST) and not qty.date.startswith(LATEST):
        first.date = f"{int(qty.date[:4]) - later:04d}{first.date[len(LATEST):]}"
    elif qty.date.startswith(LATEST) and not first.date.startswith(LATEST):
        qty.date = f"{int(first.date[:4]) + later:04d}{qty.date[len(LATEST):]}"  # "1月到6月"
    first.op = None
    first.until, first.last, first.text = qty.date, qty.last, f"{first.text} - {qty.text}"
    first.source = [*first.source, joiner, *qty.source]
    parts.pop()
    between = parts[-2] if len(parts) >= 2 else None
    if isinstance(between, Item) and between.has("between"):
        first.source.insert(0, between)  # "between", before the first date
        del parts[-2]
    return True


def _index(items: list[Item], item: Item) -> int:
    return next(i for i, candidate in enumerate(items) if candidate is item)


def _quantity_at(items: list[Item], j: int, used: set[int]) -> Qty | None:
    item = items[j]
    if item.has("generation"):
        first, last = (float(y) for y in str(item.args("generation")[0]).split("-"))
        return Qty(j, j, item.text, low=first, high=last, unit="generation")
    if item.has("period"):
        return Qty(j, j, item.text, unit="time", window=True, period=str(item.args("period")[0]))
    if item.has("date"):
        return _with_left(items, Qty(j, j, item.text, date=str(item.args("date")[0])), used)
    if item.has("month") and not item.has("num"):
        month = _month(items, j)
        if month is not None and month.last + 1 < len(items) and \
                items[month.last + 1].has("cmp_post"):
            _right(items, month)  # "十月份之前": before October
        return _with_left(items, month, used) if month is not None else None
    if item.has("decade") and not item.has("num"):
        decade = float(item.args("decade")[0])  # type: ignore[arg-type]
        return Qty(j, j, item.text, low=decade, high=decade + 9, unit="decade")
    if item.has("time_unit") and not item.has("num") and (
            item.has("window") or _window_before(items, j) or _after_verb(items, j) or
            j > 0 and items[j - 1].has("cmp", "activity", "neg", "inactivity") or
            j + 1 < len(items) and items[j + 1].has("inactivity", "neg", "cmp_post")):
        # "in the last month", "за последний год", "over a year", "не заказывали полгода",
        # "半年没买", "半年以上没有购买", "полгода не покупали".
        qty = Qty(j, j, item.text, value=1.0, unit="time", window=item.has("window"),  # "半年内"
                  days=int(item.args("time_unit")[0]))  # type: ignore[call-overload]
        return _with_left(items, qty, used)
    value = item.value if item.value is not None else _lexicon_number(item)
    if value is None or (j + 1 < len(items) and items[j + 1].has("month")):
        return None  # "1 November 2013": the month reads the day
    calendar_date = _year_month_day(items, j) or _month_named(items, j, value)
    if calendar_date is not None:
        _right(items, calendar_date)
        return _with_left(items, calendar_date, used)
    qty = Qty(j, j, item.text, value=value, unit="count" if item.has("count_unit") else None)
    prefixed = any(items[i].has("cmp") for i in range(max(0, j - 2), j))
    _right(items, qty, postfix=not prefixed)
    qty = _range(items, qty)
    _alternatives(items, qty)
    return _with_left(items, qty, used)


def _alternatives(items: list[Item], qty: Qty) -> None:
    """"1 or 2 kids", "a score of 9 or 10": a short list of numbers joined by "or"."""
    k = qty.last + 1
    if qty.is_range or qty.op or qty.value is None or k + 1 >= len(items) or \
            "or" not in items[k].args("conj") or items[k + 1].value is None:
        return
    second = Qty(k + 1, k + 1, items[k + 1].text, value=items[k + 1].value)
    _right(items, second)
    if second.unit != qty.unit and qty.unit is not None:
        return
    qty.values, qty.last, qty.unit = [qty.value, second.value or 0], second.last, second.unit


def _lexicon_number(item: Item) -> float | None:
    numbers = item.args("number")
    if not numbers or item.has("func") and not item.has("number"):
        return None
    return float(numbers[0])  # type: ignore[arg-type]


# The year of a month said without one ("since September"): the latest before the as-of date.
LATEST = "????"


def _month(items: list[Item], j: int) -> Qty | None:
    """"March 2011", "1 November 2013", "Nov 1, 2011", "2011年3月" -> a date or a month."""
    month = int(items[j].args("month")[0])  # type: ignore[call-overload]
    first, last, day = j, j, None
    if _day_at(items, j - 1):
        first, day = j - 1, int(items[j - 1].value or 1)
    elif _day_at(items, j + 1) and _year_at(items, j + 2 + _comma(items, j + 2)):
        last, day = j + 1, int(items[j + 1].value or 1)
    k = last + 1 + _comma(items, last + 1)
    year = _year_at(items, k)
    if year is not None:
        last = k
    elif _year_at(items, first - 1):
        year, first = _year_at(items, first - 1), first - 1
    if year is None:  # "since September": the latest September, found from the as-of date
        # "since September", "bought in December": the latest one before the as-of date
        before = first - 1 - int(first > 1 and items[first - 1].only_function)  # "since THE"
        said = first > 0 and items[before].has("cmp", "since", "loc", "between") or \
            last + 1 < len(items) and items[last + 1].has("cmp_post") or (  # "十月之前"
                first > 1 and items[first - 1].has("range") and items[first - 2].has("month"))
        if not said or items[j].has("value"):
            return None  # "contacted in may" where a column holds jan..dec: that value
        shown = f"{LATEST}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
        return Qty(first, last, " ".join(i.text for i in items[first:last + 1]), date=shown)
    text = " ".join(i.text for i in items[first:last + 1])
    if day is not None:
        return Qty(first, last, text, date=f"{year:04d}-{month:02d}-{day:02d}")
    return Qty(first, last, text, date=f"{year:04d}-{month:02d}")


def _year_month_day(items: list[Item], j: int) -> Qty | None:
    """"2024年", "2024年3月", "2024年1月1日": a year with its unit word is a date, not years."""
    def unit(k: int, days: int) -> bool:
        return k < len(items) and days in items[k].args("time_unit") and \
            not items[k].has("num")

    year = _year_at(items, j)
    if year is None or not unit(j + 1, 365):
        return None
    last, month, day = j + 1, None, None
    if j + 3 < len(items) and items[j + 2].value is not None and unit(j + 3, 30) and \
            1 <= (items[j + 2].value or 0) <= 12:
        last, month = j + 3, int(items[j + 2].value or 1)
        if _day_at(items, j + 4) and unit(j + 5, 1):
            last, day = j + 5, int(items[j + 4].value or 1)
    text = "".join(i.text for i in items[j:last + 1])
    if month is None:
        return Qty(j, last, text, value=float(year))
    shown = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return Qty(j, last, text, date=shown)


def _month_named(items: list[Item], j: int, value: float) -> Qty | None:
    """"12月购买过的": a month written as its number and 月 (not "12个月", not "近3月"),
    the latest such month before the as-of date."""
    unit = items[j + 1] if j + 1 < len(items) else None
    after = items[j + 2] if j + 2 < len(items) else None
    if unit is None or unit.text != "月" or not float(value).is_integer() or \
            not 1 <= value <= 12 or _window_before(items, j) or \
            after is not None and after.has("window", "ago"):
        return None
    return Qty(j, j + 1, items[j].text + unit.text, date=f"{LATEST}-{int(value):02d}")


def _day_at(items: list[Item], j: int) -> bool:
    value = items[j].value if 0 <= j < len(items) else None
    return value is not None and float(value).is_integer() and 1 <= value <= 31


def _comma(items: list[Item], j: int) -> int:
    return 1 if 0 <= j < len(items) and items[j].text == "," else 0


def a_year(value: float | None) -> bool:
    """A whole number from 1900 to 2100: a year."""
    return value is not None and 1900 <= value <= 2100 and float(value).is_integer()


def _year_at(items: list[Item], j: int) -> int | None:
    if 0 <= j < len(items) and a_year(items[j].value):
        return int(items[j].value or 0)
    return None


def _right(items: list[Item], qty: Qty, postfix: bool = True) -> None:
    """Multipliers, units, postfix comparators and "ago" after the number."""
    k = qty.last + 1
    while k < len(items) and k <= qty.last + 4:
        item = items[k]
        if item.has("mult") and item.has("time_unit") and qty.first > 0 and \
                items[qty.first - 1].has("window"):
            qty.unit, qty.days = "time", int(item.args("time_unit")[0])  # type: ignore[call-overload]
        elif item.has("mult") and not qty.scaled and qty.value is not None:
            qty.value *= float(item.args("mult")[0])  # type: ignore[arg-type]
            qty.scaled = True
        elif item.has("currency"):
            qty.unit = qty.unit or "currency"
        elif item.has("percent"):
            qty.unit = "percent"
        elif item.has("time_unit") and qty.unit in (None, "count") and not (
                item.has("concept") and len(item.tokens) > 1):  # "80k a year" is a rate
            qty.unit, qty.days = "time", int(item.args("time_unit")[0])  # type: ignore[call-overload]
        elif item.has("count_unit") and qty.unit is None:
            qty.unit = "count"
        elif item.has("measure_unit") and qty.unit is None:
            qty.unit = "measure"  # "20 km", "13 minutes": the column's own unit
        elif item.has("cmp_post") and qty.op is None and postfix and not (
                item.has("ago") and qty.unit == "time" and not a_year(qty.value)):
            qty.op = str(item.args("cmp_post")[0])  # "2023年之前"; "3个月之前" is ago
        elif item.has("ago") and qty.unit == "time":
            qty.ago = True
        elif item.has("window") and qty.unit == "time" and not (
                k + 1 < len(items) and items[k + 1].has("time_unit", "num")):
            qty.window = True  # "30天内", "within"; not "3 months IN THE LAST year"
        elif item.text.lower() == "s" and qty.value is not None and qty.value % 10 == 0:
            qty.unit, qty.low, qty.high = "decade", qty.value, qty.value + 9  # "30s"
        else:
            break
        qty.last = k
        k += 1
    qty.text = " ".join(i.text for i in items[qty.first:qty.last + 1])


def _range(items: list[Item], qty: Qty) -> Qty:
    """"500 to 1000", "30-40", "от 500 до 1000", "30到40": a range, when the second is larger."""
    k = qty.last + 1
    if k + 1 >= len(items) or not items[k].has("range") or qty.value is None:
        return qty
    before = qty.first - 1 - (qty.first > 0 and items[qty.first - 1].has("currency"))
    between_before = before >= 0 and items[before].has("between")
    if items[k].text.lower() in ("and", "и", "和") and not between_before:
        return qty
    start = k + 2 if items[k + 1].has("currency") and k + 2 < len(items) else k + 1  # "£1k-£5k"
    second = Qty(start, start, items[start].text, value=items[start].value)
    if second.value is None:
        return qty
    _right(items, second)
    if qty.unit is None and second.unit is not None:
        qty.unit, qty.days = second.unit, second.days
    if second.scaled and not qty.scaled and qty.value < second.value / 100:
        qty.value *= second.value / (items[start].value or 1)  # "from 1 to 2k": both k
    elif (said := re.fullmatch(r"(\d+(?:\.\d+)?)[^\d.]+", items[start].text)) and \
            float(said.group(1)) and not qty.scaled and qty.value < second.value / 100:
        qty.value *= second.value / float(said.group(1))  # "50-100万": both in 万
    elif len(items[start].tokens) > 1 and not qty.scaled and qty.value < second.value / 100:
        # "от двух до пяти тысяч": the words' thousands are both numbers'
        scale = next(s for s in (1e9, 1e6, 1e3, 1.0) if second.value % s == 0)
        qty.value *= scale
    if second.value <= qty.value:
        return qty
    return Qty(qty.first, second.last, " ".join(i.text for i in items[qty.first:second.last + 1]),
               low=qty.value, high=second.value, unit=qty.unit, days=qty.days,
               scaled=qty.scaled or second.scaled, window=qty.window or second.window,
               ago=second.ago, op=None)


def _with_left(items: list[Item], qty: Qty, used: set[int]) -> Qty:
    """Comparators, "between", currencies and windows before the number."""
    k = qty.first - 1
    negated = False
    while k >= 0 and k not in used and k >= qty.first - 4:
        item = items[k]
        if item.has("currency") and qty.unit in (None, "currency"):
            qty.unit = "currency"
        elif item.has("cmp") and qty.op is None and not qty.is_range:
            qty.op = str(item.args("cmp")[0])
            if qty.op == "<=" and item.has("temporal") and (
                    a_year(qty.value) or qty.date is not None and len(qty.date) <= 7):
                qty.op = "<"  # "до 2018 года": before the year (a day stays "up to" it)
        elif item.has("between") and (qty.is_range or qty.op is None):
            if not qty.is_range:
                cmp = item.args("cmp")
                if not cmp:
                    break
                qty.op = str(cmp[0])  # "от 1000" alone: at least
        elif item.has("window") and qty.unit in (None, "time"):
            qty.window = True
        elif item.has("since") and qty.date is not None and qty.op is None:
            qty.op = ">="  # "с сентября 2011": since then
        elif item.has("since") and qty.is_range:
            pass  # "с 2018 по 2020": from one to the other
        elif item.has("neg") and qty.op is not None and k == qty.first - 1:
            negated = True
        elif item.has("percent") and qty.unit is None:
            qty.unit = "percent"  # "百分之十"
        elif item.only_function and k > 0 and items[k - 1].has("window", "cmp", "since"):
            pass  # "within THE past 2 weeks"
        elif item.has("activity") and k > 0 and items[k - 1].has("cmp") and qty.op is None:
            pass  # "至少下过4单": the verb between the comparator and the number
        else:
            break
        qty.first = k
        k -= 1
    if negated and qty.op is not None:
        qty.op = _COMPLEMENT[qty.op]
    qty.text = " ".join(i.text for i in items[qty.first:qty.last + 1])
    return qty


def _window_before(items: list[Item], j: int) -> bool:
    return any(items[k].has("window") for k in range(max(0, j - 2), j))


def _after_verb(items: list[Item], j: int) -> bool:
    """"haven't purchased in a year": a verb, then only glue, then the unit; or "no rental
    for a year": a negated thing done, then glue."""
    k = j - 1
    while k >= 0 and items[k].filler:
        k -= 1
    return k >= 0 and k < j - 1 and (items[k].has("activity", "neg", "inactivity", "fixed") or
                                      k > 0 and items[k - 1].has("neg") and items[k].has("concept"))


def band(value: str, lexicon: object) -> tuple[float, float] | None:
    """A category value that is a number band ("Less than $40K", "$40K - $60K", "65+")."""
    items = tag(value, lexicon, empty()).readings[0]  # type: ignore[arg-type]
    parts = [p for p in quantities(items) if isinstance(p, Qty) or not (
        p.only_function or p.has("punct", "currency"))]
    if len(parts) != 1 or not isinstance(parts[0], Qty):
        return None
    qty = parts[0]
    if qty.is_range:
        return qty.low or 0.0, qty.high or 0.0
    bounds = {"<": (float("-inf"), qty.value), "<=": (float("-inf"), qty.value),
              ">": (qty.value, float("inf")), ">=": (qty.value, float("inf"))}
    return bounds.get(qty.op or "")  # type: ignore[return-value]
