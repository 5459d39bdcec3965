"""Names for clusters, read off their profile.

A cluster's centre in the standardised space says, per number, how many
standard deviations it sits above or below the whole base (after the log for
skewed columns). The strongest differences (|z| >= 0.5) become words: known
behaviour columns get marketing words ("recent", "lapsed", "high spenders",
"one-time buyers"), other numbers "high <column>" / "low <column>", and a
category that dominates a cluster "mostly <value>". Names are unique: clusters
that would share one get their next strongest differences, then a number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.engine.cluster_prep import FeaturePrep, category_text

STRONG = 0.5  # |z| from which a difference is worth naming
WEAK = 0.15  # still usable to tell two same-named clusters apart
MAX_TERMS = 2
MAX_TERMS_TO_SEPARATE = 4
DOMINANT_SHARE = 0.7
DOMINANT_LIFT = 0.2
TYPICAL = "Typical customers"


@dataclass(frozen=True)
class Words:
    """How to say low and high values of a known behaviour column; `key` names them in
    the reply phrase files ("monetary.high"), where other languages say them."""

    key: str
    low: str
    high: str
    low_is_noun: bool = False
    high_is_noun: bool = False
    # Said instead of `low` when the cluster's median is 1 (one order).
    single: str | None = None


# Column-name prefixes (lower case, non-alphanumerics as "_") and their words.
VOCABULARY: tuple[tuple[tuple[str, ...], Words], ...] = (
    (("recency", "days_since"), Words("recency", low="recent", high="lapsed")),
    (("frequency", "number_of_orders", "n_orders"),
     Words("frequency", low="infrequent", high="frequent buyers", high_is_noun=True,
           single="one-time buyers")),
    (("monetary", "spend", "total_spend", "revenue"),
     Words("monetary", low="low spenders", high="high spenders", low_is_noun=True,
           high_is_noun=True)),
    (("tenure",), Words("tenure", low="new", high="long-standing")),
    (("avg_order_value", "average_order_value", "aov"),
     Words("aov", low="small baskets", high="big baskets", low_is_noun=True,
           high_is_noun=True)),
)


@dataclass(frozen=True)
class Descriptor:
    text: str
    strength: float
    kind: str  # "noun" ("high spenders"), "adjective" ("recent") or "phrase" ("high Age")
    # The same in any language: "monetary.high", "column.low" or "category" about
    # `subject` (a column's label, a category's value).
    key: str = ""
    subject: str = ""


@dataclass(frozen=True)
class ClusterName:
    """A cluster's name in English, and the parts other languages compose it from."""

    text: str
    parts: tuple[tuple[str, str], ...]  # (key, subject), strongest first; () = typical
    number: int | None = None  # "(2)": the second cluster of the same name


def words_for(column: str) -> Words | None:
    key = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")
    for prefixes, words in VOCABULARY:
        if any(key.startswith(p) for p in prefixes):
            return words
    return None


def readable_label(column: str, labels: Mapping[str, str] | None = None) -> str:
    """The team's words for the column when the data dictionary has them ("days since the
    last contact" for "pdays"); else 'Annual Income (k$)' -> 'Annual Income'."""
    described = _short_description(labels.get(column, "")) if labels else ""
    if described:
        return described
    label = re.sub(r"\s*\([^)]*\)", "", column).replace("_", " ").strip()
    return label or column


# A description longer than this, even cut at its first clause, is too long for a name.
MAX_LABEL = 40


def _short_description(text: str) -> str:
    """A description's first clause ("days since the last contact (-1: never)" -> "days
    since the last contact"), or "" when even that is too long to name a group by."""
    first = re.split(r"[(;:,.]", text, maxsplit=1)[0].strip()
    return first if 0 < len(first) <= MAX_LABEL else ""


def _numeric_descriptor(column: str, z: float, median: float,
                        labels: Mapping[str, str] | None = None) -> Descriptor:
    words = words_for(column)
    high = z > 0
    if words is None:
        label = readable_label(column, labels)
        return Descriptor(f"{'high' if high else 'low'} {label}", abs(z), "phrase",
                          f"column.{'high' if high else 'low'}", label)
    if high:
        return Descriptor(words.high, abs(z), "noun" if words.high_is_noun else "adjective",
                          f"{words.key}.high")
    if words.single is not None and median <= 1:
        return Descriptor(words.single, abs(z), "noun", f"{words.key}.single")
    return Descriptor(words.low, abs(z), "noun" if words.low_is_noun else "adjective",
                      f"{words.key}.low")


def cluster_descriptors(prep: FeaturePrep, centroids: np.ndarray, frame: pd.DataFrame,
                        labels: np.ndarray, cluster: int,
                        words: Mapping[str, str] | None = None) -> list[Descriptor]:
    """All of a cluster's differences from the base, strongest first; `words`: the data
    dictionary's descriptions of columns, said instead of their names."""
    members = labels == cluster
    found: list[Descriptor] = []
    for i, p in enumerate(prep.numeric):
        values = pd.to_numeric(frame[p.name], errors="coerce")[members]
        median = float(values.median()) if values.notna().any() else p.median
        found.append(_numeric_descriptor(p.name, float(centroids[cluster, i]), median, words))
    for c in prep.categorical:
        text = category_text(frame[c.name])
        base = text.value_counts(normalize=True)
        inside = text[members].value_counts(normalize=True)
        if inside.empty:
            continue
        value = sorted(inside.items(), key=lambda item: (-item[1], str(item[0])))[0][0]
        share, lift = float(inside[value]), float(inside[value] - base.get(value, 0.0))
        if share >= DOMINANT_SHARE and lift >= DOMINANT_LIFT:
            found.append(Descriptor(f"mostly {value}", lift / (2 * DOMINANT_LIFT), "phrase",
                                    "category", str(value)))
    return sorted(found, key=lambda d: -d.strength)


def compose(descriptors: list[Descriptor]) -> str:
    """Words to a name: 'High spenders, recent', 'Lapsed one-time buyers', 'New customers'."""
    if not descriptors:
        return TYPICAL
    first, rest = descriptors[0], list(descriptors[1:])
    head = first.text
    if first.kind == "adjective":
        noun = next((d for d in rest if d.kind == "noun"), None)
        if noun is not None:
            head = f"{first.text} {noun.text}"
            rest.remove(noun)
        else:
            head = f"{first.text} customers"
    name = ", ".join([head] + [d.text for d in rest])
    return name[0].upper() + name[1:]


def cluster_names(prep: FeaturePrep, centroids: np.ndarray, frame: pd.DataFrame,
                  labels: np.ndarray, words: Mapping[str, str] | None = None
                  ) -> list[ClusterName]:
    """One unique name per cluster (index = cluster id); `words` as `cluster_descriptors`."""
    k = centroids.shape[0]
    ranked = [cluster_descriptors(prep, centroids, frame, labels, c, words) for c in range(k)]
    used = [[d for d in r if d.strength >= STRONG][:MAX_TERMS] for r in ranked]
    names = [compose(u) for u in used]
    duplicated = {n for n in names if names.count(n) > 1}
    for c in range(k):
        if names[c] in duplicated:
            used[c] = [d for d in ranked[c] if d.strength >= WEAK][:MAX_TERMS_TO_SEPARATE]
            names[c] = compose(used[c])
    seen: dict[str, int] = {}
    unique = []
    for name, descriptors in zip(names, used, strict=True):
        seen[name] = seen.get(name, 0) + 1
        number = None if names.count(name) == 1 else seen[name]
        unique.append(ClusterName(name if number is None else f"{name} ({number})",
                                  tuple((d.key, d.subject) for d in descriptors), number))
    return unique
