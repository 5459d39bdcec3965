"""Segment profiles, comparisons and overlaps on a small hand-checked base."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.profiles import compare, overlap, profile
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema


@pytest.fixture()
def data() -> CustomerData:
    frame = pd.DataFrame(
        {
            "recency_days": [10, 20, 30, 40, 200, 300],
            "frequency": [8, 6, 4, 2, 1, 1],
            "monetary": [400.0, 300.0, 200.0, 50.0, 30.0, 20.0],
            "Country": ["France", "France", "Germany", "Germany", "Spain", None],
            "Member": [True, True, False, True, False, False],
            "Note": ["a", "b", "c", "d", "e", "f"],
        },
        index=pd.Index([101, 102, 103, 104, 105, 106], name="customer_id"),
    )
    roles = [
        ("recency_days", Role.RECENCY, DType.INTEGER),
        ("frequency", Role.FREQUENCY, DType.INTEGER),
        ("monetary", Role.MONETARY, DType.NUMBER),
        ("Country", Role.CATEGORY, DType.TEXT),
        ("Member", Role.FLAG, DType.BOOL),
        ("Note", Role.TEXT, DType.TEXT),
    ]
    schema = Schema(DataKind.TRANSACTIONS, tuple(ColumnInfo(n, r, t) for n, r, t in roles))
    return CustomerData(frame, schema, SourceInfo("synthetic", DataKind.TRANSACTIONS, 6, schema))


def mask_of(data: CustomerData, ids: list[int]) -> pd.Series:
    return pd.Series(data.customers.index.isin(ids), index=data.customers.index)


def test_profile_sizes_shares_and_indexes(data: CustomerData) -> None:
    result = profile(data, mask_of(data, [101, 102]))
    assert result.size == 2 and result.base_size == 6
    assert result.share_of_customers == pytest.approx(2 / 6)
    assert result.revenue_column == "monetary"
    assert result.revenue_share == pytest.approx(700 / 1000)
    assert [m.column for m in result.measures] == ["recency_days", "frequency", "monetary",
                                                   "Member"]
    spend = result.measure("monetary")
    assert spend is not None
    assert spend.segment_mean == pytest.approx(350.0)
    assert spend.segment_median == pytest.approx(350.0)
    assert spend.base_mean == pytest.approx(1000 / 6)
    assert spend.index == pytest.approx(100 * 350 / (1000 / 6))
    member = result.measure("Member")
    assert member is not None and member.segment_mean == 1.0 and member.base_mean == 0.5
    (country,) = result.categories
    assert country.column == "Country"
    assert [(c.value, c.segment_share, c.base_share) for c in country.top] == [
        ("France", 1.0, pytest.approx(2 / 6))]


def test_whole_base_indexes_at_100(data: CustomerData) -> None:
    everyone = profile(data, np.ones(6, dtype=bool))
    assert everyone.share_of_customers == 1.0 and everyone.revenue_share == 1.0
    assert all(m.index == 100.0 for m in everyone.measures)
    shares = {c.value: c.segment_share for c in everyone.categories[0].top}
    assert shares == {c.value: c.base_share for c in everyone.categories[0].top}
    # The customer without a country counts in the denominator.
    assert sum(shares.values()) == pytest.approx(5 / 6)


def test_empty_segment_has_no_means_and_no_errors(data: CustomerData) -> None:
    empty = profile(data, np.zeros(6, dtype=bool))
    assert empty.size == 0 and empty.share_of_customers == 0.0 and empty.revenue_share == 0.0
    assert all(m.segment_mean is None and m.index is None for m in empty.measures)
    assert empty.categories[0].top == ()
    json.dumps(empty.to_dict())
    comparison = compare(data, np.zeros(6, dtype=bool), np.ones(6, dtype=bool))
    assert comparison.differences == ()
    assert comparison.overlap.only_b == 6


def test_mask_is_aligned_by_customer_id(data: CustomerData) -> None:
    shuffled = pd.Series([True, False, True], index=[106, 101, 105])
    result = profile(data, shuffled)
    assert result.size == 2
    recency = result.measure("recency_days")
    assert recency is not None and recency.segment_mean == pytest.approx(250.0)


def test_to_dict_is_json_with_rounded_numbers(data: CustomerData) -> None:
    payload = profile(data, mask_of(data, [101, 102, 103])).to_dict()
    text = json.dumps(payload)
    assert "0.3333333" not in text
    assert payload["share_of_customers"] == 0.5
    spend = next(m for m in payload["measures"] if m["column"] == "monetary")
    difference = spend.pop("difference")
    assert spend == {"column": "monetary", "role": "monetary", "unit": "number",
                     "segment_mean": 300.0, "segment_median": 300.0, "base_mean": 166.67,
                     "index": 180, "left_out": None}
    assert difference > 0 and round(difference, 3) == difference


def test_compare_ranks_what_differs_most(data: CustomerData) -> None:
    best = mask_of(data, [101, 102, 103])
    rest = mask_of(data, [104, 105, 106])
    comparison = compare(data, best, rest)
    assert comparison.a.size == 3 and comparison.b.size == 3
    assert comparison.overlap.both == 0
    sizes = [abs(d.standardised_difference) for d in comparison.differences]
    assert sizes == sorted(sizes, reverse=True)
    by_key = {(d.column, d.value): d for d in comparison.differences}
    assert by_key[("frequency", None)].standardised_difference > 0
    assert by_key[("recency_days", None)].standardised_difference < 0
    france = by_key[("Country", "France")]
    assert (france.a, france.b) == (pytest.approx(2 / 3), 0.0)
    assert "Note" not in {d.column for d in comparison.differences}
    json.dumps(comparison.to_dict())
    assert comparison.to_dict()["differences"][0]["kind"] in {"measure", "category"}


def test_overlap_counts_and_jaccard() -> None:
    a = pd.Series([True, True, False, False], index=[1, 2, 3, 4])
    b = pd.Series([True, False, True], index=[2, 3, 5])
    result = overlap(a, b)
    # a = {1, 2}, b = {2, 5}: ids missing from one side count as not in it.
    assert (result.only_a, result.only_b, result.both) == (1, 1, 1)
    assert result.jaccard == pytest.approx(1 / 3)
    assert result.share_of_a_in_b == pytest.approx(0.5)
    assert overlap(a, a).jaccard == 1.0
    nobody = pd.Series([False, False])
    assert overlap(nobody, nobody).jaccard == 0.0
    assert overlap(nobody, nobody).to_dict()["share_of_a_in_b"] == 0.0


def test_average_order_value_of_a_group_is_its_revenue_per_order(retail: CustomerData) -> None:
    """SEMANTICS.md: a group's average order value is its revenue over its orders, not the
    mean of each customer's own average (the campaign plan's baseline reads it)."""
    frame = retail.customers
    mask = frame.monetary > frame.monetary.quantile(0.8)
    found = {m.column: m for m in profile(retail, mask).measures}["avg_order_value"]
    want = frame.monetary[mask].sum() / frame.frequency[mask].sum()
    assert found.segment_mean == pytest.approx(want)
    assert found.base_mean == pytest.approx(frame.monetary.sum() / frame.frequency.sum())
    assert found.segment_mean != pytest.approx(frame.avg_order_value[mask].mean())


def test_a_comparison_shows_each_groups_revenue_per_order(retail: CustomerData) -> None:
    """The comparison's average order value is each group's revenue over its orders too."""
    frame = retail.customers
    a = frame.avg_order_value > frame.avg_order_value.quantile(0.8)
    b = frame.avg_order_value < frame.avg_order_value.quantile(0.2)
    [shown] = [d for d in compare(retail, a, b).differences if d.column == "avg_order_value"]
    assert shown.a == pytest.approx(frame.monetary[a].sum() / frame.frequency[a].sum())
    assert shown.b == pytest.approx(frame.monetary[b].sum() / frame.frequency[b].sum())
    assert shown.a != pytest.approx(frame.avg_order_value[a].mean())
