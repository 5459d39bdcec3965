"""Charts as data: what to draw, computed from the engine, for any renderer.

Each function returns a frozen chart spec (labels and numbers only); the
terminal (assistant/charts.py) and the HTML report (tools/svg_charts.py) draw
the same spec, so a picture never shows a number the engine did not compute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.behaviour import behaviour_column
from tools.engine.dataset import RECENCY, CustomerData
from tools.engine.errors import EngineError
from tools.engine.matching import nearest
from tools.engine.naming import name_words
from tools.engine.rfm import rfm_grid, rfm_summary
from tools.engine.rfm_scheme import default_scheme
from tools.engine.schema import DType, Role
from tools.engine.wording import percent_digits

HISTOGRAM_BINS = 10
TOP_VALUES = 8
# Heavy-tailed measures (spend) would squeeze every customer into the first bin:
# bins span the base's range up to this quantile, the rest goes to the last bin.
TAIL_QUANTILE = 0.98
_NUMERIC_ROLES = (Role.RECENCY, Role.FREQUENCY, Role.MONETARY, Role.TENURE, Role.MEASURE)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # e.g. the share of customers, shown beside the bar
    shown: str = ""  # the value as written ("20.8%"), when not a whole count


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    unit: str = "customers"


@dataclass(frozen=True)
class Heatmap:
    """Counts in a grid; `notes` label each cell (e.g. the RFM segment's initials)."""

    title: str
    row_title: str
    column_title: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]
    notes: tuple[tuple[str, ...], ...] = ()
    legend: str = ""


@dataclass(frozen=True)
class ProfileChart:
    """Per group, each feature's mean as an index of the base's (100 = same as everyone)."""

    title: str
    groups: tuple[str, ...]
    features: tuple[str, ...]
    index: tuple[tuple[float | None, ...], ...]  # [group][feature]
    sizes: tuple[int, ...] = ()
    lower_better: tuple[bool, ...] = ()  # per feature: a low index is good (recency)


@dataclass(frozen=True)
class Distribution:
    """Shares of a segment's and of the base's customers per bin (or per category value)."""

    title: str
    measure: str
    segment_label: str
    bins: tuple[str, ...]
    segment_shares: tuple[float, ...]
    base_shares: tuple[float, ...]
    segment_count: int
    base_count: int
    segment_median: float | None = None
    base_median: float | None = None


@dataclass(frozen=True)
class HoldoutChart:
    """Predicted against actual repeat purchases after the calibration end, per group of
    customers with the same number of repeat purchases before it (predictive traits)."""

    title: str
    groups: tuple[str, ...]  # "0", "1", ..., "7+"
    customers: tuple[int, ...]
    predicted: tuple[float, ...]
    actual: tuple[int, ...]


Chart = BarChart | Heatmap | ProfileChart | Distribution | HoldoutChart


def segment_sizes(data: CustomerData, segments: Sequence[tuple[str, pd.Series]]) -> BarChart:
    """One bar per named segment: its customers, with its share of the base."""
    total = data.n_customers
    bars = []
    for label, mask in segments:
        size = int(_aligned(data, mask).sum())
        bars.append(Bar(label, size, f"{percent_digits(size / total)}%" if total else ""))
    return BarChart(f"Segment sizes (of {total:,} customers)", tuple(bars))


def rfm_sizes(data: CustomerData) -> BarChart:
    """The named RFM segments, in scheme order."""
    bars = tuple(Bar(s.name, s.customers, f"{percent_digits(s.share)}%") for s in rfm_summary(data))
    return BarChart(f"RFM segments (of {data.n_customers:,} customers)", bars)


def rfm_heatmap(data: CustomerData) -> Heatmap:
    """Customers per R x F score (R 5 = most recent on top), each cell with its segment."""
    grid = rfm_grid(data)
    scheme = default_scheme()
    notes = tuple(tuple(initials(scheme.segment_of(int(r), int(f))) for f in grid.columns)
                  for r in grid.index)
    legend = ", ".join(f"{initials(n)} = {n}" for n in scheme.segment_names())
    return Heatmap(
        "Customers by recency (R) and frequency (F) score", "R score", "F score",
        tuple(f"R{r}" for r in grid.index), tuple(f"F{f}" for f in grid.columns),
        tuple(tuple(int(v) for v in row) for row in grid.to_numpy()), notes, legend)


def cluster_profiles(result: Any) -> ProfileChart:
    """A clustering's groups (a `ClusteringResult` or its `to_dict()`), as indexes vs the base."""
    summary: dict[str, Any] = result if isinstance(result, dict) else result.to_dict()
    base = summary.get("base_means") or {}
    features = tuple(f for f in summary.get("features", []) if f in base)
    clusters = summary.get("clusters", [])
    # ordered by id (0 = largest), as `segment cluster` lists them
    clusters = sorted(clusters, key=lambda c: int(c["id"]))
    groups = tuple(str(c["name"]) for c in clusters)
    index = tuple(tuple(None if c["vs_base"].get(f) is None else 100 * float(c["vs_base"][f])
                        for f in features) for c in clusters)
    return ProfileChart(f"{len(clusters)} clusters: average of each feature vs all customers "
                        "(100 = same)", groups, features, index,
                        tuple(int(c["size"]) for c in clusters),
                        tuple(lower_is_better(f) for f in features))


def lower_is_better(column: str, role: str | None = None) -> bool:
    """Whether a low value is good for the business: days since the last purchase. Index
    colours follow it, so recent Champions are green and lapsed customers red."""
    return role == Role.RECENCY.value or column == RECENCY or "recency" in name_words(column)


def default_measure(data: CustomerData) -> str:
    """Spend when the data has it, else the first numeric measure."""
    for role in (Role.MONETARY, Role.FREQUENCY, Role.RECENCY):
        found = behaviour_column(data, role)
        if found is not None:
            return found
    numeric = _numeric_columns(data)
    if not numeric:
        raise EngineError("This data has no numeric measure to chart: name a column.",
                          options=[str(c) for c in data.customers.columns])
    return numeric[0]


def distribution(data: CustomerData, mask: pd.Series, column: str | None = None,
                 segment_label: str = "segment", bins: int = HISTOGRAM_BINS) -> Distribution:
    """A measure's distribution inside the segment next to the whole base."""
    name = find_chart_column(data, column) if column else default_measure(data)
    members = _aligned(data, mask)
    series = data.customers[name]
    info = data.schema.column(name)
    if pd.api.types.is_datetime64_any_dtype(series.dtype) or (
            info is not None and info.dtype is DType.DATE):
        raise EngineError(f"'{name}' holds dates: chart a number or a category instead "
                          "(e.g. recency in days).", options=_numeric_columns(data)[:8])
    if (info is not None and info.dtype in (DType.NUMBER, DType.INTEGER)) or \
            pd.api.types.is_numeric_dtype(series.dtype):
        return _numeric_distribution(name, series, members, segment_label, bins)
    return _category_distribution(name, series, members, segment_label)


def find_chart_column(data: CustomerData, column: str) -> str:
    known = [str(c) for c in data.customers.columns]
    personal = {c.name for c in data.schema.by_role(Role.PERSONAL)}
    for name in known:
        if name.lower() == column.strip().lower() and name not in personal:
            return name
    choices = [c for c in known if c not in personal]
    close = nearest(column, choices)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise EngineError(f"No column named '{column}' to chart{hint}", options=close or choices)


def initials(name: str) -> str:
    return "".join(word[0] for word in name.replace("'", "").split()).upper()


def _numeric_distribution(name: str, series: pd.Series, members: np.ndarray, label: str,
                          bins: int) -> Distribution:
    values = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy()
    known = ~np.isnan(values)
    if not known.any():
        raise EngineError(f"'{name}' has no values to chart.", options=[])
    base_values = values[known]
    low = float(base_values.min())
    high = float(np.quantile(base_values, TAIL_QUANTILE))
    if high <= low:
        high = float(base_values.max())
    integer = bool(np.all(base_values == np.round(base_values)))
    if integer:  # whole-number bins, so "3–4" means 3 or 4
        step = max(1, math.ceil((high - low + 1) / bins))
        edges = low + step * np.arange(math.ceil((high - low + 1) / step) + 1, dtype="float64")
        capped = bool(base_values.max() > edges[-1] - 1)
    else:
        edges = np.linspace(low, high if high > low else low + 1, bins + 1)
        capped = bool(base_values.max() > edges[-1])
    labels = _bin_labels(edges, integer, capped)
    segment_values = values[known & members]

    def shares(selected: np.ndarray) -> tuple[float, ...]:
        if len(selected) == 0:
            return tuple(0.0 for _ in labels)
        positions = np.clip(np.searchsorted(edges, selected, side="right") - 1, 0, len(labels) - 1)
        counts = np.bincount(positions, minlength=len(labels))
        return tuple(float(c) / len(selected) for c in counts)

    return Distribution(
        f"{name}: {label} vs all customers", name, label, labels, shares(segment_values),
        shares(base_values), int(len(segment_values)), int(len(base_values)),
        float(np.median(segment_values)) if len(segment_values) else None,
        float(np.median(base_values)))


def _bin_labels(edges: np.ndarray, integer: bool, capped: bool) -> tuple[str, ...]:
    def show(value: float) -> str:
        return f"{value:,.0f}" if integer or abs(value) >= 100 else f"{value:,.2f}"

    labels = []
    last = len(edges) - 2
    for i in range(len(edges) - 1):
        start, end = edges[i], edges[i + 1] - (1 if integer else 0)
        if capped and i == last:
            labels.append(f"{show(start)}+")
        elif integer and end == start:
            labels.append(show(start))
        else:
            labels.append(f"{show(start)}–{show(end)}")
    return tuple(labels)


def _category_distribution(name: str, series: pd.Series, members: np.ndarray,
                           label: str) -> Distribution:
    text = series.astype("string")
    known = text.notna().to_numpy()
    top = [str(v) for v in text[known].value_counts().index[:TOP_VALUES]]
    other = bool(text[known].nunique() > len(top))
    bins = (*top, "other") if other else tuple(top)

    def shares(selected: pd.Series) -> tuple[float, ...]:
        if len(selected) == 0:
            return tuple(0.0 for _ in bins)
        counts = selected.value_counts()
        found = [float(counts.get(v, 0)) / len(selected) for v in top]
        return (*found, 1.0 - sum(found)) if other else tuple(found)

    in_segment = text[known & members]
    return Distribution(f"{name}: {label} vs all customers", name, label, bins,
                        shares(in_segment), shares(text[known]), int(len(in_segment)),
                        int(known.sum()))


def _numeric_columns(data: CustomerData) -> list[str]:
    return [c.name for c in data.schema.columns
            if c.role in _NUMERIC_ROLES and c.name in data.customers.columns
            and pd.api.types.is_numeric_dtype(data.customers[c.name].dtype)]


def _aligned(data: CustomerData, mask: pd.Series) -> np.ndarray:
    if isinstance(mask, pd.Series):
        return mask.reindex(data.customers.index, fill_value=False).fillna(False) \
            .astype(bool).to_numpy()
    return np.asarray(mask, dtype=bool)
