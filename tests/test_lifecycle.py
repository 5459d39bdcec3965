"""Lifecycle stages with thresholds measured on the base's own purchase gaps."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.errors import DataError
from tools.engine.lifecycle import (
    STAGES,
    LifecycleConfig,
    derive_thresholds,
    lifecycle_table,
)
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema

LOG_ROLES = [
    ("recency_days", Role.RECENCY, DType.INTEGER),
    ("frequency", Role.FREQUENCY, DType.INTEGER),
    ("tenure_days", Role.TENURE, DType.INTEGER),
]


def make_data(rows: Mapping[int, tuple[float, float, float]],
              roles: list[tuple[str, Role, DType]] = LOG_ROLES,
              kind: DataKind = DataKind.TRANSACTIONS) -> CustomerData:
    """rows: customer id -> (recency_days, frequency, tenure_days)."""
    frame = pd.DataFrame.from_dict(rows, orient="index",
                                   columns=["recency_days", "frequency", "tenure_days"])
    frame.index.name = "customer_id"
    schema = Schema(kind, tuple(ColumnInfo(name, role, dtype) for name, role, dtype in roles))
    return CustomerData(frame, schema, SourceInfo("synthetic", kind, len(frame), schema))


# Repeat customers with average gaps 10, 20 and 30 days (span / (orders - 1)): median 20.
BASE: dict[int, tuple[float, float, float]] = {
    1: (5, 3, 25),    # span 20 over 2 gaps = 10; tenure 25 > 20, recency 5 -> active
    2: (30, 2, 50),   # span 20 over 1 gap = 20; recency 30 -> at risk
    3: (100, 4, 190),  # span 90 over 3 gaps = 30; recency 100 > 60 -> lapsed
    4: (15, 1, 15),   # one order 15 days ago -> new
    5: (45, 1, 45),   # one order 45 days ago, never back -> at risk
    6: (20, 2, 20),   # first purchase 20 days ago, already two orders -> new (span 0: not a gap)
}


def test_thresholds_come_from_the_median_gap_of_repeat_customers() -> None:
    table, thresholds = lifecycle_table(make_data(BASE))
    assert thresholds.typical_gap_days == 20
    assert thresholds.repeat_customers == 3
    assert thresholds.new_within_days == 20
    assert thresholds.active_within_days == 20
    assert thresholds.at_risk_within_days == 60
    assert table["stage"].to_dict() == {
        1: "active", 2: "at risk", 3: "lapsed", 4: "new", 5: "at risk", 6: "new"}
    assert set(table["stage"]) == set(STAGES)


def test_boundaries_are_inclusive() -> None:
    rows = dict(BASE)
    # Each has a 20-day gap of its own, so the median stays 20.
    rows[7] = (20, 3, 60)  # recency exactly one gap -> active
    rows[8] = (60, 3, 100)  # exactly three gaps -> at risk
    rows[9] = (61, 3, 101)  # one day more -> lapsed
    rows[10] = (20, 1, 20)  # single order exactly one gap ago -> still new
    table, _ = lifecycle_table(make_data(rows))
    stage = table["stage"]
    assert (stage[7], stage[8], stage[9], stage[10]) == ("active", "at risk", "lapsed", "new")


def test_explain_states_every_number() -> None:
    _, thresholds = lifecycle_table(make_data(BASE))
    text = thresholds.explain()
    assert "20 days" in text and "3 repeat customers" in text
    assert "21-60 days" in text and "more than 60 days" in text
    assert thresholds.to_dict()["median_gap_days"] == 20.0


def test_config_moves_the_boundaries_and_is_cached_per_config() -> None:
    data = make_data(BASE)
    wider, thresholds = lifecycle_table(data, LifecycleConfig(active_gaps=2.0, at_risk_gaps=6.0))
    assert thresholds.active_within_days == 40 and thresholds.at_risk_within_days == 120
    assert wider["stage"][2] == "active" and wider["stage"][3] == "at risk"
    default, _ = lifecycle_table(data)
    assert default["stage"][2] == "at risk"
    assert len([k for k in data.derived if k.startswith("lifecycle:")]) == 2
    with pytest.raises(ValidationError):
        LifecycleConfig(active_gaps=3.0, at_risk_gaps=2.0)


def test_missing_values_get_no_stage() -> None:
    rows = dict(BASE)
    rows[7] = (np.nan, 2, 100)
    table, _ = lifecycle_table(make_data(rows))
    assert pd.isna(table["stage"][7])
    assert table["stage"].notna().sum() == len(BASE)


def test_a_base_of_one_day_buyers_cannot_measure_a_gap() -> None:
    with pytest.raises(DataError, match="repeat customers"):
        lifecycle_table(make_data({1: (5, 1, 5), 2: (9, 2, 9)}))


def test_customer_table_with_recency_only_says_what_is_needed() -> None:
    frame = pd.DataFrame({"Recency": [3, 40], "Income": [1.0, 2.0]}, index=[1, 2])
    schema = Schema(DataKind.CUSTOMERS, (ColumnInfo("Recency", Role.RECENCY, DType.INTEGER),
                                         ColumnInfo("Income", Role.MEASURE, DType.NUMBER)))
    data = CustomerData(frame, schema, SourceInfo("t", DataKind.CUSTOMERS, 2, schema))
    with pytest.raises(DataError) as caught:
        lifecycle_table(data)
    message = str(caught.value)
    assert "--map frequency=COLUMN" in message and "--map tenure=COLUMN" in message
    assert "\n" not in message
    assert caught.value.options == ["Recency", "Income"]


def test_thresholds_from_arrays_round_half_up() -> None:
    thresholds = derive_thresholds(np.array([1.0, 1.0]), np.array([2.0, 2.0]),
                                   np.array([11.0, 12.0]))
    # Gaps 10 and 11: median 10.5 -> 11 days.
    assert thresholds.median_gap_days == 10.5
    assert thresholds.typical_gap_days == 11
    assert thresholds.at_risk_within_days == 33


def test_customer_table_with_behaviour_roles_gets_stages() -> None:
    frame = pd.DataFrame({"DaysSinceLast": [5, 30, 100], "Orders": [3, 2, 4],
                          "DaysSinceFirst": [25, 50, 190]}, index=["a", "b", "c"])
    schema = Schema(DataKind.CUSTOMERS, (
        ColumnInfo("DaysSinceLast", Role.RECENCY, DType.INTEGER),
        ColumnInfo("Orders", Role.FREQUENCY, DType.INTEGER),
        ColumnInfo("DaysSinceFirst", Role.TENURE, DType.INTEGER)))
    data = CustomerData(frame, schema, SourceInfo("t", DataKind.CUSTOMERS, 3, schema))
    table, thresholds = lifecycle_table(data)
    assert thresholds.typical_gap_days == 20
    assert table["stage"].tolist() == ["active", "at risk", "lapsed"]
