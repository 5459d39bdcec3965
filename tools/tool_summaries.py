"""Compact, JSON-able summaries of data and segments: what a model is allowed to see.

Only the schema, role tags, non-personal category values and aggregates leave
this module; never a customer row, id, email, name or phone number.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from tools.engine.dataset import MONETARY, CustomerData
from tools.engine.definitions import Condition
from tools.engine.errors import DefinitionError
from tools.engine.matching import nearest
from tools.engine.schema import ColumnInfo, Role
from tools.engine.wording import format_count, language_of

# Category values are shown to a model only for roles that carry no personal data.
_VALUE_ROLES = {Role.CATEGORY, Role.FLAG, Role.STATUS}
# Values listed per column in the data summary; past this the summary says how many there
# are and that the `column_values` tool lists the rest, so no value is silently unseen.
MAX_VALUES = 40


def customers(count: int | float) -> str:
    """"1 customer", "4,338 customers"."""
    number = int(count)
    return f"{number:,} customer" + ("" if number == 1 else "s")


def customer_count(count: int | float, language: str = "en") -> str:
    """`customers` in the request's language: "5 клиентов", "1 клиент", "4,338 位客户"."""
    if language_of(language) == "en":
        return customers(count)
    return format_count(count, "customer", language)


def column_summary(column: ColumnInfo) -> dict[str, Any]:
    out: dict[str, Any] = {"name": column.name, "role": str(column.role),
                           "type": str(column.dtype), "missing": column.n_missing,
                           "distinct": column.n_unique}
    if column.role == Role.PERSONAL:
        out["personal"] = column.personal_kind or "personal"
        return out
    if column.role in _VALUE_ROLES and column.values:
        out["values"] = list(column.values[:MAX_VALUES])
        total = max(column.n_unique, len(column.values))
        if total > len(out["values"]):
            out["more_values"] = (f"{len(out['values'])} of {total} values shown, most "
                                  "frequent first; column_values lists the others")
    if column.minimum is not None and column.maximum is not None:
        out["min"] = _number(column.minimum)
        out["max"] = _number(column.maximum)
    return out


def column_values(data: CustomerData, name: str, contains: str | None = None
                  ) -> dict[str, Any]:
    """A category column's values (most frequent first), optionally those containing a text."""
    columns = {c.name: c for c in data.schema.columns}
    column = columns.get(name) or next(
        (c for c in data.schema.columns if c.name.casefold() == name.strip().casefold()), None)
    if column is None:
        raise DefinitionError(f"No column '{name}'.", options=nearest(name, list(columns)))
    if column.role is Role.PERSONAL:
        raise DefinitionError(f"{column.name} holds personal data: its values are not shown.")
    if column.role not in _VALUE_ROLES or not column.values:
        listed = [c.name for c in data.schema.columns if c.role in _VALUE_ROLES and c.values]
        raise DefinitionError(f"{column.name} has no list of values (it is a "
                              f"{column.dtype} column); columns with values: "
                              f"{', '.join(listed) or 'none'}.", options=listed)
    wanted = (contains or "").strip().casefold()
    values = [v for v in column.values if wanted in v.casefold()]
    return {"column": column.name, "values": values, "matching": len(values),
            "distinct": max(column.n_unique, len(column.values))}


def data_summary(data: CustomerData) -> dict[str, Any]:
    source = data.source
    return {
        "kind": str(data.kind),
        "customers": data.n_customers,
        "as_of": source.as_of.isoformat() if source.as_of else None,
        "currency": source.currency,
        "rows_read": source.rows_read,
        "cleaning": [{"rule": s.rule, "rows_removed": s.rows_removed} for s in source.cleaning],
        "columns": [column_summary(c) for c in data.schema.columns],
        "notes": list(source.warnings),  # how the file was read (encoding, date order, ...)
    }


def revenue_column(data: CustomerData) -> str | None:
    if MONETARY in data.customers.columns:
        return MONETARY
    found = data.schema.first(Role.MONETARY)
    return found.name if found else None


def segment_summary(data: CustomerData, condition: Condition, mask: pd.Series, *,
                    language: str = "en") -> dict[str, Any]:
    """Size, shares, the definition and its description (in `language`: "en", "zh", "ru")."""
    from tools.engine.describe import describe

    size = int(mask.sum())
    total = max(data.n_customers, 1)
    out: dict[str, Any] = {
        "size": size,
        # six places: a reply rounds it once more to one decimal of a percent, and four
        # places can tip that (66 of 657 is 10.046%, 0.1005 reads 10.1%)
        "share": round(size / total, 6),
        "definition": condition.model_dump(mode="json"),
        "description": describe(condition, data, language=language),
    }
    revenue = revenue_column(data)
    if revenue is not None:
        values = pd.to_numeric(data.customers[revenue], errors="coerce")
        whole = float(values.sum())
        if whole > 0:
            out["revenue_share"] = round(float(values[mask].sum()) / whole, 6)
    return out


def _number(value: float) -> float | int:
    if math.isfinite(value) and float(value).is_integer():
        return int(value)
    return round(float(value), 4)
