"""The `purchased` condition over a log's kept lines: orders or spend in a period, of
chosen values.

"Spent over 5,000 in the last month" and "more than 5 orders of vitamins" are questions
about the lines, not about the per-customer totals (which cover the whole log) nor the
customer's most frequent category (one value per customer). The lines are the ones the
load kept (`purchase_lines`), so cancelled orders and returns are left out as for every
other figure; an order is what the frequency feature counts (SEMANTICS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import pandas as pd

from tools.engine.dataset import CustomerData
from tools.engine.definitions import Purchased
from tools.engine.errors import DataError, DefinitionError
from tools.engine.features import LINE_COLUMNS
from tools.engine.matching import nearest
from tools.engine.operands import (
    COMPARISONS,
    Column,
    column_kind,
    is_one_of,
    operand,
)
from tools.engine.purchase_lines import purchase_lines
from tools.engine.rfm import require_monetary
from tools.engine.schema import DataKind

# Amounts are summed in millionths, as the monetary feature sums them, so that "spent
# exactly 100" and a threshold at a total's own value compare as they read.
_MICROS = 1_000_000
# Past this many millionths a sum could overflow 64-bit integers: floats are summed instead.
_EXACT_LIMIT = 9e18


def purchased_members(node: Purchased, data: CustomerData) -> pd.Series:
    """Whether each customer's measure over the chosen lines meets `op value`."""
    if data.kind is not DataKind.TRANSACTIONS:
        raise DefinitionError("Purchases in a period need a purchase log (one row per "
                              "order); this data is a customer table: use its date "
                              "columns instead.")
    if node.measure == "spend":
        try:
            require_monetary(data, "Spend in a period or on chosen values")
        except DataError as error:  # a definition that does not fit this data
            raise DefinitionError(error.message, options=error.options) from None
    lines = purchase_lines(data)
    days = _calendar_days(lines["day"])
    chosen = _in_period(node, data, days) & _of_values(node, lines)
    picked = lines.loc[chosen.to_numpy()]
    if node.measure == "orders":
        # An order as the frequency feature counts it: the order id as text, else the day.
        keys = (picked["order_key"].astype(str).str.strip() if "order_key" in picked.columns
                else days[chosen])
        per_customer = keys.groupby(picked["customer_id"].to_numpy()).nunique()
    else:
        per_customer = _spend(picked)
    measured = per_customer.reindex(data.customers.index, fill_value=0)
    met = COMPARISONS[node.op](measured.to_numpy(dtype=float), float(node.value))
    return pd.Series(np.asarray(met, dtype=bool), index=data.customers.index)


def _calendar_days(stamps: pd.Series) -> pd.Series:
    days = pd.to_datetime(stamps)
    if getattr(days.dt, "tz", None) is not None:
        days = days.dt.tz_localize(None)
    return days.dt.normalize().reset_index(drop=True)


def _day(text: str | None, what: str) -> pd.Timestamp | None:
    if text is None:
        return None
    try:
        day = pd.Timestamp(text.strip())
    except ValueError:
        day = pd.NaT
    if pd.isna(day):
        raise DefinitionError(f"Write the period's {what} day as YYYY-MM-DD, not '{text}'.")
    return day.normalize()


def _in_period(node: Purchased, data: CustomerData, days: pd.Series) -> pd.Series:
    """Lines on a day in [start, end), within the last `within_days` days, and before the
    as-of date (a snapshot's later lines count for no feature, so for no period either)."""
    start, end = _day(node.start, "first"), _day(node.end, "end")
    if start is not None and end is not None and start >= end:
        raise DefinitionError(
            f"The period from {node.start} up to {node.end} has no days: the end (not "
            "included) must come after the start.")
    as_of = (pd.Timestamp(data.source.as_of) if data.source.as_of is not None
             else days.max() + timedelta(days=1))
    inside = days < as_of
    if start is not None:
        inside &= days >= start
    if end is not None:
        inside &= days < end
    if node.within_days is not None:
        # recency_days <= N: a purchase N days before the as-of date is still inside.
        inside &= days >= as_of - timedelta(days=node.within_days)
    return inside


def _of_values(node: Purchased, lines: pd.DataFrame) -> pd.Series:
    """Lines whose value in the chosen log column is one of the values (all without one)."""
    everything = pd.Series(True, index=lines.index)
    if node.column is None:
        if node.values:
            raise DefinitionError(f"Name the log column that holds {_shown(node.values)} "
                                  "(column), or leave the values out.")
        return everything.reset_index(drop=True)
    column = _line_column(node.column, lines)
    if not node.values:
        raise DefinitionError(f"Name at least one value of {column.name} to match.",
                              options=column.texts[:8])
    # The column's own values, case ignored; an unknown one names the nearest real ones.
    return is_one_of(column, [operand(column, v) for v in node.values]).reset_index(drop=True)


def _line_column(name: str, lines: pd.DataFrame) -> Column:
    """The log column called `name` (exact, else the only one equal ignoring case)."""
    choices = [str(c) for c in lines.columns if c not in LINE_COLUMNS]
    found = name if name in choices else None
    if found is None:
        folded = [c for c in choices if c.casefold() == name.strip().casefold()]
        found = folded[0] if len(folded) == 1 else None
    if found is None:
        if not choices:
            raise DefinitionError(
                f"This log's lines have no column like '{name}' to choose purchases by (no "
                "category, country or channel column); leave the column out.")
        near = nearest(name, choices)
        if near:
            raise DefinitionError(f"No log column '{name}' to choose purchases by. Did you "
                                  f"mean: {', '.join(near)}?", options=near)
        raise DefinitionError(f"No log column '{name}' to choose purchases by. The columns "
                              f"are: {', '.join(choices)}.", options=choices)
    series = lines[found]
    return Column(name=found, kind=column_kind(series), series=series)


def _shown(values: Sequence[object]) -> str:
    return ", ".join(str(v) for v in values)


def _spend(picked: pd.DataFrame) -> pd.Series:
    """The sum of the line amounts per customer, exactly in millionths where it fits."""
    amounts = picked["amount"].to_numpy(dtype=float)
    owners = picked["customer_id"].to_numpy()
    if not len(amounts) or np.abs(amounts).sum() * _MICROS >= _EXACT_LIMIT:
        return pd.Series(amounts).groupby(owners).sum()
    micros = np.round(amounts * _MICROS).astype(np.int64)
    return pd.Series(micros).groupby(owners).sum() / _MICROS
