"""RFM scores (1-5) and named RFM segments, exactly as SEMANTICS.md defines them.

Scores are SQL `NTILE(5)` buckets over all customers: sort, then cut the sorted
list into 5 runs whose sizes differ by at most one, the first runs taking the
extra customers. Ties are broken by customer id ascending:
- R: recency descending, id ascending (the most recent customers score 5);
- F: frequency ascending, id ascending (the most orders score 5);
- M: monetary ascending, id ascending (the largest spend scores 5).
A missing value sorts as the worst (oldest purchase, fewest orders, smallest
spend), so it lands in the lowest bucket rather than being dropped.

Without spend (an order log with no amount column, or a customer table with no
monetary column) R and F still score and the named segments (R and F only) stand;
m_score is missing, rfm_cell reads "54-", the summaries' revenue figures are None,
and whatever needs M raises a one-line DataError saying how to map it
(`require_monetary`, `monetary_note`).

Names come from the R and F scores through a 5x5 lookup of an `RfmScheme`
(`rfm_scheme.py`); the default is the SEMANTICS.md table. Everything is numpy
selection (only the rows at the bucket edges are found, not a full sort) and array
indexing, so 400k customers take a few hundredths of a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.behaviour import (
    behaviour_column,
    candidate_columns,
    float_values,
    lacks_amount,
    no_amount_error,
    require_behaviour_columns,
)
from tools.engine.dataset import CustomerData
from tools.engine.errors import DataError
from tools.engine.rfm_scheme import SCORES, RfmScheme, RfmSegmentRule, default_scheme
from tools.engine.schema import Role

__all__ = [
    "RfmScheme",
    "RfmSegmentRule",
    "RfmSegmentSummary",
    "default_scheme",
    "monetary_note",
    "ntile_scores",
    "require_monetary",
    "rfm_columns",
    "rfm_grid",
    "rfm_caveats",
    "rfm_summary",
    "rfm_ties",
    "rfm_table",
]

RFM_ROLES = [Role.RECENCY, Role.FREQUENCY, Role.MONETARY]
SCORE_COLUMNS = ["r_score", "f_score", "m_score"]


def _bucket_sizes(n: int, buckets: int) -> list[int]:
    """Rows per bucket for n sorted rows, like SQL NTILE: the first buckets take one more."""
    base, extra = divmod(n, buckets)
    return [base + 1 if i < extra else base for i in range(buckets)]


def ntile_scores(
    values: np.ndarray, ids: pd.Index | np.ndarray, *, descending: bool = False, buckets: int = 5
) -> np.ndarray:
    """NTILE score of each row when sorted by `values` (then id ascending).

    Missing values (NaN) sort first, i.e. into the lowest bucket, in either direction.
    """
    return _ntile(np.asarray(values, dtype="float64"), id_order(ids), descending, buckets)


def id_order(ids: pd.Index | np.ndarray) -> np.ndarray:
    """Row positions sorted by customer id ascending (integers, or text in text order)."""
    index = pd.Index(ids)
    if index.is_monotonic_increasing:
        return np.arange(len(index))
    return np.asarray(index.argsort(), dtype=np.int64)


def _ntile(values: np.ndarray, by_id: np.ndarray, descending: bool, buckets: int) -> np.ndarray:
    key = _sort_key(values, descending)
    n = len(key)
    scores = np.ones(n, dtype=np.int64)
    if n == 0:
        return scores
    # Only the rows at the bucket edges need finding (a selection, not a full sort): a row
    # is past an edge when its key is above the edge row's key, or equal and later by id.
    ends = np.cumsum(_bucket_sizes(n, buckets))[:-1]
    edges = np.partition(key, ends - 1)[ends - 1]
    # Rows already in id order (the usual sorted index) need no reordering of ties.
    id_rank = None
    if not np.array_equal(by_id, np.arange(n)):
        id_rank = np.empty(n, dtype=np.int64)
        id_rank[by_id] = np.arange(n)
    for end, edge in zip(ends.tolist(), edges, strict=True):
        past = key > edge
        tied = np.flatnonzero(key == edge)
        # Tied rows fill what is left of the buckets up to this edge, in id order.
        room = end - (n - int(past.sum()) - len(tied))
        if room < len(tied):
            if id_rank is not None:
                tied = tied[np.argsort(id_rank[tied], kind="stable")]
            past[tied[room:]] = True
        scores += past
    return scores


def ties_together(scores: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Each run of equal keys scored where it begins (its lowest NTILE score), so equal
    customers share a score and no score is decided by id."""
    return np.asarray(pd.Series(scores).groupby(key).transform("min").to_numpy(),
                      dtype=np.int64)


def tie_decided(values: np.ndarray, ids: pd.Index | np.ndarray, *,
                descending: bool = False, buckets: int = 5) -> np.ndarray:
    """True for rows whose NTILE score their id decided: a run of equal values that a
    bucket edge cuts through, so equal customers got different scores."""
    floats = np.asarray(values, dtype="float64")
    key = _sort_key(floats, descending)
    groups = pd.Series(_ntile(floats, id_order(ids), descending, buckets)).groupby(key)
    return np.asarray((groups.transform("min") != groups.transform("max")).to_numpy(),
                      dtype=bool)


def _sort_key(values: np.ndarray, descending: bool) -> np.ndarray:
    """Values to order ascending, missing ones first (tied with -inf)."""
    key = -values if descending else values.copy()
    key[np.isnan(key)] = -np.inf
    return key


def rfm_columns(data: CustomerData) -> dict[Role, str]:
    """The recency, frequency and (when there is one) monetary columns.

    A DataError says how to map them when recency or frequency is missing.
    """
    found = {role: behaviour_column(data, role) for role in RFM_ROLES}
    if found[Role.RECENCY] is None or found[Role.FREQUENCY] is None:
        return require_behaviour_columns(data, RFM_ROLES, "RFM scoring")
    return {role: name for role, name in found.items() if name is not None}


def require_monetary(data: CustomerData, purpose: str = "The RFM M score") -> str:
    """The monetary column, or a one-line DataError saying there is none and how to map it."""
    name = behaviour_column(data, Role.MONETARY)
    if name is not None:
        return name
    if lacks_amount(data):
        raise no_amount_error(data, purpose)
    raise DataError(f"{purpose} needs spend per customer but no numeric column of this data "
                    "is recognised as monetary: map it with --map monetary=COLUMN",
                    options=candidate_columns(data))


def monetary_note(data: CustomerData) -> str | None:
    """What to tell the person when RFM runs without spend (None when it has spend)."""
    if behaviour_column(data, Role.MONETARY) is not None:
        return None
    how = ("this order log has no amount column; map one with --map amount=COLUMN"
           if lacks_amount(data) else "no column is recognised as monetary; map one with "
           "--map monetary=COLUMN")
    return (f"M scores are not available: {how}. R and F scores, and the named segments "
            "(which use R and F only), are complete.")


def rfm_table(data: CustomerData, scheme: RfmScheme | None = None) -> pd.DataFrame:
    """r_score, f_score, m_score (1-5), rfm_cell ("545") and rfm_segment per customer.

    Indexed like `data.customers`; computed once per scheme and kept in `data.derived`.
    """
    scheme = scheme or default_scheme()
    key = f"rfm:{scheme.cache_key()}"
    table = data.derived.get(key)
    if table is None:
        table = _compute_rfm(data, scheme)
        data.derived[key] = table
    # A shallow copy: with copy-on-write a caller's edits never reach the cache.
    return table.copy(deep=False)


def _compute_rfm(data: CustomerData, scheme: RfmScheme) -> pd.DataFrame:
    columns = rfm_columns(data)
    frame = data.customers
    by_id = id_order(frame.index)
    def scores(role: Role) -> np.ndarray:
        values = float_values(frame[columns[role]])
        descending = role is Role.RECENCY
        found = _ntile(values, by_id, descending, 5)
        if scheme.ties == "value":
            found = ties_together(found, _sort_key(values, descending))
        return found

    r, f = scores(Role.RECENCY), scores(Role.FREQUENCY)
    # Labels by position in small lookup arrays: no per-customer string formatting.
    segment_names = pd.array(scheme.segment_names(), dtype="str")
    segment = segment_names.take(scheme.cell_lookup()[r - 1, f - 1])
    m_score: np.ndarray | pd.api.extensions.ExtensionArray
    if Role.MONETARY in columns:
        m_score = scores(Role.MONETARY)
        cell_names = pd.array([f"{a}{b}{c}" for a in SCORES for b in SCORES for c in SCORES],
                              dtype="str")
        cell = cell_names.take((r - 1) * 25 + (f - 1) * 5 + (m_score - 1))
    else:
        # No spend: M is unknown, not a score of 1.
        m_score = pd.array([pd.NA] * len(frame), dtype="Int64")
        cell = pd.array([f"{a}{b}-" for a in SCORES for b in SCORES], dtype="str").take(
            (r - 1) * 5 + (f - 1))
    return pd.DataFrame(
        {"r_score": r, "f_score": f, "m_score": m_score, "rfm_cell": cell,
         "rfm_segment": segment},
        index=frame.index,
    )


@dataclass(frozen=True)
class RfmSegmentSummary:
    """One named segment: its size, its revenue and its average behaviour."""

    name: str
    customers: int
    share: float  # of all customers, 0-1
    revenue_share: float | None  # of total monetary, 0-1; None without spend
    avg_recency: float | None  # None for an empty segment
    avg_frequency: float | None
    avg_monetary: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "customers": self.customers,
            "share": round(self.share, 6),
            "revenue_share": _round(self.revenue_share, 6),
            "avg_recency": _round(self.avg_recency, 1),
            "avg_frequency": _round(self.avg_frequency, 2),
            "avg_monetary": _round(self.avg_monetary, 2),
        }


def rfm_summary(data: CustomerData, scheme: RfmScheme | None = None,
                members: pd.Series | None = None) -> list[RfmSegmentSummary]:
    """Every segment of the scheme, in scheme order, empty ones included. With `members`
    (a boolean mask over the customers), only those customers are counted; their scores
    are still the whole base's, so "Champions" means the same inside a segment as outside."""
    scheme = scheme or default_scheme()
    table = rfm_table(data, scheme)
    columns = rfm_columns(data)
    names = scheme.segment_names()
    position = scheme.cell_lookup()[table["r_score"] - 1, table["f_score"] - 1]
    kept = np.ones(len(position), dtype=bool) if members is None else \
        members.reindex(data.customers.index, fill_value=False).to_numpy(dtype=bool)
    position = np.asarray(position)[kept]
    counts = np.bincount(position, minlength=len(names))
    total = int(counts.sum())

    def means(role: Role) -> tuple[np.ndarray, np.ndarray]:
        values = float_values(data.customers[columns[role]])[kept]
        known = ~np.isnan(values)
        sums = np.bincount(position[known], weights=values[known], minlength=len(names))
        return sums, np.bincount(position[known], minlength=len(names))

    averages = {role: means(role) for role in RFM_ROLES if role in columns}
    revenue = averages[Role.MONETARY][0] if Role.MONETARY in averages else None
    total_revenue = float(revenue.sum()) if revenue is not None else 0.0
    summaries = []
    for i, name in enumerate(names):
        avg = {role: _mean(sums[i], n[i]) for role, (sums, n) in averages.items()}
        share = None
        if revenue is not None:
            share = float(revenue[i]) / total_revenue if total_revenue else 0.0
        summaries.append(
            RfmSegmentSummary(
                name=name,
                customers=int(counts[i]),
                share=float(counts[i]) / total if total else 0.0,
                revenue_share=share,
                avg_recency=avg[Role.RECENCY],
                avg_frequency=avg[Role.FREQUENCY],
                avg_monetary=avg.get(Role.MONETARY),
            )
        )
    return summaries


# Above this share of customers with a score decided by id, RFM results say so: the
# named segments then partly sort customers who behave the same (a log where most
# customers bought once puts some of them in F 1 and others in F 2 by their id).
TIE_NOTE_SHARE = 0.10


@dataclass(frozen=True)
class RfmTies:
    """Shares (0-1) of customers whose R, F or M score their id decided (`tie_decided`),
    and of customers with any such score."""

    recency: float
    frequency: float
    monetary: float | None  # None without spend
    any_score: float

    @property
    def worth_saying(self) -> bool:
        return self.any_score > TIE_NOTE_SHARE

    def to_dict(self) -> dict[str, Any]:
        return {"recency": round(self.recency, 4), "frequency": round(self.frequency, 4),
                "monetary": _round(self.monetary, 4), "any_score": round(self.any_score, 4)}


def rfm_ties(data: CustomerData) -> RfmTies:
    """How much of the default NTILE scoring the customer ids decided."""
    columns = rfm_columns(data)
    frame = data.customers
    decided = {role: tie_decided(float_values(frame[column]), frame.index,
                                 descending=role is Role.RECENCY)
               for role, column in columns.items() if role in RFM_ROLES}
    n = max(len(frame), 1)
    either = np.logical_or.reduce(list(decided.values())) if decided else np.zeros(0, bool)
    money = decided.get(Role.MONETARY)
    return RfmTies(recency=float(decided[Role.RECENCY].sum()) / n,
                   frequency=float(decided[Role.FREQUENCY].sum()) / n,
                   monetary=float(money.sum()) / n if money is not None else None,
                   any_score=float(either.sum()) / n)


# A year without an order: whatever the R score says, such customers are not recent.
QUIET_DAYS = 365


def quiet_but_ranked_recent(summaries: list[RfmSegmentSummary],
                            scheme: RfmScheme | None = None) -> list[RfmSegmentSummary]:
    """Segments the scheme places among the recent (every R score 3 or more) whose
    customers have on average not ordered for over `QUIET_DAYS`: R ranks customers
    against each other, so on a base that has gone quiet "Loyal Customers" can be a year
    away from their last order, and the reply should say so."""
    rules = {rule.name: rule for rule in (scheme or default_scheme()).segments}
    return [s for s in summaries
            if s.name in rules and min(rules[s.name].r) >= 3
            and s.avg_recency is not None and s.avg_recency > QUIET_DAYS]


def rfm_caveats(data: CustomerData, summaries: list[RfmSegmentSummary],
                scheme: RfmScheme | None = None) -> dict[str, Any]:
    """What the RFM table alone hides, for a reply or a report to say: the tie rule used,
    how much customer ids decided (`rfm_ties`), and "recent" segments a year quiet."""
    return {"tie_rule": (scheme or default_scheme()).ties, "ties": rfm_ties(data).to_dict(),
            "quiet": [s.name for s in quiet_but_ranked_recent(summaries, scheme)]}


def rfm_grid(data: CustomerData, scheme: RfmScheme | None = None) -> pd.DataFrame:
    """Customer counts per R x F cell: rows R 5..1 (top = most recent), columns F 1..5."""
    table = rfm_table(data, scheme)
    cell = (table["r_score"].to_numpy() - 1) * 5 + (table["f_score"].to_numpy() - 1)
    counts = np.bincount(cell, minlength=25).reshape(5, 5)[::-1]
    return pd.DataFrame(
        counts,
        index=pd.Index(SCORES[::-1], name="r_score"),
        columns=pd.Index(SCORES, name="f_score"),
    )


def _mean(total: float, n: int) -> float | None:
    return float(total) / int(n) if n else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
