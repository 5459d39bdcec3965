"""Property: a definition means the same members after a YAML round-trip.

Random definitions over small random customer data. Text values include
strings YAML would read as something else if written carelessly ("yes",
"null", "1e3", a date), so a lossy round-trip would change the members or
turn a valid definition into an error.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.definitions import (
    And,
    Between,
    ColumnSum,
    Compare,
    CompareColumns,
    Condition,
    In,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Rank,
    SegmentDefinition,
)
from tools.engine.errors import DefinitionError
from tools.engine.evaluate import evaluate
from tools.engine.schema import DataKind, Schema

REGIONS = ["North", "south", "yes", "null", "2011-06-30", "1e3", "Off", "São Paulo"]
DAYS = [f"2011-0{m}-{d:02d}" for m in range(1, 4) for d in (1, 15, 28)]
OPS = [">", ">=", "<", "<=", "==", "!="]


@st.composite
def customer_tables(draw: st.DrawFn) -> CustomerData:
    size = draw(st.integers(min_value=1, max_value=12))
    ids = draw(st.lists(st.integers(1, 500), min_size=size, max_size=size, unique=True))
    amounts = st.one_of(st.none(), st.floats(-50, 500, allow_nan=False).map(lambda v: round(v, 2)))
    frame = pd.DataFrame(
        {
            "amount": pd.array([draw(amounts) for _ in ids], dtype="float64"),
            "orders": [draw(st.integers(0, 6)) for _ in ids],
            "Region": pd.array([draw(st.one_of(st.none(), st.sampled_from(REGIONS)))
                                for _ in ids], dtype="string"),
            "Member": pd.array([draw(st.one_of(st.none(), st.booleans())) for _ in ids],
                               dtype="boolean"),
            "Joined": pd.to_datetime([draw(st.one_of(st.none(), st.sampled_from(DAYS)))
                                      for _ in ids]),
        },
        index=pd.Index(ids, name="customer_id"),
    )
    schema = Schema(kind=DataKind.CUSTOMERS)
    source = SourceInfo(path="random", kind=DataKind.CUSTOMERS, rows_read=size, raw_schema=schema)
    return CustomerData(customers=frame, schema=schema, source=source)


numbers = st.one_of(st.integers(-60, 520), st.floats(-60, 520, allow_nan=False))
regions = st.sampled_from([*REGIONS, "NORTH", "Atlantis"])
numeric_columns = st.sampled_from(["amount", "orders"])

leaves = st.one_of(
    st.builds(Compare, column=numeric_columns, op=st.sampled_from(OPS), value=numbers),
    st.builds(Compare, column=st.just("Region"), op=st.sampled_from(["==", "!="]), value=regions),
    st.builds(Compare, column=st.just("Joined"), op=st.sampled_from(OPS),
              value=st.sampled_from(DAYS)),
    st.builds(Compare, column=st.just("Member"), op=st.sampled_from(["==", "!="]),
              value=st.sampled_from([True, False, "yes", "no", 1, 0])),
    st.builds(Between, column=numeric_columns, low=numbers, high=numbers),
    st.builds(ColumnSum, columns=st.lists(st.sampled_from(["amount", "orders", "Member",
                                                           "Region"]),
                                          min_size=1, max_size=3, unique=True),
              op=st.sampled_from(OPS), value=numbers),
    st.builds(CompareColumns, left=numeric_columns, op=st.sampled_from(OPS),
              right=numeric_columns),
    st.builds(CompareColumns, left=st.sampled_from(["Joined", "amount"]),
              op=st.sampled_from(OPS), right=st.sampled_from(["Joined", "Region"])),
    st.builds(In, column=st.just("Region"), values=st.lists(regions, min_size=1, max_size=3)),
    st.builds(NotIn, column=st.just("Region"), values=st.lists(regions, min_size=1, max_size=3)),
    st.builds(In, column=st.just("orders"), values=st.lists(st.integers(0, 6), min_size=1,
                                                              max_size=3)),
    st.builds(Missing, column=st.sampled_from(["amount", "Region", "Joined", "Member"])),
    st.builds(Present, column=st.sampled_from(["amount", "Region", "Joined", "Member"])),
    st.builds(Rank, column=st.sampled_from(["amount", "orders", "Joined"]),
              direction=st.sampled_from(["top", "bottom"]), n=st.integers(1, 5)),
    st.builds(Rank, column=st.sampled_from(["amount", "orders"]),
              direction=st.sampled_from(["top", "bottom"]),
              percent=st.floats(0.5, 100).map(lambda v: round(v, 1))),
)

conditions: st.SearchStrategy[Condition] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(And, all=st.lists(inner, min_size=1, max_size=3)),
        st.builds(Or, any=st.lists(inner, min_size=1, max_size=3)),
        st.builds(Not, condition=inner),
    ),
    max_leaves=6,
)


def _outcome(condition: Condition, data: CustomerData) -> list[int] | str:
    try:
        mask = evaluate(condition, data)
    except DefinitionError as error:
        return f"error: {error}"
    return sorted(int(i) for i in mask[mask].index)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=customer_tables(), condition=conditions)
def test_yaml_round_trip_keeps_the_members(data: CustomerData, condition: Condition) -> None:
    definition = SegmentDefinition(name="random", condition=condition)
    again = SegmentDefinition.from_yaml(definition.to_yaml())
    assert again == definition
    assert _outcome(again.condition, data) == _outcome(condition, data)


@settings(max_examples=100, deadline=None)
@given(data=customer_tables(), condition=conditions)
def test_not_is_the_complement(data: CustomerData, condition: Condition) -> None:
    outcome = _outcome(condition, data)
    if isinstance(outcome, str):
        return
    negated = _outcome(Not(condition=condition), data)
    assert isinstance(negated, list)
    assert sorted(set(outcome) | set(negated)) == sorted(int(i) for i in data.customers.index)
    assert not set(outcome) & set(negated)
