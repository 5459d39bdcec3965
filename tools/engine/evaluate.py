"""A segment definition, checked against the data and turned into members.

`evaluate` gives a bool Series indexed like `data.customers` (True = member);
`validate` raises the same one-line DefinitionError `evaluate` would, naming
the nearest real columns, values or segment names, without returning members.

Rules a person can rely on:
- A missing value never matches a comparison (`!=` and `not in` included);
  only `missing` finds it. `not` is the plain complement, so "not (Income >
  50000)" does include customers whose income is missing.
- `sum` adds several columns (yes/no columns count 1/0) and `compare_columns` compares
  one column with another (see multi_column.py); a customer missing any of the values
  involved is not a member, as for a comparison with a value.
- Text matches ignore case and must be one of the data's own values.
- `purchased` reads the log's kept lines (purchased.py): orders or spend in a period, of
  chosen values, with 0 for a customer without such a line.
- `rank` takes the `n` customers, or ceil(`percent`% x base) of them, with the
  largest values (top) or the smallest (bottom); ties go to the smaller
  customer id; a customer whose value is missing is never chosen. The base
  (what the percent is of) is the customers in scope: everyone, except for a
  rank that is directly one of an `and`'s conditions, whose base is the
  customers meeting the and's other, non-rank conditions ("top 10% of German
  customers by spend" = and[Country == Germany, rank]). Several ranks in one
  `and` are each taken over that same base, then intersected, so their order
  does not matter. A rank deeper down (inside an `or` or a `not`) is not
  narrowed by that and's other conditions.
- A referenced saved segment (`segment`) means the same wherever it is used:
  its own definition over all customers. So does a cluster's `within`: the
  clustering is fitted on its members, and nobody outside it is in a cluster.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.clustering import cluster_labels
from tools.engine.dataset import CustomerData
from tools.engine.definitions import (
    And,
    Between,
    Cluster,
    ColumnSum,
    Compare,
    CompareColumns,
    Condition,
    In,
    Lifecycle,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Purchased,
    Rank,
    RfmScore,
    RfmSegment,
    SegmentDefinition,
    SegmentRef,
)
from tools.engine.errors import DefinitionError
from tools.engine.lifecycle import STAGES, lifecycle_table
from tools.engine.matching import nearest
from tools.engine.multi_column import column_sum, columns_compared
from tools.engine.operands import (
    Scalar,
    compare,
    find_column,
    is_one_of,
    operand,
    require_ordered,
)
from tools.engine.purchased import purchased_members
from tools.engine.rfm import default_scheme, require_monetary, rfm_table

Resolver = Callable[[str], SegmentDefinition]


def evaluate(condition: Condition, data: CustomerData, *,
             resolve: Resolver | None = None) -> pd.Series:
    """The members of `condition`: a bool Series indexed like `data.customers`."""
    return _Evaluator(data, resolve).members(condition)


def validate(condition: Condition, data: CustomerData, *,
             resolve: Resolver | None = None) -> None:
    """Raise DefinitionError (or DataError) if `condition` does not fit `data`.

    Checking runs the evaluation itself, so a definition that validates is
    exactly one that evaluates; RFM scores, lifecycle stages and clusters it
    computes are cached in `data.derived` for the evaluation that follows.
    """
    _Evaluator(data, resolve).members(condition)


def _canonical_names(asked: list[str], known: list[str], what: str) -> list[str]:
    """Each asked name as spelt in `known` (ignoring case and punctuation)."""
    if not asked:
        raise DefinitionError(f"Name at least one {what}: {', '.join(known)}.", options=known)

    def key(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    by_key = {key(name): name for name in known}
    found: list[str] = []
    for name in asked:
        if key(name) not in by_key:
            near = nearest(name, known)
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            raise DefinitionError(
                f"No {what} '{name}'.{hint} The {what}s are: {', '.join(known)}.", options=known)
        found.append(by_key[key(name)])
    return found


class _Evaluator:
    """One evaluation: the data, the resolver, and saved segments already evaluated."""

    def __init__(self, data: CustomerData, resolve: Resolver | None) -> None:
        self.data = data
        self.resolve = resolve
        self.saved: dict[str, pd.Series] = {}
        self.everyone = pd.Series(True, index=data.customers.index, dtype=bool)
        self.handlers: dict[type, Callable[[Any, pd.Series, tuple[str, ...]], pd.Series]] = {
            Compare: self._compare,
            Between: self._between,
            ColumnSum: self._sum,
            CompareColumns: self._compare_columns,
            In: self._in,
            NotIn: self._not_in,
            Missing: self._missing,
            Present: self._present,
            Rank: self._rank_alone,
            RfmSegment: self._rfm_segment,
            RfmScore: self._rfm_score,
            Purchased: self._purchased,
            Lifecycle: self._lifecycle,
            Cluster: self._cluster,
            SegmentRef: self._segment_ref,
            And: self._and,
            Or: self._or,
            Not: self._not,
        }

    def members(self, condition: Condition) -> pd.Series:
        return self._eval(condition, self.everyone, ())

    def _eval(self, node: Condition, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        # `scope`: the customers a rank inside `node` is taken among;
        # `refs`: the saved segments being expanded, to catch a cycle.
        return self.handlers[type(node)](node, scope, refs).rename(None)

    # Leaves over one column.

    def _compare(self, node: Compare, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        column = find_column(self.data, node.column)
        if node.op not in ("==", "!="):
            require_ordered(column, f"'{node.op}'")
        return compare(column, node.op, operand(column, node.value))

    def _between(self, node: Between, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        column = find_column(self.data, node.column)
        require_ordered(column, "between")
        low, high = operand(column, node.low), operand(column, node.high)
        if low > high:  # type: ignore[operator]
            raise DefinitionError(
                f"Between on {column.name} needs the low end first: {node.low} is above "
                f"{node.high}.")
        return compare(column, ">=", low) & compare(column, "<=", high)

    def _sum(self, node: ColumnSum, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        return column_sum(self.data, node)

    def _compare_columns(self, node: CompareColumns, scope: pd.Series,
                         refs: tuple[str, ...]) -> pd.Series:
        return columns_compared(self.data, node)

    def _membership(self, column_name: str, wanted: list[Scalar]) -> pd.Series:
        column = find_column(self.data, column_name)
        if not wanted:
            raise DefinitionError(f"Name at least one value of {column.name} to match.")
        return is_one_of(column, [operand(column, v) for v in wanted])

    def _in(self, node: In, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        return self._membership(node.column, node.values)

    def _not_in(self, node: NotIn, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        column = find_column(self.data, node.column)
        return ~self._membership(node.column, node.values) & column.series.notna()

    def _missing(self, node: Missing, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        return find_column(self.data, node.column).series.isna().astype(bool)

    def _present(self, node: Present, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        return find_column(self.data, node.column).series.notna().astype(bool)

    # Rank.

    def _rank_alone(self, node: Rank, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        return self._rank(node, scope)

    def _rank(self, node: Rank, base: pd.Series) -> pd.Series:
        column = find_column(self.data, node.column)
        require_ordered(column, "a top or bottom ranking")
        if (node.n is None) == (node.percent is None):
            raise DefinitionError(
                f"Rank by {column.name} needs either a number of customers (n) or a "
                "percent, not both and not neither.")
        in_base = base.to_numpy()
        eligible = np.flatnonzero(in_base & column.series.notna().to_numpy())
        if node.n is not None:
            size = node.n
        else:
            # A share of the base (SEMANTICS: ceil(N% x customers)), taken from those with a
            # known value. Exact decimal arithmetic: 7% of 100 is 7, not ceil(7.000000000000001).
            size = math.ceil(Fraction(str(node.percent)) * int(in_base.sum()) / 100)
        order = pd.DataFrame({"value": column.series.to_numpy()[eligible],
                              "customer": self.data.customers.index.to_numpy()[eligible],
                              "position": eligible})
        order = order.sort_values(["value", "customer"],
                                  ascending=[node.direction == "bottom", True], kind="mergesort")
        chosen = np.zeros(len(self.data.customers), dtype=bool)
        chosen[order["position"].to_numpy()[:size]] = True
        return pd.Series(chosen, index=self.data.customers.index)

    # Derived tables (imported lazily: each is its own module and cost).

    def _rfm_segment(self, node: RfmSegment, scope: pd.Series,
                     refs: tuple[str, ...]) -> pd.Series:
        wanted = _canonical_names(node.segments, default_scheme().segment_names(),
                                  "RFM segment")
        segments = rfm_table(self.data)["rfm_segment"]
        return segments.isin(wanted).reindex(self.data.customers.index, fill_value=False)

    def _rfm_score(self, node: RfmScore, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        if node.score == "m":
            require_monetary(self.data)  # without spend there is no M score to select by
        if node.low > node.high:
            raise DefinitionError(
                f"The {node.score.upper()} score range needs the low end first: {node.low} is "
                f"above {node.high}.")
        scores = rfm_table(self.data)[f"{node.score}_score"]
        inside = (scores >= node.low) & (scores <= node.high)
        return inside.reindex(self.data.customers.index, fill_value=False).astype(bool)

    def _purchased(self, node: Purchased, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        return purchased_members(node, self.data)

    def _lifecycle(self, node: Lifecycle, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        wanted = _canonical_names(node.stages, list(STAGES), "lifecycle stage")
        stages, _ = lifecycle_table(self.data)
        return stages["stage"].isin(wanted).reindex(self.data.customers.index, fill_value=False)

    def _cluster(self, node: Cluster, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        if not node.features:
            raise DefinitionError("Clusters need at least one feature column.")
        # Which columns can be clustered on (numbers, categories) is clustering's rule.
        features = [find_column(self.data, name).name for name in node.features]
        # `within` means its own definition over all customers, as a saved segment does.
        population = (None if node.within is None
                      else self._eval(node.within, self.everyone, refs))
        labels = cluster_labels(self.data, features, node.k, random_state=node.random_state,
                                population=population)
        known = sorted(int(v) for v in pd.unique(labels.dropna()))
        unknown = [c for c in node.clusters if c not in known]
        if not node.clusters or unknown:
            listed = ", ".join(str(c) for c in known)
            raise DefinitionError(
                f"Choose clusters among {listed} (k={node.k}); "
                f"{'none given' if not node.clusters else f'no cluster {unknown[0]}'}.",
                options=[str(c) for c in known])
        return labels.isin(node.clusters).reindex(self.data.customers.index, fill_value=False)

    # Saved segments and logic.

    def _segment_ref(self, node: SegmentRef, scope: pd.Series,
                     refs: tuple[str, ...]) -> pd.Series:
        if node.name in refs:
            chain = " -> ".join((*refs[refs.index(node.name):], node.name))
            raise DefinitionError(
                f"Segment '{node.name}' refers to itself ({chain}); remove one of the references.")
        if node.name not in self.saved:
            if self.resolve is None:
                raise DefinitionError(
                    f"Segment '{node.name}' is a saved segment, but no segment library is open.")
            definition = self.resolve(node.name)
            self.saved[node.name] = self._eval(definition.condition, self.everyone,
                                               (*refs, node.name))
        return self.saved[node.name]

    def _and(self, node: And, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        if not node.all:
            raise DefinitionError("An 'and' needs at least one condition.")
        result = self.everyone.copy()
        for child in node.all:
            if not isinstance(child, Rank):
                result &= self._eval(child, scope, refs)
        base = scope & result
        for child in node.all:
            if isinstance(child, Rank):
                result &= self._rank(child, base)
        return result

    def _or(self, node: Or, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        if not node.any:
            raise DefinitionError("An 'or' needs at least one condition.")
        result = ~self.everyone
        for child in node.any:
            result |= self._eval(child, scope, refs)
        return result

    def _not(self, node: Not, scope: pd.Series, refs: tuple[str, ...]) -> pd.Series:
        return ~self._eval(node.condition, scope, refs)
