"""Cleaning a transaction log, exactly as SEMANTICS.md says, every step counted.

1. Drop rows with no customer id or an unparseable date.
2. Exclude cancelled orders (order ids starting with "C", or a status that says the
   order was cancelled in any language of `cancel_words.yaml`, or a yes/no column such
   as "is_cancelled"). Returned or refunded orders are not cancelled: they stay.
3. Exclude lines with quantity <= 0 and lines with amount <= 0.

Duplicate rows are kept on purpose: a repeated order line is indistinguishable
from a customer buying the same item twice, and the documented figures keep them.
The cleaned frame gains an "amount" column (the amount column, else quantity x
unit price; all missing when the log has neither, see `has_amount`) and a
"customer_id" column (int64 when every id is a whole number).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.engine.cancellation import cancel_flag_words, cancelled_status_pattern
from tools.engine.dataset import CleaningStep
from tools.engine.errors import DataError
from tools.engine.markers import missing_markers
from tools.engine.naming import role_words
from tools.engine.schema import ColumnInfo, DType, Role, Schema

# The cleaning step of cancelled lines (the interpreter tells how many it removed).
CANCELLED_RULE = "cancelled orders"

AMOUNT_COLUMN = "amount"
CUSTOMER_ID_COLUMN = "customer_id"
# Online Retail marks a cancellation by a "C" before the invoice number (C536379): a C and
# digits only, so a hex id that happens to start with "c3" is no cancellation.
_CANCELLED_ORDER = r"[Cc][-_ ]?\d+\s*$"
# The rule for SQL engines (RE2 syntax; `regexp_matches` searches, so anchor the order).
# The status pattern (`cancelled_status_pattern`) is matched against the lower-cased status,
# on both paths.
CANCELLED_ORDER_SQL = r"^\s*" + _CANCELLED_ORDER


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


def has_amount(schema: Schema) -> bool:
    """Whether a log says what each line cost: an amount, or a quantity and a unit price."""
    return schema.first(Role.AMOUNT) is not None or (
        schema.first(Role.QUANTITY) is not None and schema.first(Role.UNIT_PRICE) is not None)


def amount_candidates(schema: Schema) -> list[str]:
    """Numeric columns of a log that could be mapped as its amount."""
    return [c.name for c in schema.columns if c.dtype in (DType.NUMBER, DType.INTEGER)
            and c.role not in (Role.CUSTOMER_ID, Role.ORDER_ID)]


def clean_transactions(df: pd.DataFrame, schema: Schema) -> tuple[pd.DataFrame,
                                                                     list[CleaningStep]]:
    """Apply the SEMANTICS.md cleaning rules; return the kept lines and the steps.

    A log without an amount (customer and date only) keeps its lines with an all-missing
    "amount"; recency, frequency and tenure need no more.
    """
    id_col = _required(schema, Role.CUSTOMER_ID, "customer id", "customer_id")
    date_col = _required(schema, Role.DATE, "purchase date", "date")
    amount_info = schema.first(Role.AMOUNT)
    quantity_info = schema.first(Role.QUANTITY)
    price_info = schema.first(Role.UNIT_PRICE)
    steps: list[CleaningStep] = []

    # Each rule counts the lines it drops among those the rules before it kept; the lines
    # are taken once at the end (each take copies every column of a 500,000-line log).
    ids = df[id_col]
    if pd.api.types.is_numeric_dtype(ids) or pd.api.types.is_bool_dtype(ids):
        keep = ids.notna() & df[date_col].notna()
    else:
        # "n/a" or "unknown" is no customer, even where it is common enough to be a value.
        keep = df[date_col].notna() & ~missing_markers(ids.astype("str"))
    steps.append(CleaningStep("rows with no customer id or an unreadable date", _count(keep)))

    order_info = schema.first(Role.ORDER_ID)
    status_info = schema.first(Role.STATUS)
    if order_info is not None or status_info is not None:
        cancelled = _cancelled(df, order_info.name if order_info else None, status_info,
                               within=keep)
        steps.append(CleaningStep(CANCELLED_RULE, int((cancelled & keep).sum())))
        keep &= ~cancelled

    if amount_info is not None:
        amount = pd.to_numeric(df[amount_info.name], errors="coerce")
    elif quantity_info is not None and price_info is not None:
        amount = (pd.to_numeric(df[quantity_info.name], errors="coerce")
                  * pd.to_numeric(df[price_info.name], errors="coerce"))
    else:
        amount = pd.Series(np.nan, index=df.index, dtype="float64")
    if quantity_info is not None:
        quantity = pd.to_numeric(df[quantity_info.name], errors="coerce")
        positive = quantity.gt(0).fillna(False).astype(bool)
        steps.append(CleaningStep("lines with quantity <= 0", _count(positive | ~keep)))
        keep &= positive
    if has_amount(schema):
        positive = amount.gt(0).fillna(False).astype(bool)
        steps.append(CleaningStep("lines with amount <= 0", _count(positive | ~keep)))
        keep &= positive
    frame = df[keep]  # a new frame (copy on write): the caller's `df` is left as it was
    frame[AMOUNT_COLUMN] = amount[keep].astype("float64")
    frame[CUSTOMER_ID_COLUMN] = normalize_ids(frame[id_col])
    if order_info is not None and pd.api.types.is_string_dtype(frame[order_info.name]):
        # As for customers: an order "n/a" is no order number.
        orders = frame[order_info.name]
        frame[order_info.name] = orders.mask(missing_markers(orders))
    return frame, steps


def _cancelled(frame: pd.DataFrame, order_column: str | None,
               status: ColumnInfo | None, *, within: pd.Series) -> pd.Series:
    """Lines marked cancelled; `within`: the lines still kept, whose order ids decide
    whether a leading "C" is a cancellation mark."""
    cancelled = pd.Series(False, index=frame.index)
    if order_column is not None:
        orders = frame[order_column].astype(str).str.strip()
        marked = orders.str.match(_CANCELLED_ORDER).fillna(False).astype(bool)
        # When every order id starts that way it is the shop's prefix, not a cancellation mark.
        if not marked[within].all():
            cancelled |= marked
    if status is not None:
        values = frame[status.name]
        if pd.api.types.is_bool_dtype(values):
            if set(role_words(status.name)) & cancel_flag_words():
                cancelled |= values.fillna(False).astype(bool)
        else:
            cancelled |= values.astype(str).str.lower().str.contains(
                cancelled_status_pattern(), regex=True).fillna(False).astype(bool)
    return cancelled


def _count(keep: pd.Series) -> int:
    return int((~keep).sum())


def _required(schema: Schema, role: Role, what: str, key: str) -> str:
    info = schema.first(role)
    if info is None:
        raise DataError(f"No {what} column found; map one with --map {key}=COLUMN.",
                        options=schema.names)
    return info.name
