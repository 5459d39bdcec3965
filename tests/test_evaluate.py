"""Definitions -> members on small hand-built customer data, every condition type and edge."""

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
from tools.engine.errors import DefinitionError, SegmentNotFound
from tools.engine.evaluate import evaluate, validate
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema


def customer_data(frame: pd.DataFrame, kind: DataKind = DataKind.CUSTOMERS,
                  roles: dict[str, Role] | None = None) -> CustomerData:
    columns = tuple(
        ColumnInfo(name=name, role=role, dtype=DType.NUMBER if role is not Role.DATE_ATTRIBUTE
                   else DType.DATE)
        for name, role in (roles or {}).items())
    schema = Schema(kind=kind, columns=columns)
    source = SourceInfo(path="hand-built", kind=kind, rows_read=len(frame), raw_schema=schema)
    return CustomerData(customers=frame, schema=schema, source=source)


@pytest.fixture
def data() -> CustomerData:
    # Ids deliberately out of order so "ties by customer id" is not "ties by row".
    frame = pd.DataFrame(
        {
            "monetary": [100.0, 2000.0, 2000.0, None, 50.0, 700.0],
            "frequency": [1, 5, 3, 2, 1, 12],
            "Country": pd.array(["Germany", "germany", "France", None, "United Kingdom",
                                 "France"], dtype="string"),
            "Member": pd.array([True, False, True, None, False, True], dtype="boolean"),
            "Signup": pd.to_datetime(["2011-06-30 14:05", "2011-01-01 00:00", None,
                                      "2011-07-01 09:00", "2011-06-30 00:00",
                                      "2010-12-01 08:00"]),
            "Complain": [0, 1, 0, 0, 1, 0],
        },
        index=pd.Index([5, 3, 1, 2, 4, 6], name="customer_id"),
    )
    return customer_data(frame)


def members(condition: Condition, data: CustomerData) -> list[int]:
    mask = evaluate(condition, data)
    assert mask.dtype == bool
    assert mask.index.equals(data.customers.index)
    return sorted(int(i) for i in mask[mask].index)


# Compare and Between.

@pytest.mark.parametrize(("op", "value", "expected"), [
    (">", 700, [1, 3]),
    (">=", 700, [1, 3, 6]),
    ("<", 100, [4]),
    ("<=", 100, [4, 5]),
    ("==", 2000, [1, 3]),
    ("!=", 2000, [4, 5, 6]),  # the missing monetary (id 2) never matches
])
def test_number_comparisons(data: CustomerData, op: str, value: float,
                            expected: list[int]) -> None:
    assert members(Compare(column="monetary", op=op, value=value), data) == expected  # type: ignore[arg-type]


def test_float_noise_does_not_decide_equality() -> None:
    summed = 0.1 + 0.2  # 0.30000000000000004
    frame = pd.DataFrame({"spend": [summed, 0.3000001, 0.29]},
                         index=pd.Index([1, 2, 3], name="customer_id"))
    data = customer_data(frame)
    assert members(Compare(column="spend", op="==", value=0.3), data) == [1]
    assert members(Compare(column="spend", op=">", value=0.3), data) == [2]
    assert members(Compare(column="spend", op="<=", value=0.3), data) == [1, 3]
    assert members(Compare(column="spend", op="!=", value=0.3), data) == [2, 3]
    assert members(Between(column="spend", low=0.29, high=0.3), data) == [1, 3]
    assert members(In(column="spend", values=[0.3, 0.29]), data) == [1, 3]


def test_numbers_written_as_text_are_read_as_numbers(data: CustomerData) -> None:
    assert members(Compare(column="monetary", op=">", value="1,000"), data) == [1, 3]
    assert members(Compare(column="monetary", op=">=", value="£0.7k"), data) == [1, 3, 6]


def test_text_equality_ignores_case(data: CustomerData) -> None:
    assert members(Compare(column="Country", op="==", value="GERMANY"), data) == [3, 5]
    assert members(Compare(column="country", op="==", value="france"), data) == [1, 6]


def test_text_matching_ignores_surrounding_spaces() -> None:
    frame = pd.DataFrame({"City": pd.array(["Paris ", " paris", "Lyon"], dtype="string")},
                         index=pd.Index([1, 2, 3], name="customer_id"))
    data = customer_data(frame)
    assert members(Compare(column="City", op="==", value="PARIS"), data) == [1, 2]
    assert members(In(column="City", values=[" lyon "]), data) == [3]


def test_text_inequality_leaves_out_missing(data: CustomerData) -> None:
    assert members(Compare(column="Country", op="!=", value="Germany"), data) == [1, 4, 6]


def test_dates_compare_by_calendar_day(data: CustomerData) -> None:
    on_day = Compare(column="Signup", op="==", value="2011-06-30")
    assert members(on_day, data) == [4, 5]  # 14:05 that day counts
    assert members(Compare(column="Signup", op="<=", value="2011-06-30"), data) == [3, 4, 5, 6]
    assert members(Compare(column="Signup", op=">", value="2011-06-30"), data) == [2]
    assert members(Between(column="Signup", low="2011-01-01", high="2011-06-30"), data) == [3, 4, 5]


def test_a_date_with_a_time_compares_exactly(data: CustomerData) -> None:
    after_noon = Compare(column="Signup", op=">", value="2011-06-30 12:00")
    assert members(after_noon, data) == [2, 5]


def test_bool_flags_accept_yes_no_and_one_zero(data: CustomerData) -> None:
    for value in (True, 1, "yes", "TRUE"):
        assert members(Compare(column="Member", op="==", value=value), data) == [1, 5, 6]
    assert members(Compare(column="Member", op="==", value="no"), data) == [3, 4]
    assert members(Compare(column="Member", op="!=", value=True), data) == [3, 4]


def test_integer_flag_column_compares_as_number(data: CustomerData) -> None:
    assert members(Compare(column="Complain", op="==", value=1), data) == [3, 4]


def test_between_includes_both_ends(data: CustomerData) -> None:
    assert members(Between(column="monetary", low=100, high=700), data) == [5, 6]
    assert members(Between(column="frequency", low=1, high=1), data) == [4, 5]


# In, NotIn, Missing, Present.

def test_in_matches_text_ignoring_case_and_numbers_exactly(data: CustomerData) -> None:
    assert members(In(column="Country", values=["germany", "FRANCE"]), data) == [1, 3, 5, 6]
    assert members(In(column="frequency", values=[1, 12.0]), data) == [4, 5, 6]
    assert members(In(column="Signup", values=["2011-06-30"]), data) == [4, 5]


def test_not_in_excludes_missing(data: CustomerData) -> None:
    assert members(NotIn(column="Country", values=["Germany"]), data) == [1, 4, 6]
    assert members(NotIn(column="monetary", values=[2000]), data) == [4, 5, 6]


def test_missing_and_present(data: CustomerData) -> None:
    assert members(Missing(column="Country"), data) == [2]
    assert members(Present(column="Country"), data) == [1, 3, 4, 5, 6]
    assert members(Missing(column="Signup"), data) == [1]


def test_not_of_a_comparison_is_its_complement_missing_included(data: CustomerData) -> None:
    spent = Compare(column="monetary", op=">", value=500)
    assert members(Not(condition=spent), data) == [2, 4, 5]


# Rank.

def test_top_n_breaks_ties_by_customer_id(data: CustomerData) -> None:
    assert members(Rank(column="monetary", n=1), data) == [1]  # 1 and 3 both spent 2000
    assert members(Rank(column="monetary", n=2), data) == [1, 3]
    assert members(Rank(column="frequency", direction="bottom", n=1), data) == [4]


def test_rank_skips_missing_values(data: CustomerData) -> None:
    assert members(Rank(column="monetary", direction="bottom", n=5), data) == [1, 3, 4, 5, 6]
    assert members(Rank(column="monetary", n=50), data) == [1, 3, 4, 5, 6]


def test_percent_takes_the_ceiling_of_the_base() -> None:
    frame = pd.DataFrame({"spend": [float(v) for v in range(100)]},
                         index=pd.Index(range(1, 101), name="customer_id"))
    data = customer_data(frame)
    assert len(members(Rank(column="spend", percent=7), data)) == 7  # not 8 from 7.000000000000001
    assert len(members(Rank(column="spend", percent=7.5), data)) == 8
    assert len(members(Rank(column="spend", percent=0.5), data)) == 1
    assert members(Rank(column="spend", percent=3), data) == [98, 99, 100]
    assert members(Rank(column="spend", direction="bottom", percent=2), data) == [1, 2]


def test_percent_base_counts_customers_with_a_missing_value(data: CustomerData) -> None:
    # 6 customers, one without a monetary value: ceil(40% x 6) = 3, all with a known value.
    assert members(Rank(column="monetary", percent=40), data) == [1, 3, 6]
    assert members(Rank(column="monetary", direction="bottom", percent=90), data) == [
        1, 3, 4, 5, 6]


def test_rank_inside_and_ranks_among_the_other_conditions(data: CustomerData) -> None:
    in_france_or_germany = In(column="Country", values=["France", "Germany"])
    top = Rank(column="frequency", n=1)
    assert members(And(all=[top, in_france_or_germany]), data) == [6]
    assert members(And(all=[in_france_or_germany, Rank(column="monetary", n=2)]), data) == [1, 3]
    # Without the and, the top customer by frequency is taken over everyone.
    assert members(top, data) == [6]
    cheap = Compare(column="monetary", op="<", value=1000)
    # 4 and 5 tie on one order each: the smaller id wins the second place.
    assert members(And(all=[cheap, Rank(column="frequency", n=2)]), data) == [4, 6]
    # The top German by orders, not the top customer overall (6, who is French).
    german = Compare(column="Country", op="==", value="Germany")
    assert members(And(all=[german, top]), data) == [3]
    assert members(And(all=[german, Not(condition=top)]), data) == [3, 5]


def test_several_ranks_in_one_and_do_not_depend_on_order(data: CustomerData) -> None:
    a = Rank(column="monetary", n=2)  # 1, 3
    b = Rank(column="frequency", n=2)  # 6, 3
    assert members(And(all=[a, b]), data) == members(And(all=[b, a]), data) == [3]


def test_rank_of_a_date_column(data: CustomerData) -> None:
    assert members(Rank(column="Signup", n=1), data) == [2]
    assert members(Rank(column="Signup", direction="bottom", n=1), data) == [6]


def test_string_customer_ids_break_ties_alphabetically() -> None:
    frame = pd.DataFrame({"spend": [5.0, 5.0, 5.0]},
                         index=pd.Index(["b7", "a9", "c1"], name="customer_id"))
    mask = evaluate(Rank(column="spend", n=2), customer_data(frame))
    assert list(mask[mask].index) == ["b7", "a9"]


# And, Or, Not, saved segments.

def test_logic(data: CustomerData) -> None:
    rich = Compare(column="monetary", op=">", value=500)
    french = Compare(column="Country", op="==", value="France")
    assert members(And(all=[rich, french]), data) == [1, 6]
    assert members(Or(any=[rich, french]), data) == [1, 3, 6]
    assert members(Not(condition=Or(any=[rich, french])), data) == [2, 4, 5]


def test_saved_segments_resolve_recursively(data: CustomerData) -> None:
    library = {
        "rich": SegmentDefinition(condition=Compare(column="monetary", op=">", value=500)),
        "rich french": SegmentDefinition(condition=And(all=[
            SegmentRef(name="rich"), Compare(column="Country", op="==", value="France")])),
    }
    mask = evaluate(SegmentRef(name="rich french"), data, resolve=library.__getitem__)
    assert sorted(mask[mask].index) == [1, 6]


def test_rank_of_a_saved_segment_is_fixed_where_it_is_used(data: CustomerData) -> None:
    library = {"top spender": SegmentDefinition(condition=Rank(column="monetary", n=1))}
    german = Compare(column="Country", op="==", value="Germany")
    mask = evaluate(And(all=[german, SegmentRef(name="top spender")]), data,
                    resolve=library.__getitem__)
    assert mask.sum() == 0  # the top spender overall (id 1) is French


def test_rank_refining_a_saved_segment_ranks_its_members(data: CustomerData) -> None:
    library = {"europe": SegmentDefinition(condition=In(column="Country",
                                                         values=["Germany", "France"]))}
    of_them = And(all=[SegmentRef(name="europe"), Rank(column="frequency", direction="bottom",
                                                        n=2)])
    mask = evaluate(of_them, data, resolve=library.__getitem__)
    assert sorted(mask[mask].index) == [1, 5]  # 5 (1 order) and 1 (3 orders); 4 is British


def test_cycles_between_saved_segments_are_reported(data: CustomerData) -> None:
    library = {
        "a": SegmentDefinition(condition=And(all=[SegmentRef(name="b")])),
        "b": SegmentDefinition(condition=Or(any=[SegmentRef(name="a")])),
    }
    with pytest.raises(DefinitionError, match=r"a -> b -> a"):
        evaluate(SegmentRef(name="a"), data, resolve=library.__getitem__)


def test_saved_segment_without_a_library(data: CustomerData) -> None:
    with pytest.raises(DefinitionError, match="no segment library"):
        validate(SegmentRef(name="rich"), data)


def test_resolver_errors_pass_through(data: CustomerData) -> None:
    def resolve(name: str) -> SegmentDefinition:
        raise SegmentNotFound(f"No saved segment '{name}'.", options=["rich"])

    with pytest.raises(SegmentNotFound):
        evaluate(SegmentRef(name="poor"), data, resolve=resolve)


# Validation messages: one line, naming what is near.

def _error(condition: Condition, data: CustomerData) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        validate(condition, data)
    assert "\n" not in str(caught.value)
    return caught.value


def test_unknown_column_names_the_nearest(data: CustomerData) -> None:
    error = _error(Compare(column="contry", op="==", value="Germany"), data)
    assert str(error) == "No column 'contry'. Did you mean: Country?"
    assert error.options == ["Country"]


def test_unknown_column_with_nothing_near_lists_the_columns(data: CustomerData) -> None:
    error = _error(Present(column="zzz"), data)
    assert "monetary" in str(error) and "Country" in error.options


def test_unknown_text_value_names_the_nearest_real_values(data: CustomerData) -> None:
    error = _error(Compare(column="Country", op="==", value="Frnace"), data)
    assert "Frnace" in str(error) and error.options == ["France"]
    error = _error(In(column="Country", values=["Germany", "Atlantis"]), data)
    assert "Atlantis" in str(error) and "France" in error.options


def test_unknown_value_is_an_error_for_not_equal_too(data: CustomerData) -> None:
    _error(Compare(column="Country", op="!=", value="Untied Kingdom"), data)
    _error(NotIn(column="Country", values=["Untied Kingdom"]), data)


def test_type_mismatches_say_the_column_type(data: CustomerData) -> None:
    assert "text column" in str(_error(Compare(column="Country", op="==", value=5), data))
    assert "text column" in str(_error(Compare(column="Country", op=">", value="a"), data))
    assert "number column" in str(_error(Compare(column="monetary", op=">", value="lots"), data))
    assert "date column" in str(_error(Compare(column="Signup", op=">", value=2011), data))
    assert "yes/no column" in str(_error(Compare(column="Member", op="==", value="maybe"), data))
    assert "text column" in str(_error(Between(column="Country", low="a", high="b"), data))
    assert "text column" in str(_error(Rank(column="Country", n=2), data))


def test_malformed_ranges_and_sizes(data: CustomerData) -> None:
    _error(Between(column="monetary", low=1000, high=10), data)
    _error(Rank(column="monetary"), data)
    _error(Rank(column="monetary", n=2, percent=10), data)
    _error(In(column="Country", values=[]), data)
    _error(And(all=[]), data)
    _error(RfmScore(score="r", low=5, high=2), data)


def test_validate_accepts_what_evaluate_accepts(data: CustomerData) -> None:
    condition = And(all=[Compare(column="Country", op="==", value="france"),
                         Rank(column="monetary", percent=50)])
    validate(condition, data)
    assert members(condition, data) == [1]  # ceil(50% of 2 French customers)


# RFM, lifecycle and clusters (their modules are written alongside this one).

def test_rfm_segments_match_the_rfm_table() -> None:
    rfm = pytest.importorskip("tools.engine.rfm")
    data = _small_rfm_data()
    table = rfm.rfm_table(data)
    mask = evaluate(RfmSegment(segments=["champions", "At Risk"]), data)
    expected = table["rfm_segment"].isin(["Champions", "At Risk"])
    assert mask.equals(expected.reindex(data.customers.index).astype(bool).rename(None))
    scores = evaluate(RfmScore(score="m", low=4, high=5), data)
    assert scores.sum() == int(table["m_score"].between(4, 5).sum())


def test_unknown_rfm_segment_lists_the_ten_names() -> None:
    rfm = pytest.importorskip("tools.engine.rfm")
    data = _small_rfm_data()
    with pytest.raises(DefinitionError) as caught:
        validate(RfmSegment(segments=["Champs"]), data)
    names = rfm.default_scheme().segment_names()
    assert len(names) == 10 and caught.value.options == names
    assert "Champions" in str(caught.value) and "\n" not in str(caught.value)


def test_lifecycle_stages_match_the_lifecycle_table() -> None:
    lifecycle = pytest.importorskip("tools.engine.lifecycle")
    data = _small_rfm_data()
    stages, _ = lifecycle.lifecycle_table(data)
    first = lifecycle.STAGES[0]
    mask = evaluate(Lifecycle(stages=[first.upper()]), data)
    assert int(mask.sum()) == int((stages["stage"] == first).sum())
    with pytest.raises(DefinitionError):
        validate(Lifecycle(stages=["no such stage"]), data)


def test_clusters_match_the_cluster_labels() -> None:
    clustering = pytest.importorskip("tools.engine.clustering")
    data = _small_rfm_data()
    labels = clustering.cluster_labels(data, ["recency_days", "monetary"], 3)
    chosen = int(labels.iloc[0])
    mask = evaluate(Cluster(features=["recency_days", "monetary"], k=3, clusters=[chosen]), data)
    assert int(mask.sum()) == int((labels == chosen).sum()) and bool(mask.iloc[0])
    with pytest.raises(DefinitionError):
        validate(Cluster(features=["recency_days", "monetary"], k=3, clusters=[99]), data)
    with pytest.raises(DefinitionError, match="Did you mean"):
        validate(Cluster(features=["recncy_days"], k=3, clusters=[0]), data)


def _small_rfm_data() -> CustomerData:
    size = 40
    frame = pd.DataFrame(
        {
            "recency_days": [(i * 7) % 50 + 1 for i in range(size)],
            "frequency": [(i * 3) % 11 + 1 for i in range(size)],
            "monetary": [float((i * 37) % 900 + 10) for i in range(size)],
            "tenure_days": [(i * 7) % 50 + 60 + i for i in range(size)],
        },
        index=pd.Index(range(1, size + 1), name="customer_id"),
    )
    frame["avg_order_value"] = frame["monetary"] / frame["frequency"]
    as_of = pd.Timestamp("2011-12-10")
    frame["first_purchase"] = as_of - pd.to_timedelta(frame["tenure_days"], unit="D")
    frame["last_purchase"] = as_of - pd.to_timedelta(frame["recency_days"], unit="D")
    roles = {"recency_days": Role.RECENCY, "frequency": Role.FREQUENCY,
             "monetary": Role.MONETARY, "tenure_days": Role.TENURE,
             "avg_order_value": Role.MEASURE, "first_purchase": Role.DATE_ATTRIBUTE,
             "last_purchase": Role.DATE_ATTRIBUTE}
    return customer_data(frame, DataKind.TRANSACTIONS, roles)
