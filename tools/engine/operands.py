"""Columns and values of a condition, checked against the data and typed.

A definition names columns and carries values as the person (or a model)
wrote them: "contry", "germany", "5000", "2011-06-30". Before anything is
compared, each column is found in the data and each value is turned into the
column's own type, or a one-line DefinitionError says what is wrong and names
the nearest real columns or values.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from tools.engine.behaviour import is_amount_feature, lacks_amount, no_amount_error
from tools.engine.dataset import CustomerData
from tools.engine.errors import DefinitionError
from tools.engine.matching import nearest

Scalar: TypeAlias = float | int | str | bool
Operand: TypeAlias = float | pd.Timestamp | str | bool

# Relative and absolute tolerance for "equal" fractional numbers: far below any
# money or measure a person types, far above the error of summing floats.
_FLOAT_NOISE = 1e-9
# How many names an error message lists when nothing is near.
_LISTED = 8

_NUMBER_TEXT = re.compile(r"[£$€¥]?\s*[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?\s*[kK]?")
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})

COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


class ColumnKind(StrEnum):
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"
    BOOL = "yes/no"


@dataclass(frozen=True)
class Column:
    """A column of `data.customers` with the kind of values it holds."""

    name: str
    kind: ColumnKind
    series: pd.Series

    def text_in(self, texts: list[str]) -> pd.Series:
        """Whether each value matches one of `texts` as text (see `text_key`; missing: False).

        Folds the distinct values only: a million rows hold a few hundred countries.
        """
        wanted = {text_key(t) for t in texts}
        codes, distinct = pd.factorize(self.series)
        hits = np.array([text_key(v) in wanted for v in distinct] + [False], dtype=bool)
        return pd.Series(hits[codes], index=self.series.index)

    @cached_property
    def texts(self) -> list[str]:
        """The distinct values as text, most frequent first."""
        counts = self.series.dropna().astype("string").value_counts(sort=True)
        return [str(v) for v in counts.index]

    def day_values(self) -> pd.Series:
        return self.series.dt.normalize()


def text_key(value: object) -> str:
    """How text is matched: case and surrounding spaces ignored."""
    return str(value).strip().casefold()


def column_kind(series: pd.Series) -> ColumnKind:
    if pd.api.types.is_bool_dtype(series.dtype):
        return ColumnKind.BOOL
    if pd.api.types.is_numeric_dtype(series.dtype):
        return ColumnKind.NUMBER
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return ColumnKind.DATE
    return ColumnKind.TEXT


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED])
    return shown + (", ..." if len(names) > _LISTED else "")


def find_column(data: CustomerData, name: str) -> Column:
    """The column called `name` (exact, else the only one equal ignoring case)."""
    columns = [str(c) for c in data.customers.columns]
    if name in columns:
        found = name
    else:
        folded = [c for c in columns if c.casefold() == name.strip().casefold()]
        if len(folded) != 1 and is_amount_feature(name) and lacks_amount(data):
            raise no_amount_error(data, f"'{name.strip()}'")
        if len(folded) != 1:
            near = nearest(name, columns)
            if near:
                raise DefinitionError(f"No column '{name}'. Did you mean: {', '.join(near)}?",
                                      options=near)
            raise DefinitionError(f"No column '{name}'. Columns: {_listing(columns)}.",
                                  options=columns)
        found = folded[0]
    series = data.customers[found]
    return Column(name=found, kind=column_kind(series), series=series)


def _number_from_text(text: str) -> float | None:
    cleaned = text.strip()
    if not cleaned or not _NUMBER_TEXT.fullmatch(cleaned) or not re.search(r"\d", cleaned):
        return None
    scale = 1000.0 if cleaned[-1] in "kK" else 1.0
    digits = re.sub(r"[£$€¥,\skK]", "", cleaned)
    return float(digits) * scale


def _show(value: Scalar) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _wrong_type(column: Column, value: Scalar, hint: str) -> DefinitionError:
    return DefinitionError(
        f"{column.name} is a {column.kind} column: compare it with {hint}, not {_show(value)}."
    )


def number_operand(column: Column, value: Scalar) -> float:
    if isinstance(value, bool | int | float):
        return float(value)
    parsed = _number_from_text(value)
    if parsed is None:
        raise _wrong_type(column, value, "a number")
    return parsed


def date_operand(column: Column, value: Scalar) -> pd.Timestamp:
    stamp: pd.Timestamp | None = None
    if isinstance(value, str) and re.match(r"\s*\d{4}-\d{1,2}-\d{1,2}", value):
        try:
            stamp = pd.Timestamp(value.strip())
        except ValueError:
            stamp = None
    if stamp is None or pd.isna(stamp):
        raise _wrong_type(column, value, "a date like 2011-06-30")
    tz = getattr(column.series.dt, "tz", None)
    if tz is not None and stamp.tzinfo is None:
        stamp = stamp.tz_localize(tz)
    return stamp


def bool_operand(column: Column, value: Scalar) -> bool:
    if isinstance(value, bool):
        return value
    word = str(int(value) if isinstance(value, float) and value.is_integer() else value)
    word = word.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _wrong_type(column, value, "yes or no")


def flag_numbers(column: Column) -> pd.Series | None:
    """A yes/no column as 1/0 (Int64, missing stays missing); None for any other column.

    Yes/no is read as `bool_operand` reads a value: a boolean column, or a text column
    whose every value is a yes/no word ("Yes"/"No", "y"/"n", "true"/"false", "1"/"0").
    """
    if column.kind is ColumnKind.BOOL:
        return column.series.astype("Int64")
    if column.kind is not ColumnKind.TEXT:
        return None
    codes, distinct = pd.factorize(column.series)
    keys = [text_key(v) for v in distinct]
    if not keys or not set(keys) <= TRUE_WORDS | FALSE_WORDS:
        return None
    ones = np.array([int(key in TRUE_WORDS) for key in keys], dtype="int64")
    numbers = pd.array(ones[np.where(codes < 0, 0, codes)], dtype="Int64")
    numbers[codes < 0] = pd.NA
    return pd.Series(numbers, index=column.series.index)


def text_operand(column: Column, value: Scalar) -> str:
    """The case-folded form of `value`, which must be one of the column's own values."""
    if isinstance(value, bool):
        raise _wrong_type(column, value, "one of its values")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = text_key(value)
    values = column.texts
    if key in {text_key(v) for v in values}:
        return key
    if not values:
        raise DefinitionError(f"{column.name} has no values (every one is missing), so nothing "
                              f"can match '{value}'; choose another column.")
    if not isinstance(value, str):
        raise DefinitionError(
            f"{column.name} is a text column: compare it with one of its values "
            f"({_listing(values)}), not {value}.",
            options=values[:_LISTED],
        )
    near = nearest(value, values)
    if near:
        raise DefinitionError(
            f"{column.name} has no value '{value}'. Did you mean: {', '.join(near)}?",
            options=near,
        )
    raise DefinitionError(
        f"{column.name} has no value '{value}'. Its values include: {_listing(values)}.",
        options=values[:_LISTED],
    )


_OPERANDS: dict[ColumnKind, Callable[[Column, Scalar], Operand]] = {
    ColumnKind.NUMBER: number_operand,
    ColumnKind.DATE: date_operand,
    ColumnKind.BOOL: bool_operand,
    ColumnKind.TEXT: text_operand,
}

# Kinds whose values have an order (>, <, between, rank make sense).
ORDERED = frozenset({ColumnKind.NUMBER, ColumnKind.DATE})


def operand(column: Column, value: Scalar) -> Operand:
    return _OPERANDS[column.kind](column, value)


def require_ordered(column: Column, what: str) -> None:
    if column.kind not in ORDERED:
        hint = {
            ColumnKind.TEXT: "use equals, not equals, in or not in",
            ColumnKind.BOOL: "use equals yes or no",
        }[column.kind]
        raise DefinitionError(f"{column.name} is a {column.kind} column: {what} needs numbers "
                              f"or dates; {hint}.")


def _comparable(column: Column, value: Operand) -> tuple[pd.Series, Operand]:
    """The column's values and the operand in a form where `==` and `<` mean what a person means.

    A date without a time of day compares with the calendar day of each
    value, so "on 2011-06-30" includes 14:05 that day.
    """
    if column.kind is ColumnKind.DATE and isinstance(value, pd.Timestamp) \
            and value == value.normalize():
        return column.day_values(), value
    return column.series, value


def _as_mask(result: pd.Series | np.ndarray, column: Column) -> pd.Series:
    """A plain bool mask in which a missing value never matches."""
    filled = pd.Series(result, index=column.series.index).astype("boolean").fillna(False)
    return filled.astype(bool) & column.series.notna().to_numpy()


def compare(column: Column, op: str, value: Operand) -> pd.Series:
    """Customers whose value in `column` satisfies `op value`; missing values never do.

    Fractional numbers equal to the operand up to floating-point noise count
    as equal (a spend summed to 999.9999999999999 "is at least 1,000").
    """
    if column.kind is ColumnKind.TEXT:  # only == and != reach here (require_ordered)
        equal = column.text_in([str(value)])
        return _as_mask(equal if op == "==" else ~equal, column)
    values, value = _comparable(column, value)
    result = COMPARISONS[op](values, value)
    if column.kind is ColumnKind.NUMBER and pd.api.types.is_float_dtype(values.dtype):
        close = np.isclose(values.to_numpy(dtype=float, na_value=np.nan), float(value),
                           rtol=_FLOAT_NOISE, atol=_FLOAT_NOISE)
        result = result | close if op in ("==", ">=", "<=") else result & ~close
    return _as_mask(result, column)


def is_one_of(column: Column, values: list[Operand]) -> pd.Series:
    """Customers whose value in `column` equals any of `values` (as `compare` means equal)."""
    if column.kind is ColumnKind.TEXT:
        return column.text_in([str(v) for v in values])
    found = pd.Series(False, index=column.series.index)
    for value in values:
        found |= compare(column, "==", value)
    return found
