"""What a segment's own figures say, for explanations and campaign plans.

Pure: CustomerData and a mask in, plain dicts out (JSON-able, so they can travel in a
tool result and be handed to a model unchanged). Two readings, by what the data holds:

- With purchase behaviour (recency and frequency columns, from an order log or a
  customer table that carries them): the segment's mix of RFM segments and of lifecycle
  stages, measured on the whole base's scores. The plan follows the RFM group holding
  most of the segment; a second group is named when it holds at least SECOND_NAMED of
  it; a group under MIN_GROUP of it never leads and is folded into "other".
- Without purchase behaviour (a telecom or bank customer table): no RFM. What sets the
  segment apart from the base (the engine's compare, largest standardised differences)
  and its outcome rates (yes/no columns whose name says churn, response or complaint,
  from the language data in phrases.yaml) choose one of the general plays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tools.engine.behaviour import behaviour_column, float_values
from tools.engine.errors import EngineError
from tools.engine.lifecycle import lifecycle_table
from tools.engine.naming import name_words
from tools.engine.profiles import as_mask, compare
from tools.engine.rfm import rfm_table
from tools.engine.schema import Role
from tools.knowledge.text import LANGUAGES, phrases

if TYPE_CHECKING:
    from tools.engine.dataset import CustomerData

# A group holding at least this share of the segment is named beside the one followed:
# a quarter is large enough that a plan ignoring it would miss many customers.
SECOND_NAMED = 0.25
# A group under this share of the segment never leads the plan and is shown as "other".
MIN_GROUP = 0.05
# A measure counts as raised against the base from this index (base = 100), or lowered.
RAISED_INDEX = 120.0
LOWERED_INDEX = 80.0
# An outcome rate counts as raised from this index, or from this many points above the
# base: 42% churn against 35% matters even though it is "only" index 120.
RAISED_OUTCOME_INDEX = 115.0
RAISED_OUTCOME_POINTS = 0.05
# Nearly everyone in the segment has the churn outcome: they have left, win them back.
LEFT_SHARE = 0.9
# Days since the last purchase this many percent of the base's: they have stopped buying.
LAPSED_INDEX = 150.0
TOP_DIFFERENCES = 3
GENERAL_PLAYS = ("retention", "upsell", "activation", "win-back", "lookalike")


def _shares(labels: pd.Series) -> list[dict[str, Any]]:
    """Group shares of the segment, largest first; groups under MIN_GROUP as one 'other'."""
    counts = labels.value_counts()
    total = int(counts.sum())
    if not total:
        return []
    ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    kept = [{"name": str(name), "count": int(count), "share": count / total}
            for name, count in ordered if count / total >= MIN_GROUP]
    rest = total - sum(row["count"] for row in kept)
    if rest:
        kept.append({"name": "", "count": rest, "share": rest / total})  # "other"
    return kept


def purchase_mix(data: CustomerData, mask: np.ndarray) -> dict[str, Any] | None:
    """RFM and lifecycle mix of the segment, or None when the data has no purchase behaviour."""
    if behaviour_column(data, Role.RECENCY) is None or \
            behaviour_column(data, Role.FREQUENCY) is None or not mask.any():
        return None
    try:
        rfm = rfm_table(data)["rfm_segment"].to_numpy()[mask]
    except EngineError:
        return None
    mix: dict[str, Any] = {"rfm": _shares(pd.Series(rfm).dropna()), "lifecycle": []}
    try:
        stages = lifecycle_table(data)[0]["stage"].to_numpy()[mask]
        mix["lifecycle"] = _shares(pd.Series(stages).dropna())
    except EngineError:
        pass
    groups = [g for g in mix["rfm"] if g["name"]]
    if not groups:
        return None
    mix["followed"] = groups[0]["name"]
    mix["second"] = next((g["name"] for g in groups[1:2] if g["share"] >= SECOND_NAMED), None)
    return mix


def _outcome_kind(column: str) -> str | None:
    """churn / response / complaint, when a word of the column's name says so (any language)."""
    words = {w.lower() for w in name_words(column)}
    lowered = column.lower()
    for lang in LANGUAGES:
        for kind, stems in (phrases(lang).get("outcome_words") or {}).items():
            for stem in stems:
                stem = str(stem).lower()
                if any(w.startswith(stem) for w in words) or (not stem.isascii()
                                                              and stem in lowered):
                    return str(kind)
    return None


def _flag_rate(series: pd.Series) -> np.ndarray:
    if series.dtype == bool:
        return series.astype("float64").to_numpy()
    return float_values(series)


def outcomes(data: CustomerData, mask: np.ndarray) -> list[dict[str, Any]]:
    """Rates of the outcome columns (yes/no) in the segment and in the base."""
    frame = data.customers
    found = []
    for column in data.schema.by_role(Role.FLAG):
        if column.name not in frame.columns:
            continue
        kind = _outcome_kind(column.name)
        if kind is None:
            continue
        values = _flag_rate(frame[column.name])
        if np.isnan(values).all() or not mask.any():
            continue
        segment, base = float(np.nanmean(values[mask])), float(np.nanmean(values))
        found.append({"column": column.name, "kind": kind, "segment_rate": segment,
                      "base_rate": base,
                      "index": 100.0 * segment / base if base else None})
    return found


def differences(data: CustomerData, mask: np.ndarray) -> list[dict[str, Any]]:
    """What sets the segment apart from the whole base, largest effect first."""
    if not mask.any() or mask.all():
        return []
    comparison = compare(data, mask, np.ones(len(mask), dtype=bool))
    return [d.to_dict() for d in comparison.differences[:TOP_DIFFERENCES]
            if abs(d.standardised_difference) >= 0.2]


def revenue_at_stake(data: CustomerData, mask: np.ndarray) -> float | None:
    column = behaviour_column(data, Role.MONETARY)
    if column is None:
        return None
    return float(np.nansum(float_values(data.customers[column])[mask]))


def general_plays(facts: dict[str, Any]) -> tuple[str, str | None, str]:
    """The general play to follow, a second one worth naming, and the reason's key.

    From the outcome rates first (they say what is happening to these customers), then
    the value measures against the base (monetary, frequency, else any measure).
    """
    rates = {o["kind"]: o for o in facts.get("outcomes") or []}
    churn, response, complaint = rates.get("churn"), rates.get("response"), rates.get("complaint")

    def raised(row: dict[str, Any] | None) -> bool:
        if not row or row.get("index") is None:
            return False
        return bool(row["index"] >= RAISED_OUTCOME_INDEX or
                    row["segment_rate"] - row["base_rate"] >= RAISED_OUTCOME_POINTS)

    value = value_index(facts)
    valuable = value is not None and value >= RAISED_INDEX
    if churn and churn["segment_rate"] >= LEFT_SHARE:
        return "win-back", "lookalike" if valuable else None, "left"
    lapsed = recency_index(facts)
    if lapsed is not None and lapsed >= LAPSED_INDEX:
        return "win-back", "lookalike" if valuable else None, "lapsed"
    if raised(churn) or raised(complaint):
        reason = "churn" if raised(churn) else "complaint"
        return "retention", "upsell" if valuable else None, reason
    if raised(response):
        return "upsell", "lookalike", "response"
    if valuable:
        return "upsell", "lookalike", "value"
    if value is not None and value <= LOWERED_INDEX:
        return "activation", "retention" if churn else None, "low_value"
    # Nothing sets them apart: keep them as they are (activation is for those using less).
    return "retention", None, "default"


def recency_index(facts: dict[str, Any]) -> float | None:
    """The segment's mean days since the last purchase, as a percent of the base's."""
    row = next((m for m in facts.get("measures") or []
                if m.get("role") == "recency" and m.get("index")), None)
    return float(row["index"]) if row is not None else None


def value_index(facts: dict[str, Any]) -> float | None:
    """The index of spend, else of orders, else of the measure that differs most from the
    base (visits, logins: how much they use), leaving yes/no columns to the outcomes."""
    measures = [m for m in facts.get("measures") or [] if m.get("index")]
    for role in ("monetary", "frequency"):
        row = next((m for m in measures if m.get("role") == role), None)
        if row is not None:
            return float(row["index"])
    others = [m for m in measures if m.get("role") not in ("flag", "recency", "tenure")
              and m.get("unit") not in ("year", "rate")]
    if not others:
        return None
    return float(max(others, key=lambda m: abs(float(m["index"]) - 100))["index"])


def segment_reading(data: CustomerData, mask: pd.Series | np.ndarray) -> dict[str, Any]:
    """Mix, outcomes, differences and revenue at stake of a segment (keys may be None/empty)."""
    members = as_mask(data, mask)
    reading: dict[str, Any] = {"mix": purchase_mix(data, members),
                               "outcomes": outcomes(data, members),
                               "differences": differences(data, members),
                               "revenue": revenue_at_stake(data, members)}
    return reading
