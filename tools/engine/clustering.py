"""k-means segmentation of a customer base: the engine's public clustering API.

- `CustomerClustering`: the scikit-learn style estimator (in `cluster_model`,
  loaded on first use so importing this module stays cheap for the CLI).
- `default_features(data)`: what to cluster on when the user does not say.
- `fit_clustering(data, features, k, random_state, population=None)`: a fitted
  estimator, cached in `data.derived`; `population` (a bool mask) fits it on some
  customers only (a `Cluster` condition's `within`).
- `cluster_labels(data, features, k, random_state, population=None)`: cluster id
  per clustered customer (what a saved `Cluster` condition evaluates to).
- `summarise(data, model, population=None, words=None, language="en")`: a
  `ClusteringResult` for people and agents (rule texts in `language`; why this k as the
  facts of a `KChoice`, for replies in any language, and as one English sentence).

Missing values of a numeric feature take the column's median, so every
customer gets a cluster; missing categories share an all-zero encoding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tools.engine.behaviour import is_amount_feature, lacks_amount, no_amount_error
from tools.engine.cluster_choice import KChoice
from tools.engine.cluster_naming import cluster_names
from tools.engine.cluster_prep import category_text, is_numeric_column
from tools.engine.dataset import FREQUENCY, MONETARY, RECENCY, CustomerData
from tools.engine.definitions import Condition
from tools.engine.describe import describe
from tools.engine.errors import DefinitionError
from tools.engine.schema import DataKind, Role

if TYPE_CHECKING:
    from tools.engine.cluster_model import CustomerClustering

__all__ = ["ClusterSummary", "ClusteringResult", "CustomerClustering", "cluster_labels",
           "default_features", "fit_clustering", "population_frame", "summarise"]

MAX_DEFAULT_FEATURES = 8
# Above this rank correlation with a feature already chosen, a column adds
# little but weight to the same direction (Income vs total spend).
REDUNDANT_CORRELATION = 0.9
MAX_MISSING_SHARE = 0.5
BEHAVIOUR_ROLES = (Role.RECENCY, Role.FREQUENCY, Role.MONETARY)


def __getattr__(name: str) -> Any:
    if name == "CustomerClustering":
        from tools.engine.cluster_model import CustomerClustering

        return CustomerClustering
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_features(data: CustomerData) -> list[str]:
    """The columns to cluster on when the user does not choose.

    A transaction log: recency_days, frequency, monetary. A customer table: its
    recency/frequency/monetary columns, then other numeric measures with the
    most distinct values, skipping identifiers, constants, 0/1 flags, mostly
    missing columns and near-duplicates of a chosen column; at most 8.
    """
    customers = data.customers
    if data.kind == DataKind.TRANSACTIONS:
        return [c for c in (RECENCY, FREQUENCY, MONETARY) if c in customers.columns]
    behaviour = [c.name for role in BEHAVIOUR_ROLES for c in data.schema.by_role(role)]
    measures = [c.name for c in data.schema.columns if c.role == Role.MEASURE]
    candidates = []
    for name in dict.fromkeys(behaviour + measures):
        if name not in customers.columns or not is_numeric_column(customers[name]):
            continue
        series = customers[name]
        if series.isna().mean() > MAX_MISSING_SHARE or series.nunique(dropna=True) <= 2 \
                or _numbers_the_rows(series):
            continue
        candidates.append(name)
    n_behaviour = len([c for c in candidates if c in behaviour])
    # Behaviour columns first, then measures with more distinct values (richer signal).
    measures_ranked = sorted(candidates[n_behaviour:],
                             key=lambda c: -min(int(customers[c].nunique()), 50))
    chosen: list[str] = []
    for name in candidates[:n_behaviour] + measures_ranked:
        if len(chosen) == MAX_DEFAULT_FEATURES:
            break
        if any(_rank_correlation(customers[name], customers[c]) > REDUNDANT_CORRELATION
               for c in chosen):
            continue
        chosen.append(name)
    return chosen


def _numbers_the_rows(series: pd.Series) -> bool:
    """Whole numbers, each once, one step apart ("member": 1, 2, 3, ...): an identifier
    whatever its name, so grouping on it would split customers by when they were added."""
    values = pd.to_numeric(series, errors="coerce").dropna()
    if len(values) < 3 or not values.is_unique or (values != values.round()).any():
        return False
    ordered = values.sort_values().to_numpy()
    return bool((ordered[1:] - ordered[:-1] == 1).all())


def _rank_correlation(a: pd.Series, b: pd.Series) -> float:
    value = a.astype("float64").corr(b.astype("float64"), method="spearman")
    return 0.0 if pd.isna(value) else abs(float(value))


def _population_key(population: pd.Series | None) -> str | None:
    """A short fingerprint of who is clustered (None: everyone)."""
    if population is None:
        return None
    positions = np.packbits(population.to_numpy(dtype=bool))
    return hashlib.sha256(positions.tobytes()).hexdigest()[:32]


def _cache_key(kind: str, features: list[str] | None, k: int | None, random_state: int,
               population: str | None) -> str:
    """The `data.derived` key of a fitted model ("clustering") or its labels."""
    settings: dict[str, Any] = {"features": features, "k": k, "random_state": random_state}
    if population is not None:
        settings["population"] = population
    return f"{kind}:" + json.dumps(settings)


def population_frame(data: CustomerData, population: pd.Series | None) -> pd.DataFrame:
    """The customers a clustering is fitted on: everyone, or those marked True."""
    if population is None:
        return data.customers
    mask = population.reindex(data.customers.index, fill_value=False).astype(bool)
    return data.customers[mask.to_numpy()]


def fit_clustering(data: CustomerData, features: list[str] | None = None, k: int | None = None,
                   random_state: int = 0,
                   population: pd.Series | None = None) -> CustomerClustering:
    """A `CustomerClustering` fitted on `data.customers`, cached per settings and population.

    `features=None` uses `default_features(data)`; `k=None` picks k by silhouette.
    `population`: a bool Series indexed like `data.customers`; only the customers marked
    True are clustered (None: everyone).
    """
    from tools.engine.cluster_model import CustomerClustering

    chosen = list(features) if features is not None else default_features(data)
    for name in chosen:
        if is_amount_feature(name) and name not in data.customers.columns and lacks_amount(data):
            raise no_amount_error(data, f"Clustering on '{name}'")
    who = _population_key(population)
    key = _cache_key("clustering", chosen, k, random_state, who)
    model = data.derived.get(key)
    if model is None:
        frame = population_frame(data, population)
        needed = (k if k is not None else 2) + 1
        if population is not None and len(frame) < needed:
            groups = f"{k} groups" if k is not None else "groups"
            raise DefinitionError(
                f"The segment has {len(frame):,} customers: too few to split into {groups} "
                f"(at least {needed} needed); choose a larger segment or fewer groups.",
                phrase="cluster_too_few" if k is None else "cluster_too_few_k",
                values={"size": len(frame), "customers": len(frame), "k": k,
                        "needed": needed})
        model = CustomerClustering(features=chosen, k=k, random_state=random_state).fit(frame)
        data.derived[key] = model
        # The same k-means run with k given explicitly: share the fit.
        data.derived.setdefault(_cache_key("clustering", chosen, model.k_, random_state, who),
                                model)
    return model


def cluster_labels(data: CustomerData, features: list[str], k: int, random_state: int = 0,
                   population: pd.Series | None = None) -> pd.Series:
    """Cluster id (0 = largest cluster) per clustered customer.

    Indexed like `data.customers`, or, with a `population`, like its members only:
    customers outside the population are in no cluster.
    """
    key = _cache_key("cluster_labels", list(features), k, random_state,
                     _population_key(population))
    labels = data.derived.get(key)
    if labels is None:
        model = fit_clustering(data, list(features), k, random_state, population)
        index = population_frame(data, population).index
        labels = pd.Series(model.labels_, index=index, name="cluster", dtype="int64")
        data.derived[key] = labels
    return labels


@dataclass(frozen=True)
class ClusterSummary:
    id: int
    name: str
    size: int
    share: float
    # Per numeric feature: the cluster's mean; per category: its most common value.
    means: dict[str, float]
    # Per numeric feature: the cluster's mean over the base's (1.5 = 50% above); None
    # when the base mean is 0.
    vs_base: dict[str, float | None]
    top_values: dict[str, str]
    rule: Condition
    rule_text: str
    precision: float
    recall: float
    # The name as (key, subject) parts and its number among same-named clusters, so a
    # reply in another language can say it (`replies.cluster_name`).
    name_parts: tuple[tuple[str, str], ...] = ()
    name_number: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "size": self.size,
                "name_parts": [{"key": key, "subject": subject}
                               for key, subject in self.name_parts],
                "name_number": self.name_number,
                "share": round(self.share, 6),
                "means": {k: round(v, 4) for k, v in self.means.items()},
                "vs_base": {k: None if v is None else round(v, 3)
                            for k, v in self.vs_base.items()},
                "top_values": dict(self.top_values),
                "rule": self.rule.model_dump(mode="json"), "rule_text": self.rule_text,
                "rule_precision": round(self.precision, 4),
                "rule_recall": round(self.recall, 4)}


@dataclass(frozen=True)
class ClusteringResult:
    k: int
    reason: str  # why this k, in English (`choice.english()`)
    features: list[str]
    n_customers: int
    base_means: dict[str, float]
    clusters: list[ClusterSummary]
    # Per k tried: k, silhouette, calinski_harabasz, inertia.
    scores: list[dict[str, float]] = field(default_factory=list)
    # Why this k as facts, which a reply says in the request's language (None: not known).
    choice: KChoice | None = None

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "k": self.k, "reason": self.reason, "features": list(self.features),
            "n_customers": self.n_customers,
            "base_means": {k: round(v, 4) for k, v in self.base_means.items()},
            "clusters": [c.to_dict() for c in self.clusters],
            "scores": [{k: _json_number(v) for k, v in row.items()} for row in self.scores]}
        if self.choice is not None:
            result["k_choice"] = self.choice.to_dict()
        return result


def _json_number(value: float) -> float | int | None:
    if isinstance(value, int | np.integer):
        return int(value)
    return None if np.isnan(value) else round(float(value), 4)


def summarise(data: CustomerData, model: CustomerClustering,
              population: pd.Series | None = None,
              words: Mapping[str, str] | None = None,
              language: str = "en") -> ClusteringResult:
    """Sizes, profiles, names and rules of a clustering fitted on `data.customers`.

    With the `population` it was fitted on, shares and base means are of that population.
    `words`: the data dictionary's descriptions of columns, to name clusters by.
    `language`: of the rules' plain words (`describe`).
    """
    customers = population_frame(data, population)
    labels = np.asarray(model.labels_)
    names = model.name_parts_
    if words and any(words.get(f) for f in model.features_):
        names = cluster_names(model.prep_, model.cluster_centers_, customers, labels, words)
    numeric = [f for f in model.features_ if is_numeric_column(customers[f])]
    categorical = [f for f in model.features_ if f not in numeric]
    values = customers[numeric].apply(pd.to_numeric, errors="coerce").astype("float64")
    base_means = {f: float(values[f].mean()) for f in numeric}
    clusters = []
    for cluster in range(model.k_):
        members = labels == cluster
        top_values = {}
        for f in categorical:
            counts = category_text(customers[f])[members].value_counts()
            ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
            if ordered:
                top_values[f] = str(ordered[0][0])
        fidelity = model.fidelity_[cluster]
        means = {f: float(values.loc[members, f].mean()) for f in numeric}
        clusters.append(ClusterSummary(
            id=cluster, name=names[cluster].text, size=int(members.sum()),
            name_parts=names[cluster].parts, name_number=names[cluster].number,
            share=float(members.mean()),
            means=means,
            vs_base={f: means[f] / base_means[f] if base_means[f] else None for f in numeric},
            top_values=top_values, rule=model.rules_[cluster],
            rule_text=describe(model.rules_[cluster], data, language=language),
            precision=fidelity.precision, recall=fidelity.recall))
    scores = [{"k": int(k), **{c: float(v) for c, v in row.items()}}
              for k, row in model.k_scores_.iterrows()]
    return ClusteringResult(k=model.k_, reason=model.k_reason_, features=list(model.features_),
                            n_customers=len(customers), base_means=base_means,
                            clusters=clusters, scores=scores, choice=model.k_choice_)
