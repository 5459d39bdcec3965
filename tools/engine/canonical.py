"""Definitions in the data's own spelling.

Matching ignores case ("germany" finds Germany), but what is shown and saved
should read like the data: exact column names and category values. Call
`canonical` on a definition that validates; anything it cannot place is left
as written for validation to report.
"""

from __future__ import annotations

from tools.engine.dataset import CustomerData
from tools.engine.definitions import (
    And,
    Between,
    Cluster,
    ColumnSum,
    Compare,
    CompareColumns,
    Condition,
    In,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Rank,
    Scalar,
)
from tools.engine.errors import EngineError
from tools.engine.operands import Column, ColumnKind, find_column, text_key

_COLUMN_CONDITIONS = (Compare, Between, In, NotIn, Missing, Present, Rank)


def _column(data: CustomerData, name: str) -> Column | None:
    try:
        return find_column(data, name)
    except EngineError:
        return None


def _spelled(column: Column, value: Scalar) -> Scalar:
    if column.kind != ColumnKind.TEXT or isinstance(value, bool):
        return value
    by_key = {text_key(v): v for v in column.texts}
    return by_key.get(text_key(value), value)


def _name(data: CustomerData, name: str) -> str:
    column = _column(data, name)
    return name if column is None else column.name


def canonical(condition: Condition, data: CustomerData) -> Condition:
    if isinstance(condition, And):
        return And(all=[canonical(c, data) for c in condition.all])
    if isinstance(condition, Or):
        return Or(any=[canonical(c, data) for c in condition.any])
    if isinstance(condition, Not):
        return Not(condition=canonical(condition.condition, data))
    if isinstance(condition, Cluster) and condition.within is not None:
        return condition.model_copy(update={"within": canonical(condition.within, data)})
    if isinstance(condition, ColumnSum):
        return condition.model_copy(
            update={"columns": [_name(data, name) for name in condition.columns]})
    if isinstance(condition, CompareColumns):
        return condition.model_copy(update={"left": _name(data, condition.left),
                                            "right": _name(data, condition.right)})
    if not isinstance(condition, _COLUMN_CONDITIONS):
        return condition
    column = _column(data, condition.column)
    if column is None:
        return condition
    update: dict[str, object] = {"column": column.name}
    if isinstance(condition, In | NotIn):
        update["values"] = [_spelled(column, v) for v in condition.values]
    elif isinstance(condition, Compare) and condition.op in ("==", "!="):
        update["value"] = _spelled(column, condition.value)
    return condition.model_copy(update=update)
