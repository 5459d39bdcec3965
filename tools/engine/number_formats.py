"""Numbers as exports write them: "$84,835.00", "1.234,50 €", "1 234,50 ₽", "(12)", "12%".

`parse_numbers` reads a column's distinct texts as numbers (currency signs, thousands
separators, decimal commas or points, percentages, negatives in parentheses) and says how
an ambiguous style was read; `dot_style` tells from a semicolon-separated file's columns
what its dots mean. Also the warning for ids Excel wrote in scientific notation
("1.23457E+11"), which lost their last digits. Typing a whole column is `parsing.py`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tools.engine.schema import Role, Schema

# Chinese and Russian exports write "￥1,234.00" (the full-width sign), "1234.50元",
# "1 234,50 ₽" and "1234 руб.".
CURRENCY_PATTERN = (r"[$£€¥₹￥₽元]|\b(?:USD|GBP|EUR|JPY|INR|CHF|CAD|AUD|RMB|CNY|RUB)\b"
                    r"|\b(?i:руб)\b\.?")
# The sign shown for what the pattern found, upper-cased and without a final dot.
_CURRENCY_CODES = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹", "CAD": "$",
                   "AUD": "$", "CHF": "CHF", "RMB": "¥", "CNY": "¥", "元": "¥", "￥": "¥",
                   "RUB": "₽", "РУБ": "₽"}
INTEGER = r"[-+]?\d+"
_US_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?"
_EU_NUMBER = r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)?(?:,\d+)?"
# Numbers whose dots can only be, or may be, thousands separators: "1.500", "12.345.678".
_DOT_GROUPS = r"[-+]?\d{1,3}(?:\.\d{3})+"
# A number with a decimal point that is no thousands separator ("12.5", "3.25", "0.1234").
_DECIMAL_DOT = r"[-+]?\d*\.(?:\d{1,2}|\d{4,})"
# Values of each column looked at for how the file writes its numbers.
_STYLE_SAMPLE = 2000
# How Excel writes a long number it shows in a narrow cell ("1.23457E+11", or "1,23457E+11"
# in a European locale): an id saved so has lost its last digits.
SCIENTIFIC_ID = r"[-+]?\d(?:[.,]\d+)?[eE]\+?\d{1,3}"


def dot_style(df: pd.DataFrame) -> str:
    """How a semicolon-separated file writes numbers: "thousands" ("1.500" is 1500, as
    European exports write them, their decimal mark being the comma that made the semicolon
    the delimiter), unless some column has a decimal point ("12.5"): "decimal"."""
    for name in df.columns:
        sample = pd.Series(pd.unique(df[name].head(_STYLE_SAMPLE).astype("str").str.strip()),
                           dtype="str")
        if sample.str.fullmatch(_DECIMAL_DOT).any():
            return "decimal"
    return "thousands"


def not_numbers_note(uniques: pd.Series) -> str | None:
    """Why a column of numbers with a few stray values ("thirty", "-inf") was read as text."""
    if len(uniques) < 5:
        return None
    plain = uniques.str.replace(r"[,$£€¥₹%\s]", "", regex=True)
    numbers = pd.to_numeric(plain, errors="coerce").to_numpy(dtype="float64")
    stray = uniques[~np.isfinite(numbers)]
    if len(stray) == 0 or len(stray) > max(2, len(uniques) // 20):
        return None
    examples = ", ".join(repr(str(v)[:30]) for v in stray.iloc[:3])
    return (f"read as text because of values that are not numbers ({examples}); correct them "
            "in the file to use the column as numbers")


def parse_numbers(uniques: pd.Series, dots: str | None = None
                   ) -> tuple[np.ndarray, str | None, str | None, bool] | None:
    """Numbers with currency symbols, thousands separators, percent signs or (negatives).

    `dots`: see `parse_column`.
    """
    if not uniques.str.contains(r"\d").all():
        return None
    symbols = uniques.str.extract(f"({CURRENCY_PATTERN})", expand=False).dropna()
    core = uniques.str.replace(CURRENCY_PATTERN, "", regex=True)
    # Spaces (and Swiss apostrophes) only count as thousands separators before 3 digits, so
    # "1 234 567" is a number and "555 0101" (a phone number) is not.
    core = core.str.strip().str.replace(r"(?<=\d)[\s\u00a0\u202f'](?=\d{3}(?!\d))", "",
                                        regex=True)
    core = core.str.replace(r"^([-+(]*)\s+|\s+(?=[)%]*$)", r"\1", regex=True)
    percent = core.str.endswith("%")
    core = core.str.removesuffix("%")
    negative = core.str.fullmatch(r"\(.*\)")
    core = core.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    core = core.str.replace(r"^([-+]?)[-+]?", r"\1", regex=True)
    dotted = core.str.contains(".", regex=False)
    # Every dot before three digits and no comma: "1.500" may be 1500 or 1.5.
    grouped = bool(dotted.any() and (core.str.fullmatch(_DOT_GROUPS)
                                     | (~dotted & core.str.fullmatch(INTEGER))).all())
    if grouped and (dots == "thousands" or core.str.contains(r"\.\d{3}\.").any()):
        cleaned = core.str.replace(".", "", regex=False)
        example = str(core[dotted].iloc[0])
        style = (f"read with '.' as the thousands separator ({example} = "
                 f"{example.replace('.', '')})" + (", as in European exports (the file is "
                                                   "semicolon-separated)"
                                                   if dots == "thousands" else ""))
    elif core.str.fullmatch(_US_NUMBER).all() and not (
            # In a European export "1,500" is 1.5, as "12,50" is 12.5.
            dots == "thousands" and core.str.contains(",").any()
            and core.str.fullmatch(_EU_NUMBER).all()):
        cleaned = core.str.replace(",", "", regex=False)
        style = None
        if grouped and dots == "decimal":
            example = str(core[dotted].iloc[0])
            style = (f"read with '.' as the decimal mark ({example} = {float(example):g}), as "
                     "the file's other numbers are written")
    elif core.str.fullmatch(_EU_NUMBER).all() and core.str.contains(",").any():
        cleaned = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        style = "read with ',' as the decimal mark"
    else:
        return None
    numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64")
    if np.isnan(numbers).any():
        return None
    numbers = np.where(negative.to_numpy(), -np.abs(numbers), numbers)
    currency = None
    if len(symbols):
        top = symbols.value_counts().index[0]
        currency = _CURRENCY_CODES.get(str(top).rstrip(".").upper(), top)
    notes = [n for n in (style, "percentages kept as written (12% -> 12)"
                         if percent.any() else None) if n]
    whole = bool(cleaned.str.fullmatch(r"[-+]?\d+").all()) and currency is None
    return numbers, currency, "; ".join(notes) or None, whole


def scientific_ids_note(column: str, raw_ids: pd.Series) -> str | None:
    """A warning when ids (as text, `raw_ids`) are written in scientific notation."""
    values = pd.Series(pd.Series(pd.unique(raw_ids.astype("str")), dtype="str").str.strip()
                       .unique(), dtype="str")
    written = values[values.str.fullmatch(SCIENTIFIC_ID)]
    if len(written) == 0:
        return None
    rows = int(raw_ids.astype("str").str.strip().isin(set(written)).sum())
    return scientific_ids_text(column, len(written), rows, str(written.iloc[0]))


def scientific_ids_text(column: str, ids: int, rows: int, example: str) -> str:
    many = "1 id is" if ids == 1 else f"{ids:,} ids are"
    on = "1 row" if rows == 1 else f"{rows:,} rows"
    return (f"{column}: {many} written in scientific notation ({example}, on {on}), as Excel "
            "shows long numbers: their last digits are lost, so different customers may have "
            "been merged into one. Export the ids as text (format the column as Text before "
            "saving) and load the file again.")


# Currencies a column's name may give, as the token and the symbol shown.
NAME_CURRENCIES = (("£", "£"), ("€", "€"), ("$", "$"), ("¥", "¥"), ("₹", "₹"), ("₽", "₽"),
                    ("gbp", "£"), ("eur", "€"), ("usd", "$"), ("rub", "₽"), ("руб", "₽"),
                    ("cny", "¥"), ("rmb", "¥"), ("inr", "₹"))

def currency_from_names(schema: Schema) -> str | None:
    """The currency a money column's name gives ("sum_rub", "Revenue (USD)"), if any."""
    money_roles = {Role.AMOUNT, Role.UNIT_PRICE, Role.MONETARY, Role.MEASURE}
    for info in schema.columns:
        if info.role not in money_roles:
            continue
        lowered = info.name.lower()
        for token, symbol in NAME_CURRENCIES:
            # a word of the name: "sum_rub", "Revenue (USD)", not "rubric"
            if (token in lowered if not token.isalpha()
                    else re.search(rf"(?<![^\W\d_]){token}(?![^\W\d_])", lowered)):
                return symbol
    return None
