"""Lifecycle stages, with thresholds taken from the base's own rhythm of buying.

A fixed "inactive for 90 days" is wrong for a business whose customers buy
weekly and for one whose customers buy twice a year, so the thresholds are
measured on the data:

- **typical gap**: for each repeat customer (2+ orders, first and last purchase
  on different days), the average time between purchases is
  (days between first and last purchase) / (orders - 1), i.e.
  (tenure_days - recency_days) / (frequency - 1). The typical gap is the median
  of that over those customers, rounded to whole days (at least 1). Customers
  whose orders all fall on one day are left out: they show no purchase cycle.
- Stages, checked in this order so each customer gets exactly one:
  1. **new**: first purchase within the last 1 x gap days (tenure_days <= gap);
  2. **active**: last purchase within 1 x gap days (recency_days <= gap);
  3. **at risk**: last purchase within 3 x gap days (recency_days <= 3 x gap);
  4. **lapsed**: no purchase for more than 3 x gap days.
  The multipliers are `LifecycleConfig` fields. A customer with a missing
  recency, frequency or tenure gets no stage (missing).
- One-time buyers are not a stage of their own: a single order placed within
  one gap is new (tenure equals recency), and one placed longer ago makes the
  customer at risk or lapsed like anyone gone quiet that long. This keeps the
  four stages of the knowledge base and its playbooks; "bought only once" is
  the condition frequency = 1, combinable with any stage.

It needs recency, frequency and tenure per customer: a transaction log always
has them; a customer table needs those columns recognised or mapped
(`--map tenure=COLUMN`), otherwise a DataError says which are missing. (A
recency column alone says nothing about how often customers buy, so no
thresholds are guessed from it.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.engine.behaviour import float_values, require_behaviour_columns
from tools.engine.dataset import CustomerData
from tools.engine.errors import DataError
from tools.engine.schema import Role

STAGES: tuple[str, ...] = ("new", "active", "at risk", "lapsed")
LIFECYCLE_ROLES = [Role.RECENCY, Role.FREQUENCY, Role.TENURE]


class LifecycleConfig(BaseModel):
    """How many typical gaps each stage boundary lies at."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    new_gaps: float = Field(default=1.0, gt=0)
    active_gaps: float = Field(default=1.0, gt=0)
    at_risk_gaps: float = Field(default=3.0, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> LifecycleConfig:
        if self.at_risk_gaps <= self.active_gaps:
            raise ValueError("at_risk_gaps must be larger than active_gaps")
        return self


@dataclass(frozen=True)
class LifecycleThresholds:
    """The numbers behind the stages, in whole days."""

    typical_gap_days: int
    median_gap_days: float  # before rounding
    repeat_customers: int  # customers the median was taken over
    new_within_days: int
    active_within_days: int
    at_risk_within_days: int

    def explain(self) -> str:
        return (
            f"Typical time between purchases: {self.typical_gap_days} days (median over "
            f"{self.repeat_customers:,} repeat customers of the days between their first and "
            f"last purchase divided by their orders minus one). "
            f"New: first purchase in the last {self.new_within_days} days. "
            f"Active: last purchase within {self.active_within_days} days. "
            f"At risk: last purchase {self.active_within_days + 1}-{self.at_risk_within_days} "
            f"days ago. Lapsed: no purchase for more than {self.at_risk_within_days} days."
        )

    def to_dict(self) -> dict[str, int | float]:
        return {
            "typical_gap_days": self.typical_gap_days,
            "median_gap_days": round(self.median_gap_days, 2),
            "repeat_customers": self.repeat_customers,
            "new_within_days": self.new_within_days,
            "active_within_days": self.active_within_days,
            "at_risk_within_days": self.at_risk_within_days,
        }


def lifecycle_table(
    data: CustomerData, config: LifecycleConfig | None = None
) -> tuple[pd.DataFrame, LifecycleThresholds]:
    """A frame with column "stage" indexed like data.customers, and the thresholds used.

    Computed once per config and kept in `data.derived`.
    """
    config = config or LifecycleConfig()
    key = f"lifecycle:{config.model_dump_json()}"
    cached = data.derived.get(key)
    if cached is None:
        cached = _compute_lifecycle(data, config)
        data.derived[key] = cached
    table, thresholds = cached
    return table.copy(deep=False), thresholds


def _compute_lifecycle(
    data: CustomerData, config: LifecycleConfig
) -> tuple[pd.DataFrame, LifecycleThresholds]:
    columns = require_behaviour_columns(data, LIFECYCLE_ROLES, "Lifecycle stages")
    frame = data.customers
    recency = float_values(frame[columns[Role.RECENCY]])
    frequency = float_values(frame[columns[Role.FREQUENCY]])
    tenure = float_values(frame[columns[Role.TENURE]])
    thresholds = derive_thresholds(recency, frequency, tenure, config)

    stage_index = np.select(
        [
            tenure <= thresholds.new_within_days,
            recency <= thresholds.active_within_days,
            recency <= thresholds.at_risk_within_days,
        ],
        [STAGES.index(s) for s in ("new", "active", "at risk")],
        default=STAGES.index("lapsed"),
    )
    unknown = np.isnan(recency) | np.isnan(frequency) | np.isnan(tenure)
    stages = np.array(STAGES, dtype=object)[stage_index]
    stages[unknown] = None
    table = pd.DataFrame({"stage": pd.array(stages, dtype="str")}, index=frame.index)
    return table, thresholds


def derive_thresholds(
    recency: np.ndarray,
    frequency: np.ndarray,
    tenure: np.ndarray,
    config: LifecycleConfig | None = None,
) -> LifecycleThresholds:
    """Stage thresholds from per-customer recency, frequency and tenure (days, orders)."""
    config = config or LifecycleConfig()
    span = tenure - recency
    repeat = (frequency >= 2) & (span > 0)
    if not repeat.any():
        raise DataError(
            "Lifecycle stages need repeat customers to measure the time between purchases, "
            "but no customer bought on two different days: use RFM or a recency rule instead",
            options=["rfm", "recency_days"],
        )
    median_gap = float(np.median(span[repeat] / (frequency[repeat] - 1)))
    gap = max(1, _round_half_up(median_gap))
    active_within = max(1, _round_half_up(config.active_gaps * gap))
    return LifecycleThresholds(
        typical_gap_days=gap,
        median_gap_days=median_gap,
        repeat_customers=int(repeat.sum()),
        new_within_days=max(1, _round_half_up(config.new_gaps * gap)),
        active_within_days=active_within,
        at_risk_within_days=max(active_within + 1, _round_half_up(config.at_risk_gaps * gap)),
    )


def _round_half_up(value: float) -> int:
    return int(np.floor(value + 0.5))
