"""Questions about the data: one figure for a group of customers, or a breakdown by a column.

A `Figure` says what to compute (SEMANTICS.md, "Questions about the data"):

- `customers`: how many, with the share of the population asked about and of the base;
- `sum`, `mean`, `median`, `min`, `max` of a number or yes/no column (known values only);
- `rate`: the share of customers meeting `target` (a yes/no column, a value, any
  condition) among those whose target columns are known;
- `revenue_share`: the group's spend over the whole base's spend;
- `order_value`: the group's spend over its orders (revenue per order);
- `spend_per_customer`: the group's spend over its customers with a known spend.

`by` breaks the figure down by one column: one row per value (numbers in readable
bins), sorted by the figure, largest first, the `top` groups kept and the rest
gathered as "other" (the figure computed again over all of them, never summed).
`figures(data, figure, population, compare_with=...)` computes it with pandas;
`figures_sql.py` compiles the same question to SQL with the same answers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.engine.behaviour import behaviour_column, float_values
from tools.engine.dataset import CustomerData
from tools.engine.definitions import (
    And,
    Between,
    ColumnSum,
    Compare,
    CompareColumns,
    Condition,
    In,
    Not,
    NotIn,
    Or,
    Rank,
)
from tools.engine.errors import DefinitionError
from tools.engine.figure_groups import (
    MISSING,
    bin_edges,
    group_keys,
    is_personal,
    pick_groups,
)
from tools.engine.operands import TRUE_WORDS, find_column, flag_numbers, text_key
from tools.engine.schema import Role

Statistic = Literal["customers", "sum", "mean", "median", "min", "max", "rate",
                    "revenue_share", "order_value", "spend_per_customer"]
COLUMN_STATISTICS = ("sum", "mean", "median", "min", "max")
MONEY_STATISTICS = ("revenue_share", "order_value", "spend_per_customer")
SMALL_GROUP = 5  # groups with fewer customers are marked: figures about a handful of people
OTHER = "other"


class Figure(BaseModel):
    """What to compute about a population of customers (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    statistic: Statistic = "customers"
    column: str | None = None  # the number for sum, mean, median, min, max
    target: Condition | None = None  # who counts for a rate
    by: str | None = None
    bins: list[float] | None = None  # edges for a number `by`; readable ones when None
    groups: list[str] | None = None  # only these values of `by` (no "other")
    top: int = Field(default=10, ge=1, le=50)

    @field_validator("bins")
    @classmethod
    def _finite(cls, bins: list[float] | None) -> list[float] | None:
        if bins is not None and not all(math.isfinite(b) for b in bins):
            raise ValueError("bin edges must be finite numbers")
        return bins


@dataclass(frozen=True)
class FigureRow:
    group: str  # the value of `by` (a bin's label, "other", "missing"), or "all"
    customers: int
    value: float | None  # None: no known values in the group
    known: int  # customers the figure is computed over (known values)
    small: bool = False  # fewer than SMALL_GROUP customers
    other: bool = False  # the groups beyond the top ones, together
    index: float | None = None  # 100 x value / the comparison's value
    base_value: float | None = None  # the comparison's value: the same group in the base


@dataclass(frozen=True)
class FigureTable:
    statistic: str
    column: str | None  # the measure's column (the spend column for money figures)
    by: str | None
    rows: list[FigureRow]
    total: FigureRow  # the figure over the whole population asked about
    population: int  # customers asked about
    base: int  # customers in the data
    compared: FigureRow | None = None  # the same figure over the whole base
    bins: list[float] = field(default_factory=list)
    unknown: int = 0  # customers of the population left out for an unknown value

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rows"] = [_row_dict(r) for r in self.rows]
        out["total"] = _row_dict(self.total)
        out["compared"] = _row_dict(self.compared) if self.compared else None
        return out

    def table(self) -> dict[str, Any]:
        """The breakdown as {"columns": [...], "rows": [[...], ...]} (for `ask --json`)."""
        rows = self.rows if self.by else [self.total]
        columns = ["group", "customers", self.statistic, "known", "small"]
        body = [[r.group, r.customers, _round(r.value), r.known, r.small] for r in rows]
        if self.compared is not None:
            columns.append("index")
            body = [[*line, _round(r.index)] for line, r in zip(body, rows, strict=True)]
        return {"columns": columns, "rows": body}


def figures(data: CustomerData, figure: Figure, population: pd.Series | None = None, *,
            compare_with_base: bool = False, target_mask: pd.Series | None = None
            ) -> FigureTable:
    """`figure` over the customers where `population` is True (everyone when None).

    `target_mask`: the members of `figure.target` (evaluated by the caller, which knows
    saved segments); required for a rate.
    """
    frame = data.customers
    members = (pd.Series(True, index=frame.index) if population is None
               else population.reindex(frame.index, fill_value=False).astype(bool))
    inputs = _inputs(data, figure, target_mask)
    everyone_keys = (group_keys(data, figure.by, figure.bins) if figure.by
                     else pd.Series("all", index=frame.index))
    keys = everyone_keys[members.to_numpy()]

    def grouped(scope: Scope, kept: list[str]) -> pd.DataFrame:
        chosen = everyone_keys if scope.startswith("base") else keys
        if scope in ("groups", "base_groups"):
            return _per_group(inputs, chosen)
        if scope in ("rest", "base_rest"):
            rest = chosen[~chosen.isin(kept)]
            return _per_group(inputs, pd.Series(OTHER, index=rest.index))
        return _per_group(inputs, pd.Series("all", index=chosen.index))

    return assemble(figure, grouped, base=len(frame), money_column=inputs.money_column,
                    edges=list(inputs.edges), compare_with_base=compare_with_base)


Scope = Literal["groups", "rest", "all", "base", "base_groups", "base_rest"]


def assemble(figure: Figure, grouped: Any, *, base: int, money_column: str | None,
             edges: list[float], compare_with_base: bool) -> FigureTable:
    """The table from per-group figures, however they were computed (pandas or SQL).

    `grouped(scope, kept)` gives customers, value and known per group label: "groups" by
    `figure.by` within the population, "rest" the population outside the `kept` groups as
    one group "other", "all" the population as one group "all"; "base", "base_groups" and
    "base_rest" the same over everyone, so each group is set against the same group of the
    whole base.
    """
    table = grouped("groups", [])
    if figure.by and figure.groups is not None:
        table = table.loc[pick_groups([str(g) for g in table.index], figure.groups,
                                       figure.by)]
    ordered = _ordered(table)
    shown, other_rows = ordered, []
    if figure.by and figure.groups is None and len(ordered) > figure.top + 1:
        shown = ordered[:figure.top]
        rest = grouped("rest", shown)
        other_rows = [_row(OTHER, rest.loc[OTHER], other=True)]
    rows = [_row(g, table.loc[g]) for g in shown] + other_rows
    whole = grouped("all", [])
    total = _row("all", whole.loc["all"] if len(whole) else _EMPTY)
    compared = None
    if compare_with_base and figure.statistic != "customers":
        compared = _row("all", grouped("base", []).loc["all"])
        total = _indexed(total, compared)
        if figure.by:
            bases = grouped("base_groups", [])
            if other_rows:
                bases = pd.concat([bases, grouped("base_rest", shown)])
            rows = [_indexed(r, _row(r.group, bases.loc[r.group])) for r in rows]
        else:
            rows = [_indexed(r, compared) for r in rows]
    column = figure.column if figure.statistic in COLUMN_STATISTICS else money_column
    counted = rows if figure.by else [total]  # the groups shown, "other" included
    unknown = 0 if figure.statistic in ("customers", "revenue_share") else \
        sum(r.customers - r.known for r in counted)
    return FigureTable(statistic=figure.statistic, column=column, by=figure.by, rows=rows,
                       total=total, population=total.customers, base=base,
                       compared=compared, bins=edges, unknown=unknown)


# -- inputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    statistic: str
    values: pd.Series | None  # the numbers the statistic reads (NaN: unknown)
    weights: pd.Series | None  # orders, for order value
    total_money: float
    money_column: str | None
    edges: tuple[float, ...] = ()


def _inputs(data: CustomerData, figure: Figure, target_mask: pd.Series | None) -> _Inputs:
    frame = data.customers
    statistic = figure.statistic
    money = None
    if statistic in MONEY_STATISTICS:
        # `column` names the spend when the data gives none the spend role ("amount_paid").
        money = (_number_column_name(data, figure.column) if figure.column
                 else behaviour_column(data, Role.MONETARY))
        if money is None:
            raise DefinitionError("The data has no spend or amount column, so there is no "
                                  "revenue to measure; ask about another column.",
                                  options=_number_columns(data), phrase="figure_no_money")
    if statistic in COLUMN_STATISTICS:
        values = _number_values(data, figure.column)
    elif statistic == "rate":
        if figure.target is None or target_mask is None:
            raise DefinitionError("A rate needs whom to count: a yes/no column, a value or a "
                                  "condition (churned, country is France, spent over 500).")
        known = _known(data, figure.target)
        hits = target_mask.reindex(frame.index, fill_value=False).astype("float64")
        values = hits.where(known)
    elif money is not None:
        values = pd.Series(float_values(frame[money]), index=frame.index)
    else:
        values = None
    weights = None
    if statistic == "order_value":
        orders = behaviour_column(data, Role.FREQUENCY)
        if orders is None:
            raise DefinitionError("The data has no number of orders per customer, so there is "
                                  "no average order value; ask for spend per customer instead.",
                                  phrase="figure_no_orders")
        weights = pd.Series(float_values(frame[orders]), index=frame.index)
        both = values.notna() & weights.notna() if values is not None else weights.notna()
        values = values.where(both) if values is not None else None
        weights = weights.where(both)
    total_money = float(np.nansum(float_values(frame[money]))) if money else 0.0
    edges = tuple(bin_edges(data, figure.by, figure.bins)) if figure.by else ()
    return _Inputs(statistic, values, weights, total_money, money, edges)


def _number_values(data: CustomerData, column: str | None) -> pd.Series:
    if not column:
        raise DefinitionError("Say which number to measure.", options=_number_columns(data))
    found = find_column(data, column)
    flags = flag_numbers(found)
    series = found.series
    if flags is not None:
        return flags.astype("float64")
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    if not pd.api.types.is_numeric_dtype(series):
        raise DefinitionError(f"{found.name} is not a number column; an average or total needs "
                              "numbers.", options=_number_columns(data))
    return pd.Series(float_values(series), index=series.index)


def _number_column_name(data: CustomerData, column: str) -> str:
    found = find_column(data, column)
    if not pd.api.types.is_numeric_dtype(found.series):
        raise DefinitionError(f"{found.name} is not a number column, so it cannot be the spend.",
                              options=_number_columns(data))
    return found.name


def _number_columns(data: CustomerData) -> list[str]:
    return [str(c) for c in data.customers.columns
            if pd.api.types.is_numeric_dtype(data.customers[c])
            and not is_personal(data, str(c))][:12]


def _known(data: CustomerData, condition: Condition) -> pd.Series:
    """Customers whose values for the columns `condition` tests are all present."""
    frame = data.customers
    known = pd.Series(True, index=frame.index)
    for name in condition_columns(condition):
        if name in frame.columns:
            known &= frame[name].notna()
    return known


def yes_condition(data: CustomerData, column: str) -> Condition:
    """Whom a yes/no column's rate counts: its yes value (1, True, "Yes", "y", ...)."""
    found = find_column(data, column)
    series = found.series
    if pd.api.types.is_bool_dtype(series):
        return Compare(column=found.name, op="==", value=True)
    if flag_numbers(found) is not None:
        yes = next(v for v in series.dropna().unique() if text_key(v) in TRUE_WORDS)
        return Compare(column=found.name, op="==", value=str(yes))
    values = set(float_values(series)[~np.isnan(float_values(series))])
    if values and values <= {0.0, 1.0}:
        return Compare(column=found.name, op="==", value=1)
    raise DefinitionError(f"{found.name} is not a yes/no column; name the value to count, "
                          f"e.g. rate:{found.name}=VALUE.")


def condition_columns(condition: Condition) -> list[str]:
    """The columns whose values a condition tests (presence tests and named segments aside)."""
    if isinstance(condition, Compare | Between | In | NotIn | Rank):
        return [condition.column]
    if isinstance(condition, ColumnSum):
        return list(condition.columns)
    if isinstance(condition, CompareColumns):
        return [condition.left, condition.right]
    if isinstance(condition, And | Or):
        parts = condition.all if isinstance(condition, And) else condition.any
        return list(dict.fromkeys(c for part in parts for c in condition_columns(part)))
    if isinstance(condition, Not):
        return condition_columns(condition.condition)
    return []


# -- the statistic per group -------------------------------------------------------------


_EMPTY = pd.Series({"customers": 0, "value": np.nan, "known": 0})


def _per_group(inputs: _Inputs, keys: pd.Series) -> pd.DataFrame:
    """customers, value and known per group label of `keys` (customers of the population)."""
    statistic = inputs.statistic
    sizes = keys.groupby(keys, sort=True, observed=True).size()
    out = pd.DataFrame({"customers": sizes})
    if inputs.values is None:  # customers
        out["value"] = sizes.astype("float64")
        out["known"] = sizes
        return out
    values = inputs.values.reindex(keys.index)
    grouped = values.groupby(keys, sort=True, observed=True)
    out["known"] = grouped.count()
    if statistic in ("sum", "revenue_share"):
        out["value"] = grouped.sum(min_count=1)
        if statistic == "revenue_share":
            out["value"] = out["value"].fillna(0.0) / inputs.total_money \
                if inputs.total_money else np.nan
            out["known"] = sizes
    elif statistic in ("mean", "rate", "spend_per_customer"):
        out["value"] = grouped.mean()
    elif statistic == "median":
        out["value"] = grouped.median()
    elif statistic == "min":
        out["value"] = grouped.min()
    elif statistic == "max":
        out["value"] = grouped.max()
    elif statistic == "order_value":
        assert inputs.weights is not None
        orders = inputs.weights.reindex(keys.index).groupby(keys, sort=True,
                                                            observed=True).sum()
        spend = grouped.sum()
        out["value"] = (spend / orders.replace(0, np.nan)).astype("float64")
    return out


def _ordered(table: pd.DataFrame) -> list[str]:
    """Group labels by the figure, largest first (unknown figures last), ties by label."""
    def key(group: Any) -> tuple[bool, bool, float, str]:
        value = table.at[group, "value"]
        missing = bool(pd.isna(value))
        # The customers whose group is unknown come last, whatever their figure.
        return str(group) == MISSING, missing, 0.0 if missing else -float(value), str(group)

    return [str(g) for g in sorted(table.index, key=key)]


def _row(group: str, line: pd.Series, *, other: bool = False) -> FigureRow:
    customers = int(line["customers"])
    value = line["value"]
    return FigureRow(group=group, customers=customers,
                     value=None if pd.isna(value) else float(value), known=int(line["known"]),
                     small=customers < SMALL_GROUP, other=other)


def _indexed(row: FigureRow, base: FigureRow) -> FigureRow:
    if row.value is None or not base.value:
        return replace(row, base_value=base.value)
    return replace(row, index=100.0 * row.value / base.value, base_value=base.value)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _row_dict(row: FigureRow) -> dict[str, Any]:
    out = asdict(row)
    out["value"] = _round(row.value, 6)
    out["index"] = _round(row.index, 1)
    out["base_value"] = _round(row.base_value, 6)
    return out
