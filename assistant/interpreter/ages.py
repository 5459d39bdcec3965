"""Ages in a request: "older than 60", "30到40岁", "гости от 30 до 45 лет", on an age
column, or on a birth-year column counted back from the data's reference year; where the
data has neither, said so rather than read as another number."""

from __future__ import annotations

from assistant.interpreter.datalex import ColumnWords
from assistant.interpreter.quantities import Qty, a_year
from assistant.interpreter.reader import Reader
from assistant.interpreter.tagging import Item
from tools.engine.definitions import Between, Compare


def age_column(r: Reader, qty: Qty, words: list[Item]) -> ColumnWords | None:
    """A number of years said with an age word is an age, not a time window."""
    if _over_the_age(r, qty):
        qty.op, qty.window = ">", False  # "кому за 60", "клиенты за 50": older than that
        return r.data.numeric_with("age", without="birth")[0]
    if qty.unit not in ("time", None) or qty.days not in (1, 365) or qty.window or qty.ago:
        return None
    said = [i for i in [*words, *qty.source] if "age" in i.args("concept")]
    if said and a_year(qty.value):
        return _of_years(r, qty)
    # "молодые клиенты до 25 лет": the age word may stand before the people noun.
    far = [i for _, i in r.items() if r.free(i) and "age" in i.args("concept")] \
        if qty.op is not None else []
    # "гости от 30 до 45 лет", "men under 30 years": years of people, nothing done in them
    aged = qty.unit == "time" and (qty.op is not None or qty.is_range) and any(
        i.has("people") for _, i in r.items()) and not any(
        i.has("activity", "role", "inactivity", "window", "ago") for _, i in r.items())
    if not (said or far or aged) or (qty.unit == "time" and qty.days != 365):
        return None
    ages = r.data.numeric_with("age", without="birth")
    if len(ages) != 1:
        return None
    r.use(*far)
    return ages[0]


def _of_years(r: Reader, qty: Qty) -> ColumnWords | None:
    """"машины старше 2015 года", "cars older than 2015": a year column's years, older
    being earlier (the one column of whole years from 1900 to 2100)."""
    years = [w for w in r.data.columns.values() if w.numeric and not w.is_flag and
             a_year(w.info.minimum) and a_year(w.info.maximum)]
    if len(years) != 1 or qty.op is None:
        return None
    qty.op = {">": "<", ">=": "<=", "<": ">", "<=": ">="}[qty.op]
    return years[0]


def _over_the_age(r: Reader, qty: Qty) -> bool:
    """A window word before a bare number of a person's years, with nothing done in it and
    no unit ("за 60"): past that age, where the data has an age."""
    return any(i.has("past_age") for i in qty.source) and qty.unit is None and \
        qty.op is None and qty.value is not None and \
        18 <= qty.value <= 100 and len(r.data.numeric_with("age", without="birth")) == 1 and \
        not any(i.has("activity", "role", "inactivity") for _, i in r.items())


def _age_words_near(r: Reader, k: int, qty: Qty) -> list[Item]:
    near = [p for p in r.parts[max(0, k - 2):k + 3] if isinstance(p, Item)]
    return [i for i in [*near, *qty.source] if "age" in i.args("concept") and r.free(i)]


def on_birth_year(r: Reader, k: int, qty: Qty) -> bool:
    """"aged 40 to 50", "under 30 yrs old" where the data has a birth year, not an age."""
    said = _age_words_near(r, k, qty)
    births = r.data.numeric_with("birth")
    if not said or len(births) != 1 or qty.op is None and not qty.is_range or \
            r.data.numeric_with("age", without="birth"):
        return False
    r.use(*said)
    return age_as_birth_year(r, births[0], qty)


def no_age_column(r: Reader, k: int, qty: Qty) -> bool:
    """"members over 30 years old" where the data has no age: said so, not asked which
    number column 30 is, nor read as a time."""
    said = _age_words_near(r, k, qty)
    ages = [w for w in r.data.columns.values() if {"age", "birth"} & w.concepts]
    if not said or ages:
        return False
    r.unplaced(said, qty)
    return True


def age_as_birth_year(r: Reader, births: ColumnWords, qty: Qty) -> bool:
    """"over 60" on a birth-year column: born before (reference year - 60)."""
    end = r.env.context.as_of or r.env.context.data_end
    if end is None:
        r.problem("age_needs_year", [births.name], column=births.name)
        return True
    flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
    if qty.is_range:
        r.add(Between(column=births.name, low=end.year - int(qty.high or 0),
                      high=end.year - int(qty.low or 0)), "qty", births.name)
    else:
        r.add(Compare(column=births.name, op=flipped.get(qty.op or "", "=="),  # type: ignore[arg-type]
                      value=end.year - int(qty.value or 0)), "qty", births.name)
    return True
