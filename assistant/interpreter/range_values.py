"""Categories that are number bands: an age_group of "25-34" / "55+", an Income_Category of
"$40K - $60K" / "Less than $40K" / "$120K +". A comparison on the band's measure ("aged 25
to 44", "income above 60k") selects the bands inside the asked range; a band that lies
across the boundary ("over 40" with a 35-44 band) makes the interpreter ask.
"""

from __future__ import annotations

import math
import re

from assistant.interpreter.columns import ColumnProfile, match_columns
from assistant.interpreter.found import Found, concepts_at
from assistant.interpreter.state import Parse, Problem
from tools.engine.definitions import In
from tools.engine.schema import DType

Band = tuple[float, float]

_NUMBER = r"\$?\s*(\d+(?:[.,]\d+)?)\s*([km])?"
_BETWEEN = re.compile(rf"^{_NUMBER}\s*(?:-|–|to)\s*{_NUMBER}$")
_PLUS = re.compile(rf"^(?:{_NUMBER}\s*(?:\+|and (?:over|above|older|up|more))|"
                   rf"(?:over|above|more than|greater than|>)\s*{_NUMBER})$")
_BELOW = re.compile(rf"^(?:less than|under|below|<)\s*{_NUMBER}$")
_SCALE = {"k": 1e3, "m": 1e6}


def _amount(digits: str | None, suffix: str | None) -> float:
    assert digits is not None
    return float(digits.replace(",", "")) * _SCALE.get(suffix or "", 1.0)


def band_of(value: str) -> Band | None:
    """'25-34' -> (25, 34); '$120K +' -> (120000, inf); 'Less than $40K' -> (-inf, 40000)."""
    text = value.strip().lower()
    if m := _BETWEEN.match(text):
        return _amount(m[1], m[2]), _amount(m[3], m[4])
    if m := _PLUS.match(text):
        digits, suffix = (m[1], m[2]) if m[1] is not None else (m[3], m[4])
        return _amount(digits, suffix), math.inf
    if m := _BELOW.match(text):
        return -math.inf, _amount(m[1], m[2])
    return None


def band_columns(parse: Parse) -> dict[str, dict[str, Band]]:
    """Text columns most of whose values are number bands, with each value's band."""
    found: dict[str, dict[str, Band]] = {}
    for p in parse.profiles:
        if p.info.dtype != DType.TEXT or len(p.info.values) < 2:
            continue
        bands = {v: b for v in p.info.values if (b := band_of(v)) is not None}
        if len(bands) >= 2 and len(bands) >= 0.6 * len(p.info.values):
            found[p.name] = bands
    return found


def banded(parse: Parse, concept: str) -> bool:
    """Whether a column of bands measures the concept ('age' for an age_group)."""
    columns = band_columns(parse)
    return any(concept in p.name_concepts for p in parse.profiles if p.name in columns)


def read_band_comparison(parse: Parse, f: Found, words: list[int],
                         concepts: set[str]) -> bool:
    """'aged 25 to 44' on age_group -> the 25-34 and 35-44 bands; True when handled."""
    columns = band_columns(parse)
    if not columns or f.iso or f.low.percent:
        return False
    profiles = [p for p in parse.profiles if p.name in columns]
    column = _band_column(parse, profiles, words, concepts)
    if column is None:
        return False
    bands = columns[column.name]
    inside, across = _select(bands, f)
    start = min([f.start, *words])
    end = max([f.end, *(i + 1 for i in words)])
    if across or not inside:
        parse.claim(start, end)
        listed = sorted(bands, key=lambda v: bands[v])
        verb = "lies" if len(across) == 1 else "lie"
        parse.problems.append(Problem(
            f"{column.name} holds bands ({', '.join(listed)}); "
            + (f"{', '.join(across)} {verb} across that boundary: which bands do you mean?"
               if across else "none of them is inside that range: which bands do you mean?"),
            [f"{column.name} = {v}" for v in (across + inside or listed)][:8]))
        return True
    parse.add(start, end, In(column=column.name, values=list[float | int | str | bool](inside)),
              f"{column.name} in [{', '.join(inside)}]")
    return True


def _band_column(parse: Parse, profiles: list[ColumnProfile], words: list[int],
                 concepts: set[str]) -> ColumnProfile | None:
    match = match_columns([(i, parse.low(i)) for i in words], profiles, parse.vocab)
    if match is not None and match.column is not None:
        return match.column
    wanted = set(concepts)
    for i in words:
        wanted |= concepts_at(parse, i)
    named = [p for p in profiles if p.name_concepts & wanted]
    return named[0] if len(named) == 1 else None


def _select(bands: dict[str, Band], f: Found) -> tuple[list[str], list[str]]:
    """Bands inside the asked range, and bands that lie across its boundary."""
    low = f.low.value
    high = f.high.value if f.high is not None else None
    inside: list[str] = []
    across: list[str] = []
    for value, (lo, hi) in bands.items():
        # Band edges are shared ("$40K - $60K", "$60K - $80K"): an edge counts as inside.
        if f.op == "between" and high is not None:
            a, b = sorted((low, high))
            is_in, overlaps = lo >= a and hi <= b, lo < b and hi > a
        elif f.op in (">", ">="):
            is_in, overlaps = lo >= low, hi > low
        elif f.op in ("<", "<="):
            is_in, overlaps = hi <= low, lo < low
        else:
            is_in, overlaps = lo == hi == low, lo <= low <= hi
        if is_in:
            inside.append(value)
        elif overlaps:
            across.append(value)
    return inside, across
