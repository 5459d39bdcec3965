"""Definitions read as plain English a marketer recognises, the same every time."""

from __future__ import annotations

import pandas as pd
import pytest

from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.definitions import (
    And,
    Between,
    Cluster,
    Compare,
    Condition,
    In,
    Lifecycle,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Rank,
    RfmScore,
    RfmSegment,
    SegmentDefinition,
    SegmentRef,
)
from tools.engine.describe import describe
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema


def data_with(currency: str | None, roles: dict[str, Role] | None = None) -> CustomerData:
    columns = tuple(ColumnInfo(name=n, role=r, dtype=DType.INTEGER)
                    for n, r in (roles or {}).items())
    schema = Schema(kind=DataKind.CUSTOMERS, columns=columns)
    source = SourceInfo(path="hand-built", kind=DataKind.CUSTOMERS, rows_read=0,
                        raw_schema=schema, currency=currency)
    frame = pd.DataFrame({n: [] for n in (roles or {})})
    return CustomerData(customers=frame, schema=schema, source=source)


def test_the_headline_example_with_currency() -> None:
    condition = And(all=[Compare(column="monetary", op=">", value=1000),
                         Compare(column="recency_days", op=">", value=90)])
    assert describe(condition, data_with("£")) == \
        "spent more than £1,000 and no order in the last 90 days"
    assert describe(condition) == "spent more than 1,000 and no order in the last 90 days"


@pytest.mark.parametrize(("condition", "text"), [
    (Compare(column="recency_days", op="<=", value=30), "ordered in the last 30 days"),
    (Compare(column="recency_days", op=">=", value=30), "last order at least 30 days ago"),
    (Compare(column="frequency", op=">=", value=10), "placed at least 10 orders"),
    (Compare(column="frequency", op="<", value=3), "placed fewer than 3 orders"),
    (Compare(column="frequency", op="==", value=1), "placed exactly 1 order"),
    (Compare(column="recency_days", op="<=", value=1), "ordered in the last 1 day"),
    (Compare(column="tenure_days", op="<", value=60), "first order less than 60 days ago"),
    (Compare(column="avg_order_value", op=">", value=500), "average order value over $500"),
    (Compare(column="monetary", op="<=", value=1234.5), "spent at most $1,234.50"),
    (Between(column="monetary", low=500, high=1000), "spent between $500 and $1,000"),
    (Between(column="recency_days", low=30, high=60), "last order between 30 and 60 days ago"),
])
def test_known_features_read_as_behaviour(condition: Condition, text: str) -> None:
    assert describe(condition, data_with("$")) == text


@pytest.mark.parametrize(("condition", "text"), [
    (Compare(column="Income", op=">", value=75000), "Income is over 75,000"),
    (Compare(column="Income", op="<=", value=1500.25), "Income is at most 1,500.25"),
    (Compare(column="Score", op=">", value=0.3000001), "Score is over 0.3000001"),
    (Compare(column="Score", op=">", value=0.1 + 0.2), "Score is over 0.3"),
    (Compare(column="Country", op="==", value="Germany"), "Country is Germany"),
    (Compare(column="Country", op="!=", value="United Kingdom"),
     "Country is not United Kingdom"),
    (In(column="Country", values=["Germany", "France"]), "Country is Germany or France"),
    (In(column="Country", values=["Germany", "France", "Spain"]),
     "Country is Germany, France or Spain"),
    (NotIn(column="Education", values=["PhD"]), "Education is not PhD"),
    (NotIn(column="Education", values=["PhD", "Master"]), "Education is neither PhD nor Master"),
    (NotIn(column="Education", values=["PhD", "Master", "Basic"]),
     "Education is none of PhD, Master or Basic"),
    (Between(column="Age", low=20, high=35), "Age is between 20 and 35"),
    (Compare(column="Dt_Customer", op="<", value="2013-01-01"),
     "Dt_Customer is before 2013-01-01"),
    (Compare(column="Dt_Customer", op=">=", value="2013-01-01"),
     "Dt_Customer is on or after 2013-01-01"),
    (Compare(column="Member", op="==", value=True), "Member is yes"),
    (Missing(column="Income"), "Income is missing"),
    (Present(column="Income"), "Income is known"),
])
def test_generic_columns(condition: Condition, text: str) -> None:
    assert describe(condition) == text


@pytest.mark.parametrize(("condition", "text"), [
    (Rank(column="monetary", percent=10), "top 10% by monetary"),
    (Rank(column="monetary", direction="bottom", percent=2.5), "bottom 2.5% by monetary"),
    (Rank(column="frequency", n=1000), "top 1,000 by frequency"),
    (RfmSegment(segments=["Champions"]), "in RFM segment Champions"),
    (RfmSegment(segments=["At Risk", "Can't Lose Them"]),
     "in RFM segments At Risk or Can't Lose Them"),
    (RfmScore(score="r", low=4, high=5), "RFM R score between 4 and 5"),
    (RfmScore(score="m", low=5, high=5), "RFM M score is 5"),
    (Lifecycle(stages=["new"]), "in lifecycle stage new"),
    (Cluster(features=["monetary", "frequency"], k=4, clusters=[2]),
     "in cluster 2 of 4 (k-means on monetary, frequency)"),
    (SegmentRef(name="big spenders"), "in saved segment 'big spenders'"),
    (Not(condition=Compare(column="Country", op="==", value="France")),
     "not (Country is France)"),
])
def test_segment_conditions(condition: Condition, text: str) -> None:
    assert describe(condition) == text


def test_nested_logic_keeps_its_grouping() -> None:
    condition = And(all=[
        Compare(column="frequency", op=">=", value=2),
        Or(any=[In(column="Country", values=["France"]), RfmSegment(segments=["Champions"])]),
        Not(condition=And(all=[Missing(column="Income"), Present(column="Age")])),
    ])
    assert describe(condition) == (
        "placed at least 2 orders, (Country is France or in RFM segment Champions) and "
        "not (Income is missing and Age is known)")


def test_customer_table_columns_read_by_role() -> None:
    data = data_with("€", {"Recency": Role.RECENCY, "TotalSpend": Role.MONETARY,
                           "Complain": Role.FLAG})
    assert describe(Compare(column="Recency", op="<=", value=10), data) == \
        "ordered in the last 10 days"
    assert describe(Compare(column="TotalSpend", op=">", value=50), data) == "spent more than €50"
    assert describe(Compare(column="Complain", op="==", value=1), data) == "Complain is yes"
    assert describe(Compare(column="Complain", op="==", value=1)) == "Complain is 1"


def test_description_is_deterministic_and_survives_yaml() -> None:
    definition = SegmentDefinition(condition=And(all=[
        Compare(column="monetary", op=">", value=1000.0),
        Rank(column="monetary", percent=10)]))
    again = SegmentDefinition.from_yaml(definition.to_yaml())
    assert describe(definition.condition) == describe(again.condition) == \
        "spent more than 1,000 and top 10% by monetary"



def test_years_in_a_range_are_written_without_thousands_separators() -> None:
    assert describe(Between(column="Year_Birth", low=1981, high=1996)) == \
        "Year_Birth is between 1981 and 1996"
    assert describe(Between(column="Income", low=1981, high=1996)) == \
        "Income is between 1,981 and 1,996"


@pytest.mark.parametrize(("language", "text"), [
    ("en", "ordered in the last 60 days"), ("ru", "заказывали за последние 60 дней"),
    ("zh", "最近 60 天内下过单")])
def test_not_of_a_purchase_feature_reads_as_its_opposite(language: str, text: str) -> None:
    # "exclude those who haven't bought in 2 months": the same customers, said plainly,
    # because every customer of a purchase log has a last order.
    lapsed = Compare(column="recency_days", op=">", value=60)
    assert describe(Not(condition=lapsed), language=language) == text
    # A column that may be missing keeps the "not": its missing values are kept by it.
    income = Not(condition=Compare(column="Income", op=">", value=60))
    assert describe(income, language=language) != describe(
        Compare(column="Income", op="<=", value=60), language=language)


def _complete_and_not(*columns: ColumnInfo) -> CustomerData:
    """A customer table of these columns (the second may be missing for some customers)."""
    schema = Schema(kind=DataKind.CUSTOMERS, columns=columns)
    source = SourceInfo(path="hand-built", kind=DataKind.CUSTOMERS, rows_read=0,
                        raw_schema=schema)
    return CustomerData(customers=pd.DataFrame({c.name: [] for c in columns}), schema=schema,
                        source=source)


def test_not_yes_of_a_complete_flag_reads_no() -> None:
    data = _complete_and_not(
        ColumnInfo(name="churned", role=Role.FLAG, dtype=DType.BOOL, n_missing=0),
        ColumnInfo(name="opted_in", role=Role.FLAG, dtype=DType.BOOL, n_missing=3))
    churned = Not(condition=Compare(column="churned", op="==", value=True))
    assert describe(churned, data) == describe(
        Compare(column="churned", op="==", value=False), data)
    opted = Not(condition=Compare(column="opted_in", op="==", value=True))
    assert describe(opted, data).startswith("not")  # its missing values stay in the "not"


def test_not_one_of_a_complete_column_reads_is_not() -> None:
    data = _complete_and_not(
        ColumnInfo(name="pay", role=Role.CATEGORY, dtype=DType.TEXT, n_missing=0),
        ColumnInfo(name="city", role=Role.CATEGORY, dtype=DType.TEXT, n_missing=2))
    paid = Not(condition=In(column="pay", values=["cash"]))
    assert describe(paid, data) == describe(NotIn(column="pay", values=["cash"]), data)
    # with missing values "not (city is X)" keeps them and "city is not X" would not
    assert describe(Not(condition=In(column="city", values=["Oslo"])), data).startswith("not")
