"""Questions about the data: every figure checked against plain pandas, and SQL against pandas.

The expected figures are computed here independently (groupby, mean, median, ...) on the
shipped datasets; the breakdown rules (sorting, the top groups and "other", groups, bins,
"missing", small groups, the index against the base) are checked on them; a property test
compares `figures` (pandas) with `figures_sql` (DuckDB) on random small tables; and the
`compute_figures` tool is checked to leave the current segment alone and to refuse
personal columns.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.definitions import And, Compare, Condition, In, Missing, Not, Present
from tools.engine.errors import DefinitionError
from tools.engine.evaluate import evaluate
from tools.engine.figure_groups import group_keys, readable_edges
from tools.engine.figures import (
    Figure,
    FigureRow,
    FigureTable,
    figures,
    yes_condition,
)
from tools.engine.figures_sql import Roles, figures_sql
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema
from tools.toolkit import Toolkit

# -- helpers -----------------------------------------------------------------------------


def customer_table(frame: pd.DataFrame, roles: dict[str, Role] | None = None) -> CustomerData:
    """A customer table (one row each) with the given roles; other columns are measures."""
    roles = roles or {}
    columns = []
    for name in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[name])
        columns.append(ColumnInfo(name=str(name), role=roles.get(str(name), Role.MEASURE),
                                  dtype=DType.NUMBER if numeric else DType.TEXT,
                                  n_unique=int(frame[name].nunique())))
    schema = Schema(kind=DataKind.CUSTOMERS, columns=tuple(columns))
    if frame.index.name != "customer_id":
        frame = frame.set_axis(pd.RangeIndex(1, len(frame) + 1, name="customer_id"))
    source = SourceInfo(path="synthetic.csv", kind=DataKind.CUSTOMERS, rows_read=len(frame),
                        raw_schema=schema, rows_kept=len(frame))
    return CustomerData(customers=frame, schema=schema, source=source)


def by_group(table: FigureTable) -> dict[str, FigureRow]:
    groups = [r.group for r in table.rows]
    assert len(groups) == len(set(groups)), groups
    return {r.group: r for r in table.rows}


def assert_sorted(table: FigureTable) -> None:
    """Largest figure first (unknown figures last), ties by label; "other" at the end."""
    shown = [r for r in table.rows if not r.other]
    keys = [(r.value is None, 0.0 if r.value is None else -r.value, r.group) for r in shown]
    assert keys == sorted(keys)
    assert all(not r.other for r in table.rows[:-1])


def close(a: float | None, b: float, rel: float = 1e-9) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


# -- every statistic against pandas ------------------------------------------------------


def test_mean_income_by_marital_status_over_known_values(campaign: Any) -> None:
    frame = campaign.customers
    table = figures(campaign, Figure(statistic="mean", column="Income", by="Marital_Status"))
    income = frame.groupby("Marital_Status")["Income"]
    expected, known, sizes = income.mean(), income.count(), income.size()
    rows = by_group(table)
    assert set(rows) == set(expected.index)
    for group, row in rows.items():
        assert close(row.value, expected[group]), group
        assert (row.customers, row.known) == (sizes[group], known[group])
    assert_sorted(table)
    assert close(table.total.value, frame["Income"].mean())
    assert table.total.known == frame["Income"].notna().sum()
    assert table.unknown == frame["Income"].isna().sum() > 0
    assert (table.population, table.base) == (len(frame), len(frame))


def test_rate_of_response_by_education(campaign: Any) -> None:
    frame = campaign.customers
    target = yes_condition(campaign, "Response")
    assert target == Compare(column="Response", op="==", value=1)
    responded = evaluate(target, campaign)
    table = figures(campaign, Figure(statistic="rate", target=target, by="Education"),
                    target_mask=responded)
    expected = (frame["Response"] == 1).groupby(frame["Education"]).mean()
    rows = by_group(table)
    assert set(rows) == set(expected.index)
    for group, row in rows.items():
        assert close(row.value, expected[group]), group
    assert_sorted(table)
    assert close(table.total.value, (frame["Response"] == 1).mean())


def test_rate_counts_only_customers_whose_target_is_known(campaign: Any) -> None:
    frame = campaign.customers
    target = Compare(column="Income", op=">", value=60000)
    table = figures(campaign, Figure(statistic="rate", target=target, by="Education"),
                    target_mask=evaluate(target, campaign))
    known = frame[frame["Income"].notna()]
    expected = (known["Income"] > 60000).groupby(known["Education"]).mean()
    for group, row in by_group(table).items():
        assert close(row.value, expected[group]), group
        assert row.known == (frame["Education"] == group).sum() - \
            frame.loc[frame["Education"] == group, "Income"].isna().sum()
    assert table.unknown == frame["Income"].isna().sum()


def test_rate_without_a_target_is_refused(campaign: Any) -> None:
    with pytest.raises(DefinitionError):
        figures(campaign, Figure(statistic="rate", by="Education"))


def test_customers_by_country_with_share(retail: Any) -> None:
    frame = retail.customers
    table = figures(retail, Figure(statistic="customers", by="Country", top=50))
    counts = frame["Country"].value_counts()
    shares = frame["Country"].value_counts(normalize=True)
    rows = by_group(table)
    assert set(rows) == set(counts.index) and not any(r.other for r in table.rows)
    for group, row in rows.items():
        assert row.customers == row.value == counts[group]
        assert math.isclose(row.customers / table.population, shares[group])
    assert_sorted(table)
    assert table.rows[0].group == counts.index[0]
    assert table.population == table.base == len(frame)


@pytest.mark.slow
def test_revenue_share_of_customers_spending_over_5000(retail: Any) -> None:
    frame = retail.customers
    big = frame["monetary"] > 5000
    expected = frame.loc[big, "monetary"].sum() / frame["monetary"].sum()
    table = figures(retail, Figure(statistic="revenue_share"), big)
    assert close(table.total.value, expected)
    assert round(100 * expected, 1) == 53.9  # sanity: the figure, from pandas alone
    assert table.total.value is not None and round(100 * table.total.value, 1) == 53.9
    assert table.population == big.sum() and table.column == "monetary"

    by_country = figures(retail, Figure(statistic="revenue_share", by="Country", top=50), big)
    spend = frame.loc[big].groupby("Country")["monetary"].sum() / frame["monetary"].sum()
    rows = by_group(by_country)
    assert set(rows) == set(spend.index)
    for group, row in rows.items():
        assert close(row.value, spend[group]), group
    assert math.isclose(sum(r.value or 0 for r in by_country.rows), expected)


@pytest.mark.slow
def test_order_value_by_country_is_spend_over_orders(retail: Any) -> None:
    frame = retail.customers
    table = figures(retail, Figure(statistic="order_value", by="Country", top=50))
    grouped = frame.groupby("Country")
    expected = grouped["monetary"].sum() / grouped["frequency"].sum()
    for group, row in by_group(table).items():
        assert close(row.value, expected[group]), group
    assert_sorted(table)
    whole = frame["monetary"].sum() / frame["frequency"].sum()
    assert close(table.total.value, whole)
    # Not the mean of each customer's own average order value.
    assert not math.isclose(whole, frame["avg_order_value"].mean(), rel_tol=1e-3)


@pytest.mark.slow
def test_spend_per_customer_in_france_and_germany(retail: Any) -> None:
    frame = retail.customers
    table = figures(retail, Figure(statistic="spend_per_customer", by="Country",
                                   groups=["france", "Germany"]))
    expected = frame.groupby("Country")["monetary"].mean()
    rows = by_group(table)
    assert set(rows) == {"France", "Germany"}
    for group, row in rows.items():
        assert close(row.value, expected[group])
        assert row.customers == (frame["Country"] == group).sum()
    assert round(expected["France"], 2) == 2402.58 and round(expected["Germany"], 2) == 2434.76
    assert [r.group for r in table.rows] == ["Germany", "France"]
    # the total stays the whole population asked about, for reference
    assert table.total.customers == table.population == len(frame)
    assert close(table.total.value, frame["monetary"].mean())


@pytest.mark.parametrize("statistic", ["sum", "mean", "median", "min", "max"])
def test_column_statistics_by_genre(mall: Any, statistic: str) -> None:
    frame = mall.customers
    column = "Annual Income (k$)"
    table = figures(mall, Figure(statistic=statistic, column=column, by="Genre"))  # type: ignore[arg-type]
    expected = frame.groupby("Genre")[column].agg(statistic)
    rows = by_group(table)
    assert set(rows) == set(expected.index)
    for group, row in rows.items():
        assert close(row.value, float(expected[group])), group
    assert close(table.total.value, float(frame[column].agg(statistic)))
    assert table.column == column
    assert_sorted(table)


@pytest.mark.parametrize("statistic", ["sum", "median", "min", "max"])
def test_column_statistics_skip_unknown_values(campaign: Any, statistic: str) -> None:
    frame = campaign.customers
    table = figures(campaign, Figure(statistic=statistic, column="Income", by="Education"))  # type: ignore[arg-type]
    expected = frame.groupby("Education")["Income"].agg(statistic)
    for group, row in by_group(table).items():
        assert close(row.value, float(expected[group])), group
    assert close(table.total.value, float(frame["Income"].agg(statistic)))


def test_mean_of_a_yes_no_column_is_its_rate(campaign: Any) -> None:
    frame = campaign.customers
    table = figures(campaign, Figure(statistic="mean", column="Response", by="Marital_Status"))
    expected = frame.groupby("Marital_Status")["Response"].mean()
    for group, row in by_group(table).items():
        assert close(row.value, expected[group]), group


def test_a_figure_for_a_population(campaign: Any) -> None:
    frame = campaign.customers
    married = frame["Marital_Status"] == "Married"
    table = figures(campaign, Figure(statistic="median", column="MntWines", by="Education"),
                    married)
    expected = frame[married].groupby("Education")["MntWines"].median()
    assert set(by_group(table)) == set(expected.index)
    for group, row in by_group(table).items():
        assert close(row.value, float(expected[group])), group
    assert table.population == married.sum() and table.base == len(frame)


# -- the top groups and "other" ----------------------------------------------------------


def test_other_is_the_figure_recomputed_over_the_rest(campaign: Any) -> None:
    frame = campaign.customers
    for statistic in ("mean", "median", "max"):
        table = figures(campaign, Figure(statistic=statistic, column="Income",
                                         by="Marital_Status", top=3))
        assert len(table.rows) == 4
        *kept, other = table.rows
        assert other.group == "other" and other.other and not any(r.other for r in kept)
        rest = frame[~frame["Marital_Status"].isin([r.group for r in kept])]
        assert close(other.value, float(rest["Income"].agg(statistic))), statistic
        assert other.customers == len(rest) and other.known == rest["Income"].notna().sum()
        assert sum(r.customers for r in table.rows) == table.population == len(frame)
        # the kept groups are the largest figures
        per_group = frame.groupby("Marital_Status")["Income"].agg(statistic)
        top = per_group.sort_values(ascending=False).index[:3]
        assert [r.group for r in kept] == list(top)
    # A mean over the rest is not the mean of the rest's means.
    means = frame.groupby("Marital_Status")["Income"].mean()
    rest_groups = means.sort_values(ascending=False).index[3:]
    assert not math.isclose(other.value or 0.0, means[rest_groups].max())


def test_other_customers_add_up_to_the_population(retail: Any) -> None:
    frame = retail.customers
    uk = frame["Country"] != "United Kingdom"
    table = figures(retail, Figure(statistic="customers", by="Country", top=5), uk)
    counts = frame.loc[uk, "Country"].value_counts()
    *kept, other = table.rows
    assert [r.group for r in kept] == list(counts.index[:5])
    assert other.other and other.customers == counts.iloc[5:].sum() == other.value
    assert sum(r.customers for r in table.rows) == table.population == uk.sum()


def test_one_group_beyond_top_is_shown_not_gathered(campaign: Any) -> None:
    groups = campaign.customers["Marital_Status"].nunique()
    table = figures(campaign, Figure(statistic="customers", by="Marital_Status",
                                     top=groups - 1))
    assert len(table.rows) == groups and not any(r.other for r in table.rows)
    fewer = figures(campaign, Figure(statistic="customers", by="Marital_Status",
                                     top=groups - 2))
    assert len(fewer.rows) == groups - 1 and fewer.rows[-1].other


# -- groups and did-you-mean -------------------------------------------------------------


def test_groups_restrict_the_breakdown(campaign: Any) -> None:
    frame = campaign.customers
    table = figures(campaign, Figure(statistic="mean", column="Income", by="Marital_Status",
                                     groups=["single", " Married", "YOLO"], top=1))
    expected = frame.groupby("Marital_Status")["Income"].mean()
    rows = by_group(table)
    assert set(rows) == {"Single", "Married", "YOLO"}  # no "other", top does not apply
    for group, row in rows.items():
        assert close(row.value, expected[group])
    assert_sorted(table)


def test_unknown_group_or_column_suggests_the_nearest(campaign: Any) -> None:
    with pytest.raises(DefinitionError) as group:
        figures(campaign, Figure(by="Marital_Status", groups=["Maried"]))
    assert "Maried" in group.value.message and "Married" in group.value.options
    assert "Did you mean" in group.value.message
    with pytest.raises(DefinitionError) as by:
        figures(campaign, Figure(by="Marital_Statu"))
    assert "Marital_Status" in by.value.options
    with pytest.raises(DefinitionError) as column:
        figures(campaign, Figure(statistic="mean", column="Incme"))
    assert "Income" in column.value.options
    with pytest.raises(DefinitionError) as text:
        figures(campaign, Figure(statistic="mean", column="Education"))
    assert "Income" in text.value.options  # a text column: the number columns offered


def test_a_group_asked_by_its_exact_label_wins_over_a_case_variant() -> None:
    frame = pd.DataFrame({"Region": ["North"] * 3 + ["north"] * 2 + ["South"],
                          "Spend": [1.0, 2.0, 3.0, 10.0, 20.0, 5.0]})
    data = customer_table(frame)
    for asked in ("north", "North"):
        table = figures(data, Figure(statistic="sum", column="Spend", by="Region",
                                     groups=[asked]))
        [row] = table.rows
        assert row.group == asked
        assert row.value == frame.loc[frame["Region"] == asked, "Spend"].sum()
    connection = duckdb.connect()
    try:
        connection.register("customers", pa.Table.from_pandas(data.customers.reset_index(),
                                                              preserve_index=False))
        for asked in ("north", "North", "NORTH"):
            figure = Figure(statistic="sum", column="Spend", by="Region", groups=[asked])
            assert answer(lambda f=figure: figures_sql(connection, f)) == \
                answer(lambda f=figure: figures(data, f))
    finally:
        connection.close()


# -- bins, categories, dates, missing ----------------------------------------------------


def test_explicit_bins(mall: Any) -> None:
    frame = mall.customers
    table = figures(mall, Figure(statistic="customers", by="Age", bins=[50, 30]))
    assert table.bins == [30.0, 50.0]
    age = frame["Age"]
    expected = {"< 30": (age < 30).sum(), "30–49": ((age >= 30) & (age < 50)).sum(),
                "50+": (age >= 50).sum()}
    assert {r.group: r.customers for r in table.rows} == {k: v for k, v in expected.items()
                                                          if v}
    spend = figures(mall, Figure(statistic="mean", column="Spending Score (1-100)", by="Age",
                                 bins=[30, 50]))
    score = frame["Spending Score (1-100)"]
    assert close(by_group(spend)["30–49"].value, score[(age >= 30) & (age < 50)].mean())


def test_automatic_bins_are_readable_with_an_open_last_bin(campaign: Any) -> None:
    frame = campaign.customers
    income = frame["Income"]
    known = income.dropna()
    assert known.nunique() > 10
    edges = readable_edges(float(known.min()), float(np.quantile(known, 0.95)),
                           integer=bool((known == known.round()).all()))
    table = figures(campaign, Figure(statistic="customers", by="Income"))
    assert table.bins == edges and len(edges) >= 3
    assert all(e == round(e, -3) for e in edges)  # round thousands for incomes
    codes = np.searchsorted(np.asarray(edges), known.to_numpy(), side="right")
    counts = pd.Series(codes).value_counts()
    rows = table.rows
    assert sorted(r.customers for r in rows if r.group != "missing") == sorted(counts)
    last = next(r for r in rows if r.group.endswith("+"))
    assert last.customers == (known >= edges[-1]).sum()
    assert income.max() > np.quantile(known, 0.95)  # the tail shares the open last bin
    assert by_group(table)["missing"].customers == income.isna().sum() > 0
    assert "0–19,999" in by_group(table)  # whole numbers: the upper end is the edge minus one


def test_few_distinct_numbers_and_dates_are_categories_and_years(campaign: Any) -> None:
    frame = campaign.customers
    kids = figures(campaign, Figure(statistic="customers", by="Kidhome"))
    assert kids.bins == []
    assert {r.group: r.customers for r in kids.rows} == \
        {str(k): v for k, v in frame["Kidhome"].value_counts().items()}
    years = figures(campaign, Figure(statistic="customers", by="Dt_Customer"))
    assert {r.group: r.customers for r in years.rows} == \
        {str(k): v for k, v in frame["Dt_Customer"].dt.year.value_counts().items()}


def test_missing_values_are_a_group() -> None:
    frame = pd.DataFrame({
        "Region": pd.array(["North", None, "South", "  ", "North", None, "South ", "East"],
                           dtype="str"),
        "Spend": [10.0, 20.0, np.nan, 40.0, 50.0, np.nan, 70.0, 80.0],
        "Joined": pd.to_datetime(["2020-01-05", None, "2021-03-01", "2021-07-01", None,
                                  "2020-02-02", "2022-01-01", "2022-01-01"]),
    })
    data = customer_table(frame)
    table = figures(data, Figure(statistic="mean", column="Spend", by="Region"))
    rows = by_group(table)
    assert set(rows) == {"North", "South", "East", "missing"}
    blank = frame["Region"].isna() | (frame["Region"].str.strip() == "")
    assert rows["missing"].customers == blank.sum() == 3
    assert close(rows["missing"].value, frame.loc[blank, "Spend"].mean())
    south = frame["Region"].str.strip() == "South"
    assert rows["South"].customers == 2 and rows["South"].known == frame.loc[south, "Spend"].count()
    years = figures(data, Figure(statistic="customers", by="Joined"))
    assert by_group(years)["missing"].customers == frame["Joined"].isna().sum()
    amounts = figures(data, Figure(statistic="customers", by="Spend"))
    assert by_group(amounts)["missing"].customers == frame["Spend"].isna().sum()


# -- small groups ------------------------------------------------------------------------


def test_groups_of_fewer_than_five_are_marked_small(campaign: Any) -> None:
    frame = campaign.customers
    table = figures(campaign, Figure(statistic="mean", column="Income", by="Marital_Status"))
    sizes = frame["Marital_Status"].value_counts()
    assert (sizes < 5).any() and (sizes >= 5).any()
    for row in table.rows:
        assert row.small == (sizes[row.group] < 5), row.group
    boundary = customer_table(pd.DataFrame({"g": ["a"] * 5 + ["b"] * 4}))
    marks = {r.group: r.small for r in figures(boundary, Figure(by="g")).rows}
    assert marks == {"a": False, "b": True}


# -- against the base --------------------------------------------------------------------


def test_index_against_the_same_group_of_the_base(campaign: Any) -> None:
    frame = campaign.customers
    rich = (frame["Income"] > 60000).fillna(False)
    table = figures(campaign, Figure(statistic="mean", column="MntWines", by="Education",
                                     top=2), rich, compare_with_base=True)
    segment = frame[rich].groupby("Education")["MntWines"].mean()
    base = frame.groupby("Education")["MntWines"].mean()
    *kept, other = table.rows
    assert other.other
    for row in kept:
        assert close(row.index, 100 * segment[row.group] / base[row.group]), row.group
        assert close(row.base_value, base[row.group])
    rest = ~frame["Education"].isin([r.group for r in kept])
    expected_other = 100 * frame.loc[rich & rest, "MntWines"].mean() / \
        frame.loc[rest, "MntWines"].mean()
    assert close(other.index, expected_other)
    assert table.compared is not None
    assert close(table.compared.value, frame["MntWines"].mean())
    assert close(table.total.index, 100 * frame.loc[rich, "MntWines"].mean()
                 / frame["MntWines"].mean())
    assert table.table()["columns"][-1] == "index"


def test_index_of_a_rate_against_the_base(campaign: Any) -> None:
    frame = campaign.customers
    target = Compare(column="Response", op="==", value=1)
    married = frame["Marital_Status"] == "Married"
    table = figures(campaign, Figure(statistic="rate", target=target, by="Education"),
                    married, compare_with_base=True, target_mask=frame["Response"] == 1)
    responded = frame["Response"] == 1
    segment = responded[married].groupby(frame.loc[married, "Education"]).mean()
    base = responded.groupby(frame["Education"]).mean()
    for row in table.rows:
        assert close(row.index, 100 * segment[row.group] / base[row.group]), row.group


# -- pandas and DuckDB give the same answers ---------------------------------------------

REGIONS = ["North", "north", " South", "East", "O'Hare", "São Paulo"]
FLAGS = ["yes", "no", "Yes", " NO "]


@st.composite
def small_tables(draw: st.DrawFn) -> CustomerData:
    quarters = st.integers(-40, 4000).map(lambda v: v / 4)  # exact sums: same order both ways
    rows = draw(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(REGIONS)),
                                   st.one_of(st.none(), quarters),
                                   st.one_of(st.integers(0, 30), st.none()),
                                   st.one_of(st.none(), st.sampled_from(FLAGS))),
                         min_size=1, max_size=30))
    regions, money, orders, flags = zip(*rows, strict=True)
    frame = pd.DataFrame(
        {
            "Region": pd.array(regions, dtype="str"),
            "monetary": pd.array(money, dtype="float64"),
            "frequency": pd.array(orders, dtype="Int64"),
            "Member": pd.array(flags, dtype="str"),
        },
        index=pd.Index(range(1, len(rows) + 1), name="customer_id"),
    )
    schema = Schema(kind=DataKind.CUSTOMERS)
    source = SourceInfo(path="random", kind=DataKind.CUSTOMERS, rows_read=len(rows),
                        raw_schema=schema)
    return CustomerData(customers=frame, schema=schema, source=source)


populations: st.SearchStrategy[Condition | None] = st.one_of(
    st.none(),
    st.builds(Compare, column=st.just("monetary"), op=st.sampled_from([">", "<="]),
              value=st.integers(0, 1000)),
    st.builds(In, column=st.just("Region"), values=st.lists(st.sampled_from(REGIONS),
                                                            min_size=1, max_size=3)),
    st.builds(Missing, column=st.sampled_from(["monetary", "Region", "Member"])),
    st.builds(Present, column=st.sampled_from(["monetary", "frequency"])),
    st.builds(Not, condition=st.builds(Compare, column=st.just("frequency"),
                                       op=st.just("<="), value=st.integers(0, 30))),
    st.builds(lambda a, b: And(all=[a, b]),
              st.builds(Compare, column=st.just("Member"), op=st.just("=="), value=st.just("yes")),
              st.builds(Compare, column=st.just("frequency"), op=st.just(">"),
                        value=st.integers(0, 20))),
)

targets = st.one_of(
    st.just(Compare(column="Member", op="==", value="yes")),
    st.builds(Compare, column=st.just("monetary"), op=st.just(">="), value=st.integers(0, 1000)),
    st.builds(In, column=st.just("Region"), values=st.lists(st.sampled_from(REGIONS),
                                                            min_size=1, max_size=2)),
    st.builds(Compare, column=st.just("frequency"), op=st.just(">"), value=st.integers(0, 30)),
)

STATISTICS = ["customers", "sum", "mean", "median", "min", "max", "rate", "revenue_share",
              "order_value", "spend_per_customer"]


@st.composite
def questions(draw: st.DrawFn, data: CustomerData) -> Figure:
    statistic = draw(st.sampled_from(STATISTICS))
    by = draw(st.sampled_from([None, "Region", "region", "monetary", "frequency", "Member"]))
    bins: list[float] | None = None
    if by in ("monetary", "frequency") and draw(st.booleans()):
        bins = [float(b) for b in draw(st.lists(st.integers(-5, 1000), min_size=1, max_size=4))]
    groups = None
    if by is not None and draw(st.integers(0, 3)) == 0:
        labels = sorted(set(group_keys(data, by, bins)))
        groups = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=3))
        if draw(st.booleans()):
            groups = [g.upper() for g in groups]
    return Figure(statistic=statistic,  # type: ignore[arg-type]
                  column=draw(st.sampled_from(["monetary", "frequency", "Member"])),
                  target=draw(targets) if statistic == "rate" else None,
                  by=by, bins=bins, groups=groups, top=draw(st.integers(1, 4)))


def comparable(row: FigureRow | None) -> tuple[Any, ...] | None:
    if row is None:
        return None
    value = None if row.value is None else round(row.value, 6)
    index = None if row.index is None else round(row.index, 6)
    return (row.group, row.customers, row.known, value, index, row.small, row.other)


def answer(compute: Any) -> Any:
    try:
        table = compute()
    except DefinitionError:
        return "DefinitionError"
    return ([comparable(r) for r in table.rows], comparable(table.total),
            comparable(table.compared), table.population, table.base, table.bins,
            table.unknown, table.column)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_sql_gives_the_same_figures_as_pandas(data: st.DataObject) -> None:
    table = data.draw(small_tables())
    figure = data.draw(questions(table))
    population = data.draw(populations)
    compare = data.draw(st.booleans())
    try:
        mask = evaluate(population, table) if population is not None else None
        target_mask = evaluate(figure.target, table) if figure.target is not None else None
    except DefinitionError:  # e.g. "yes" in a column with no values: test_sql's business
        reject()
    expected = answer(lambda: figures(table, figure, mask, compare_with_base=compare,
                                      target_mask=target_mask))
    connection = duckdb.connect()
    try:
        connection.register("customers", pa.Table.from_pandas(table.customers.reset_index(),
                                                              preserve_index=False))
        got = answer(lambda: figures_sql(connection, figure, population=population,
                                         compare_with_base=compare,
                                         roles=Roles(money="monetary", orders="frequency")))
    finally:
        connection.close()
    event(f"{figure.statistic} by {figure.by}: " + (
        "refused" if expected == "DefinitionError" else
        "with other" if any(r and r[-1] for r in expected[0]) else "answered"))
    assert got == expected


# -- no money column ---------------------------------------------------------------------


def test_money_figures_need_a_spend_column(mall: Any) -> None:
    for statistic in ("revenue_share", "order_value", "spend_per_customer"):
        with pytest.raises(DefinitionError) as raised:
            figures(mall, Figure(statistic=statistic, by="Genre"))
        message = raised.value.message
        assert "\n" not in message and "spend" in message
        assert "Age" in raised.value.options  # the number columns there are
    connection = duckdb.connect()
    try:
        connection.register("customers", pa.Table.from_pandas(mall.customers.reset_index(),
                                                              preserve_index=False))
        with pytest.raises(DefinitionError) as in_sql:
            figures_sql(connection, Figure(statistic="revenue_share"), roles=Roles())
        assert "\n" not in in_sql.value.message
    finally:
        connection.close()
    refused = Toolkit(mall).call("compute_figures", {"statistic": "revenue_share"})
    assert not refused.ok and "\n" not in refused.message and refused.message


# -- the tool ----------------------------------------------------------------------------


def test_the_tool_answers_without_changing_the_current_segment(campaign: Any) -> None:
    frame = campaign.customers
    toolkit = Toolkit(campaign)
    married = {"type": "in", "column": "Marital_Status", "values": ["Married"]}
    assert toolkit.call("define_segment", {"condition": married}).ok
    before, history = toolkit.state, list(toolkit.history)
    result = toolkit.call("compute_figures", {
        "statistic": "mean", "column": "Income", "by": "Education", "segment": "current",
        "condition": {"type": "compare", "column": "Kidhome", "op": "==", "value": 0}})
    assert result.ok, result.message
    assert toolkit.state == before and toolkit.history == history
    asked = (frame["Marital_Status"] == "Married") & (frame["Kidhome"] == 0)
    expected = frame[asked].groupby("Education")["Income"].mean()
    table = result.summary["table"]
    assert table["columns"] == ["group", "customers", "mean", "known", "small"]
    assert [line[0] for line in table["rows"]] == \
        list(expected.sort_values(ascending=False).index)
    for group, customers, value, known, small in table["rows"]:
        assert value == pytest.approx(expected[group], abs=1e-4)
        assert customers == (asked & (frame["Education"] == group)).sum()
        assert known <= customers and small == (customers < 5)
    assert result.summary["population"] == asked.sum()
    assert result.summary["share_of_base"] == round(asked.sum() / len(frame), 6)

    rate = toolkit.call("compute_figures", {
        "statistic": "rate", "target": {"type": "compare", "column": "Response", "op": "==",
                                        "value": 1}, "compare_with_base": True})
    assert rate.ok and toolkit.state == before
    assert rate.summary["table"]["columns"][-1] == "index"
    assert rate.summary["total"]["value"] == pytest.approx((frame["Response"] == 1).mean())
    current = toolkit.current_mask()
    assert current is not None and current.sum() == (frame["Marital_Status"] == "Married").sum()


def test_the_tool_refuses_a_personal_column_as_by() -> None:
    emails = [f"person{i}@example.test" for i in range(12)]
    frame = pd.DataFrame({"email": emails, "Country": ["France", "Spain", "Italy"] * 4,
                          "monetary": [float(10 * i) for i in range(12)]})
    data = customer_table(frame, roles={"email": Role.PERSONAL, "Country": Role.CATEGORY,
                                        "monetary": Role.MONETARY})
    toolkit = Toolkit(data)
    for by in ("email", " EMAIL "):
        refused = toolkit.call("compute_figures", {"statistic": "customers", "by": by})
        assert not refused.ok and "personal" in refused.message
        shown = refused.message + " ".join(refused.options) + str(refused.summary)
        assert not any(email in shown for email in emails)
    with pytest.raises(DefinitionError):
        figures(data, Figure(by="email"))
    allowed = toolkit.call("compute_figures", {"statistic": "revenue_share", "by": "Country"})
    assert allowed.ok and toolkit.state.condition is None
    spend = frame.groupby("Country")["monetary"].sum() / frame["monetary"].sum()
    for group, _customers, value, *_ in allowed.summary["table"]["rows"]:
        assert value == pytest.approx(spend[group], abs=1e-4)
