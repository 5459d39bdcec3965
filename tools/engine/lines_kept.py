"""The cleaned purchase lines the ordinary load keeps: where and in which shape.

`loading.py` keeps (customer_id, day, amount) of the lines `clean_transactions` kept in
`CustomerData.derived[LINES_KEY]`; `purchase_lines.py` reads them for the predictive
traits (and loads the file again when they are missing). In a module of its own so the
load and the reader of its lines do not import each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.engine.cleaning import AMOUNT_COLUMN, CUSTOMER_ID_COLUMN, has_amount
from tools.engine.schema import Role, Schema

LINES_KEY = "purchase_lines"
LINE_COLUMNS = ("customer_id", "day", "amount")


def kept_lines(kept: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """(customer_id, day, amount) of the lines `clean_transactions` kept; amount NaN when
    the log has none."""
    date_info = schema.first(Role.DATE)
    if date_info is None or kept.empty:
        return pd.DataFrame({name: [] for name in LINE_COLUMNS})
    amounts = (kept[AMOUNT_COLUMN].to_numpy(dtype=float) if has_amount(schema)
               else np.full(len(kept), np.nan))
    return pd.DataFrame({"customer_id": kept[CUSTOMER_ID_COLUMN].to_numpy(),
                         "day": kept[date_info.name].to_numpy(), "amount": amounts})
