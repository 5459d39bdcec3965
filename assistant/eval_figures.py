"""Scoring a question about the data: are the expected figures and names in the reply?

A case of ../eval/dev_data_questions.jsonl's shape names `expect_figures` ("87", "42.7%",
"2403"; the decimals written are the precision) and `expect_names` (group names). A
figure is in the reply when some number there, rounded to that precision, equals it,
however the reply writes numbers in its language: "1,234.5", "1 234,5", "￥1,234",
"42,7 %". Only the reply's words are read, as a person would read them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# A number with optional groups of three (",", " ", "'") and a decimal part ("." or ",").
_NUMBER = re.compile(r"\d{1,3}(?:([, '])\d{3})(?:\1\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def reply_numbers(text: str) -> list[Decimal]:
    """Every number the reply writes; "1,234" is read both ways (1234 and 1.234)."""
    found: list[Decimal] = []
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        written, group = match.group(0), match.group(1)
        readings = [written.replace(group, "") if group else written]
        if group == "," and re.fullmatch(r"\d{1,3},\d{3}", written):
            readings.append(written.replace(",", "."))  # "1,234": a decimal comma too
        for reading in readings:
            found.append(Decimal(re.sub(r",(\d+)$", r".\1", reading)))
    return found


def figure_in(expected: str, text: str) -> bool:
    plain = str(expected).replace("%", "").replace(",", "").strip()
    try:
        value = abs(Decimal(plain))
    except InvalidOperation:
        return False
    places = Decimal(1).scaleb(-(len(plain.split(".")[1]) if "." in plain else 0))
    # A reply number on the boundary ("59.25" for 59.2 or 59.3) was itself rounded: either.
    return any(n.quantize(places, rounding=mode) == value
               for n in reply_numbers(text) for mode in (ROUND_HALF_UP, ROUND_HALF_DOWN))


def name_in(name: str, text: str) -> bool:
    return unicodedata.normalize("NFKC", str(name)).casefold() in \
        unicodedata.normalize("NFKC", text).casefold()


def figures_missing(case: Mapping[str, Any], reply: str) -> list[str]:
    """The expected figures and names the reply does not state (empty when it answers)."""
    figures = [str(f) for f in case.get("expect_figures") or []]
    names = [str(n) for n in case.get("expect_names") or []]
    return [f for f in figures if not figure_in(f, reply)] + \
        [n for n in names if not name_in(n, reply)]
