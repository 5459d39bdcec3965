"""The customer-level dataset every engine function works on.

Whatever was loaded (a transaction log or a customer table), the engine sees
one row per customer: `customers` is indexed by customer id (name
"customer_id"; integers when every id is integer-valued, else strings; 1-based
row numbers for a customer table without ids). For a transaction log its
columns are the SEMANTICS.md features (recency_days, frequency, monetary,
tenure_days, avg_order_value, first_purchase, last_purchase) followed by the
log's attribute columns; for a customer table they are the table's columns,
parsed. `schema` gives the role of each column of `customers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from tools.engine.schema import DataKind, Schema

# Names of the features computed from a transaction log (SEMANTICS.md).
RECENCY = "recency_days"
FREQUENCY = "frequency"
MONETARY = "monetary"
TENURE = "tenure_days"
AVG_ORDER_VALUE = "avg_order_value"
FIRST_PURCHASE = "first_purchase"
LAST_PURCHASE = "last_purchase"


@dataclass(frozen=True)
class CleaningStep:
    """One cleaning rule and how many rows it removed."""

    rule: str
    rows_removed: int


@dataclass(frozen=True)
class SourceInfo:
    """Where the data came from and what loading did to it."""

    path: str
    kind: DataKind
    rows_read: int
    # Roles of the raw file's columns (for a customer table, same as the customer schema).
    raw_schema: Schema
    cleaning: tuple[CleaningStep, ...] = ()
    rows_kept: int = 0
    as_of: date | None = None
    currency: str | None = None  # "£", "$", ... when the data says so
    content_hash: str = ""
    warnings: tuple[str, ...] = ()
    day_first: bool = False  # its dates are day/month/year: so are a request's (03/04/2021)


@dataclass
class CustomerData:
    customers: pd.DataFrame
    schema: Schema
    source: SourceInfo
    # Derived frames computed on demand (RFM scores, lifecycle stages), keyed by
    # the config that produced them, so a session computes each once.
    derived: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def kind(self) -> DataKind:
        return self.schema.kind

    @property
    def n_customers(self) -> int:
        return len(self.customers)
