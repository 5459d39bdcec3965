"""Recency (and tenure) for a customer table that gives the last (first) purchase as a
date, not in days.

A table with `last_purchase_date` (or "LastOrderDate", "最近购买日期", "дата_последней_
покупки") but no days-since column still has a recency: whole days from that date to the
table's reference day, the day after its latest date (as a log's as-of date is the day
after its latest purchase), or the as-of date the user set. The column is added as
`recency_days` with the RECENCY role, so RFM and "haven't bought in 90 days" work, and the
load says how it was computed. A first-purchase date ("first_gift_date", "дата_первой_
покупки") gives `tenure_days` the same way, so lifecycle stages ("lapsed donors") work.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from tools.engine.dataset import RECENCY, TENURE
from tools.engine.naming import role_words
from tools.engine.roles import describe_column
from tools.engine.schema import DType, Role, Schema

# Words of a column name that say it is when the customer last bought.
_LAST = frozenset({"last", "latest", "recent"})
_FIRST = frozenset({"first", "earliest"})
_BOUGHT = frozenset({"purchase", "order", "ordered", "transaction", "buy", "bought",
                     "invoice", "visit", "booking", "spend", "spent", "payment", "gift",
                     "donation", "stay"})


def purchase_date_column(schema: Schema, role: Role) -> str | None:
    """The date column mapped as the recency (tenure), else the one date column named like
    the customer's last (first) purchase, if there is one."""
    mapped = [c.name for c in schema.by_role(role) if c.dtype is DType.DATE]
    if mapped:
        return mapped[0]
    when = _LAST if role is Role.RECENCY else _FIRST
    found = [c.name for c in schema.columns if c.dtype is DType.DATE and
             when & (words := set(role_words(c.name))) and _BOUGHT & words]
    return found[0] if len(found) == 1 else None


def day_after_latest(customers: pd.DataFrame, schema: Schema) -> pd.Timestamp | None:
    """A customer table's reference day: the day after the latest date in any of its date
    columns (None when it has no dates)."""
    latest = [customers[c.name].max() for c in schema.columns
              if c.dtype is DType.DATE and c.name in customers]
    stamps = [pd.Timestamp(v) for v in latest if v is not None and not pd.isna(v)]
    return max(stamps).normalize() + pd.Timedelta(days=1) if stamps else None


def with_table_recency(customers: pd.DataFrame, schema: Schema, as_of: date | None
                       ) -> tuple[pd.DataFrame, Schema, str | None]:
    """`customers` with `recency_days` from the last-purchase date and `tenure_days` from the
    first, and the notes saying so; unchanged where the table has the measure already or no
    such date (or a column of that name)."""
    notes: list[str] = []
    for role, feature in ((Role.RECENCY, RECENCY), (Role.TENURE, TENURE)):
        customers, schema, note = _days_since(customers, schema, as_of, role, feature)
        notes.extend([note] if note else [])
    return customers, schema, " ".join(notes) or None


def _days_since(customers: pd.DataFrame, schema: Schema, as_of: date | None, role: Role,
                feature: str) -> tuple[pd.DataFrame, Schema, str | None]:
    column = purchase_date_column(schema, role)
    in_days = [c for c in schema.by_role(role) if c.dtype is not DType.DATE]
    if column is None or in_days or feature in customers.columns:
        return customers, schema, None
    dates = pd.to_datetime(customers[column], errors="coerce").dt.normalize()
    end = pd.Timestamp(as_of) if as_of is not None else day_after_latest(customers, schema)
    if end is None:
        return customers, schema, None
    days = (end - dates).dt.days.astype("Int64")
    added = customers.assign(**{feature: days})
    reason = f"whole days from {column} to {end.date().isoformat()}"
    info = describe_column(feature, added[feature], DType.INTEGER, role, reason)
    note = f"{feature}: {reason} (the day after the latest date in the table)." \
        if as_of is None else f"{feature}: {reason} (the as-of date)."
    # The date itself stays an attribute ("last visit in March").
    dated = tuple(replace(c, role=Role.DATE_ATTRIBUTE) if c.name == column else c
                  for c in schema.columns)
    return added, Schema(kind=schema.kind, columns=(*dated, info),
                         notes=schema.notes), note
