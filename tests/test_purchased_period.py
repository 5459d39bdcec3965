"""The `purchased` condition: customers with a kept purchase in a period of days, read
from the log's lines ("bought in December 2010" is any purchase then, not the last one)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tools.engine.definitions import Not, Purchased
from tools.engine.describe import describe
from tools.engine.errors import DefinitionError
from tools.engine.evaluate import evaluate
from tools.engine.loading import load_customer_data


def _log(folder: Path) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(17)
    n = 900
    frame = pd.DataFrame({
        "Invoice": [f"{500000 + k // 3}" for k in range(n)],
        "Customer ID": rng.integers(12000, 12150, n).astype(float),
        "InvoiceDate": (pd.Timestamp("2010-10-01 09:00") + pd.to_timedelta(
            rng.integers(0, 180 * 24, n), unit="h")).strftime("%Y-%m-%d %H:%M:%S"),
        "Quantity": rng.integers(1, 6, n), "Price": rng.gamma(2, 3, n).round(2),
    })
    frame.loc[::25, "Invoice"] = "C" + frame.loc[::25, "Invoice"]  # cancelled, left out
    path = folder / "lines.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_any_kept_purchase_in_the_period(tmp_path: Path) -> None:
    path, raw = _log(tmp_path)
    data = load_customer_data(path)
    kept = raw[~raw.Invoice.str.startswith("C")]
    days = pd.to_datetime(kept.InvoiceDate)
    december = (days >= "2010-12-01") & (days < "2011-01-01")
    want = {str(int(c)) for c in kept.loc[december, "Customer ID"]}
    bought = Purchased(start="2010-12-01", end="2011-01-01")
    members = evaluate(bought, data)
    assert {str(i) for i in members[members].index} == want
    # more than "the last purchase was in December": later buyers count too
    last = pd.to_datetime(data.customers.last_purchase)
    assert members.sum() > ((last >= "2010-12-01") & (last < "2011-01-01")).sum()
    assert int(evaluate(Not(condition=bought), data).sum()) == len(data.customers) - len(want)
    assert describe(bought) == "bought between 2010-12-01 and 2010-12-31"
    assert describe(bought, language="ru") == "покупали с 2010-12-01 по 2010-12-31"


def test_a_customer_table_has_no_purchases_to_read(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    pd.DataFrame({"id": [1, 2, 3], "signup": ["2024-01-01", "2024-02-01", "2024-03-01"],
                  "plan": ["a", "b", "a"]}).to_csv(path, index=False)
    with pytest.raises(DefinitionError, match="purchase log"):
        evaluate(Purchased(start="2024-01-01", end="2024-02-01"), load_customer_data(path))
