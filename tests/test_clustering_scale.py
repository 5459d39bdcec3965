"""Clustering a large base: k searched on a fixed-seed sample, the model refined on everyone."""

from __future__ import annotations

import numpy as np
import pytest

from tools.engine.dataset import CustomerData


@pytest.mark.parametrize("seed", [0, 1])
def test_sampled_k_search_chooses_the_full_searchs_k(retail: CustomerData, seed: int) -> None:
    from tools.engine.cluster_model import CustomerClustering
    from tools.engine.clustering import default_features

    features = default_features(retail)
    full = CustomerClustering(features=features, random_state=seed).fit(retail.customers)
    sampled = CustomerClustering(features=features, random_state=seed,
                                 search_size=2_000).fit(retail.customers)
    assert sampled.k_ == full.k_
    assert len(sampled.labels_) == len(retail.customers)
    assert sorted(np.unique(sampled.labels_).tolist()) == list(range(sampled.k_))
    assert "2,000-customer sample" in sampled.k_reason_
    assert "refined on all 4,338" in sampled.k_reason_
    assert "refined" not in full.k_reason_
    # Most customers land in the same cluster as with the full search.
    assert np.mean(sampled.labels_ == full.labels_) > 0.9
    for fidelity in sampled.fidelity_:
        assert 0.0 <= fidelity.precision <= 1.0 and 0.0 < fidelity.recall <= 1.0


def test_predict_assigns_every_customer_to_a_fitted_cluster(retail: CustomerData) -> None:
    from tools.engine.cluster_model import CustomerClustering

    model = CustomerClustering(features=["recency_days", "monetary"], k=3,
                               search_size=1_000).fit(retail.customers)
    assert model.k_ == 3
    np.testing.assert_array_equal(model.predict(retail.customers), model.labels_)
