"""Clustering on synthetic data with a known answer: conventions, auto-k, names, rules."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tools.engine.cluster_naming import Descriptor, compose
from tools.engine.cluster_rules import nice_between
from tools.engine.clustering import (
    CustomerClustering,
    cluster_labels,
    default_features,
    fit_clustering,
    summarise,
)
from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.errors import DefinitionError
from tools.engine.evaluate import evaluate
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema

BLOB_CENTRES = np.array([[20.0, 200.0], [80.0, 200.0], [50.0, 800.0]])


def blobs(n_per: int = 120, seed: int = 3) -> pd.DataFrame:
    """Three well-separated groups in (age, spend) plus their true group."""
    rng = np.random.default_rng(seed)
    rows = [centre + rng.normal(scale=[4.0, 40.0], size=(n_per, 2)) for centre in BLOB_CENTRES]
    frame = pd.DataFrame(np.vstack(rows), columns=["age", "spend"])
    frame["group"] = np.repeat(np.arange(3), n_per)
    return frame


def customer_table(frame: pd.DataFrame, roles: dict[str, Role]) -> CustomerData:
    columns = []
    for name in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[name])
        columns.append(ColumnInfo(name=name, role=roles.get(name, Role.MEASURE),
                                  dtype=DType.NUMBER if numeric else DType.TEXT,
                                  n_unique=int(frame[name].nunique())))
    schema = Schema(kind=DataKind.CUSTOMERS, columns=tuple(columns))
    frame = frame.set_axis(pd.RangeIndex(1, len(frame) + 1, name="customer_id"))
    source = SourceInfo(path="synthetic.csv", kind=DataKind.CUSTOMERS, rows_read=len(frame),
                        raw_schema=schema, rows_kept=len(frame))
    return CustomerData(customers=frame, schema=schema, source=source)


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_follows_scikit_learn_conventions() -> None:
    from sklearn.base import clone

    model = CustomerClustering(features=["age", "spend"], k=3, random_state=7)
    assert model.get_params()["k"] == 3
    assert model.get_params()["k_range"] == (2, 8)
    twin = clone(model)
    assert twin.get_params() == model.get_params() and twin is not model
    assert not hasattr(model, "labels_")
    frame = blobs()
    assert model.fit(frame) is model
    for attribute in ("labels_", "k_", "k_scores_", "k_reason_", "features_", "centers_",
                      "names_", "rules_", "fidelity_"):
        assert hasattr(model, attribute)
    assert model.features == ["age", "spend"]  # parameters stay as given
    assert model.set_params(k=4) is model and model.k == 4


def test_predict_before_fit_raises_not_fitted() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        CustomerClustering().predict(blobs())


def test_two_fits_give_identical_labels_and_predict_reproduces_them() -> None:
    frame = blobs()
    first = CustomerClustering(features=["age", "spend"]).fit(frame)
    second = CustomerClustering(features=["age", "spend"]).fit(frame.copy())
    np.testing.assert_array_equal(first.labels_, second.labels_)
    assert first.names_ == second.names_ and first.k_reason_ == second.k_reason_
    np.testing.assert_array_equal(first.predict(frame), first.labels_)
    # Row order does not change well-separated groups, their ids or names.
    shuffled = frame.sample(frac=1.0, random_state=1)
    third = CustomerClustering(features=["age", "spend"]).fit(shuffled)
    relabelled = pd.Series(third.labels_, index=shuffled.index).sort_index().to_numpy()
    np.testing.assert_array_equal(relabelled, first.labels_)
    assert third.names_ == first.names_


def test_auto_k_finds_the_three_blobs_and_says_why() -> None:
    frame = blobs()
    model = CustomerClustering(features=["age", "spend"]).fit(frame)
    assert model.k_ == 3
    assert model.k_reason_.startswith("k=3: highest silhouette")
    assert "k=2..8" in model.k_reason_ and "all 360 customers" in model.k_reason_
    assert list(model.k_scores_.index) == list(range(2, 9))
    assert model.k_scores_["silhouette"].idxmax() == 3
    assert set(model.k_scores_.columns) == {"silhouette", "calinski_harabasz", "inertia"}
    assert same_partition(model.labels_, frame["group"].to_numpy())
    # Labels are ordered by size; centres come back in the columns' own units.
    assert model.sizes_ == sorted(model.sizes_, reverse=True)
    centres = model.centers_[["age", "spend"]].to_numpy()
    for centre in BLOB_CENTRES:
        assert np.min((np.abs(centres - centre) / [4.0, 40.0]).max(axis=1)) < 1.0


def test_silhouette_uses_a_fixed_sample_when_the_base_is_large() -> None:
    model = CustomerClustering(features=["age", "spend"], sample_size=100).fit(blobs())
    assert "on a 100-customer sample" in model.k_reason_
    assert model.k_ == 3


def test_given_k_is_used_and_reported() -> None:
    model = CustomerClustering(features=["age", "spend"], k=4).fit(blobs())
    assert model.k_ == 4 and len(set(model.labels_)) == 4
    assert model.k_reason_.startswith("k=4: chosen by you")
    assert list(model.k_scores_.index) == [4]


def test_names_are_unique_and_read_off_the_profile() -> None:
    model = CustomerClustering(features=["age", "spend"]).fit(blobs())
    assert len(set(model.names_)) == model.k_
    by_centre = {(round(row.age, -1), round(row.spend, -2)): model.names_[i]
                 for i, row in model.centers_.iterrows()}
    assert by_centre[(50.0, 800.0)].startswith("High spenders")
    assert "low age" in by_centre[(20.0, 200.0)].lower()
    assert "high age" in by_centre[(80.0, 200.0)].lower()


def test_rules_reproduce_their_clusters() -> None:
    frame = blobs()
    data = customer_table(frame.drop(columns="group"), {"spend": Role.MONETARY})
    model = fit_clustering(data, ["age", "spend"])
    for cluster, (rule, fidelity) in enumerate(zip(model.rules_, model.fidelity_, strict=True)):
        assert fidelity.precision >= 0.8 and fidelity.recall >= 0.8
        selected = evaluate(rule, data).to_numpy()
        members = model.labels_ == cluster
        assert (selected & members).sum() / selected.sum() == pytest.approx(fidelity.precision)
        assert (selected & members).sum() / members.sum() == pytest.approx(fidelity.recall)


def test_skewed_money_is_logged_and_symmetric_measures_are_not() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"monetary": rng.lognormal(5, 1.5, 500),
                          "age": rng.normal(40, 10, 500)})
    model = CustomerClustering(k=3).fit(frame)
    logged = {p.name: p.log for p in model.prep_.numeric}
    assert logged == {"monetary": True, "age": False}


def test_mixed_numbers_and_categories() -> None:
    frame = blobs()
    rng = np.random.default_rng(5)
    frame["channel"] = rng.choice(["web", "store", "phone"], size=len(frame))
    # A category that follows the groups shows up in names and centres.
    frame["region"] = np.where(frame["group"] == 2, "North", "South")
    model = CustomerClustering(features=["age", "spend", "channel", "region"]).fit(frame)
    assert model.k_ == 3
    assert same_partition(model.labels_, frame["group"].to_numpy())
    north = int(np.bincount(model.labels_[frame["group"].to_numpy() == 2]).argmax())
    assert model.centers_.loc[north, "region"] == "North"
    assert set(model.centers_["channel"]) <= {"web", "store", "phone"}
    assert len(set(model.names_)) == 3


def test_categories_alone_can_be_clustered() -> None:
    frame = pd.DataFrame({"plan": ["basic"] * 50 + ["premium"] * 30 + ["trial"] * 20})
    model = CustomerClustering(k=3).fit(frame)
    assert model.sizes_ == [50, 30, 20]
    assert all(f.precision == 1.0 and f.recall == 1.0 for f in model.fidelity_)
    # Three distinct profiles: auto-k cannot go past 3, and k=4 is refused.
    assert list(CustomerClustering().fit(frame).k_scores_.index) == [2, 3]
    with pytest.raises(DefinitionError) as too_many:
        CustomerClustering(k=4).fit(frame)
    assert too_many.value.options == ["2", "3"]


def test_missing_values_take_the_median() -> None:
    frame = blobs().drop(columns="group")
    frame.loc[[0, 150, 300], "spend"] = np.nan
    model = CustomerClustering(features=["age", "spend"]).fit(frame)
    assert model.k_ == 3 and len(model.labels_) == len(frame)
    spend = next(p for p in model.prep_.numeric if p.name == "spend")
    assert spend.median == pytest.approx(frame["spend"].median())


def test_unknown_or_date_features_raise_definition_errors_with_options() -> None:
    frame = blobs()
    frame["signup"] = pd.Timestamp("2024-01-01")
    with pytest.raises(DefinitionError) as unknown:
        CustomerClustering(features=["spnd"]).fit(frame)
    assert "spend" in unknown.value.options
    with pytest.raises(DefinitionError) as dated:
        CustomerClustering(features=["signup"]).fit(frame)
    assert "dates" in str(dated.value)
    with pytest.raises(DefinitionError):
        CustomerClustering(features=["age"], k=1).fit(frame)


def test_nice_between_picks_the_roundest_cut() -> None:
    assert nice_between(40, 41) == 40
    assert nice_between(1234.5, 1300.2) == 1300
    assert nice_between(0.123, 0.125) == pytest.approx(0.123)
    assert nice_between(-5, -4) == -5
    assert 69 <= nice_between(69, 70) < 70


def test_cluster_labels_are_cached_indexed_and_deterministic() -> None:
    frame = blobs().drop(columns="group")
    data = customer_table(frame, {"spend": Role.MONETARY})
    labels = cluster_labels(data, ["age", "spend"], 3)
    assert labels.index.equals(data.customers.index) and labels.dtype == "int64"
    assert cluster_labels(data, ["age", "spend"], 3) is labels
    fresh = customer_table(frame, {"spend": Role.MONETARY})
    pd.testing.assert_series_equal(cluster_labels(fresh, ["age", "spend"], 3), labels)
    # An auto-k fit is shared with a later explicit-k request for the same k.
    other = customer_table(frame, {"spend": Role.MONETARY})
    auto = fit_clustering(other, ["age", "spend"])
    assert fit_clustering(other, ["age", "spend"], auto.k_) is auto


def test_default_features_of_a_customer_table() -> None:
    rng = np.random.default_rng(2)
    n = 300
    spend = rng.lognormal(5, 1, n)
    frame = pd.DataFrame({
        "Recency": rng.integers(1, 100, n),
        "Income": rng.normal(50_000, 10_000, n).round(),
        "Spend": spend,
        "SpendCopy": spend * 1.1,  # a near-duplicate adds nothing
        "Kids": rng.integers(0, 2, n),  # two values: a flag in disguise
        "Constant": np.full(n, 3),
        "Gender": rng.choice(["F", "M"], n),
    })
    roles = {"Recency": Role.RECENCY, "Spend": Role.MONETARY, "Constant": Role.CONSTANT,
             "Gender": Role.CATEGORY}
    data = customer_table(frame, roles)
    assert default_features(data) == ["Recency", "Spend", "Income"]


def test_summary_is_json_ready() -> None:
    data = customer_table(blobs().drop(columns="group"), {"spend": Role.MONETARY})
    result = summarise(data, fit_clustering(data, ["age", "spend"]))
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["k"] == 3 and payload["reason"].startswith("k=3")
    assert sum(c["size"] for c in payload["clusters"]) == 360
    assert sum(c["share"] for c in payload["clusters"]) == pytest.approx(1.0, abs=1e-3)
    assert [c["id"] for c in payload["clusters"]] == [0, 1, 2]
    assert all(c["rule_text"] and c["rule"]["type"] for c in payload["clusters"])
    assert payload["base_means"]["spend"] == pytest.approx(data.customers["spend"].mean(),
                                                           rel=1e-3)
    assert len(payload["scores"]) == 7
    big = next(c for c in result.clusters if c.means["spend"] > 500)
    assert big.vs_base["spend"] == pytest.approx(big.means["spend"] / result.base_means["spend"])
    assert (big.vs_base["spend"] or 0.0) > 1.5


def test_names_put_behaviour_words_together() -> None:
    lapsed = Descriptor("lapsed", 1.2, "adjective")
    one_time = Descriptor("one-time buyers", 0.9, "noun")
    recent = Descriptor("recent", 0.7, "adjective")
    spenders = Descriptor("high spenders", 1.5, "noun")
    assert compose([lapsed, one_time]) == "Lapsed one-time buyers"
    assert compose([spenders, recent]) == "High spenders, recent"
    assert compose([]) == "Typical customers"
    assert compose([recent, Descriptor("high Age", 0.6, "phrase")]) == "Recent customers, high Age"


def test_transaction_features_get_marketing_names() -> None:
    rng = np.random.default_rng(8)
    n = 150
    loyal = pd.DataFrame({"recency_days": rng.integers(1, 15, n),
                          "frequency": rng.integers(8, 20, n),
                          "monetary": rng.lognormal(8, 0.3, n)})
    lapsed = pd.DataFrame({"recency_days": rng.integers(250, 370, n),
                           "frequency": np.ones(n, dtype=int),
                           "monetary": rng.lognormal(4, 0.3, n)})
    frame = pd.concat([loyal, lapsed], ignore_index=True)
    model = CustomerClustering(k=2).fit(frame)
    lapsed_id = int(model.labels_[-1])
    assert model.names_[lapsed_id] == "Lapsed one-time buyers"
    assert model.names_[1 - lapsed_id] == "Recent frequent buyers"


def test_shared_distance_silhouette_matches_scikit_learn() -> None:
    from sklearn.metrics import silhouette_score

    from tools.engine.cluster_model import silhouette_scores

    rng = np.random.default_rng(4)
    points = rng.normal(size=(400, 3))
    labelings = [rng.integers(0, k, 400) for k in (2, 5)]
    labelings.append(np.r_[np.zeros(399, dtype=int), [1]])  # a singleton cluster scores 0
    ours = silhouette_scores(points, labelings)
    assert ours == pytest.approx([silhouette_score(points, lab) for lab in labelings], abs=1e-9)
