"""Leaf conditions as SQL booleans, for `sql.py`: checked literals and the tests built on them.

One column against a value (numbers, dates, yes/no; the text test is in `sql.py`), a sum of
columns against a number and one column against another, with the meanings `evaluate.py`
gives them (see `operands.py` and `multi_column.py`): fractional numbers equal up to 1e-9
count as equal, yes/no columns add as 1/0, and a test with a missing value is NULL, which
the caller turns into FALSE. Values become literals checked here; names are quoted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd

from tools.engine.errors import DefinitionError
from tools.engine.features import quote_name, sql_literal
from tools.engine.operands import (
    FALSE_WORDS,
    TRUE_WORDS,
    Column,
    ColumnKind,
    bool_operand,
    number_operand,
)

SqlKind = Literal["integer", "float", "date", "text", "bool"]
# As operands.py: fractional numbers this close (relative and absolute) are equal.
FLOAT_NOISE = 1e-9

SQL_OPS = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "=", "!=": "<>"}


def text_key(value: Any) -> str:
    """As operands.text_key: case and surrounding spaces ignored (whole floats as integers)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lower()


def number_value(column: str, value: Any) -> int | float:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = value if isinstance(value, float) else number_operand(
        Column(column, ColumnKind.NUMBER, pd.Series(dtype="float64")), value)
    if not math.isfinite(number):
        raise DefinitionError(f"{column}: compare it with a finite number, not {value}.")
    return number


def number_literal(number: int | float) -> str:
    return str(number) if isinstance(number, int) else f"CAST({float(number)!r} AS DOUBLE)"


def number_test(name: str, column: str, op: str, value: Any, *, tolerant: bool) -> str:
    number = number_value(column, value)
    plain = f"{name} {SQL_OPS[op]} {number_literal(number)}"
    if not tolerant:
        return plain
    tolerance = FLOAT_NOISE + FLOAT_NOISE * abs(float(number))
    close = f"abs({name} - {number_literal(float(number))}) <= {tolerance!r}"
    return f"({plain} OR {close})" if op in ("==", ">=", "<=") else f"({plain} AND NOT {close})"


def iso_day(value: Any) -> pd.Timestamp | None:
    if not isinstance(value, str) or not re.match(r"\s*\d{4}-\d{1,2}-\d{1,2}", value):
        return None
    try:
        stamp = pd.Timestamp(value.strip())
    except ValueError:
        return None
    return None if pd.isna(stamp) else stamp


def date_test(name: str, column: str, op: str, value: Any) -> str:
    stamp = iso_day(value)
    if stamp is None:
        raise DefinitionError(f"{column} is a date column: compare it with a date like "
                              f"2011-06-30, not {value!r}.")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    if stamp == stamp.normalize():  # a day: compare calendar days
        day = sql_literal(stamp.date().isoformat())
        return f"CAST({name} AS DATE) {SQL_OPS[op]} CAST({day} AS DATE)"
    moment = sql_literal(stamp.isoformat(sep=" "))
    return f"CAST({name} AS TIMESTAMP) {SQL_OPS[op]} CAST({moment} AS TIMESTAMP)"


def bool_value(column: str, value: Any) -> bool:
    return bool_operand(Column(column, ColumnKind.BOOL, pd.Series(dtype=bool)), value)


# Several columns: a sum against a number, one column against another.


def flag_number_sql(name: str) -> str:
    """A yes/no text column as 1/0 (NULL for missing or any other text), as
    `operands.flag_numbers` reads it."""
    key = f"lower(trim(CAST({name} AS VARCHAR)))"
    yes = ", ".join(sql_literal(word) for word in sorted(TRUE_WORDS))
    no = ", ".join(sql_literal(word) for word in sorted(FALSE_WORDS))
    return f"CASE WHEN {key} IN ({yes}) THEN 1 WHEN {key} IN ({no}) THEN 0 END"


def _kind(column: str, kinds: Mapping[str, SqlKind]) -> SqlKind:
    """`column`'s kind: exact name, else the one name equal ignoring case (as `find_column`
    finds it); a fractional number when unknown."""
    if column in kinds:
        return kinds[column]
    folded = [kind for name, kind in kinds.items()
              if name.casefold() == column.strip().casefold()]
    return folded[0] if len(folded) == 1 else "float"


def sum_test(columns: list[str], op: str, value: Any, kinds: Mapping[str, SqlKind]) -> str:
    """`A + B + ... op value`, NULL when any column is NULL. Columns of unknown kind are
    taken as fractional numbers."""
    if not columns:
        raise DefinitionError("Name the columns to add up.")
    column_kinds = [_kind(column, kinds) for column in columns]
    bad = next((c for c, kind in zip(columns, column_kinds, strict=True)
                if kind == "date"), None)
    if bad is not None:
        raise DefinitionError(f"{bad} is a date column: a sum adds number or yes/no columns.")
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise DefinitionError(f"Compare the total of {' + '.join(columns)} with a finite "
                              "number.")
    fractional = "float" in column_kinds
    terms = []
    for column, kind in zip(columns, column_kinds, strict=True):
        name = quote_name(column)
        term = (flag_number_sql(name) if kind == "text"
                else f"CAST({name} AS INTEGER)" if kind == "bool" else name)
        # Added left to right in one type, as pandas does (BIGINT cannot overflow a few sums).
        terms.append(f"CAST({term} AS {'DOUBLE' if fractional else 'BIGINT'})")
    label = " + ".join(columns)
    return number_test(f"({' + '.join(terms)})", f"the total of {label}", op, value,
                       tolerant=fractional)


def columns_test(left: str, op: str, right: str, kinds: Mapping[str, SqlKind]) -> str:
    """`left op right` over two number columns or two date columns; NULL when either is.
    Columns of unknown kind are taken as fractional numbers."""
    left_kind, right_kind = _kind(left, kinds), _kind(right, kinds)
    for column, kind, other in ((left, left_kind, right), (right, right_kind, left)):
        if kind in ("text", "bool"):
            shown = "yes/no" if kind == "bool" else kind
            raise DefinitionError(f"{column} is a {shown} column: comparing it with {other} "
                                  "needs numbers or dates on both sides.")
    if (left_kind == "date") != (right_kind == "date"):
        raise DefinitionError(f"{left} and {right} cannot be compared: compare numbers with "
                              "numbers or dates with dates.")
    a, b = quote_name(left), quote_name(right)
    if left_kind == "date":
        return f"CAST({a} AS TIMESTAMP) {SQL_OPS[op]} CAST({b} AS TIMESTAMP)"
    if "float" not in (left_kind, right_kind):
        return f"{a} {SQL_OPS[op]} {b}"
    a, b = f"CAST({a} AS DOUBLE)", f"CAST({b} AS DOUBLE)"
    plain = f"{a} {SQL_OPS[op]} {b}"
    # As numpy.isclose(a, b): |a - b| <= atol + rtol * |b|.
    close = f"abs({a} - {b}) <= {FLOAT_NOISE!r} + {FLOAT_NOISE!r} * abs({b})"
    return f"({plain} OR {close})" if op in ("==", ">=", "<=") else f"({plain} AND NOT {close})"
