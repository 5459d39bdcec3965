"""The models' view of each customer, from purchase lines, and the prediction settings.

Conventions (SEMANTICS.md, "Predictive traits"), those of Fader, Hardie & Lee (2005):

- One purchase = one customer-day: all of a customer's kept lines on one calendar day are
  one purchase, their amounts summed.
- Calibration ends on a day E (`PredictConfig.calibration_end`, default the last day of the
  data); only purchases on or before E are fitted. Customers whose first purchase comes
  after E have no history at E: they are counted (`PurchaseHistory.customers_after_end`),
  not fitted and not predicted.
- x (`repeat_purchases`) = purchase days up to E minus 1; t_x (`weeks_to_last`) = weeks
  from the first to the last purchase up to E; T (`age_weeks`) = weeks from the first
  purchase to E; a week is 7 days. m_x (`repeat_order_value`) = the mean amount of the x
  repeat purchase days (the first is left out); NaN when x = 0 or the data has no amount.
  Other tools name them frequency, recency, T and monetary_value; `recency` there is NOT
  the product's recency_days (days since the last purchase), hence the names here.
- Purchase days after E (up to the data's last day) are the holdout
  (`holdout_purchases`), for `predictive_check.holdout_check`.

The product's own customer features map onto this only approximately
(`history_from_features`): see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.engine.errors import DataError

DAYS_PER_UNIT = 7  # the models' time unit is the week
TIME_UNIT = "weeks"
# The model's view of a customer (one row per customer, index "customer_id").
REPEATS = "repeat_purchases"  # x
WEEKS_TO_LAST = "weeks_to_last"  # t_x
AGE_WEEKS = "age_weeks"  # T
REPEAT_VALUE = "repeat_order_value"  # m_x
HOLDOUT_PURCHASES = "holdout_purchases"  # purchase days after E (when the data goes on)
FIRST_DAY = "first_purchase_day"
# The predicted features (one row per customer).
EXPECTED_PURCHASES = "expected_purchases"
P_ALIVE = "p_alive"
EXPECTED_AOV = "expected_avg_order_value"
CLV = "clv"
PREDICTED_COLUMNS = (EXPECTED_PURCHASES, P_ALIVE, EXPECTED_AOV, CLV)


class PredictConfig(BaseModel):
    """Where the calibration ends, how far ahead to predict, and the margin for CLV."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    calibration_end: date | None = None  # default: the last purchase day of the data
    horizon_days: int = Field(default=90, ge=1, le=3650)
    margin: float = Field(default=1.0, gt=0, le=1)  # share of revenue kept; 1 = CLV in revenue


@dataclass(frozen=True)
class PurchaseHistory:
    """Each customer's history at the calibration end, in the models' terms."""

    table: pd.DataFrame  # REPEATS, WEEKS_TO_LAST, AGE_WEEKS, REPEAT_VALUE, HOLDOUT_PURCHASES
    calibration_end: date
    first_day: date  # the first purchase day in the data
    data_end: date  # the last purchase day in the data (holdout end when after E)
    customers_after_end: int  # first purchase after E: not fitted, not predicted
    has_amount: bool
    # Customer-table rows whose recency, frequency and tenure contradict each other
    # (`history_from_features`): left out.
    customers_left_out: int = 0

    @property
    def holdout_days(self) -> int:
        """Days after the calibration end that the data covers (0: no holdout)."""
        return max((self.data_end - self.calibration_end).days, 0)

    @property
    def window_days(self) -> int:
        """Days from the first purchase in the data to the calibration end, inclusive."""
        return (self.calibration_end - self.first_day).days + 1


def purchase_history(lines: pd.DataFrame, calibration_end: date | None = None, *,
                     customer: str = "customer_id", day: str = "day",
                     amount: str | None = "amount") -> PurchaseHistory:
    """The models' per-customer history from cleaned purchase lines (one row per order line
    or order: customer, date or timestamp, amount). `amount=None`, a missing column or an
    all-missing one: no amounts (BG/NBD only)."""
    if lines.empty:
        raise DataError("No purchases to fit a predictive model on.")
    stamps = pd.to_datetime(lines[day])
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    values = (pd.to_numeric(lines[amount], errors="coerce") if amount in lines.columns
              else pd.Series(np.nan, index=lines.index))
    frame = pd.DataFrame({"customer_id": lines[customer].to_numpy(),
                          "day": stamps.dt.normalize().to_numpy(),
                          "amount": values.to_numpy(dtype=float)})
    frame = frame[frame["day"].notna() & frame["customer_id"].notna()]
    if frame.empty:
        raise DataError("No purchases with a customer and a date to fit a predictive model on.")
    has_amount = bool(frame["amount"].notna().any())
    days = (frame.groupby(["customer_id", "day"], sort=True)["amount"].sum(min_count=1)
            .reset_index())
    first_day, data_end = days["day"].min(), days["day"].max()
    end = pd.Timestamp(calibration_end) if calibration_end is not None else data_end
    if end < first_day:
        raise DataError(f"The calibration end {end.date()} is before the first purchase "
                        f"({first_day.date()}); choose a later date.")
    first = days.groupby("customer_id", sort=True)["day"].min()
    days["first"] = days["customer_id"].map(first)
    inside = days[days["day"] <= end]
    grouped = inside.groupby("customer_id", sort=True)
    count = grouped["day"].size()
    last = grouped["day"].max()
    start = first.loc[count.index]
    repeat_days = inside[inside["day"] > inside["first"]]
    table = pd.DataFrame({
        REPEATS: (count - 1).astype(float),
        WEEKS_TO_LAST: (last - start).dt.days / DAYS_PER_UNIT,
        AGE_WEEKS: (end - start).dt.days / DAYS_PER_UNIT,
        REPEAT_VALUE: repeat_days.groupby("customer_id")["amount"].mean().reindex(count.index),
        HOLDOUT_PURCHASES: days[days["day"] > end].groupby("customer_id")["day"].size()
        .reindex(count.index, fill_value=0).astype(float),
        FIRST_DAY: start.dt.date,
    })
    table.index = pd.Index(count.index.to_numpy(), name="customer_id",
                           dtype=lines[customer].dtype)
    return PurchaseHistory(table=table, calibration_end=end.date(), first_day=first_day.date(),
                           data_end=data_end.date(),
                           customers_after_end=int((first > end).sum()),
                           has_amount=has_amount)


def history_from_features(customers: pd.DataFrame, as_of: date) -> PurchaseHistory:
    """An approximate history from the product's customer features (SEMANTICS.md) when the
    purchase lines are not at hand; `as_of` is the features' as-of date (purchases before
    it counted), so the calibration end E is the day before it:

    - x = frequency - 1. Exact when frequency counts purchase days (a log without an order
      id); with order ids, two orders on one day count twice here and once in the model.
    - t_x = (tenure_days - recency_days) / 7; T = (tenure_days - 1) / 7 (exact).
    - m_x = monetary / frequency (avg_order_value): the mean of ALL purchases, the first
      included, where the model wants the mean of the repeat ones; no amount: NaN.

    Rows whose features contradict each other (recency above tenure or below 1 day, one
    purchase but a last purchase after the first) are left out and counted.
    """
    needed = ["recency_days", "frequency", "tenure_days"]
    missing = [name for name in needed if name not in customers.columns]
    if missing:
        raise DataError("Predictive traits need " + ", ".join(missing) + " per customer.",
                        options=list(customers.columns))
    known = customers.dropna(subset=needed)
    tenure, recency, frequency = (known[name].astype(float) for name in
                                  ("tenure_days", "recency_days", "frequency"))
    fits = ((frequency >= 1) & (recency >= 1) & (recency <= tenure)
            & ((frequency > 1) | (recency == tenure)))
    usable = known[fits]
    if usable.empty:
        raise DataError("No customer has a recency, frequency and tenure that fit together.")
    tenure, recency, frequency = tenure[fits], recency[fits], frequency[fits]
    if "monetary" in usable.columns:
        mean_value = usable["monetary"].astype(float) / frequency
    else:
        mean_value = pd.Series(np.nan, index=usable.index)
    end = as_of - timedelta(days=1)
    table = pd.DataFrame({
        REPEATS: frequency - 1,
        WEEKS_TO_LAST: (tenure - recency) / DAYS_PER_UNIT,
        AGE_WEEKS: (tenure - 1) / DAYS_PER_UNIT,
        REPEAT_VALUE: mean_value.where(frequency > 1),
        HOLDOUT_PURCHASES: 0.0,
        FIRST_DAY: [as_of - timedelta(days=int(d)) for d in tenure],
    }, index=usable.index)
    return PurchaseHistory(table=table, calibration_end=end,
                           first_day=min(table[FIRST_DAY]), data_end=end,
                           customers_after_end=0, has_amount="monetary" in usable.columns,
                           customers_left_out=int((~fits).sum()))


