"""Age in requests: an Age column, or a birth-year column read through the as-of year
("aged over 60" is born before as-of year - 60)."""

from __future__ import annotations

from datetime import date

from assistant.interpreter.columns import ColumnProfile
from assistant.interpreter.found import Found, concepts_at
from assistant.interpreter.state import Parse, Problem, compare
from tools.engine.definitions import And, Between, Condition

_BIRTH_INVERT = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "=="}


def age_column(parse: Parse) -> ColumnProfile | None:
    ages = [p for p in parse.profiles if p.numeric and "age" in p.name_concepts]
    return ages[0] if len(ages) == 1 else None


def plain_age(f: Found) -> bool:
    """'people over 60', 'women under 30': a bare number a person's age can be."""
    qs = [f.low] + ([f.high] if f.high else [])
    return all(q.days is None and not q.currency and not q.percent and q.scaled == 1
               and 0 < q.value <= 120 for q in qs)


def birth_year_column(parse: Parse) -> ColumnProfile | None:
    for p in parse.profiles:
        if p.numeric and "birth" in p.name_concepts | p.stems and "year" in p.stems | {
                s for s in p.stems if s.startswith("year")}:
            return p
    for p in parse.profiles:
        if p.numeric and ("yob" in p.stems or "birthyear" in p.stems):
            return p
    return None


def age_by_birth_year(parse: Parse, f: Found, words: list[int],
                      as_of: date | None) -> bool:
    """'aged over 60' on a table with Year_Birth: born before as-of year - 60."""
    birth = birth_year_column(parse)
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


def _birth_date_column(parse: Parse) -> ColumnProfile | None:
    dates = [p for p in parse.profiles if p.is_date and "birth" in p.name_concepts | p.stems]
    return dates[0] if len(dates) == 1 else None


def read_generations(parse: Parse) -> None:
    """'millennials', 'gen X': fixed birth-year ranges on a birth-year or birth-date column;
    on an age column a question, since the ages a generation spans depend on the date."""
    for i in range(len(parse.tokens)):
        for generation in parse.vocab.generations:
            phrase = next((p for p in generation.words if parse.matches(i, p)), None)
            if phrase is None:
                continue
            end = i + len(phrase)
            years = f"born {generation.first}-{generation.last}"
            birth, birth_date = birth_year_column(parse), _birth_date_column(parse)
            if birth is not None:
                condition: Condition = Between(column=birth.name, low=generation.first,
                                               high=generation.last)
                parse.add(i, end, condition, f"{generation.name}: {generation.first} <= "
                          f"{birth.name} <= {generation.last}")
            elif birth_date is not None:
                low = compare(birth_date, ">=", f"{generation.first}-01-01")
                high = compare(birth_date, "<", f"{generation.last + 1}-01-01")
                parse.add(i, end, And(all=[low, high]),
                          f"{generation.name}: {birth_date.name} in {generation.first}-"
                          f"{generation.last}")
            else:
                age = age_column(parse)
                parse.claim(i, end)
                if age is not None:
                    parse.problems.append(Problem(
                        f"{generation.name} means {years}, but this data has {age.name}, not "
                        f"a birth year, and ages shift with the date: say an age range, e.g. "
                        f"'{age.name} between 30 and 45'.", [age.name]))
                else:
                    parse.problems.append(Problem(
                        f"{generation.name} means {years}, but this data has no birth-year, "
                        "birth-date or age column.", [p.name for p in parse.profiles][:8]))
            break
