"""The groups of a breakdown: each customer's label for the column asked about.

Categories by their values (trimmed; blank or missing: "missing"), dates by year, and
numbers with more than `MAX_CATEGORY_VALUES` values in readable bins: steps of 1, 2, 2.5
or 5 times a power of ten from the minimum up to the 95th percentile, the last bin open
("70+"), so a long tail of big spenders does not squeeze everyone into one bin.
`figures_sql.py` writes the same labels in SQL.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.behaviour import float_values
from tools.engine.dataset import CustomerData
from tools.engine.errors import DefinitionError
from tools.engine.matching import nearest
from tools.engine.operands import find_column
from tools.engine.schema import Role

MAX_CATEGORY_VALUES = 10  # a number column with at most this many values is read as categories
MISSING = "missing"


def is_personal(data: CustomerData, name: str) -> bool:
    """Whether the column holds personal data (never a group, never a listed option)."""
    info = data.schema.column(name)
    return info is not None and info.role is Role.PERSONAL


def group_keys(data: CustomerData, by: str, bins: list[float] | None = None) -> pd.Series:
    """Each customer's group label for the column `by` ("missing" for an unknown value)."""
    found = find_column(data, by)
    if is_personal(data, found.name):
        raise DefinitionError(f"{found.name} holds personal data; break figures down by another "
                              "column.")
    series = found.series
    if pd.api.types.is_datetime64_any_dtype(series):
        years = series.dt.year
        codes, distinct = pd.factorize(years, use_na_sentinel=True)
        return _categorical([str(int(y)) for y in distinct] + [MISSING], codes, series.index)
    edges = bin_edges(data, by, bins)
    if edges:
        return bin_labels(pd.Series(float_values(series), index=series.index), edges,
                          integer=_integer(series))
    # Labels are made once per distinct value: a million rows hold a few hundred countries.
    codes, distinct = pd.factorize(series, use_na_sentinel=True)
    labels = [MISSING if _absent(v) else _label(v) for v in distinct] + [MISSING]
    return _categorical(labels, codes, series.index)


def _categorical(labels: list[str], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Labels by code (-1: the last label) as a categorical Series: grouping it is fast."""
    names = list(dict.fromkeys(labels))  # "3" and 3.0 read the same
    place = {name: k for k, name in enumerate(names)}
    mapped = np.array([place[label] for label in labels], dtype=np.int64)[codes]
    return pd.Series(pd.Categorical.from_codes(mapped, categories=names), index=index)


def _absent(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or (
        isinstance(value, str) and not value.strip())


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _integer(series: pd.Series) -> bool:
    values = float_values(series)
    known = values[~np.isnan(values)]
    return bool(len(known)) and bool(np.all(known == np.round(known)))


def bin_edges(data: CustomerData, by: str | None, bins: list[float] | None = None
              ) -> list[float]:
    """Bin edges for a number column `by`; none for categories (and numbers with few
    values). `bins`: the edges asked for."""
    if by is None:
        return []
    series = data.customers[_column_name(data, by)]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return []
    if bins:
        return sorted(set(float(b) for b in bins))
    values = float_values(series)
    known = values[~np.isnan(values)]
    if len(np.unique(known)) <= MAX_CATEGORY_VALUES:
        return []
    return readable_edges(float(known.min()), float(np.quantile(known, 0.95)),
                          integer=bool(np.all(known == np.round(known))))


def _column_name(data: CustomerData, name: str) -> str:
    return find_column(data, name).name


def readable_edges(low: float, high: float, *, integer: bool, bins: int = 6) -> list[float]:
    """Round edges from `low` up to `high` (the 95th percentile: a long tail shares the last,
    open bin), steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not math.isfinite(low) or not math.isfinite(high) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / bins
    power = 10.0 ** math.floor(math.log10(raw))
    steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    step = next(s for s in steps if s >= raw and (not integer or float(s).is_integer()))
    if integer:
        step = max(step, 1.0)
    start = math.floor(low / step) * step
    edges = [start]
    while edges[-1] + step <= high:
        edges.append(round(edges[-1] + step, 10))
    return edges


def bin_labels(values: pd.Series, edges: list[float], *, integer: bool) -> pd.Series:
    """Each value's bin: "< a", "a–b" ([a, b); "a–(b-1)" for whole numbers), "c+"."""
    labels = edge_labels(edges, integer=integer) + [MISSING]
    numbers = values.to_numpy()
    codes = np.clip(np.searchsorted(np.asarray(edges), numbers, side="right"), 0,
                    len(labels) - 2)
    codes[np.isnan(numbers)] = -1
    return _categorical(labels, codes, values.index)


def edge_labels(edges: list[float], *, integer: bool) -> list[str]:
    """Labels for the bins of `edges`: below the first, between each pair, from the last."""
    grouped = "," if max(abs(e) for e in edges) >= 10_000 else ""  # no "1,960" for years

    def show(x: float) -> str:
        text = f"{x:{grouped}.0f}" if float(x).is_integer() else \
            f"{x:{grouped}.2f}".rstrip("0").rstrip(".")
        return text

    inner = []
    for a, b in zip(edges, edges[1:], strict=False):
        upper = b - 1 if integer and float(a).is_integer() and float(b).is_integer() else b
        inner.append(f"{show(a)}–{show(upper)}" if upper > a or not integer else show(a))
    return [f"< {show(edges[0])}", *inner, f"{show(edges[-1])}+"]


def pick_groups(known: list[str], asked: list[str], column: str) -> list[str]:
    known = sorted(known)  # the same choice and options whatever order the groups came in
    by_key = {k.casefold(): k for k in known}
    picked = []
    for name in asked:
        wanted = str(name).strip()
        found = wanted if wanted in known else by_key.get(wanted.casefold())
        if found is None:
            near = nearest(str(name), known)
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            raise DefinitionError(f"No group '{name}' in {column}.{hint}",
                                  options=near or known[:12])
        picked.append(found)
    return list(dict.fromkeys(picked))
