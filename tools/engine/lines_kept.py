"""The cleaned purchase lines the ordinary load keeps: where and in which shape.

`loading.py` keeps (customer_id, day, amount) of the lines `clean_transactions` kept, with
their order id and the log's attribute columns (country, category, ...), in
`CustomerData.derived[LINES_KEY]`; `purchase_lines.py` reads them for the predictive
traits and the `purchased` condition (and loads the file again when they are missing). In
a module of its own so the load and the reader of its lines do not import each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.engine.cleaning import AMOUNT_COLUMN, CUSTOMER_ID_COLUMN, has_amount
from tools.engine.features import LINE_COLUMNS, attribute_columns
from tools.engine.schema import Role, Schema

LINES_KEY = "purchase_lines"


def kept_lines(kept: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """(customer_id, day, amount) of the lines `clean_transactions` kept, then `order_key`
    (the order id as read, where the log has one) and the log's attribute columns; amount
    NaN when the log has none."""
    date_info = schema.first(Role.DATE)
    order_info = schema.first(Role.ORDER_ID)
    extra = [c.name for c in attribute_columns(schema)
             if c.name in kept.columns and c.name not in LINE_COLUMNS]
    names = ["customer_id", "day", "amount", *(["order_key"] if order_info else []), *extra]
    if date_info is None or kept.empty:
        return pd.DataFrame({name: [] for name in names})
    amounts = (kept[AMOUNT_COLUMN].to_numpy(dtype=float) if has_amount(schema)
               else np.full(len(kept), np.nan))
    lines = pd.DataFrame({"customer_id": kept[CUSTOMER_ID_COLUMN].to_numpy(),
                          "day": kept[date_info.name].to_numpy(), "amount": amounts})
    # Raw: `purchased` makes them the frequency feature's text keys, for the lines it counts.
    for name, column in ([("order_key", order_info.name)] if order_info else []) + [
            (name, name) for name in extra]:
        lines[name] = kept[column].reset_index(drop=True)  # by position, in its own dtype
    return lines
