"""The `purchased` condition, read from the log's kept lines: customers with a purchase in a
period ("bought in December 2010" is any purchase then, not the last one), their orders or
spend in a period or the last N days, of chosen categories; checked against plain pandas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tools.engine.definitions import Condition, Not, Purchased, SegmentDefinition
from tools.engine.describe import describe
from tools.engine.errors import DefinitionError
from tools.engine.evaluate import evaluate
from tools.engine.loading import load_customer_data
from tools.engine.sql import to_sql


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


# An invented supplements shop: orders of several lines, one category per line.
CATEGORIES = ("vitamins", "minerals", "protein", "herbal teas")


def _shop(folder: Path, *, with_orders: bool = True, with_amounts: bool = True) -> tuple[
        Path, pd.DataFrame]:
    rng = np.random.default_rng(5)
    rows = []
    for order in range(700):
        customer = f"K{int(rng.integers(1, 121)):03d}"
        day = pd.Timestamp("2010-09-01") + pd.Timedelta(days=int(rng.integers(0, 150)))
        for _ in range(int(rng.integers(1, 4))):
            rows.append({"customer": customer, "order_no": f"S{7000 + order}",
                         "ordered_at": day + pd.Timedelta(hours=int(rng.integers(8, 20))),
                         "total": round(float(rng.gamma(2.0, 40.0)), 2),
                         "category": str(rng.choice(CATEGORIES))})
    frame = pd.DataFrame(rows)
    # One customer buys only early, so has no line in the last 30 days.
    frame.loc[frame.customer == "K001", "ordered_at"] = pd.Timestamp("2010-09-03 10:00")
    frame.loc[frame.index[::40], "total"] = -5.0  # returns: cleaned away
    frame["ordered_at"] = frame["ordered_at"].dt.strftime("%Y-%m-%d %H:%M")
    written = frame.drop(columns=[c for c, keep in (("order_no", with_orders),
                                                    ("total", with_amounts)) if not keep])
    path = folder / "shop.csv"
    written.to_csv(path, index=False)
    kept = frame[frame.total > 0].assign(day=lambda f: pd.to_datetime(f.ordered_at).dt.normalize())
    return path, kept


def _ids(members: pd.Series) -> set[str]:
    return {str(i) for i in members[members].index}


def _where(per_customer: pd.Series, everyone: pd.Index, test: Callable[[pd.Series], pd.Series]
           ) -> set[str]:
    """The customers whose figure (0 without a line) passes `test`, by plain pandas."""
    full = per_customer.reindex(everyone, fill_value=0)
    return {str(i) for i in full[test(full)].index}


def test_windowed_spend_and_order_counts_and_categories(tmp_path: Path) -> None:
    path, kept = _shop(tmp_path)
    data = load_customer_data(path)
    everyone = data.customers.index
    as_of = kept.day.max() + pd.Timedelta(days=1)
    assert data.source.as_of == as_of.date()
    last_30 = kept[kept.day >= as_of - pd.Timedelta(days=30)]
    assert "K001" in everyone and "K001" not in set(last_30.customer)

    spend = Purchased(within_days=30, measure="spend", op=">", value=300)
    want = _where(last_30.groupby("customer").total.sum(), everyone, lambda s: s > 300)
    assert _ids(evaluate(spend, data)) == want and 0 < len(want) < len(everyone)
    # not the whole-log total: more customers spent over 300 in all
    assert len(want) < int((data.customers.monetary > 300).sum())

    orders = Purchased(within_days=30, op=">", value=2)
    want = _where(last_30.groupby("customer").order_no.nunique(), everyone, lambda s: s > 2)
    assert _ids(evaluate(orders, data)) == want and want

    few = Purchased(within_days=30, op="<", value=2)
    want = _where(last_30.groupby("customer").order_no.nunique(), everyone, lambda s: s < 2)
    assert "K001" in want and _ids(evaluate(few, data)) == want
    # the complement reads and counts as the opposite operator
    assert _ids(evaluate(Not(condition=few), data)) == {str(i) for i in everyone} - want

    vitamins = Purchased(column="category", values=["Vitamins"])  # case ignored
    assert _ids(evaluate(vitamins, data)) == set(kept[kept.category == "vitamins"].customer)

    december = Purchased(start="2010-12-01", end="2011-01-01", column="Category",
                         values=["vitamins", "protein"], measure="spend", op=">=", value=100)
    lines = kept[(kept.day >= "2010-12-01") & (kept.day < "2011-01-01")
                 & kept.category.isin(["vitamins", "protein"])]
    want = _where(lines.groupby("customer").total.sum(), everyone, lambda s: s >= 100)
    assert _ids(evaluate(december, data)) == want and want


def test_a_window_counts_days_back_from_the_as_of_date_like_recency(tmp_path: Path) -> None:
    path, _ = _shop(tmp_path)
    data = load_customer_data(path)
    recency = data.customers.recency_days
    for days in (1, 7, 30):
        assert _ids(evaluate(Purchased(within_days=days), data)) == _ids(recency <= days)


def test_without_an_order_id_an_order_is_a_customer_day(tmp_path: Path) -> None:
    path, kept = _shop(tmp_path, with_orders=False)
    data = load_customer_data(path)
    as_of = kept.day.max() + pd.Timedelta(days=1)
    lines = kept[kept.day >= as_of - pd.Timedelta(days=60)]
    want = _where(lines.groupby("customer").day.nunique(), data.customers.index,
                  lambda s: s >= 3)
    assert _ids(evaluate(Purchased(within_days=60, value=3), data)) == want and want
    # the whole log: exactly the frequency feature
    assert _ids(evaluate(Purchased(op=">=", value=4), data)) == _ids(
        data.customers.frequency >= 4)


def test_unknown_values_columns_and_missing_amounts_are_clear_errors(tmp_path: Path) -> None:
    path, _ = _shop(tmp_path)
    data = load_customer_data(path)
    with pytest.raises(DefinitionError, match="vitamins") as caught:
        evaluate(Purchased(column="category", values=["vitamns"]), data)
    assert "Did you mean" in str(caught.value) and caught.value.options == ["vitamins"]
    with pytest.raises(DefinitionError, match="Did you mean: category"):
        evaluate(Purchased(column="categroy", values=["vitamins"]), data)
    with pytest.raises(DefinitionError, match="column"):
        evaluate(Purchased(values=["vitamins"]), data)
    with pytest.raises(DefinitionError, match="has no days"):
        evaluate(Purchased(start="2011-01-01", end="2010-12-01"), data)
    (tmp_path / "bare").mkdir()
    no_amounts, _ = _shop(tmp_path / "bare", with_amounts=False)
    bare = load_customer_data(no_amounts)
    assert int(evaluate(Purchased(within_days=30), bare).sum()) > 0  # orders need no amount
    with pytest.raises(DefinitionError, match="amount"):
        evaluate(Purchased(within_days=30, measure="spend", op=">", value=10), bare)


def test_old_definitions_keep_their_meaning_and_their_form() -> None:
    old = {"type": "purchased", "start": "2010-12-01", "end": "2011-01-01"}
    parsed = SegmentDefinition.from_data({"condition": old})
    assert parsed.condition == Purchased(start="2010-12-01", end="2011-01-01", measure="orders",
                                         op=">=", value=1)
    assert parsed.model_dump(mode="json")["condition"] == old
    spend = Purchased(within_days=30, measure="spend", op=">", value=5000)
    assert SegmentDefinition.from_yaml(SegmentDefinition(condition=spend).to_yaml()
                                       ).condition == spend
    assert spend.model_dump(mode="json") == {"type": "purchased", "within_days": 30,
                                             "measure": "spend", "op": ">", "value": 5000}


def test_the_sql_compiler_refuses_with_what_to_do_instead() -> None:
    with pytest.raises(DefinitionError, match="order lines.*segment export"):
        to_sql(Purchased(within_days=30, measure="spend", op=">", value=5000), table="customers")


DESCRIBED = [
    (Purchased(start="2010-12-01", end="2011-01-01", measure="spend", op=">", value=5000),
     "spent over 5,000 between 2010-12-01 and 2010-12-31",
     "在 2010-12-01 至 2010-12-31 期间消费超过 5,000",
     "потратили больше 5\u00a0000 с 2010-12-01 по 2010-12-31"),
    (Purchased(within_days=30, column="category", values=["vitamins"]),
     "bought vitamins (category) in the last 30 days",
     "最近 30 天内购买过 vitamins（category）",
     "покупали vitamins (category) за последние 30 дней"),
    (Purchased(within_days=30, op=">", value=5),
     "more than 5 orders in the last 30 days",
     "最近 30 天内订单超过 5 笔",
     "сделали больше, чем 5 заказов за последние 30 дней"),
    (Purchased(within_days=30, op="<", value=2, column="category", values=["vitamins", "protein"]),
     "fewer than 2 orders with vitamins or protein (category) in the last 30 days",
     "最近 30 天内含 vitamins 或 protein（category）的订单少于 2 笔",
     "сделали меньше, чем 2 заказа с vitamins или protein (category) за последние 30 дней"),
    (Purchased(column="category", values=["vitamins"], measure="spend", op=">=", value=250),
     "spent at least 250 on vitamins (category)",
     "在 vitamins（category）上消费至少 250",
     "потратили не меньше 250 на vitamins (category)"),
    (Purchased(start="2010-12-01", end="2011-01-01", column="category", values=["vitamins"]),
     "bought vitamins (category) between 2010-12-01 and 2010-12-31",
     "在 2010-12-01 至 2010-12-31 期间购买过 vitamins（category）",
     "покупали vitamins (category) с 2010-12-01 по 2010-12-31"),
    (Not(condition=Purchased(within_days=90)),
     "did not buy in the last 90 days",
     "最近 90 天内没有购买过",
     "не покупали за последние 90 дней"),
]


@pytest.mark.parametrize(("condition", "en", "zh", "ru"), DESCRIBED)
def test_descriptions_in_three_languages(condition: Condition, en: str, zh: str, ru: str
                                         ) -> None:
    assert describe(condition) == en
    assert describe(condition, language="zh") == zh
    assert describe(condition, language="ru") == ru
