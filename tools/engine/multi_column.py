"""Conditions over several columns: a sum compared with a number, one column with another.

`sum` ("total spend across product lines over 1,000", "accepted 2 or more campaigns"):
number columns add their values, yes/no columns count yes as 1 and no as 0 (read as
`operands.flag_numbers` reads them). `compare_columns` ("balance above salary"): two
number columns, or two date columns compared as recorded (time of day included).

As for `compare`, a missing value never matches: a customer missing any of the summed
columns, or either side of a column comparison, is not a member, whatever the operator.
Fractional numbers equal up to floating-point noise (1e-9) count as equal, so a total of
0.1 + 0.2 "is 0.3"; whole numbers compare exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tools.engine.dataset import CustomerData
from tools.engine.definitions import ColumnSum, CompareColumns
from tools.engine.errors import DefinitionError
from tools.engine.operands import (
    COMPARISONS,
    ORDERED,
    Column,
    ColumnKind,
    column_kind,
    compare,
    find_column,
    flag_numbers,
)

# As operands.py: fractional numbers this close (relative and absolute) are equal.
_FLOAT_NOISE = 1e-9
# How many names an error message lists.
_LISTED = 8


def _summable(data: CustomerData) -> list[str]:
    """The columns a sum can add: numbers and yes/no columns."""
    found = []
    for name in data.customers.columns:
        column = Column(str(name), column_kind(data.customers[name]), data.customers[name])
        if column.kind is ColumnKind.NUMBER or flag_numbers(column) is not None:
            found.append(column.name)
    return found


def _listing(names: list[str]) -> str:
    return ", ".join(names[:_LISTED]) + (", ..." if len(names) > _LISTED else "")


def _addend(column: Column, data: CustomerData) -> pd.Series:
    if column.kind is ColumnKind.NUMBER:
        return column.series
    flags = flag_numbers(column)
    if flags is not None:
        return flags
    summable = _summable(data)
    raise DefinitionError(
        f"{column.name} is a {column.kind} column: a sum adds number or yes/no columns"
        + (f" ({_listing(summable)})." if summable else "; this data has none."),
        options=summable[:_LISTED])


def sum_label(columns: list[str]) -> str:
    """How the total reads in messages: "MntWines + MntFruits"."""
    return " + ".join(columns)


def finite_number(value: float | int, what: str) -> float:
    """`value` as a float, or a one-line error when it is too large to be one."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise DefinitionError(f"Compare {what} with a finite number; {str(value)[:12]}... is "
                              "too large.")
    return number


def column_sum(data: CustomerData, node: ColumnSum) -> pd.Series:
    """The customers whose total over `node.columns` satisfies `op value`."""
    if not node.columns:
        summable = _summable(data)
        raise DefinitionError(f"Name the columns to add up: {_listing(summable)}.",
                              options=summable[:_LISTED])
    columns = [find_column(data, name) for name in node.columns]
    names = [column.name for column in columns]
    twice = next((name for index, name in enumerate(names) if name in names[:index]), None)
    if twice is not None:
        raise DefinitionError(f"{twice} is named twice in the sum; name each column once.",
                              options=list(dict.fromkeys(names)))
    parts = [_addend(column, data) for column in columns]
    label = sum_label(names)
    value = finite_number(node.value, f"the total of {label}")
    total: pd.Series
    if any(pd.api.types.is_float_dtype(part.dtype) for part in parts):
        # Added left to right in float64, as the SQL does, so both round alike.
        arrays = [part.to_numpy(dtype="float64", na_value=np.nan) for part in parts]
        added = arrays[0].copy()
        for array in arrays[1:]:
            added = added + array
        total = pd.Series(added, index=data.customers.index)
    else:
        total = parts[0].astype("Int64")
        for part in parts[1:]:
            total = total + part.astype("Int64")
    return compare(Column(label, ColumnKind.NUMBER, total), node.op, value)


def _comparable(column: Column, other: Column) -> None:
    if column.kind not in ORDERED:
        raise DefinitionError(
            f"{column.name} is a {column.kind} column: comparing it with {other.name} needs "
            "numbers or dates on both sides.")


def columns_compared(data: CustomerData, node: CompareColumns) -> pd.Series:
    """The customers whose value in `node.left` satisfies `op` their value in `node.right`."""
    left, right = find_column(data, node.left), find_column(data, node.right)
    _comparable(left, right)
    _comparable(right, left)
    if left.kind is not right.kind:
        raise DefinitionError(
            f"{left.name} is a {left.kind} column and {right.name} a {right.kind} column: "
            "compare numbers with numbers or dates with dates.")
    known = left.series.notna().to_numpy() & right.series.notna().to_numpy()
    if left.kind is ColumnKind.DATE:
        zones = (getattr(left.series.dt, "tz", None), getattr(right.series.dt, "tz", None))
        if (zones[0] is None) != (zones[1] is None):
            raise DefinitionError(
                f"{left.name} and {right.name} cannot be compared: one has a time zone and "
                "the other does not.")
    fractional = left.kind is ColumnKind.NUMBER and any(
        pd.api.types.is_float_dtype(c.series.dtype) for c in (left, right))
    if fractional:
        a = left.series.to_numpy(dtype="float64", na_value=np.nan)
        b = right.series.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            result = COMPARISONS[node.op](a, b)
            close = np.isclose(a, b, rtol=_FLOAT_NOISE, atol=_FLOAT_NOISE)
        result = result | close if node.op in ("==", ">=", "<=") else result & ~close
    else:
        compared = COMPARISONS[node.op](left.series, right.series)
        result = pd.Series(compared, index=data.customers.index).astype("boolean") \
            .fillna(False).to_numpy(dtype=bool)
    return pd.Series(np.asarray(result, dtype=bool) & known, index=data.customers.index)
