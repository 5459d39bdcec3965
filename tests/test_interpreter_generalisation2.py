"""Second generalisation pass: phrasings a marketer uses on schemas the dev set never had
(a people table with Age, Logins and a sign-up date) and count words such as 'times' that
must count whatever the column counts. Expected conditions only; no data is loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from interpreter_schemas import campaign_table, col, retail_log

from assistant.interpreter import Interpretation, InterpreterContext, interpret
from tools.engine.definitions import SegmentDefinition
from tools.engine.schema import DataKind, DType, Role, Schema

loading = pytest.importorskip("tools.engine.loading")


def people_table() -> Schema:
    """A customer table with an Age column, counts of logins and purchases, a sign-up date."""
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("Age", Role.MEASURE, minimum=18, maximum=89),
        col("Gender", Role.CATEGORY, DType.TEXT, values=("Male", "Female")),
        col("AnnualIncome", Role.MEASURE, minimum=15000, maximum=150000),
        col("SpendingScore", Role.MEASURE, minimum=1, maximum=99),
        col("Children", Role.MEASURE, values=("0", "1", "2", "3"), minimum=0, maximum=3),
        col("Complained", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
        col("Responded", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
        col("Logins", Role.MEASURE, minimum=0, maximum=29),
        col("Purchases", Role.FREQUENCY, minimum=0, maximum=11),
        col("TotalSpent", Role.MONETARY, DType.NUMBER, minimum=0, maximum=5000),
        col("SignupDate", Role.DATE_ATTRIBUTE, DType.DATE),
    ))



def subscription_table() -> Schema:
    """snake_case names: support calls, site visits per month, logins, yes/no flags."""
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("age", Role.MEASURE, minimum=18, maximum=79),
        col("support_calls", Role.MEASURE, minimum=0, maximum=9),
        col("site_visits_per_month", Role.MEASURE, minimum=0, maximum=39),
        col("num_logins", Role.MEASURE, minimum=0, maximum=99),
        col("orders_count", Role.FREQUENCY, minimum=0, maximum=19),
        col("lifetime_value", Role.MONETARY, DType.NUMBER, minimum=0, maximum=3000),
        col("has_children", Role.FLAG, DType.BOOL, values=("False", "True")),
        col("complained", Role.FLAG, DType.BOOL, values=("False", "True")),
        col("is_active", Role.FLAG, DType.BOOL, values=("False", "True")),
        col("signup_date", Role.DATE_ATTRIBUTE, DType.DATE),
        col("household_income", Role.MEASURE, minimum=20000, maximum=200000),
    ))

SCHEMAS = {"retail": retail_log, "campaign": campaign_table, "people": people_table,
           "subs": subscription_table}


def run(text: str, schema: str) -> Interpretation:
    return interpret(text, InterpreterContext(schema=SCHEMAS[schema]()))


def condition(text: str, schema: str) -> dict[str, Any]:
    result = run(text, schema)
    assert result.clarification is None, result.clarification
    defines = [c for c in result.calls if c.name == "define_segment"]
    assert len(defines) == 1, result.calls
    SegmentDefinition.from_data({"condition": defines[0].args["condition"]})
    return defines[0].args["condition"]


def cmp(column: str, op: str, value: Any) -> dict[str, Any]:
    return {"type": "compare", "column": column, "op": op, "value": value}


def between(column: str, low: Any, high: Any) -> dict[str, Any]:
    return {"type": "between", "column": column, "low": low, "high": high}


def rank(column: str, direction: str = "top", n: int | None = None,
         percent: float | None = None) -> dict[str, Any]:
    return {"type": "rank", "column": column, "direction": direction, "n": n,
            "percent": percent}


@pytest.mark.parametrize(("schema", "text", "expected"), [
    # 'times' counts visits, logins, store purchases: whatever the named column counts.
    ("campaign", "customers who visit the website more than 7 times a month",
     cmp("NumWebVisitsMonth", ">", 7)),
    ("campaign", "customers who visited the site at least 5 times",
     cmp("NumWebVisitsMonth", ">=", 5)),
    ("campaign", "customers who bought more than 5 times in store",
     cmp("NumStorePurchases", ">", 5)),
    ("people", "customers who logged in more than 5 times", cmp("Logins", ">", 5)),
    ("people", "users who logged in fewer than 3 times", cmp("Logins", "<", 3)),
    ("subs", "customers who called support more than 3 times", cmp("support_calls", ">", 3)),
    ("subs", "customers who contacted support at least 2 times", cmp("support_calls", ">=", 2)),
    ("subs", "customers with more than 3 support calls", cmp("support_calls", ">", 3)),
    ("subs", "customers who visit the site more than 10 times a month",
     cmp("site_visits_per_month", ">", 10)),
    ("subs", "users who logged in at least 50 times", cmp("num_logins", ">=", 50)),
    ("subs", "repeat customers", cmp("orders_count", ">", 1)),
    ("subs", "least active 20%", rank("orders_count", "bottom", percent=20)),
    ("subs", "customers with young children", cmp("has_children", "==", True)),
    ("subs", "customers who have never ordered", cmp("orders_count", "==", 0)),
    ("subs", "customers with no orders", cmp("orders_count", "==", 0)),
    ("subs", "customers who came back", cmp("orders_count", ">", 1)),
    # A year-sized number said of an amount is an amount, not a date.
    ("subs", "customers whose lifetime value is over 2000", cmp("lifetime_value", ">", 2000)),
    ("subs", "customers who signed up after 2022",
     cmp("signup_date", ">=", "2023-01-01")),
    # 'never' + a product line or a window is not 'no orders at all'.
    ("campaign", "customers who never bought wine", cmp("MntWines", "==", 0)),
    ("campaign", "customers who never purchased online", cmp("NumWebPurchases", "==", 0)),
    ("retail", "customers with no orders in the last 60 days", cmp("recency_days", ">", 60)),
    # Rank words that carry their own measure.
    ("subs", "the 20 oldest customers", rank("age", "top", n=20)),
    ("subs", "the youngest 10%", rank("age", "bottom", percent=10)),
    ("subs", "the 10 richest customers", rank("household_income", "top", n=10)),
    ("retail", "the 10 richest customers", rank("monetary", "top", n=10)),
    # ... and alone it still means orders.
    ("retail", "customers who ordered at least 3 times", cmp("frequency", ">=", 3)),
    ("people", "customers who purchased more than 5 times", cmp("Purchases", ">", 5)),
    ("retail", "customers with 2 or more purchases", cmp("frequency", ">=", 2)),
    ("retail", "customers who've bought more than once", cmp("frequency", ">", 1)),
    ("retail", "repeat customers", cmp("frequency", ">", 1)),
    # Ages on a table with an Age column.
    ("people", "customers aged 30 to 40", between("Age", 30, 40)),
    ("people", "customers in their 30s", between("Age", 30, 39)),
    ("people", "customers older than 65", cmp("Age", ">", 65)),
    # Activity ranks: 'active' means orders.
    ("retail", "least active 20%", rank("frequency", "bottom", percent=20)),
    ("retail", "the most active 10%", rank("frequency", "top", percent=10)),
    ("people", "least active 20%", rank("Purchases", "bottom", percent=20)),
    ("retail", "the 50 most valuable customers", rank("monetary", "top", n=50)),
    ("people", "the 50 most valuable customers", rank("TotalSpent", "top", n=50)),
])
def test_generalised_phrasings(schema: str, text: str, expected: dict[str, Any]) -> None:
    assert condition(text, schema) == expected


@pytest.mark.parametrize(("schema", "text", "column"), [
    ("people", "customers who never complained", "Complained"),
    ("people", "non-responders", "Responded"),
    ("campaign", "customers who never complained", "Complain"),
])
def test_negated_flags(schema: str, text: str, column: str) -> None:
    got = condition(text, schema)
    assert got["column"] == column
    assert got["type"] in ("compare", "in")
    assert "1" not in [str(v) for v in got.get("values", [got.get("value")])] or (
        got.get("op") == "!=")


@pytest.mark.parametrize(("schema", "text"), [
    ("people", "customers without kids"),
    ("people", "customers with no children"),
])
def test_without_kids_is_zero_children(schema: str, text: str) -> None:
    got = condition(text, schema)
    assert got["column"] == "Children"
    assert (got["type"], got.get("op"), got.get("value")) in (
        ("compare", "==", 0), ("compare", "<=", 0), ("compare", "<", 1)) or got.get(
        "values") == ["0"]


@pytest.mark.parametrize(("schema", "text", "named"), [
    ("people", "high-income customers", "AnnualIncome"),
    ("subs", "older customers", "age"),
    ("subs", "young customers", "age"),
    ("subs", "high earners", "household_income"),
    ("retail", "long-standing customers", "tenure_days"),
    ("retail", "customers with a long tenure", "tenure_days"),
    ("retail", "the 20 oldest customers", "monetary"),
    ("campaign", "high-income customers", "Income"),
    ("campaign", "customers who bought more than 5 times", "NumStorePurchases"),
])
def test_vague_or_ambiguous_requests_ask_naming_the_column(schema: str, text: str,
                                                           named: str) -> None:
    result = run(text, schema)
    assert result.calls == []
    assert result.clarification is not None
    assert named in result.clarification + " ".join(result.options)
    # The ambiguity is the only question: 'times' is understood.
    assert "could not match 'times'" not in result.clarification



@pytest.mark.parametrize(("schema", "text", "column", "half"), [
    ("people", "customers whose spending score is below average", "SpendingScore", "bottom"),
    ("people", "customers with above-average income", "AnnualIncome", "top"),
    ("people", "customers with a higher than average spending score", "SpendingScore", "top"),
    ("retail", "customers whose average order value is below average", "avg_order_value",
     "bottom"),
])
def test_relative_to_average_asks_and_offers_the_half(schema: str, text: str, column: str,
                                                      half: str) -> None:
    # The interpreter sees only the schema (no mean), and definitions hold fixed numbers.
    result = run(text, schema)
    assert result.calls == []
    assert result.clarification is not None and column in result.clarification
    # The readings offered: the half above or below the middle, picked with one number.
    assert [c.label for c in result.choices][0 if half == "top" else 1] == \
        f"{half} 50% by {column}"


@pytest.mark.parametrize("text", ["dormant customers", "inactive customers",
                                  "churned customers", "lost customers"])
def test_other_names_of_lapsed_on_a_purchase_log(text: str) -> None:
    assert condition(text, "retail") == {"type": "lifecycle", "stages": ["lapsed"]}


def test_at_risk_of_churning_is_the_rfm_segment() -> None:
    assert condition("customers at risk of churning", "retail") == {
        "type": "rfm_segment", "segments": ["At Risk"]}


def test_a_column_for_the_word_wins_over_the_stage_alias() -> None:
    assert condition("inactive users", "subs") == cmp("is_active", "==", False)


@pytest.mark.parametrize(("schema", "text", "option"), [
    ("retail", "best customers", "top 10% by monetary"),
    ("retail", "our VIPs", "top 10% by monetary"),
    ("people", "whales", "top 10% by TotalSpent"),
])
def test_judgements_without_a_measure_ask_and_offer_ranks(schema: str, text: str,
                                                          option: str) -> None:
    # Vague words get concrete readings from this data to choose from, not a refusal.
    result = run(text, schema)
    assert result.calls == []
    assert result.clarification is not None and result.choices
    assert option in [c.label for c in result.choices]

def test_signup_windows_count_back_from_the_data_end_on_a_customer_table() -> None:
    from datetime import date

    context = InterpreterContext(schema=people_table(), data_end=date(2024, 9, 27))
    result = interpret("customers who signed up in the last year", context)
    assert result.clarification is None, result.clarification
    got = result.calls[0].args["condition"]
    assert got == cmp("SignupDate", ">=", "2023-09-28")
    calendar = interpret("customers who signed up last year", context)  # the year before
    assert calendar.calls[0].args["condition"] == {"type": "and", "all": [
        cmp("SignupDate", ">=", "2023-01-01"), cmp("SignupDate", "<", "2024-01-01")]}
    older = interpret("customers who joined more than 2 years ago", context)
    assert older.calls[0].args["condition"] == cmp("SignupDate", "<", "2022-09-28")


def test_signup_windows_without_any_reference_date_ask() -> None:
    result = run("customers who signed up last year", "people")
    assert result.calls == []
    assert result.clarification is not None


# --- end to end on a file the dev set never saw ---------------------------------------------

def _people_file(folder: Path) -> Path:
    rng = np.random.default_rng(11)
    n = 240
    frame = pd.DataFrame({
        "CustomerID": range(1, n + 1),
        "Age": rng.integers(18, 90, n),
        "AnnualIncome": rng.integers(15000, 150000, n),
        "Children": rng.integers(0, 4, n),
        "Complained": rng.choice([0, 1], n),
        "Logins": rng.integers(0, 30, n),
        "Purchases": rng.integers(0, 12, n),
        "TotalSpent": rng.uniform(0, 5000, n).round(2),
        "SignupDate": (pd.Timestamp("2022-01-01") + pd.to_timedelta(
            rng.integers(0, 1000, n), unit="D")).strftime("%Y-%m-%d"),
    })
    path = folder / "people.csv"
    frame.to_csv(path, index=False)
    return path


def _signed_up_in_last_year(f: pd.DataFrame) -> pd.Series:
    signup = pd.to_datetime(f["SignupDate"])
    return signup >= signup.max() + pd.Timedelta(days=1) - pd.Timedelta(days=365)


END_TO_END: list[tuple[str, Callable[[pd.DataFrame], pd.Series]]] = [
    ("customers who logged in more than 7 times", lambda f: f["Logins"] > 7),
    ("customers in their 30s", lambda f: f["Age"].between(30, 39)),
    ("customers who never complained", lambda f: f["Complained"] == 0),
    ("customers who signed up in the last year", _signed_up_in_last_year),
    ("customers who signed up last year", lambda f: pd.to_datetime(f["SignupDate"]).dt.year
     == pd.to_datetime(f["SignupDate"]).max().year - 1),
]


@pytest.mark.parametrize(("text", "expected"), END_TO_END)
def test_people_file_end_to_end(tmp_path: Path, text: str,
                                expected: Callable[[pd.DataFrame], pd.Series]) -> None:
    from assistant.core import Assistant

    path = _people_file(tmp_path)
    frame = pd.read_csv(path)
    data = loading.load_customer_data(path)
    assistant = Assistant(data, workspace=tmp_path / "ws")
    turn = assistant.ask(text)
    assert turn.segment is not None, turn.reply
    want = sorted(str(i) for i in frame.loc[expected(frame), "CustomerID"])
    assert sorted(str(i) for i in assistant.member_ids()) == want
