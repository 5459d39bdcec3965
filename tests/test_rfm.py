"""RFM scores and named segments on small synthetic bases (SEMANTICS.md NTILE rules)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.errors import DataError, DefinitionError
from tools.engine.rfm import (
    RfmScheme,
    RfmSegmentRule,
    default_scheme,
    ntile_scores,
    rfm_grid,
    rfm_summary,
    rfm_table,
)
from tools.engine.rfm_scheme import SCORES
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema

RFM_SCHEMA = [
    ("recency_days", Role.RECENCY, DType.INTEGER),
    ("frequency", Role.FREQUENCY, DType.INTEGER),
    ("monetary", Role.MONETARY, DType.NUMBER),
]


def make_data(frame: pd.DataFrame, roles: list[tuple[str, Role, DType]],
              kind: DataKind = DataKind.TRANSACTIONS) -> CustomerData:
    frame = frame.copy()
    frame.index.name = "customer_id"
    schema = Schema(kind, tuple(ColumnInfo(name, role, dtype) for name, role, dtype in roles))
    return CustomerData(frame, schema, SourceInfo("synthetic", kind, len(frame), schema))


def rfm_data(recency: list[float], frequency: list[float], monetary: list[float],
             ids: list[int] | list[str] | None = None) -> CustomerData:
    index = ids if ids is not None else list(range(1, len(recency) + 1))
    frame = pd.DataFrame({"recency_days": recency, "frequency": frequency,
                          "monetary": monetary}, index=pd.Index(index))
    return make_data(frame, RFM_SCHEMA)


def test_seven_customers_first_buckets_take_the_extra_rows() -> None:
    data = rfm_data(recency=[70, 60, 50, 40, 30, 20, 10], frequency=[1, 2, 3, 4, 5, 6, 7],
                    monetary=[7, 6, 5, 4, 3, 2, 1])
    table = rfm_table(data)
    # 7 = 2 + 2 + 1 + 1 + 1: buckets 1 and 2 hold two customers each.
    assert table["r_score"].tolist() == [1, 1, 2, 2, 3, 4, 5]
    assert table["f_score"].tolist() == [1, 1, 2, 2, 3, 4, 5]
    assert table["m_score"].tolist() == [5, 4, 3, 2, 2, 1, 1]
    assert table["rfm_cell"].tolist()[0] == "115"
    assert table.index.equals(data.customers.index)


def test_ties_are_broken_by_customer_id_ascending() -> None:
    # Everyone identical: the order is by id alone, whatever the row order.
    ids = [50, 10, 40, 20, 30]
    data = rfm_data(recency=[5] * 5, frequency=[2] * 5, monetary=[9.0] * 5, ids=ids)
    table = rfm_table(data)
    expected = {10: 1, 20: 2, 30: 3, 40: 4, 50: 5}
    assert table["r_score"].to_dict() == expected
    assert table["f_score"].to_dict() == expected
    assert table["m_score"].to_dict() == expected


def test_string_ids_tie_break_in_text_order() -> None:
    data = rfm_data(recency=[3, 3], frequency=[1, 1], monetary=[1.0, 1.0], ids=["9", "10"])
    table = rfm_table(data)
    assert table.loc["10", "r_score"] == 1  # "10" < "9" as text
    assert table.loc["9", "r_score"] == 2


def test_fewer_than_five_customers_use_the_lowest_buckets() -> None:
    data = rfm_data(recency=[30, 20, 10], frequency=[3, 2, 1], monetary=[1.0, 2.0, 3.0])
    table = rfm_table(data)
    assert table["r_score"].tolist() == [1, 2, 3]
    assert table["f_score"].tolist() == [3, 2, 1]
    assert table["m_score"].tolist() == [1, 2, 3]


def test_missing_values_score_lowest() -> None:
    data = rfm_data(recency=[1, 2, 3, 4, np.nan], frequency=[5, 4, np.nan, 2, 1],
                    monetary=[np.nan, 1.0, 2.0, 3.0, 4.0])
    table = rfm_table(data)
    assert table.loc[5, "r_score"] == 1
    assert table.loc[3, "f_score"] == 1
    assert table.loc[1, "m_score"] == 1


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(min_value=0, max_value=12), min_size=0, max_size=60),
    seed=st.integers(min_value=0, max_value=10_000),
    descending=st.booleans(),
)
def test_ntile_sizes_and_monotonicity(values: list[int], seed: int, descending: bool) -> None:
    n = len(values)
    ids = np.random.default_rng(seed).permutation(np.arange(100, 100 + n))
    scores = ntile_scores(np.array(values, dtype=float), ids, descending=descending)
    sizes = [int((scores == b).sum()) for b in SCORES]
    assert sum(sizes) == n
    assert max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)  # the first buckets take the extra rows
    sign = -1 if descending else 1
    keys = [(sign * v, i) for v, i in zip(values, ids, strict=True)]
    for a in range(n):
        for b in range(n):
            if keys[a] < keys[b]:
                assert scores[a] <= scores[b]


def test_default_scheme_names_every_cell_once_in_semantics_order() -> None:
    scheme = default_scheme()
    assert scheme.segment_names() == [
        "Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising",
        "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating",
    ]
    assert (scheme.cell_lookup() >= 0).all()
    assert scheme.segment_of(5, 5) == "Champions"
    assert scheme.segment_of(3, 3) == "Need Attention"
    assert scheme.segment_of(1, 5) == "Can't Lose Them"
    assert scheme.segment_of(4, 1) == "Promising"


def test_scheme_yaml_round_trip_is_lossless_and_readable() -> None:
    scheme = default_scheme()
    text = scheme.to_yaml()
    assert "r: 3-4" in text  # ranges are written the way a person would
    again = RfmScheme.from_yaml(text)
    assert again == scheme
    assert again.cache_key() == scheme.cache_key()


def test_scheme_accepts_lists_numbers_and_ranges() -> None:
    rule = RfmSegmentRule.model_validate({"name": "X", "r": "2-4", "f": 5})
    assert rule.r == [2, 3, 4] and rule.f == [5]
    assert RfmSegmentRule.model_validate({"name": "Y", "r": [5, 4, 4], "f": "1"}).r == [4, 5]


def _edited(drop: str | None = None, extra: dict[str, object] | None = None) -> str:
    data = default_scheme().model_dump(mode="json")
    data["segments"] = [s for s in data["segments"] if s["name"] != drop]
    if extra:
        data["segments"].append(extra)
    return yaml.safe_dump(data)


def test_scheme_with_a_gap_is_rejected_naming_the_cells() -> None:
    with pytest.raises(DefinitionError, match=r"no segment: R3F3$"):
        RfmScheme.from_yaml(_edited(drop="Need Attention"))


def test_scheme_with_an_overlap_is_rejected_naming_both_segments() -> None:
    text = _edited(extra={"name": "Stars", "r": 5, "f": 5})
    with pytest.raises(DefinitionError, match=r"R5F5 \(Champions and Stars\)"):
        RfmScheme.from_yaml(text)
    with pytest.raises(ValidationError):
        RfmScheme.model_validate(default_scheme().model_dump() | {"segments": []})


@pytest.mark.parametrize("bad", ["6", "0-2", "x", "[]"])
def test_scheme_rejects_scores_outside_one_to_five(bad: str) -> None:
    text = _edited(drop="Champions") + f"- name: Champions\n  r: {bad}\n  f: 4-5\n"
    with pytest.raises(DefinitionError, match="RFM scheme"):
        RfmScheme.from_yaml(text)


def test_custom_scheme_renames_and_is_cached_separately() -> None:
    data = rfm_data(recency=list(range(10, 0, -1)), frequency=list(range(1, 11)),
                    monetary=[1.0] * 10)
    two_names = RfmScheme(segments=[
        RfmSegmentRule(name="Recent", r=[4, 5], f=[1, 2, 3, 4, 5]),
        RfmSegmentRule(name="Older", r=[1, 2, 3], f=[1, 2, 3, 4, 5]),
    ])
    custom = rfm_table(data, two_names)
    default = rfm_table(data)
    assert set(custom["rfm_segment"]) == {"Recent", "Older"}
    assert (custom["rfm_segment"] == "Recent").sum() == 4
    assert set(default["rfm_segment"]) <= set(default_scheme().segment_names())
    assert len([k for k in data.derived if k.startswith("rfm:")]) == 2


def test_table_is_cached_and_callers_cannot_corrupt_the_cache() -> None:
    data = rfm_data(recency=[1, 2, 3, 4, 5], frequency=[1, 2, 3, 4, 5], monetary=[1.0] * 5)
    first = rfm_table(data)
    first["r_score"] = 0
    again = rfm_table(data)
    assert again["r_score"].min() == 1
    assert list(again.columns) == ["r_score", "f_score", "m_score", "rfm_cell", "rfm_segment"]
    assert [str(t) for t in again.dtypes[:3]] == ["int64"] * 3


def test_customer_table_without_frequency_and_monetary_says_how_to_map() -> None:
    frame = pd.DataFrame({"Recency": [3, 10], "Income": [50_000.0, 60_000.0],
                          "Region": ["North", "South"]}, index=[1, 2])
    data = make_data(frame, [("Recency", Role.RECENCY, DType.INTEGER),
                             ("Income", Role.MEASURE, DType.NUMBER),
                             ("Region", Role.CATEGORY, DType.TEXT)], DataKind.CUSTOMERS)
    with pytest.raises(DataError) as caught:
        rfm_table(data)
    message = str(caught.value)
    assert "\n" not in message
    assert "--map frequency=COLUMN" in message and "--map monetary=COLUMN" in message
    assert "recency=" not in message
    assert caught.value.options == ["Recency", "Income"]


def test_customer_table_uses_the_columns_with_rfm_roles() -> None:
    frame = pd.DataFrame({"DaysSince": [50, 40, 30, 20, 10], "Orders": [1, 2, 3, 4, 5],
                          "Spend": [10.0, 20.0, 30.0, 40.0, 50.0]}, index=[1, 2, 3, 4, 5])
    data = make_data(frame, [("DaysSince", Role.RECENCY, DType.INTEGER),
                             ("Orders", Role.FREQUENCY, DType.INTEGER),
                             ("Spend", Role.MONETARY, DType.NUMBER)], DataKind.CUSTOMERS)
    table = rfm_table(data)
    assert table["rfm_cell"].tolist() == ["111", "222", "333", "444", "555"]
    assert table["rfm_segment"].tolist() == [
        "Hibernating", "Hibernating", "Need Attention", "Loyal Customers", "Champions"]


def test_summary_in_scheme_order_with_empty_segments() -> None:
    data = rfm_data(recency=[50, 40, 30, 20, 10], frequency=[1, 2, 3, 4, 5],
                    monetary=[10.0, 20.0, 30.0, 40.0, 100.0])
    summary = rfm_summary(data)
    assert [s.name for s in summary] == default_scheme().segment_names()
    by_name = {s.name: s for s in summary}
    assert by_name["Champions"].customers == 1
    assert by_name["Champions"].revenue_share == pytest.approx(0.5)
    assert by_name["Hibernating"].customers == 2
    assert by_name["Hibernating"].avg_recency == pytest.approx(45.0)
    assert by_name["Promising"].customers == 0 and by_name["Promising"].avg_monetary is None
    assert sum(s.customers for s in summary) == 5
    assert sum(s.share for s in summary) == pytest.approx(1.0)
    assert by_name["Promising"].to_dict()["avg_monetary"] is None
    assert by_name["Champions"].to_dict()["share"] == 0.2


def test_grid_counts_by_r_and_f() -> None:
    rng = np.random.default_rng(3)
    n = 103
    data = rfm_data(recency=rng.integers(1, 300, n).tolist(),
                    frequency=rng.integers(1, 9, n).tolist(),
                    monetary=rng.random(n).tolist())
    grid = rfm_grid(data)
    table = rfm_table(data)
    assert grid.index.tolist() == [5, 4, 3, 2, 1]
    assert grid.columns.tolist() == [1, 2, 3, 4, 5]
    assert int(grid.to_numpy().sum()) == n
    expected = pd.crosstab(table["r_score"], table["f_score"])
    assert grid.loc[5, 1] == expected.loc[5, 1]
    assert grid.loc[2, 4] == expected.loc[2, 4]


def test_four_hundred_thousand_customers_score_quickly() -> None:
    rng = np.random.default_rng(0)
    n = 400_000
    data = rfm_data(recency=rng.integers(1, 400, n).tolist(),
                    frequency=rng.integers(1, 30, n).tolist(),
                    monetary=rng.gamma(2.0, 300.0, n).tolist())
    started = time.perf_counter()
    table = rfm_table(data)
    elapsed = time.perf_counter() - started
    assert len(table) == n
    assert table["r_score"].value_counts().tolist() == [80_000] * 5
    assert elapsed < 3.0, f"RFM on 400k customers took {elapsed:.2f}s"


def _groups(cuts: list[bool]) -> list[list[int]]:
    """Split 1..5 into runs, cutting after score i where cuts[i - 1] is true."""
    groups: list[list[int]] = [[1]]
    for score, cut in zip(SCORES[1:], cuts, strict=True):
        if cut:
            groups.append([score])
        else:
            groups[-1].append(score)
    return groups


@settings(max_examples=40, deadline=None)
@given(r_cuts=st.lists(st.booleans(), min_size=4, max_size=4),
       f_cuts=st.lists(st.booleans(), min_size=4, max_size=4),
       dropped=st.integers(min_value=0, max_value=24))
def test_any_grid_partition_is_valid_and_any_missing_rule_is_caught(
    r_cuts: list[bool], f_cuts: list[bool], dropped: int
) -> None:
    rules = [RfmSegmentRule(name=f"R{r[0]}-{r[-1]} F{f[0]}-{f[-1]}", r=r, f=f)
             for r in _groups(r_cuts) for f in _groups(f_cuts)]
    scheme = RfmScheme(name="grid", segments=rules)
    assert RfmScheme.from_yaml(scheme.to_yaml()) == scheme
    assert sorted(np.bincount(scheme.cell_lookup().ravel())) == sorted(
        len(rule.r) * len(rule.f) for rule in rules)
    missing = rules[dropped % len(rules)]
    with pytest.raises(DefinitionError, match=f"R{missing.r[0]}F{missing.f[0]}"):
        RfmScheme.from_data({"segments": [rule.model_dump() for rule in rules
                                          if rule is not missing]})


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                              st.sampled_from([0.0, -0.0, 1.5, -1.5, 40000.0, -1e300])),
                    min_size=0, max_size=40),
    descending=st.booleans(),
)
def test_ntile_of_any_numbers_matches_sorting_by_value_then_id(values: list[float],
                                                              descending: bool) -> None:
    """Fractions, negatives, -0.0, infinities and NaN: the fast sort keys keep SQL's order."""
    n = len(values)
    ids = np.arange(n)[::-1].copy()  # ids descending: ties must still go to the lower id
    scores = ntile_scores(np.array(values, dtype=float), ids, descending=descending)

    def order_key(position: int) -> tuple[float, int]:
        value = values[position]
        signed = float("-inf") if np.isnan(value) else (-value if descending else value)
        return signed + 0.0, int(ids[position])

    ranked = sorted(range(n), key=order_key)
    base, extra = divmod(n, 5)
    sizes = [base + 1 if bucket < extra else base for bucket in range(5)]
    expected = np.empty(n, dtype=np.int64)
    expected[ranked] = np.repeat(np.arange(1, 6), sizes)
    assert scores.tolist() == expected.tolist()
