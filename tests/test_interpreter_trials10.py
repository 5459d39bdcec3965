"""Tenth trial pass: what new users' trials found on files shaped like well-known public
marketing data (a telecom churn table, a credit-card table, an order-line log), tried here
on other invented files, loaded by the real loader and asked through the Assistant with
the built-in backend. Intended answers are plain pandas, per SEMANTICS.md."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns, assert_size
from tools.engine.loading import load_customer_data

Mask = Callable[[pd.DataFrame], pd.Series]


def _broadband(folder: Path, n: int = 900) -> tuple[Path, pd.DataFrame]:
    """A broadband provider: an internet column beside add-ons that say "No internet
    service", payment methods, a monthly fee beside a total billed."""
    rng = np.random.default_rng(101)
    internet = rng.choice(["DSL", "Fiber optic", "No"], n, p=[0.35, 0.45, 0.2])

    def addon() -> np.ndarray:
        return np.where(internet == "No", "No internet service", rng.choice(["Yes", "No"], n))

    monthly = rng.uniform(20, 120, n).round(2)
    frame = pd.DataFrame({
        "acct": [f"A{i:05d}" for i in range(n)],
        "internet_service": internet,
        "online_security": addon(),
        "tv_streaming": addon(),
        "contract_type": rng.choice(["Month-to-month", "One year", "Two year"], n),
        "pay_method": rng.choice(["Electronic check", "Mailed check",
                                  "Bank transfer (automatic)", "Credit card (automatic)"], n),
        "monthly_fee": monthly,
        "total_billed": (monthly * rng.integers(1, 60, n)).round(2),
        "churned": rng.choice(["Yes", "No"], n, p=[0.25, 0.75]),
    })
    path = folder / "broadband.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("text", ["customers without internet", "клиенты без интернета",
                                  "没有互联网服务的客户"])
def test_without_a_service_is_that_columns_no(tmp_path: Path, text: str) -> None:
    """Not the add-ons' "No internet service" value (the opposite set)."""
    assert_size(tmp_path, _broadband, text, lambda f: f["internet_service"] == "No")


@pytest.mark.parametrize(("text", "values"), [
    ("fiber customers", ["Fiber optic"]),
    ("光纤用户", ["Fiber optic"]),
    ("клиенты с оптоволокном", ["Fiber optic"]),
    ("клиенты, которые платят электронным чеком", ["Electronic check"]),
    ("用电子支票付款的客户", ["Electronic check"]),
    ("customers who pay automatically", ["Bank transfer (automatic)",
                                         "Credit card (automatic)"]),
])
def test_service_and_payment_words_in_three_languages(tmp_path: Path, text: str,
                                                      values: list[str]) -> None:
    column = "internet_service" if "Fiber optic" in values else "pay_method"
    assert_size(tmp_path, _broadband, text, lambda f: f[column].isin(values))


def test_a_monthly_fee_is_not_the_total(tmp_path: Path) -> None:
    """"月费": one word with both concepts of monthly_fee, over total_billed's one."""
    assert_size(tmp_path, _broadband, "月费超过100的客户", lambda f: f["monthly_fee"] > 100)


@pytest.mark.parametrize(("edit", "low", "high"), [("change 50 to 60", 60, 80),
                                                   ("把80改成90", 50, 90),
                                                   ("make it 45", 45, 80)])
def test_editing_one_end_of_a_range(tmp_path: Path, edit: str, low: int, high: int) -> None:
    path, frame = _broadband(tmp_path)
    turn = ask_turns(path, tmp_path, "customers with a monthly fee between 50 and 80", edit)
    fee = frame["monthly_fee"]
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((fee >= low) & (fee <= high)).sum()), turn.reply


@pytest.mark.parametrize("text", ["какой отток по типу контракта", "churn rate by type of contract",
                                  "доля ушедших по типу контракта"])
def test_churn_by_type_of_contract_is_a_rate(tmp_path: Path, text: str) -> None:
    path, frame = _broadband(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    rate = (frame["churned"] == "Yes").groupby(frame["contract_type"]).mean()
    assert turn.segment is None, turn.reply
    for value in rate:
        written = f"{100 * value:.1f}"
        assert written in turn.reply or written.replace(".", ",") in turn.reply, turn.reply


def test_adding_annual_contracts(tmp_path: Path) -> None:
    path, frame = _broadband(tmp_path)
    turn = ask_turns(path, tmp_path, "клиенты с помесячным контрактом",
                     "добавь ещё клиентов с годовым контрактом")
    expected = int(frame["contract_type"].isin(["Month-to-month", "One year"]).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply


def _card_holders(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    """A card issuer: a churn status in words, counts over the last 12 months, no dates."""
    rng = np.random.default_rng(102)
    frame = pd.DataFrame({
        "CardholderID": 7_000_000 + np.arange(n),
        "Churn_Status": rng.choice(["Stayed", "Churned"], n, p=[0.8, 0.2]),
        "Holder_Age": rng.integers(21, 80, n),
        "Sex": rng.choice(["F", "M"], n),
        "Card_Level": rng.choice(["Blue", "Silver", "Gold"], n, p=[0.8, 0.15, 0.05]),
        "Tenure_Months": rng.integers(6, 60, n),
        "Inactive_Months_12m": rng.integers(0, 7, n),
        "Service_Calls_12m": rng.integers(0, 7, n),
        "Revolving_Balance": np.where(rng.random(n) < 0.25, 0, rng.integers(1, 3000, n)),
        "Utilization_Ratio": rng.uniform(0, 1, n).round(3),
        "Total_Txn_Amt": rng.integers(500, 20000, n),
        "Total_Txn_Ct": rng.integers(10, 140, n),
    })
    path = folder / "card_holders.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("text", ["cardholders inactive for 3+ months in the last year",
                                  "клиенты, неактивные 3 и более месяцев за последний год",
                                  "过去一年不活跃3个月或以上的客户"])
def test_inactive_months_counted_in_a_column(tmp_path: Path, text: str) -> None:
    """No dates: the months inactive are the column's; "the last year" is its 12m."""
    assert_size(tmp_path, _card_holders, text, lambda f: f["Inactive_Months_12m"] >= 3)


@pytest.mark.parametrize(("text", "expected"), [
    ("cardholders who are over 50", lambda f: f["Holder_Age"] > 50),
    ("клиенты, которые обращались к нам более 3 раз", lambda f: f["Service_Calls_12m"] > 3),
    ("клиенты с нулевым возобновляемым остатком", lambda f: f["Revolving_Balance"] == 0),
    ("循环余额为零的客户", lambda f: f["Revolving_Balance"] == 0),
    ("利用率高于0.5的蓝卡持卡人",
     lambda f: (f["Utilization_Ratio"] > 0.5) & (f["Card_Level"] == "Blue")),
])
def test_card_table_wordings(tmp_path: Path, text: str, expected: Mask) -> None:
    assert_size(tmp_path, _card_holders, text, expected)


def test_a_total_transaction_amount_is_the_spend(tmp_path: Path) -> None:
    path, frame = _card_holders(tmp_path)
    roles = {c.name: c.role.value for c in load_customer_data(path).schema.columns}
    assert roles["Total_Txn_Amt"] == "monetary" and roles["Total_Txn_Ct"] == "frequency"
    turn = ask_turns(path, tmp_path, "top 10% by transaction amount")
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["column"] == "Total_Txn_Amt"
    assert turn.segment["size"] == math.ceil(0.1 * len(frame))


@pytest.mark.parametrize("text", ["churn rate by card level", "按卡等级的流失率"])
def test_a_rate_of_a_status_in_words(tmp_path: Path, text: str) -> None:
    """"churn rate" where Churn_Status holds Stayed / Churned: the share of Churned."""
    path, frame = _card_holders(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    rate = (frame["Churn_Status"] == "Churned").groupby(frame["Card_Level"]).mean()
    for value in rate:
        assert f"{100 * value:.1f}" in turn.reply, turn.reply


def test_a_verb_of_buying_names_no_duration(tmp_path: Path) -> None:
    path, _ = _card_holders(tmp_path)
    turn = ask_turns(path, tmp_path, "customers who bought in the last 30 days")
    assert turn.segment is None and "date" in turn.reply, turn.reply


def _order_lines(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    """An office-supplies order-line log: a row number, a state, customer segments."""
    rng = np.random.default_rng(103)
    customers = [f"CU-{i:04d}" for i in range(200)]
    segment = dict(zip(customers, rng.choice(["Consumer", "Corporate", "Home Office"], 200),
                       strict=True))
    who = rng.choice(customers, n)
    frame = pd.DataFrame({
        "Line No": np.arange(1, n + 1),
        "Order No": [f"SO-{i:05d}" for i in rng.integers(0, 700, n)],
        "Order Date": (pd.Timestamp("2025-12-31") - pd.to_timedelta(
            rng.integers(0, 700, n), "D")).strftime("%m/%d/%Y"),
        "Customer Code": who,
        "Customer Segment": [segment[c] for c in who],
        "State": rng.choice(["Ohio", "Texas", "Oregon", "Georgia"], n),
        "Region": rng.choice(["East", "West", "Central", "South"], n),
        "Sales": rng.gamma(2.0, 150.0, n).round(2),
    })
    path = folder / "office_lines.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_a_row_number_and_a_state_in_a_log(tmp_path: Path) -> None:
    path, _ = _order_lines(tmp_path)
    data = load_customer_data(path)
    roles = {c.name: c.role.value for c in data.source.raw_schema.columns}
    assert roles["State"] == "category" and roles["Line No"] != "measure", roles


@pytest.mark.parametrize("text", [
    "消费超过2000的企业客户", "корпоративные клиенты, потратившие более 2000",
    "corporate customers who spent over 2000"])
def test_corporate_customers_by_spend(tmp_path: Path, text: str) -> None:
    path, frame = _order_lines(tmp_path)
    spend = frame.groupby("Customer Code")["Sales"].sum()
    segment = frame.groupby("Customer Code")["Customer Segment"].first()
    turn = ask_turns(path, tmp_path, text)
    expected = int(((spend > 2000) & (segment == "Corporate")).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply


@pytest.mark.parametrize("text", ["how many orders are there?", "сколько всего заказов?",
                                  "一共有多少订单"])
def test_how_many_orders_is_the_total(tmp_path: Path, text: str) -> None:
    path, frame = _order_lines(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    total = int(frame.groupby("Customer Code")["Order No"].nunique().sum())  # frequency
    assert turn.segment is None, turn.reply
    digits = "".join(c for c in turn.reply if c not in ", \u00a0\u202f")
    assert str(total) in digits, turn.reply


@pytest.mark.parametrize(("text", "column"), [("各地区的总销售额", "Region"),
                                              ("общие продажи по регионам", "Region"),
                                              ("средний чек по сегментам", "Customer Segment")])
def test_breakdowns_name_the_column_across_languages(tmp_path: Path, text: str,
                                                     column: str) -> None:
    path, _ = _order_lines(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    assert turn.results[0].summary.get("by") == column, turn.results[0].summary


def _marketplace(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    """A marketplace's order lines: a per-order customer id beside the real one, hex order
    ids (some start with "c" and a digit), a status, a price and a freight charge."""
    rng = np.random.default_rng(104)
    orders = pd.DataFrame({
        "order_id": [f"{rng.integers(0, 16**8):08x}{k:04x}" for k in range(500)],
        "buyer_unique_id": [f"u{k:03d}" for k in rng.integers(0, 180, 500)],
        "status": rng.choice(["delivered", "shipped", "canceled"], 500, p=[0.8, 0.12, 0.08]),
        "bought_at": (pd.Timestamp("2025-06-30") - pd.to_timedelta(
            rng.integers(0, 400, 500), "D")).strftime("%Y-%m-%d"),
    })
    orders.loc[:20, "order_id"] = [f"c{k}e{rng.integers(0, 16**6):06x}" for k in range(21)]
    orders["buyer_id"] = [f"b{k:05d}" for k in range(500)]  # a new id on every order
    lines = orders.sample(n, replace=True, random_state=1).reset_index(drop=True)
    lines["price"] = rng.gamma(2.0, 60.0, n).round(2)
    lines["freight_value"] = rng.uniform(5, 40, n).round(2)
    path = folder / "marketplace.csv"
    lines[["order_id", "buyer_id", "buyer_unique_id", "status", "bought_at", "price",
           "freight_value"]].to_csv(path, index=False)
    return path, lines


def test_a_marketplace_log_keys_spend_and_cancellations(tmp_path: Path) -> None:
    """The repeating unique buyer id is the key, the price (not the freight) the spend, and
    only the canceled status cancels: a hex id starting "c3" is no cancellation mark."""
    path, lines = _marketplace(tmp_path)
    data = load_customer_data(path)
    kept = lines[lines["status"] != "canceled"]
    assert data.n_customers == kept["buyer_unique_id"].nunique()
    spend = kept.groupby("buyer_unique_id")["price"].sum()
    got = data.customers["monetary"].sort_index()
    assert np.allclose(got.to_numpy(), spend.sort_index().to_numpy())


def _campaign_calls(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    """A bank's call campaign: yes/no housing and personal loans, an outcome column "y"."""
    rng = np.random.default_rng(105)
    frame = pd.DataFrame({
        "age": rng.integers(20, 80, n),
        "occupation": rng.choice(["retired", "student", "technician", "services"], n),
        "housing": rng.choice(["yes", "no"], n),
        "loan": rng.choice(["yes", "no"], n, p=[0.2, 0.8]),
        "balance": rng.integers(-500, 5000, n),
        "y": rng.choice(["yes", "no"], n, p=[0.15, 0.85]),
        "month": rng.choice(["jan", "feb", "mar", "apr", "may", "jun"], n),
    })
    path = folder / "calls.csv"
    frame.to_csv(path, index=False, sep=";")
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("retired clients with a housing loan",
     lambda f: (f["occupation"] == "retired") & (f["housing"] == "yes")),
    ("clients without a housing loan", lambda f: f["housing"] == "no"),
    ("пенсионеры с ипотекой", lambda f: (f["occupation"] == "retired") & (f["housing"] == "yes")),
    ("有住房贷款的客户", lambda f: f["housing"] == "yes"),
    ("clients with a personal loan", lambda f: f["loan"] == "yes"),
    ("clients who subscribed", lambda f: f["y"] == "yes"),
    ("clients contacted in may", lambda f: f["month"] == "may"),
])
def test_loans_and_the_outcome_column(tmp_path: Path, text: str, expected: Mask) -> None:
    assert_size(tmp_path, _campaign_calls, text, expected)


def test_subscription_rate_by_occupation(tmp_path: Path) -> None:
    path, frame = _campaign_calls(tmp_path)
    turn = ask_turns(path, tmp_path, "按职业的订阅率")
    rate = (frame["y"] == "yes").groupby(frame["occupation"]).mean()
    for value in rate:
        assert f"{100 * value:.1f}" in turn.reply, turn.reply


def _apparel(folder: Path, n: int = 900) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(106)
    frame = pd.DataFrame({
        "Shopper ID": np.arange(1, n + 1),
        "Item": rng.choice(["Shoes", "Boots", "Coat", "Dress"], n),
        "Category": rng.choice(["Footwear", "Outerwear", "Clothing"], n),
        "Season": rng.choice(["Winter", "Spring", "Summer", "Fall"], n),
        "Delivery Type": rng.choice(["Express", "Free Shipping", "Standard"], n),
        "Payment Method": rng.choice(["PayPal", "Cash", "Credit Card"], n),
    })
    path = folder / "apparel.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("customers who bought footwear", lambda f: f["Category"] == "Footwear"),
    ("customers who chose express shipping", lambda f: f["Delivery Type"] == "Express"),
    ("customers who paid with PayPal", lambda f: f["Payment Method"] == "PayPal"),
    ("клиенты, покупавшие летом", lambda f: f["Season"] == "Summer"),
    ("冬季购买的客户", lambda f: f["Season"] == "Winter"),
])
def test_values_typed_as_written_and_said_in_words(tmp_path: Path, text: str,
                                                   expected: Mask) -> None:
    assert_size(tmp_path, _apparel, text, expected)


@pytest.mark.parametrize(("text", "column"), [("what is the most popular item?", "Item"),
                                              ("最常用的支付方式是什么？", "Payment Method"),
                                              ("самый популярный способ оплаты", "Payment Method")])
def test_the_most_popular_value_is_a_breakdown(tmp_path: Path, text: str, column: str) -> None:
    path, frame = _apparel(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    top = frame[column].value_counts()
    assert turn.reply.index(str(top.index[0])) < turn.reply.index(str(top.index[-1])), turn.reply
