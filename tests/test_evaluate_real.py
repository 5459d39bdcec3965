"""Definitions evaluated on the bundled real datasets give the documented counts."""

from __future__ import annotations

import pytest

from tools.engine.dataset import CustomerData
from tools.engine.definitions import (
    And,
    Between,
    Compare,
    Condition,
    In,
    NotIn,
    Rank,
)
from tools.engine.describe import describe
from tools.engine.errors import DefinitionError
from tools.engine.evaluate import evaluate, validate

pytest.importorskip("tools.engine.loading")


def size(condition: Condition, data: CustomerData) -> int:
    mask = evaluate(condition, data)
    assert mask.index.equals(data.customers.index)
    return int(mask.sum())


@pytest.mark.slow
@pytest.mark.parametrize(("condition", "expected"), [
    (Compare(column="monetary", op=">", value=5000), 275),
    (Compare(column="recency_days", op="<=", value=30), 1628),
    (Compare(column="recency_days", op=">", value=180), 861),
    (Compare(column="frequency", op=">=", value=10), 391),
    (Compare(column="frequency", op="==", value=1), 1493),
    (Compare(column="Country", op="==", value="Germany"), 94),
    (Compare(column="country", op="==", value="germany"), 94),
    (Rank(column="monetary", direction="top", percent=10), 434),
    (Between(column="monetary", low=500, high=1000), 909),
    (Compare(column="avg_order_value", op=">", value=500), 787),
    (Compare(column="tenure_days", op="<", value=60), 584),
    (And(all=[Compare(column="Country", op="!=", value="United Kingdom"),
              Compare(column="frequency", op=">", value=5)]), 81),
    (And(all=[NotIn(column="Country", values=["united kingdom"]),
              Compare(column="frequency", op=">", value=5)]), 81),
    (And(all=[Compare(column="monetary", op=">", value=1000),
              Compare(column="recency_days", op=">", value=90)]), 232),
    (And(all=[In(column="Country", values=["France"]),
              Compare(column="monetary", op=">", value=2000)]), 27),
])
def test_online_retail_counts(retail: CustomerData, condition: Condition, expected: int) -> None:
    assert size(condition, retail) == expected


@pytest.mark.slow
def test_online_retail_top_ten_percent_are_the_biggest_spenders(retail: CustomerData) -> None:
    mask = evaluate(Rank(column="monetary", percent=10), retail)
    spend = retail.customers["monetary"]
    assert spend[mask].min() >= spend[~mask].max()


@pytest.mark.slow
def test_top_share_inside_and_is_of_the_other_conditions(retail: CustomerData) -> None:
    german = Compare(column="Country", op="==", value="Germany")
    mask = evaluate(And(all=[german, Rank(column="monetary", percent=10)]), retail)
    assert int(mask.sum()) == 10  # ceil(10% of 94 German customers)
    germans = retail.customers.loc[retail.customers["Country"] == "Germany", "monetary"]
    assert retail.customers.loc[mask, "monetary"].min() == germans.nlargest(10).min()


@pytest.mark.slow
def test_online_retail_unknown_country_names_real_ones(retail: CustomerData) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate(Compare(column="Country", op="==", value="Germny"), retail)
    assert caught.value.options[0] == "Germany"
    assert "\n" not in str(caught.value)
    with pytest.raises(DefinitionError, match="Did you mean: Country"):
        validate(In(column="contry", values=["France"]), retail)


@pytest.mark.parametrize(("condition", "expected"), [
    (And(all=[Compare(column="Marital_Status", op="==", value="Married"),
              Compare(column="Income", op=">", value=75000)]), 134),
    (And(all=[Compare(column="Education", op="==", value="PhD"),
              Compare(column="MntWines", op=">", value=1000)]), 49),
    (Compare(column="Complain", op="==", value=1), 21),
    (Compare(column="Response", op="==", value=1), 334),
    (Compare(column="Kidhome", op=">", value=0), 947),
    (And(all=[Compare(column="NumStorePurchases", op=">", value=10),
              Compare(column="NumWebPurchases", op="<", value=3)]), 18),
    (Compare(column="Recency", op="<=", value=10), 259),
])
def test_campaign_counts(campaign: CustomerData, condition: Condition, expected: int) -> None:
    assert size(condition, campaign) == expected


def test_campaign_missing_income_is_never_matched(campaign: CustomerData) -> None:
    income = campaign.customers["Income"]
    missing = int(income.isna().sum())
    above = size(Compare(column="Income", op=">", value=50000), campaign)
    not_above = size(Compare(column="Income", op="<=", value=50000), campaign)
    assert above + not_above == campaign.n_customers - missing


def test_campaign_education_typo_names_the_value(campaign: CustomerData) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate(Compare(column="Education", op="==", value="Phd."), campaign)
    assert "PhD" in caught.value.options


@pytest.mark.parametrize(("condition", "expected"), [
    (And(all=[Compare(column="Genre", op="==", value="Female"),
              Between(column="Age", low=20, high=35)]), 54),
    (And(all=[Compare(column="Spending Score (1-100)", op=">", value=80),
              Compare(column="Annual Income (k$)", op=">", value=70)]), 20),
])
def test_mall_counts(mall: CustomerData, condition: Condition, expected: int) -> None:
    assert size(condition, mall) == expected


def test_mall_income_column_found_from_a_word(mall: CustomerData) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate(Compare(column="income", op=">", value=70), mall)
    assert caught.value.options == ["Annual Income (k$)"]


def test_describe_reads_real_data_roles(campaign: CustomerData) -> None:
    text = describe(And(all=[Compare(column="Recency", op="<=", value=10),
                             Compare(column="MntWines", op=">", value=1000),
                             Compare(column="Complain", op="==", value=0)]), campaign)
    assert text == "ordered in the last 10 days, MntWines is over 1,000 and Complain is no"
