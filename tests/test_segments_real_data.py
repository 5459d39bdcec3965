"""RFM, lifecycle stages and profiles on the bundled real datasets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tools.engine.dataset import CustomerData
from tools.engine.errors import DataError
from tools.engine.lifecycle import STAGES, lifecycle_table
from tools.engine.profiles import compare, overlap, profile
from tools.engine.rfm import default_scheme, rfm_grid, rfm_summary, rfm_table

loading = pytest.importorskip("tools.engine.loading")

ONLINE_RETAIL_SEGMENTS = {
    "Champions": 632,
    "Loyal Customers": 819,
    "Potential Loyalists": 480,
    "New Customers": 42,
    "Promising": 91,
    "Need Attention": 188,
    "About to Sleep": 350,
    "At Risk": 596,
    "Can't Lose Them": 63,
    "Hibernating": 1_077,
}


def test_online_retail_rfm_segments_match_semantics(retail: CustomerData) -> None:
    table = rfm_table(retail)
    assert len(table) == 4_338
    assert table["rfm_segment"].value_counts().to_dict() == ONLINE_RETAIL_SEGMENTS
    # 4,338 = 868 + 868 + 868 + 867 + 867: NTILE's first buckets are larger.
    assert table["r_score"].value_counts().sort_index().tolist() == [868, 868, 868, 867, 867]


def test_online_retail_summary_and_grid_agree(retail: CustomerData) -> None:
    summary = rfm_summary(retail)
    assert [s.name for s in summary] == default_scheme().segment_names()
    assert {s.name: s.customers for s in summary} == ONLINE_RETAIL_SEGMENTS
    assert sum(s.share for s in summary) == pytest.approx(1.0)
    assert sum(s.revenue_share for s in summary) == pytest.approx(1.0)
    champions = summary[0]
    assert champions.revenue_share > champions.share  # the best customers spend more
    hibernating_recency = summary[-1].avg_recency
    assert champions.avg_recency is not None and hibernating_recency is not None
    assert champions.avg_recency < hibernating_recency
    grid = rfm_grid(retail)
    assert int(grid.to_numpy().sum()) == 4_338
    assert int(grid.loc[5, 4] + grid.loc[5, 5]) == ONLINE_RETAIL_SEGMENTS["Champions"]
    json.dumps([s.to_dict() for s in summary])


def test_campaign_table_has_recency_only_so_rfm_says_what_to_map(
    campaign: CustomerData,
) -> None:
    # marketing_campaign.csv has Recency but spend and purchases only per product line
    # and channel, so no single column is frequency or monetary until the user says which.
    with pytest.raises(DataError) as caught:
        rfm_table(campaign)
    message = str(caught.value)
    assert "--map frequency=COLUMN" in message and "--map monetary=COLUMN" in message
    assert "--map recency" not in message
    assert "NumStorePurchases" in caught.value.options
    assert "Response" not in caught.value.options  # a 0/1 flag is no frequency


def test_campaign_rfm_works_once_columns_are_mapped(datasets_dir: Path) -> None:
    mapped = loading.load_customer_data(
        datasets_dir / "marketing_campaign.csv",
        mapping={"frequency": "NumStorePurchases", "monetary": "MntWines"},
    )
    table = rfm_table(mapped)
    assert len(table) == 2_240
    assert table["f_score"].value_counts().tolist() == [448] * 5
    assert set(table["rfm_segment"]) == set(default_scheme().segment_names())


def test_online_retail_lifecycle(retail: CustomerData) -> None:
    table, thresholds = lifecycle_table(retail)
    customers = retail.customers
    assert thresholds.typical_gap_days == 55  # median gap 54.75 days over 2,790 repeat buyers
    assert thresholds.repeat_customers == 2_790
    assert table["stage"].notna().all()
    assert set(table["stage"]) == set(STAGES)
    stage = table["stage"]
    # A single order is new within one gap, else at risk or lapsed: never active.
    assert (stage[customers["frequency"] == 1] != "active").all()
    assert (customers.loc[stage == "new", "tenure_days"] <= 55).all()
    assert (customers.loc[stage == "active", "recency_days"] <= 55).all()
    at_risk = customers.loc[stage == "at risk", "recency_days"]
    assert at_risk.between(56, 165).all()
    assert (customers.loc[stage == "lapsed", "recency_days"] > 165).all()
    assert "55 days" in thresholds.explain()


def test_campaign_lifecycle_needs_frequency_and_tenure(campaign: CustomerData) -> None:
    with pytest.raises(DataError, match=r"--map frequency=COLUMN --map tenure=COLUMN"):
        lifecycle_table(campaign)


def test_profiles_on_online_retail(retail: CustomerData) -> None:
    everyone = profile(retail, np.ones(retail.n_customers, dtype=bool))
    assert everyone.share_of_customers == 1.0 and everyone.revenue_share == 1.0
    assert all(m.index == 100.0 for m in everyone.measures)
    assert {m.column for m in everyone.measures} == {
        "recency_days", "frequency", "monetary", "tenure_days", "avg_order_value"}
    (country,) = everyone.categories
    assert country.top[0].value == "United Kingdom"

    segments = rfm_table(retail)["rfm_segment"]
    champions = segments == "Champions"
    hibernating = segments == "Hibernating"
    champion_profile = profile(retail, champions)
    summary = {s.name: s for s in rfm_summary(retail)}
    assert champion_profile.size == 632
    assert champion_profile.revenue_share == pytest.approx(summary["Champions"].revenue_share)
    monetary = champion_profile.measure("monetary")
    assert monetary is not None and monetary.index is not None and monetary.index > 100
    shares = [profile(retail, segments == name).share_of_customers for name in summary]
    assert sum(shares) == pytest.approx(1.0)

    assert overlap(champions, champions).jaccard == 1.0
    assert overlap(champions, hibernating).both == 0
    comparison = compare(retail, champions, hibernating)
    by_column = {d.column: d for d in comparison.differences if d.value is None}
    assert by_column["frequency"].standardised_difference > 0
    assert by_column["recency_days"].standardised_difference < 0
    json.dumps(comparison.to_dict())


def test_profiles_on_a_customer_table_without_spend(campaign: CustomerData) -> None:
    response = pd.Series(campaign.customers["Response"] == 1, index=campaign.customers.index)
    result = profile(campaign, response)
    assert result.revenue_share is None and result.revenue_column is None
    assert result.size == int(response.sum())
    income = result.measure("Income")
    assert income is not None and income.base_mean is not None
    assert {c.column for c in result.categories} == {"Education", "Marital_Status"}
    json.dumps(result.to_dict())
