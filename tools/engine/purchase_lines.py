"""The cleaned purchase lines of a transaction log, kept for the predictive traits.

The customer features summarise a log into one row per customer; the BG/NBD and
Gamma-Gamma models (predictive*.py) need the purchase days themselves (one purchase =
one customer-day, the first one left out of the order value), and the days after a
calibration end for the holdout check. The ordinary load keeps the cleaned lines as
(customer_id, day, amount) in `CustomerData.derived[LINES_KEY]` (`lines_kept.py`); a
dataset from the load cache or a large-file scan has none, and `purchase_lines` reads the
file again the ordinary way, with the roles the first load found.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from tools.engine.errors import DataError
from tools.engine.lines_kept import LINES_KEY
from tools.engine.loading import load_customer_data
from tools.engine.schema import DataKind, Role, Schema

__all__ = ["LINES_KEY", "NO_LOG", "line_mapping", "purchase_lines"]

if TYPE_CHECKING:
    from tools.engine.dataset import CustomerData

# The roles that decide which lines are kept and what they cost: passed again on a re-read
# so that it finds the same columns even where the first load read a role from the values.
_LINE_ROLES = (Role.CUSTOMER_ID, Role.DATE, Role.AMOUNT, Role.QUANTITY, Role.UNIT_PRICE,
               Role.ORDER_ID, Role.STATUS)
NO_LOG = ("Predictions need a purchase log (one row per order or order line, with a customer "
          "id and a date); {name} was read as a customer table: load the orders file "
          "instead, or name its columns with --map customer_id=COLUMN --map date=COLUMN.")


def line_mapping(schema: Schema) -> dict[str, str]:
    """The roles of a log's raw columns as a `--map` mapping."""
    return {role.value: info.name for role in _LINE_ROLES
            if (info := schema.first(role)) is not None}


def purchase_lines(data: CustomerData, *, table: str | None = None) -> pd.DataFrame:
    """The cleaned lines of the loaded log (kept by the load, or read again from its file)."""
    cached = data.derived.get(LINES_KEY)
    if isinstance(cached, pd.DataFrame):
        return cached
    name = Path(data.source.path).name
    if data.kind is not DataKind.TRANSACTIONS:
        raise DataError(NO_LOG.format(name=name))
    if not Path(data.source.path).is_file():
        raise DataError(f"{name} is no longer where it was loaded from; load it again to "
                        "predict.")
    again = load_customer_data(data.source.path, table=table,
                               mapping=line_mapping(data.source.raw_schema), keep_lines=True)
    lines = again.derived.get(LINES_KEY)
    if not isinstance(lines, pd.DataFrame):
        raise DataError(NO_LOG.format(name=name))
    data.derived[LINES_KEY] = lines
    return lines
