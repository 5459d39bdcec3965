"""Segment definitions are data: they survive YAML and JSON round-trips unchanged."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tools.engine.definitions import (
    And,
    Between,
    Compare,
    In,
    Not,
    Rank,
    RfmSegment,
    SegmentDefinition,
    conjunction,
)


def test_nested_definition_round_trips_through_yaml() -> None:
    definition = SegmentDefinition(
        name="lapsed big spenders",
        condition=And(all=[
            Compare(column="monetary", op=">", value=1000),
            Not(condition=In(column="Country", values=["United Kingdom"])),
            Rank(column="monetary", direction="top", percent=10),
        ]),
        notes="for the winback campaign",
    )
    text = definition.to_yaml()
    assert "type: compare" in text
    assert SegmentDefinition.from_yaml(text) == definition


def test_unknown_condition_type_is_rejected() -> None:
    with pytest.raises(ValidationError):
        SegmentDefinition.from_data({"condition": {"type": "sql", "query": "drop table"}})


def test_rank_needs_a_positive_size() -> None:
    with pytest.raises(ValidationError):
        Rank(column="monetary", n=0)


def test_conjunction_flattens_nested_ands() -> None:
    a = Compare(column="monetary", op=">", value=5)
    b = Between(column="frequency", low=1, high=3)
    c = RfmSegment(segments=["Champions"])
    combined = conjunction([And(all=[a, b]), c])
    assert isinstance(combined, And)
    assert combined.all == [a, b, c]
    assert conjunction([a]) == a
