"""A segment definition in plain English, for the marketer who asked for it.

"spent more than £1,000 and no order in the last 90 days", "Country is
Germany or France", "top 10% by monetary". The wording is a pure function of
the definition (and the data's currency and column roles when given), so the
same definition always reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FREQUENCY,
    MONETARY,
    RECENCY,
    TENURE,
    CustomerData,
)
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
    SegmentRef,
)
from tools.engine.schema import Role

Scalar = float | int | str | bool
_ISO_DATE = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}")

# Phrases for the customer features (SEMANTICS.md), by operator: {v} is the value,
# {days} and {orders} the unit in agreement with it ("1 order", "3 orders").
_FEATURE_PHRASES: dict[str, dict[str, str]] = {
    MONETARY: {
        ">": "spent more than {v}", ">=": "spent at least {v}", "<": "spent less than {v}",
        "<=": "spent at most {v}", "==": "spent exactly {v}", "!=": "did not spend exactly {v}",
        "between": "spent between {low} and {high}",
    },
    RECENCY: {
        ">": "no order in the last {v} {days}", ">=": "last order at least {v} {days} ago",
        "<": "last order less than {v} {days} ago", "<=": "ordered in the last {v} {days}",
        "==": "last order exactly {v} {days} ago", "!=": "last order not exactly {v} {days} ago",
        "between": "last order between {low} and {high} days ago",
    },
    FREQUENCY: {
        ">": "placed more than {v} {orders}", ">=": "placed at least {v} {orders}",
        "<": "placed fewer than {v} {orders}", "<=": "placed at most {v} {orders}",
        "==": "placed exactly {v} {orders}", "!=": "did not place exactly {v} {orders}",
        "between": "placed between {low} and {high} orders",
    },
    TENURE: {
        ">": "first order more than {v} {days} ago", ">=": "first order at least {v} {days} ago",
        "<": "first order less than {v} {days} ago", "<=": "first order at most {v} {days} ago",
        "==": "first order exactly {v} {days} ago", "!=": "first order not exactly {v} {days} ago",
        "between": "first order between {low} and {high} days ago",
    },
    AVG_ORDER_VALUE: {
        ">": "average order value over {v}", ">=": "average order value at least {v}",
        "<": "average order value under {v}", "<=": "average order value at most {v}",
        "==": "average order value exactly {v}", "!=": "average order value not {v}",
        "between": "average order value between {low} and {high}",
    },
}
# Customer-table columns with these roles read like the matching feature.
_ROLE_FEATURES = {Role.RECENCY: RECENCY, Role.FREQUENCY: FREQUENCY, Role.MONETARY: MONETARY,
                  Role.TENURE: TENURE}
_MONEY_FEATURES = frozenset({MONETARY, AVG_ORDER_VALUE})

_GENERIC = {">": "is over", ">=": "is at least", "<": "is under", "<=": "is at most",
            "==": "is", "!=": "is not"}
_DATES = {">": "is after", ">=": "is on or after", "<": "is before", "<=": "is on or before",
          "==": "is on", "!=": "is not on"}


def _number(value: float | int) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    # Enough decimals to show what was asked (0.3000001), none of float noise.
    return f"{value:,.10f}".rstrip("0").rstrip(".")


def _money(value: float | int, currency: str) -> str:
    sign = "-" if value < 0 else ""
    amount = abs(value)
    shown = f"{int(amount):,}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{sign}{currency}{shown}"


def _value(value: Scalar) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _number(value)
    return value.strip()


def _alternatives(values: list[Scalar], joiner: str) -> str:
    shown = [_value(v) for v in values]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} {joiner} {shown[-1]}"


def _year(column: str, value: Scalar) -> str | None:
    """A number in a year column as a year (1960, not 1,960); None for anything else."""
    if "year" in column.lower() and _is_number(value):
        return str(int(value))
    return None


def _is_number(value: Scalar) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Describer:
    def __init__(self, data: CustomerData | None) -> None:
        self.data = data
        self.currency = (data.source.currency if data is not None else None) or ""
        self.phrases: dict[type, Callable[[Any], str]] = {
            Compare: self._compare, Between: self._between, In: self._in, NotIn: self._not_in,
            Missing: lambda c: f"{c.column} is missing",
            Present: lambda c: f"{c.column} is known",
            Rank: self._rank, RfmSegment: self._rfm_segment, RfmScore: self._rfm_score,
            Lifecycle: self._lifecycle, Cluster: self._cluster,
            SegmentRef: lambda c: f"in saved segment '{c.name}'",
            And: self._and, Or: self._or,
            Not: lambda c: f"not ({self.text(c.condition)})",
        }

    def text(self, condition: Condition) -> str:
        return self.phrases[type(condition)](condition)

    def _feature(self, column: str) -> str | None:
        if column in _FEATURE_PHRASES:
            return column
        if self.data is None:
            return None
        info = self.data.schema.column(column)
        return _ROLE_FEATURES.get(info.role) if info is not None else None

    def _feature_value(self, feature: str, value: Scalar) -> str:
        if feature in _MONEY_FEATURES and _is_number(value):
            return _money(value, self.currency)  # type: ignore[arg-type]
        return _value(value)

    def _is_flag(self, column: str) -> bool:
        info = self.data.schema.column(column) if self.data is not None else None
        return info is not None and info.role is Role.FLAG

    def _compare(self, c: Compare) -> str:
        if c.op in ("==", "!=") and c.value in (0, 1) and self._is_flag(c.column):
            return f"{c.column} {_GENERIC[c.op]} {_value(bool(c.value))}"
        feature = self._feature(c.column)
        if feature is not None and _is_number(c.value):
            one = c.value == 1
            return _FEATURE_PHRASES[feature][c.op].format(
                v=self._feature_value(feature, c.value), days="day" if one else "days",
                orders="order" if one else "orders")
        if isinstance(c.value, str) and _ISO_DATE.match(c.value):
            return f"{c.column} {_DATES[c.op]} {_value(c.value)}"
        if _year(c.column, c.value) is not None:
            return f"{c.column} {_DATES[c.op]} {_year(c.column, c.value)}"
        return f"{c.column} {_GENERIC[c.op]} {_value(c.value)}"

    def _between(self, c: Between) -> str:
        feature = self._feature(c.column)
        if feature is not None and _is_number(c.low) and _is_number(c.high):
            return _FEATURE_PHRASES[feature]["between"].format(
                low=self._feature_value(feature, c.low), high=self._feature_value(feature, c.high))
        low, high = _year(c.column, c.low), _year(c.column, c.high)
        if low is not None and high is not None:
            return f"{c.column} is between {low} and {high}"
        return f"{c.column} is between {_value(c.low)} and {_value(c.high)}"

    def _in(self, c: In) -> str:
        return f"{c.column} is {_alternatives(c.values, 'or')}"

    def _not_in(self, c: NotIn) -> str:
        if len(c.values) == 1:
            return f"{c.column} is not {_value(c.values[0])}"
        if len(c.values) == 2:
            return f"{c.column} is neither {_value(c.values[0])} nor {_value(c.values[1])}"
        return f"{c.column} is none of {_alternatives(c.values, 'or')}"

    def _rank(self, c: Rank) -> str:
        size = f"{_number(c.percent)}%" if c.percent is not None else _number(c.n or 0)
        return f"{c.direction} {size} by {c.column}"

    def _rfm_segment(self, c: RfmSegment) -> str:
        noun = "segment" if len(c.segments) == 1 else "segments"
        return f"in RFM {noun} {_alternatives(list(c.segments), 'or')}"

    def _rfm_score(self, c: RfmScore) -> str:
        label = f"RFM {c.score.upper()} score"
        if c.low == c.high:
            return f"{label} is {c.low}"
        return f"{label} between {c.low} and {c.high}"

    def _lifecycle(self, c: Lifecycle) -> str:
        noun = "stage" if len(c.stages) == 1 else "stages"
        return f"in lifecycle {noun} {_alternatives(list(c.stages), 'or')}"

    def _cluster(self, c: Cluster) -> str:
        noun = "cluster" if len(c.clusters) == 1 else "clusters"
        chosen = _alternatives(list(c.clusters), "or")
        within = "" if c.within is None else f" within: {self._part(c.within)}"
        return f"in {noun} {chosen} of {c.k}{within} (k-means on {', '.join(c.features)})"

    def _part(self, condition: Condition) -> str:
        # Brackets keep "a and (b or c)" from reading as "(a and b) or c".
        text = self.text(condition)
        return f"({text})" if isinstance(condition, And | Or) else text

    def _and(self, c: And) -> str:
        return _join([self._part(x) for x in c.all], "and")

    def _or(self, c: Or) -> str:
        return _join([self._part(x) for x in c.any], "or")


def _join(parts: list[str], word: str) -> str:
    if len(parts) <= 2:
        return f" {word} ".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def describe(condition: Condition, data: CustomerData | None = None) -> str:
    """Plain English for `condition`; `data` adds the currency and column roles."""
    return _Describer(data).text(condition)
