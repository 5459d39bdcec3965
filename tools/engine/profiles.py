"""What a segment looks like next to the whole base, next to another segment, and how two overlap.

A mask is a boolean Series indexed by customer id (as `evaluate` returns) or a
boolean array in the row order of `data.customers`; missing counts as False.

- Measures are the numeric columns whose role is recency, frequency, monetary,
  tenure, measure or flag. Their index is 100 x segment mean / base mean
  (120 = 20% above the base); it is missing when the base mean is 0 or the
  segment is empty.
- Category shares are over all customers of the segment (or base), so the
  customers with no value make the shares of a column sum to less than 1.
- `compare` ranks what differs by the standardised difference (difference of
  means over the pooled standard deviation; for a category value the same with
  the share's binomial variance), the usual effect-size scale: 0.2 is small,
  0.5 medium, 0.8 large, whatever the units.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from tools.engine.behaviour import behaviour_column, float_values
from tools.engine.dataset import AVG_ORDER_VALUE, FREQUENCY, MONETARY, CustomerData
from tools.engine.measure_units import NUMBER, RATE, Sentinel, find_sentinel, measure_unit
from tools.engine.schema import Role

MEASURE_ROLES = (Role.RECENCY, Role.FREQUENCY, Role.MONETARY, Role.TENURE, Role.MEASURE, Role.FLAG)
TOP_CATEGORIES = 5
TOP_DIFFERENCES = 10
TELLING_MEASURES = 8  # a profile's measures shown first; the rest on request

Mask: TypeAlias = pd.Series | np.ndarray


@dataclass(frozen=True)
class MeasureProfile:
    column: str
    role: str
    segment_mean: float | None  # for a rate: the share with "yes"
    segment_median: float | None
    base_mean: float | None
    index: float | None  # 100 x segment mean / base mean
    unit: str = NUMBER  # RATE, YEAR or NUMBER (measure_units.py)
    left_out: Sentinel | None = None  # a stand-in value (999, -1) left out of the means
    difference: float = 0.0  # standardised difference, segment against the base

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "role": self.role,
            "unit": self.unit,
            "segment_mean": _num(self.segment_mean, 4 if self.unit == RATE else 2),
            "segment_median": _num(self.segment_median, 2),
            "base_mean": _num(self.base_mean, 4 if self.unit == RATE else 2),
            "index": _num(self.index, 0),
            "difference": _num(self.difference, 3),
            "left_out": None if self.left_out is None else {
                "value": _num(self.left_out.value, 2), "customers": self.left_out.count},
        }


@dataclass(frozen=True)
class CategoryShare:
    value: str
    segment_share: float
    base_share: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "segment_share": _num(self.segment_share, 4),
            "base_share": _num(self.base_share, 4),
        }


@dataclass(frozen=True)
class CategoryProfile:
    column: str
    top: tuple[CategoryShare, ...]  # most common values in the segment first

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "top": [share.to_dict() for share in self.top]}


@dataclass(frozen=True)
class SegmentProfile:
    size: int
    base_size: int
    share_of_customers: float
    revenue_column: str | None
    revenue_share: float | None  # None when the data has no spend column
    measures: tuple[MeasureProfile, ...]
    categories: tuple[CategoryProfile, ...]

    def measure(self, column: str) -> MeasureProfile | None:
        return next((m for m in self.measures if m.column == column), None)

    def telling_measures(self, limit: int = TELLING_MEASURES) -> tuple[MeasureProfile, ...]:
        """The measures where the segment differs most from the base, largest first."""
        ranked = sorted(self.measures, key=lambda m: -abs(m.difference))
        return tuple(ranked[:limit])

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "base_size": self.base_size,
            "share_of_customers": _num(self.share_of_customers, 4),
            "revenue_column": self.revenue_column,
            "revenue_share": _num(self.revenue_share, 4),
            "measures": [m.to_dict() for m in self.measures],
            "categories": [c.to_dict() for c in self.categories],
        }


@dataclass(frozen=True)
class SegmentOverlap:
    only_a: int
    only_b: int
    both: int
    jaccard: float  # both / (only_a + only_b + both); 0 when both segments are empty

    @property
    def share_of_a_in_b(self) -> float:
        size_a = self.only_a + self.both
        return self.both / size_a if size_a else 0.0

    @property
    def share_of_b_in_a(self) -> float:
        size_b = self.only_b + self.both
        return self.both / size_b if size_b else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "only_a": self.only_a,
            "only_b": self.only_b,
            "both": self.both,
            "jaccard": _num(self.jaccard, 4),
            "share_of_a_in_b": _num(self.share_of_a_in_b, 4),
            "share_of_b_in_a": _num(self.share_of_b_in_a, 4),
        }


@dataclass(frozen=True)
class Difference:
    """One measure (value None) or category value where segments a and b differ."""

    column: str
    value: str | None
    a: float | None  # mean, or share of the category value
    b: float | None
    standardised_difference: float  # (a - b) / pooled standard deviation

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "measure" if self.value is None else "category",
            "column": self.column,
            "value": self.value,
            "a": _num(self.a, 4 if self.value is not None else 2),
            "b": _num(self.b, 4 if self.value is not None else 2),
            "standardised_difference": _num(self.standardised_difference, 3),
        }


@dataclass(frozen=True)
class SegmentComparison:
    a: SegmentProfile
    b: SegmentProfile
    overlap: SegmentOverlap
    differences: tuple[Difference, ...]  # largest absolute standardised difference first

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "overlap": self.overlap.to_dict(),
            "differences": [d.to_dict() for d in self.differences],
        }


def profile(data: CustomerData, mask: Mask) -> SegmentProfile:
    """Size, revenue share, key measures and top categories of a segment against the base."""
    members = as_mask(data, mask)
    frame = data.customers
    size, base_size = int(members.sum()), len(frame)
    revenue_column = behaviour_column(data, Role.MONETARY)
    revenue_share = None
    if revenue_column is not None:
        spend = np.nan_to_num(float_values(frame[revenue_column]))
        total = float(spend.sum())
        revenue_share = float(spend[members].sum()) / total if total else 0.0
    measures = tuple(_per_order(m, frame, members) for m in (
        _measure(name, role, frame[name], members) for name, role in _measures(data)))
    categories = tuple(
        _categories(name, frame[name], members) for name in _category_columns(data)
    )
    return SegmentProfile(
        size=size,
        base_size=base_size,
        share_of_customers=size / base_size if base_size else 0.0,
        revenue_column=revenue_column,
        revenue_share=revenue_share,
        measures=measures,
        categories=categories,
    )


def compare(data: CustomerData, mask_a: Mask, mask_b: Mask) -> SegmentComparison:
    """Both profiles, their overlap and the measures/category values that differ most."""
    a, b = as_mask(data, mask_a), as_mask(data, mask_b)
    frame = data.customers
    differences: list[Difference] = []
    if a.any() and b.any():
        for name, role in _measures(data):
            values = _numeric(frame[name], role)
            difference = _measure_difference(name, values[a], values[b])
            if name == AVG_ORDER_VALUE and {MONETARY, FREQUENCY} <= set(frame.columns):
                difference = replace(difference, a=_revenue_per_order(frame, a),
                                     b=_revenue_per_order(frame, b))
            differences.append(difference)
        for name in _category_columns(data):
            differences.extend(_category_differences(name, frame[name], a, b))
    differences.sort(key=lambda d: (-abs(d.standardised_difference), d.column, d.value or ""))
    return SegmentComparison(
        a=profile(data, a),
        b=profile(data, b),
        overlap=overlap(a, b),
        differences=tuple(differences[:TOP_DIFFERENCES]),
    )


def overlap(mask_a: Mask, mask_b: Mask) -> SegmentOverlap:
    """How many customers are in a only, b only and both; Series are aligned by customer id."""
    if isinstance(mask_a, pd.Series) and isinstance(mask_b, pd.Series):
        mask_a, mask_b = mask_a.align(mask_b, join="outer")
    a, b = _bool_array(mask_a), _bool_array(mask_b)
    if len(a) != len(b):
        raise ValueError(f"masks of different lengths: {len(a)} and {len(b)}")
    both = int((a & b).sum())
    only_a, only_b = int((a & ~b).sum()), int((b & ~a).sum())
    union = both + only_a + only_b
    return SegmentOverlap(only_a=only_a, only_b=only_b, both=both,
                          jaccard=both / union if union else 0.0)


def as_mask(data: CustomerData, mask: Mask) -> np.ndarray:
    """A boolean array in the row order of data.customers."""
    if isinstance(mask, pd.Series) and not mask.index.equals(data.customers.index):
        mask = mask.reindex(data.customers.index)
    values = _bool_array(mask)
    if len(values) != len(data.customers):
        raise ValueError(f"mask has {len(values)} rows, the data {len(data.customers)}")
    return values


def _bool_array(mask: Mask) -> np.ndarray:
    series = pd.Series(mask) if not isinstance(mask, pd.Series) else mask
    return series.fillna(False).to_numpy(dtype=bool)


def _measures(data: CustomerData) -> list[tuple[str, Role]]:
    frame = data.customers
    found = []
    for column in data.schema.columns:
        if column.role not in MEASURE_ROLES or column.name not in frame.columns:
            continue
        series = frame[column.name]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            found.append((column.name, column.role))
    return found


def _category_columns(data: CustomerData) -> list[str]:
    return [c.name for c in data.schema.by_role(Role.CATEGORY) if c.name in data.customers.columns]


def _numeric(series: pd.Series, role: Role = Role.MEASURE) -> np.ndarray:
    """The column's numbers, with a stand-in value (999 for "never") made missing."""
    return _read_measure(series, role)[0]


def _read_measure(series: pd.Series, role: Role) -> tuple[np.ndarray, str, Sentinel | None]:
    if pd.api.types.is_bool_dtype(series):
        series = series.astype("float64")
    values = float_values(series)
    unit = measure_unit(role, values)
    sentinel = find_sentinel(values) if unit == NUMBER else None
    if sentinel is not None:
        values = np.where(values == sentinel.value, np.nan, values)
    return values, unit, sentinel


def _measure(name: str, role: Role, series: pd.Series, members: np.ndarray) -> MeasureProfile:
    values, unit, sentinel = _read_measure(series, role)
    segment = values[members]
    segment_mean = _nanmean(segment)
    base_mean = _nanmean(values)
    index = None
    if segment_mean is not None and base_mean:
        index = 100.0 * (segment_mean / base_mean)
    median = float(np.nanmedian(segment)) if segment_mean is not None else None
    difference = 0.0
    if segment_mean is not None and base_mean is not None:
        difference = _standardise(segment_mean - base_mean, math.sqrt(_nanvar(values)))
    return MeasureProfile(column=name, role=role.value, segment_mean=segment_mean,
                          segment_median=median, base_mean=base_mean, index=index, unit=unit,
                          left_out=sentinel, difference=difference)


def _per_order(measure: MeasureProfile, frame: pd.DataFrame, members: np.ndarray
               ) -> MeasureProfile:
    """Average order value as SEMANTICS.md defines it for a group: its revenue over its
    orders, not the mean of each customer's own average (the median stays per customer)."""
    if measure.column != AVG_ORDER_VALUE or not {MONETARY, FREQUENCY} <= set(frame.columns):
        return measure
    segment = _revenue_per_order(frame, members)
    base = _revenue_per_order(frame, np.ones(len(frame), dtype=bool))
    index = 100.0 * segment / base if segment is not None and base else None
    return replace(measure, segment_mean=segment, base_mean=base, index=index)


def _revenue_per_order(frame: pd.DataFrame, members: np.ndarray) -> float | None:
    spend = np.nan_to_num(float_values(frame[MONETARY]))[members]
    orders = np.nan_to_num(float_values(frame[FREQUENCY]))[members]
    return float(spend.sum() / orders.sum()) if orders.sum() else None


def _categories(name: str, series: pd.Series, members: np.ndarray) -> CategoryProfile:
    size = int(members.sum())
    if size == 0:
        return CategoryProfile(column=name, top=())
    text = series.astype("str").where(series.notna())
    base_counts = text.value_counts()
    segment_counts = text[members].value_counts()
    # Most common in the segment first; equal counts by value, so the order is stable.
    ordered = sorted(segment_counts.items(), key=lambda item: (-item[1], str(item[0])))
    top = tuple(
        CategoryShare(value=str(value), segment_share=count / size,
                      base_share=int(base_counts[value]) / len(series))
        for value, count in ordered[:TOP_CATEGORIES]
    )
    return CategoryProfile(column=name, top=top)


def _measure_difference(name: str, a: np.ndarray, b: np.ndarray) -> Difference:
    mean_a, mean_b = _nanmean(a), _nanmean(b)
    if mean_a is None or mean_b is None:
        return Difference(name, None, mean_a, mean_b, 0.0)
    pooled = math.sqrt((_nanvar(a) + _nanvar(b)) / 2)
    return Difference(name, None, mean_a, mean_b, _standardise(mean_a - mean_b, pooled))


def _category_differences(
    name: str, series: pd.Series, a: np.ndarray, b: np.ndarray
) -> Iterable[Difference]:
    text = series.astype("str").where(series.notna())
    counts_a, counts_b = text[a].value_counts(), text[b].value_counts()
    size_a, size_b = int(a.sum()), int(b.sum())
    for value in sorted(set(counts_a.index) | set(counts_b.index), key=str):
        share_a = int(counts_a.get(value, 0)) / size_a
        share_b = int(counts_b.get(value, 0)) / size_b
        pooled = math.sqrt((share_a * (1 - share_a) + share_b * (1 - share_b)) / 2)
        yield Difference(name, str(value), share_a, share_b,
                         _standardise(share_a - share_b, pooled))


def _standardise(difference: float, spread: float) -> float:
    # No spread in either group: equal values differ by 0, unequal by "a lot" (capped).
    if spread > 0:
        return difference / spread
    return 0.0 if difference == 0 else math.copysign(10.0, difference)


def _nanmean(values: np.ndarray) -> float | None:
    known = values[~np.isnan(values)]
    return float(known.mean()) if len(known) else None


def _nanvar(values: np.ndarray) -> float:
    known = values[~np.isnan(values)]
    return float(known.var(ddof=1)) if len(known) > 1 else 0.0


def _num(value: float | None, digits: int) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value) if digits == 0 else round(value, digits)
