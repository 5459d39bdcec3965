"""Cleaning a transaction log, exactly as SEMANTICS.md says, every step counted.

1. Drop rows with no customer id or an unparseable date.
2. Exclude cancelled orders (order ids starting with "C", or a status that says so).
3. Exclude lines with quantity <= 0 and lines with amount <= 0.

Duplicate rows are kept on purpose: a repeated order line is indistinguishable
from a customer buying the same item twice, and the documented figures keep them.
The cleaned frame gains an "amount" column (the amount column, else quantity x
unit price) and a "customer_id" column (int64 when every id is a whole number).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.engine.dataset import CleaningStep
from tools.engine.errors import DataError
from tools.engine.schema import DType, Role, Schema

AMOUNT_COLUMN = "amount"
CUSTOMER_ID_COLUMN = "customer_id"
# Online Retail marks a cancellation by a "C" before the invoice number (C536379).
_CANCELLED_ORDER = r"[Cc][-_ ]?\d"
_CANCELLED_STATUS = r"(?i)cancel|refund|return|void|reversed|chargeback"
# The same rules for SQL engines (RE2 syntax; `regexp_matches` searches, so anchor the order).
CANCELLED_ORDER_SQL = r"^\s*" + _CANCELLED_ORDER
CANCELLED_STATUS_SQL = _CANCELLED_STATUS


def normalize_ids(ids: pd.Series) -> pd.Series:
    """Customer ids as int64 when every id is a whole number ("0001" -> 1), else stripped text."""
    if pd.api.types.is_bool_dtype(ids):
        return ids.astype(str)
    if pd.api.types.is_integer_dtype(ids) and not ids.isna().any():
        return ids.astype("int64")
    if pd.api.types.is_numeric_dtype(ids):
        values = ids.to_numpy(dtype="float64")
        if np.isfinite(values).all() and (values == np.round(values)).all():
            return pd.Series(values.astype("int64"), index=ids.index)
        return ids.astype(str)
    text = ids.astype(str).str.strip()
    if len(text) and text.str.fullmatch(r"[-+]?\d{1,18}(?:\.0+)?").all():
        return pd.Series(pd.to_numeric(text).to_numpy().astype("int64"), index=ids.index)
    return text


def clean_transactions(df: pd.DataFrame, schema: Schema) -> tuple[pd.DataFrame,
                                                                     list[CleaningStep]]:
    """Apply the SEMANTICS.md cleaning rules; return the kept lines and the steps."""
    id_col = _required(schema, Role.CUSTOMER_ID, "customer id", "customer_id")
    date_col = _required(schema, Role.DATE, "purchase date", "date")
    amount_info = schema.first(Role.AMOUNT)
    quantity_info = schema.first(Role.QUANTITY)
    price_info = schema.first(Role.UNIT_PRICE)
    if amount_info is None and (quantity_info is None or price_info is None):
        raise DataError("No amount column found (and no quantity and unit price to multiply); "
                        "map one with --map amount=COLUMN.",
                        options=[c.name for c in schema.columns
                                 if c.dtype in (DType.NUMBER, DType.INTEGER)
                                 and c.role not in (Role.CUSTOMER_ID, Role.ORDER_ID)])
    steps: list[CleaningStep] = []
    frame = df

    keep = frame[id_col].notna() & frame[date_col].notna()
    if frame[id_col].dtype == object or pd.api.types.is_string_dtype(frame[id_col]):
        keep &= frame[id_col].astype(str).str.strip().ne("")
    steps.append(CleaningStep("rows with no customer id or an unreadable date", _count(keep)))
    frame = frame[keep]

    order_info = schema.first(Role.ORDER_ID)
    status_info = schema.first(Role.STATUS)
    if order_info is not None or status_info is not None:
        cancelled = _cancelled(frame, order_info.name if order_info else None,
                               status_info.name if status_info else None)
        steps.append(CleaningStep("cancelled orders", int(cancelled.sum())))
        frame = frame[~cancelled]

    if amount_info is not None:
        amount = pd.to_numeric(frame[amount_info.name], errors="coerce")
    else:
        assert quantity_info is not None and price_info is not None
        amount = (pd.to_numeric(frame[quantity_info.name], errors="coerce")
                  * pd.to_numeric(frame[price_info.name], errors="coerce"))
    if quantity_info is not None:
        quantity = pd.to_numeric(frame[quantity_info.name], errors="coerce")
        positive = quantity.gt(0).fillna(False).astype(bool)
        steps.append(CleaningStep("lines with quantity <= 0", _count(positive)))
        frame, amount = frame[positive], amount[positive]
    positive = amount.gt(0).fillna(False).astype(bool)
    steps.append(CleaningStep("lines with amount <= 0", _count(positive)))
    frame = frame[positive].copy()
    frame[AMOUNT_COLUMN] = amount[positive].astype("float64")
    frame[CUSTOMER_ID_COLUMN] = normalize_ids(frame[id_col])
    return frame, steps


def _cancelled(frame: pd.DataFrame, order_column: str | None,
               status_column: str | None) -> pd.Series:
    cancelled = pd.Series(False, index=frame.index)
    if order_column is not None:
        orders = frame[order_column].astype(str).str.strip()
        marked = orders.str.match(_CANCELLED_ORDER).fillna(False).astype(bool)
        # When every order id starts that way it is the shop's prefix, not a cancellation mark.
        if not marked.all():
            cancelled |= marked
    if status_column is not None:
        cancelled |= frame[status_column].astype(str).str.contains(
            _CANCELLED_STATUS, regex=True).fillna(False).astype(bool)
    return cancelled


def _count(keep: pd.Series) -> int:
    return int((~keep).sum())


def _required(schema: Schema, role: Role, what: str, key: str) -> str:
    info = schema.first(role)
    if info is None:
        raise DataError(f"No {what} column found; map one with --map {key}=COLUMN.",
                        options=schema.names)
    return info.name
