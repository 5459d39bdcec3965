"""Customer features from a cleaned transaction log, as SEMANTICS.md defines them.

All work is grouped and vectorised (one groupby per feature family), so 400k
lines take well under a second. Dates count in calendar days: a purchase on
the last day of the data has recency 1 against the default as-of date, and
first_purchase / last_purchase are calendar days (midnight), so they compare
cleanly with a date a person types.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from tools.engine.cleaning import AMOUNT_COLUMN, CUSTOMER_ID_COLUMN
from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FIRST_PURCHASE,
    FREQUENCY,
    LAST_PURCHASE,
    MONETARY,
    RECENCY,
    TENURE,
)
from tools.engine.errors import DataError
from tools.engine.schema import Role, Schema

FEATURE_COLUMNS = (RECENCY, FREQUENCY, MONETARY, TENURE, AVG_ORDER_VALUE, FIRST_PURCHASE,
                   LAST_PURCHASE)


def to_date(value: date | datetime | str | pd.Timestamp) -> date:
    """An as-of date from a date, datetime, Timestamp or ISO string."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise DataError(f"'{value}' is not a date; give the as-of date as YYYY-MM-DD.") from exc
    if pd.isna(stamp):
        raise DataError(f"'{value}' is not a date; give the as-of date as YYYY-MM-DD.")
    return stamp.date()


def customer_features(df: pd.DataFrame, schema: Schema,
                      as_of: date | datetime | str | None = None) -> tuple[pd.DataFrame, date]:
    """One row per customer (index "customer_id") from the output of `clean_transactions`.

    With an explicit `as_of`, only purchases before that day count (a snapshot).
    """
    date_info = schema.first(Role.DATE)
    if date_info is None:
        raise DataError("No purchase date column found; map one with --map date=COLUMN.",
                        options=schema.names)
    days = df[date_info.name].dt.normalize()
    if as_of is None:
        if days.empty:
            raise DataError("No purchases are left after cleaning; check the column mapping "
                            "with --map amount=COLUMN or --map date=COLUMN.")
        as_of_day = (days.max() + pd.Timedelta(days=1)).date()
    else:
        as_of_day = to_date(as_of)
        before = days < pd.Timestamp(as_of_day)
        df, days = df[before], days[before]
        if days.empty:
            raise DataError(f"No purchases before the as-of date {as_of_day}; choose a later "
                            "date.")
    ids = df[CUSTOMER_ID_COLUMN]
    lines = pd.DataFrame({"customer_id": ids.to_numpy(), "day": days.to_numpy(),
                          "amount": df[AMOUNT_COLUMN].to_numpy()})
    order_info = schema.first(Role.ORDER_ID)
    if order_info is not None:
        lines["order"] = df[order_info.name].astype(str).str.strip().to_numpy()
    else:
        lines["order"] = lines["day"]
    grouped = lines.groupby("customer_id", sort=True)
    first = grouped["day"].min()
    last = grouped["day"].max()
    monetary = grouped["amount"].sum().astype("float64")
    frequency = grouped["order"].nunique().astype("int64")
    as_of_stamp = pd.Timestamp(as_of_day)
    features = pd.DataFrame({
        RECENCY: (as_of_stamp - last).dt.days.astype("int64"),
        FREQUENCY: frequency,
        MONETARY: monetary,
        TENURE: (as_of_stamp - first).dt.days.astype("int64"),
        AVG_ORDER_VALUE: monetary / frequency,
        FIRST_PURCHASE: first.astype("datetime64[ns]"),
        LAST_PURCHASE: last.astype("datetime64[ns]"),
    })
    # Constant columns come along too: "Country" of a one-country shop still answers "from UK".
    attributes = [c for c in schema.columns if c.role is Role.CATEGORY
                  or (c.role is Role.CONSTANT and c.n_unique == 1)]
    for info in attributes:
        if info.name in features.columns or info.name not in df.columns:
            continue
        features[info.name] = most_frequent(ids, df[info.name]).reindex(features.index)
    features.index.name = "customer_id"
    return features, as_of_day


def most_frequent(ids: pd.Series, values: pd.Series) -> pd.Series:
    """Each id's most frequent non-missing value; ties go to the alphabetically first."""
    pairs = pd.DataFrame({"customer_id": ids.to_numpy(), "value": values.to_numpy()}).dropna()
    counts = pairs.groupby(["customer_id", "value"], sort=False).size().reset_index(name="n")
    counts["key"] = counts["value"].astype(str)
    counts = counts.sort_values(["customer_id", "n", "key"], ascending=[True, False, True],
                                kind="stable")
    best = counts.drop_duplicates("customer_id", keep="first")
    return pd.Series(best["value"].to_numpy(), index=best["customer_id"].to_numpy(),
                     dtype=values.dtype)
