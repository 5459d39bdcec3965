"""Requests on files the dev set never saw, end to end: a synthetic telecom churn table, an
e-commerce order log keyed by e-mail and a bank table with state codes are written to disk,
loaded by the real loader, and each interpreted segment must select exactly the customers a
pandas expression of the intended meaning selects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assistant.interpreter import InterpreterContext, interpret
from tools.engine.definitions import SegmentDefinition

loading = pytest.importorskip("tools.engine.loading")
evaluate_module = pytest.importorskip("tools.engine.evaluate")

SHOP_MAPPING = {"customer_id": "customer_email", "date": "order_date", "amount": "total",
                "order_id": "order_id"}


def _write_files(folder: Path) -> dict[str, Path]:
    rng = np.random.default_rng(7)
    n = 300
    yes_no = ["Yes", "No"]
    telco = pd.DataFrame({
        "customerID": [f"{i:04d}-ABCD" for i in range(n)],
        "gender": rng.choice(["Male", "Female"], n),
        "SeniorCitizen": rng.choice([0, 1], n, p=[.8, .2]),
        "Partner": rng.choice(yes_no, n), "Dependents": rng.choice(yes_no, n),
        "tenure": rng.integers(0, 73, n),
        "PhoneService": rng.choice(yes_no, n),
        "InternetService": rng.choice(["DSL", "Fiber optic", "No"], n),
        "Contract": rng.choice(["Month-to-month", "One year", "Two year"], n),
        "PaperlessBilling": rng.choice(yes_no, n),
        "PaymentMethod": rng.choice(["Electronic check", "Mailed check",
                                     "Bank transfer (automatic)", "Credit card (automatic)"], n),
        "MonthlyCharges": rng.uniform(18, 119, n).round(2),
        "TotalCharges": rng.uniform(18, 8000, n).round(2),
        "Churn": rng.choice(yes_no, n, p=[.27, .73]),
    })
    m = 2000
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 540, m), unit="D")
    shop = pd.DataFrame({
        "order_id": [f"O{i:05d}" for i in range(m)],
        "order_date": dates.strftime("%Y-%m-%d"),
        "customer_email": [f"user{i}@example.com" for i in rng.integers(0, 250, m)],
        "total": rng.uniform(5, 400, m).round(2),
        "channel": rng.choice(["web", "app", "store"], m),
        "country": rng.choice(["Brazil", "Portugal", "Spain"], m),
    })
    bank = pd.DataFrame({
        "client_id": range(1, n + 1),
        "age": rng.integers(18, 90, n),
        "region": rng.choice(["SP", "RJ", "MG", "RS"], n),
        "balance": rng.uniform(-500, 50000, n).round(2),
        "products": rng.integers(1, 5, n),
        "has_credit_card": rng.choice(["yes", "no"], n),
        "active": rng.choice([True, False], n),
        "churned": rng.choice([0, 1], n),
        "signup_date": (pd.Timestamp("2015-01-01") + pd.to_timedelta(
            rng.integers(0, 3000, n), unit="D")).strftime("%Y-%m-%d"),
    })
    paths = {"telco": folder / "telco.csv", "shop": folder / "shop_orders.csv",
             "bank": folder / "bank.csv"}
    telco.to_csv(paths["telco"], index=False)
    shop.to_csv(paths["shop"], index=False)
    bank.to_csv(paths["bank"], index=False)
    return paths


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    paths = _write_files(tmp_path_factory.mktemp("synthetic"))
    return {
        "telco": loading.load_customer_data(paths["telco"]),
        "shop": loading.load_customer_data(paths["shop"], mapping=SHOP_MAPPING),
        "bank": loading.load_customer_data(paths["bank"]),
    }


def yes(series: pd.Series) -> pd.Series:
    return series.astype(str).str.lower().isin(["yes", "true", "1"])


Frame = pd.DataFrame
CASES: list[tuple[str, str, Callable[[Frame], pd.Series]]] = [
    ("telco", "senior citizens", lambda d: yes(d.SeniorCitizen)),
    ("telco", "churned customers", lambda d: yes(d.Churn)),
    ("telco", "customers who didn't churn", lambda d: ~yes(d.Churn)),
    ("telco", "customers with a partner and no dependents",
     lambda d: yes(d.Partner) & ~yes(d.Dependents)),
    ("telco", "customers on a two year contract", lambda d: d.Contract == "Two year"),
    ("telco", "month-to-month customers", lambda d: d.Contract == "Month-to-month"),
    ("telco", "customers who pay by electronic check",
     lambda d: d.PaymentMethod == "Electronic check"),
    ("telco", "fiber optic customers with monthly charges above $80",
     lambda d: (d.InternetService == "Fiber optic") & (d.MonthlyCharges > 80)),
    ("telco", "customers with tenure of less than 12 months", lambda d: d.tenure < 12),
    ("telco", "customers who have been with us for over 5 years", lambda d: d.tenure > 60),
    ("telco", "female senior citizens who churned",
     lambda d: (d.gender == "Female") & yes(d.SeniorCitizen) & yes(d.Churn)),
    ("telco", "customers without phone service", lambda d: ~yes(d.PhoneService)),
    ("telco", "customers with no internet service", lambda d: d.InternetService == "No"),
    ("telco", "customers with total charges over 5000", lambda d: d.TotalCharges > 5000),
    ("shop", "customers who ordered through the app", lambda d: d.channel == "app"),
    ("shop", "customers who spent over 2000", lambda d: d.monetary > 2000),
    ("shop", "customers who haven't ordered in 3 months", lambda d: d.recency_days > 90),
    ("shop", "Brazilian customers", lambda d: d.country == "Brazil"),
    ("shop", "customers from Portugal with more than 8 orders",
     lambda d: (d.country == "Portugal") & (d.frequency > 8)),
    ("shop", "store customers who bought in the last 60 days",
     lambda d: (d.channel == "store") & (d.recency_days <= 60)),
    ("bank", "customers in SP", lambda d: d.region == "SP"),
    ("bank", "customers in RJ or MG with a balance over 10k",
     lambda d: d.region.isin(["RJ", "MG"]) & (d.balance > 10000)),
    ("bank", "churned customers", lambda d: yes(d.churned)),
    ("bank", "customers with a credit card", lambda d: yes(d.has_credit_card)),
    ("bank", "inactive customers", lambda d: ~yes(d.active)),
    ("bank", "customers who joined after 2020", lambda d: d.signup_date >= "2021-01-01"),
    ("bank", "customers over 60", lambda d: d.age > 60),
    ("bank", "customers in their 30s", lambda d: d.age.between(30, 39)),
    ("bank", "customers with more than 2 products", lambda d: d.products > 2),
    ("bank", "customers with a negative balance", lambda d: d.balance < 0),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_unseen_file_requests(synthetic: dict[str, Any], name: str, text: str,
                              expected: Callable[[Frame], pd.Series]) -> None:
    data = synthetic[name]
    result = interpret(text, InterpreterContext(schema=data.schema, as_of=data.source.as_of))
    assert result.clarification is None, result.clarification
    [call] = [c for c in result.calls if c.name == "define_segment"]
    condition = SegmentDefinition.from_data({"condition": call.args["condition"]}).condition
    got = evaluate_module.evaluate(condition, data)
    want = expected(data.customers).fillna(False).astype(bool)
    assert got.sum() > 0, "a test case must select someone"
    assert got.equals(want.reindex(got.index)), result.understood


@pytest.mark.parametrize(("name", "text"), [
    ("shop", "customers with a loyalty card"),
    ("telco", "customers in Texas"),
    ("bank", "customers who bought on our mobile app"),
    ("shop", "customers from Atlantis"),
])
def test_unseen_file_clarifications(synthetic: dict[str, Any], name: str, text: str) -> None:
    data = synthetic[name]
    result = interpret(text, InterpreterContext(schema=data.schema, as_of=data.source.as_of))
    assert result.calls == [] and result.clarification and result.options
