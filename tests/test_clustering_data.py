"""Clustering on the bundled real datasets."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

pytest.importorskip("tools.engine.loading")

from tools.engine.clustering import (  # noqa: E402
    cluster_labels,
    default_features,
    fit_clustering,
    summarise,
)
from tools.engine.dataset import CustomerData  # noqa: E402
from tools.engine.definitions import Cluster, SegmentDefinition  # noqa: E402
from tools.engine.evaluate import evaluate  # noqa: E402

INCOME, SCORE = "Annual Income (k$)", "Spending Score (1-100)"


def test_mall_income_and_spending_score_give_the_five_known_groups(mall: CustomerData) -> None:
    model = fit_clustering(mall, [INCOME, SCORE])
    assert model.k_ == 5
    assert model.k_reason_.startswith("k=5: highest silhouette (0.55) among k=2..8")
    assert "on all 200 customers" in model.k_reason_
    assert model.sizes_ == [81, 39, 35, 23, 22]
    centres = model.centers_.round().astype(int).values.tolist()
    # The textbook picture: a middle group and four corners of income x score.
    assert centres[0] == [55, 50]
    assert sorted(centres[1:]) == [[26, 21], [26, 79], [87, 82], [88, 17]]
    assert len(set(model.names_)) == 5
    assert model.names_[0] == "Typical customers"
    assert model.names_[1] == "High spenders, high Annual Income"
    assert all(f.precision >= 0.9 and f.recall >= 0.85 for f in model.fidelity_)


def test_mall_rules_select_what_their_fidelity_says(mall: CustomerData) -> None:
    model = fit_clustering(mall, [INCOME, SCORE])
    for cluster, rule in enumerate(model.rules_):
        saved = SegmentDefinition.from_yaml(SegmentDefinition(condition=rule).to_yaml())
        selected = evaluate(saved.condition, mall).to_numpy()
        members = model.labels_ == cluster
        hits = int((selected & members).sum())
        assert hits / selected.sum() == pytest.approx(model.fidelity_[cluster].precision)
        assert hits / members.sum() == pytest.approx(model.fidelity_[cluster].recall)


def test_a_saved_cluster_condition_evaluates_to_cluster_labels(mall: CustomerData) -> None:
    labels = cluster_labels(mall, [INCOME, SCORE], 5)
    assert labels.index.equals(mall.customers.index)
    members = evaluate(Cluster(features=[INCOME, SCORE], k=5, clusters=[1]), mall)
    assert members.sum() == 39 and bool((labels[members] == 1).all())


def test_mall_default_features_skip_the_category(mall: CustomerData) -> None:
    assert default_features(mall) == ["Age", INCOME, SCORE]


def test_campaign_default_features_drop_flags_and_constants(campaign: CustomerData) -> None:
    features = default_features(campaign)
    assert features[0] == "Recency" and len(features) <= 8
    assert "Income" in features
    for excluded in ("Z_CostContact", "Z_Revenue", "Response", "AcceptedCmp1", "Complain",
                     "Dt_Customer", "Education"):
        assert excluded not in features
    # Income has missing values: they take the median, every customer gets a cluster.
    assert campaign.customers["Income"].isna().any()
    labels = cluster_labels(campaign, features, 3)
    assert labels.notna().all() and sorted(labels.unique().tolist()) == [0, 1, 2]


@pytest.mark.slow
def test_online_retail_clusters_on_recency_frequency_monetary(retail: CustomerData) -> None:
    features = default_features(retail)
    assert features == ["recency_days", "frequency", "monetary"]
    started = time.perf_counter()
    model = fit_clustering(retail, features)
    assert time.perf_counter() - started < 15
    # All three are skewed (skew > 1) in this base, so all are clustered on a log scale.
    assert {p.name for p in model.prep_.numeric if p.log} == set(features)
    result = summarise(retail, model)
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["n_customers"] == 4338
    assert sum(c["size"] for c in payload["clusters"]) == 4338
    assert payload["k"] == model.k_ and payload["reason"].startswith(f"k={model.k_}:")
    assert "among k=2..8 on all 4,338 customers" in payload["reason"]
    assert len({c["name"] for c in payload["clusters"]}) == model.k_
    # The cluster with the most spend per customer is named for it.
    richest = max(result.clusters, key=lambda c: c.means["monetary"])
    assert "high spenders" in richest.name.lower()
    assert min(c.precision for c in result.clusters) >= 0.8
    np.testing.assert_array_equal(model.predict(retail.customers), model.labels_)
