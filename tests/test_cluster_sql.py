"""Cluster assignment in SQL equals CustomerClustering.predict; sample coverage flags bias."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from tools.engine.cluster_model import CustomerClustering
from tools.engine.cluster_sql import (
    assignment_sql,
    base_quantiles,
    quantiles_sql,
    sample_coverage,
)
from tools.engine.clustering import fit_clustering
from tools.engine.dataset import CustomerData
from tools.engine.errors import DefinitionError

RFM = ["recency_days", "frequency", "monetary", "tenure_days"]
MALL = ["Age", "Annual Income (k$)", "Spending Score (1-100)"]


def _assign(model: CustomerClustering, frame: pd.DataFrame) -> pd.Series:
    import duckdb

    connection = duckdb.connect()
    connection.register("customers", frame.reset_index())
    found = connection.execute(assignment_sql(model, table="customers")).df()
    connection.close()
    return found.set_index("customer_id")["cluster"].reindex(frame.index)


@pytest.mark.parametrize(("name", "features", "k"), [("mall", MALL, 5), ("retail", RFM, 4)])
def test_duckdb_assignment_equals_predict(request: pytest.FixtureRequest, name: str,
                                          features: list[str], k: int) -> None:
    data: CustomerData = request.getfixturevalue(name)
    model = fit_clustering(data, features, k)
    assert any(p.log for p in model.prep_.numeric) or name == "mall"
    found = _assign(model, data.customers)
    assert (found.to_numpy() == model.predict(data.customers)).all()
    assert (found.to_numpy() == model.labels_).all()


def test_missing_values_take_the_fitted_median(retail: CustomerData) -> None:
    model = fit_clustering(retail, RFM, 4)
    frame = retail.customers[RFM].astype("float64").copy()
    rng = np.random.default_rng(0)
    for column in RFM:
        frame.loc[rng.random(len(frame)) < 0.05, column] = np.nan
    assert (_assign(model, frame).to_numpy() == model.predict(frame)).all()


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "spark"])
def test_assignment_transpiles_and_parses_back(mall: CustomerData, dialect: str) -> None:
    import sqlglot

    query = assignment_sql(fit_clustering(mall, MALL, 5), table="ANALYTICS.CUSTOMERS",
                           dialect=dialect)
    parsed = sqlglot.parse_one(query, read=dialect)
    assert [e.alias_or_name for e in parsed.expressions] == ["customer_id", "cluster"]


def test_an_unfitted_model_is_refused() -> None:
    with pytest.raises(DefinitionError, match="fit"):
        assignment_sql(CustomerClustering(features=MALL), table="customers")


def _base(retail: CustomerData) -> dict[str, list[tuple[float, float]]]:
    import duckdb

    connection = duckdb.connect()
    connection.register("customers", retail.customers.reset_index())
    row: Any = connection.execute(quantiles_sql(RFM, table="customers")).df().iloc[0]
    connection.close()
    return base_quantiles(row, RFM)


def test_a_random_sample_represents_the_base_and_a_biased_one_does_not(
        retail: CustomerData) -> None:
    base = _base(retail)
    assert base["monetary"][2][0] == pytest.approx(retail.customers["monetary"].median())
    # Ties: many customers have exactly 1 order, so the share at the 10% quantile is larger.
    assert base["frequency"][0][1] == pytest.approx((retail.customers["frequency"] <= 1).mean())
    random_sample = retail.customers.sample(n=1500, random_state=0)
    model = CustomerClustering(features=RFM, k=4).fit(random_sample)
    coverage = sample_coverage(model, random_sample, base)
    assert coverage.representative, coverage
    assert [f.feature for f in coverage.features] == RFM
    big_spenders = retail.customers.nlargest(1500, "monetary")
    biased = sample_coverage(CustomerClustering(features=RFM, k=4).fit(big_spenders),
                             big_spenders, base)
    assert not biased.representative
    worst = {f.feature: f.worst_gap for f in biased.features}
    assert worst["monetary"] >= 0.5
    assert biased.to_dict()["representative"] is False
