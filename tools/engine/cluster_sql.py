"""Cluster assignment as SQL, and how well a fitting sample stands for the whole base.

A clustering fitted on a sample of customers (pulled from a warehouse, say)
assigns every customer where the data lives with `assignment_sql` (only the
members of its `within` segment, for a clustering fitted on one): the fitted
transforms of `cluster_prep` (median for a missing value, log1p of skewed
non-negative columns, standardisation with the fitted mean and scale, weighted
one-hot categories) and the nearest centre, ties to the first centre in
k-means' own order as scikit-learn's `predict` takes it. Every number in the
query is a Python float written with `repr`, so it round-trips exactly.

`quantiles_sql` measures the base's feature quantiles in SQL; `sample_coverage`
compares the share of sample and base customers at or below each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tools.engine.definitions import Condition
from tools.engine.errors import DataError, DefinitionError
from tools.engine.features import quote_name, sql_literal
from tools.engine.sql import duckdb_column_kinds, file_view, where_sql
from tools.engine.sql_dialects import transpile

if TYPE_CHECKING:
    from tools.engine.cluster_model import CustomerClustering
    from tools.engine.sql import Resolver, SqlKind

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
# A sample whose share of customers below a base quantile differs from the base's by more
# than this is flagged as not representative of that feature.
COVERAGE_TOLERANCE = 0.1


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise DefinitionError("The clustering has a non-finite centre or scale; fit it again "
                              "on columns with finite values.")
    return f"CAST({value!r} AS DOUBLE)"


def _coordinates(model: CustomerClustering) -> list[str]:
    """One SQL expression per k-means coordinate of a customer row."""
    prep = model.prep_
    expressions = []
    for numeric in prep.numeric:
        value = f"coalesce(CAST({quote_name(numeric.name)} AS DOUBLE), {_number(numeric.median)})"
        if numeric.log:
            value = f"ln(1 + greatest({value}, 0))"
        expressions.append(f"(({value}) - {_number(numeric.mean)}) / {_number(numeric.scale)}")
    for category in prep.categorical:
        weight = category.weight / math.sqrt(2.0)
        text = f"CAST({quote_name(category.name)} AS VARCHAR)"
        expressions.extend(f"CASE WHEN {text} = {sql_literal(value)} THEN {_number(weight)} "
                           "ELSE CAST(0 AS DOUBLE) END" for value in category.categories)
    return expressions


def assignment_sql(model: CustomerClustering, *, table: str, dialect: str = "duckdb",
                   id_column: str = "customer_id", within: Condition | None = None,
                   kinds: Mapping[str, SqlKind] | None = None,
                   resolve: Resolver | None = None) -> str:
    """SELECT id, cluster: each customer of `table` in its nearest fitted cluster.

    `within`: the condition of the segment the model was fitted on (a `Cluster`'s
    `within`); only its members get a cluster, the other rows are left out.
    `kinds`: each column's kind for that condition (see `sql.column_kinds`); `resolve`
    finds the saved segments it refers to.
    """
    if not hasattr(model, "kmeans_"):
        raise DefinitionError("The clustering is not fitted yet; fit it on customers first.")
    coordinates = _coordinates(model)
    centres = model.kmeans_.cluster_centers_  # k-means' own order: the order ties go by
    k = len(centres)
    points = ", ".join(f"{expression} AS z{i}" for i, expression in enumerate(coordinates))
    distances = ", ".join(
        " + ".join(f"(z{i} - {_number(float(c))}) * (z{i} - {_number(float(c))})"
                   for i, c in enumerate(centre)) + f" AS d{j}"
        for j, centre in enumerate(centres))
    cases = []
    for j in range(k - 1):
        nearest = " AND ".join(f"d{j} <= d{other}" for other in range(j + 1, k))
        cases.append(f"WHEN {nearest} THEN {int(model.label_order_[j])}")
    label = f"CASE {' '.join(cases)} ELSE {int(model.label_order_[k - 1])} END"
    ids = quote_name(id_column)
    where = ""
    if within is not None:
        where = " WHERE " + where_sql(within, table_sql=table, id_column=id_column,
                                      kinds=kinds, resolve=resolve)
    query = (f"WITH points AS (SELECT {ids} AS customer_id, {points} FROM {table}{where}),\n"
             f"distances AS (SELECT customer_id, {distances} FROM points)\n"
             f"SELECT customer_id, {label} AS cluster FROM distances ORDER BY customer_id")
    if dialect == "duckdb":
        return query
    return transpile(query, dialect)


def quantiles_sql(features: Sequence[str], *, table: str, dialect: str = "duckdb",
                  id_column: str = "customer_id", within: Condition | None = None,
                  kinds: Mapping[str, SqlKind] | None = None,
                  resolve: Resolver | None = None) -> str:
    """One row: each numeric feature's QUANTILES in `table`, and the share of customers at or
    below each (columns FEATURE__q10 and FEATURE__s10, ...): ties make it differ from 0.1.

    `within`, `kinds`, `resolve`: only that segment's customers, as in `assignment_sql`.
    """
    if within is not None:
        members = where_sql(within, table_sql=table, id_column=id_column, kinds=kinds,
                            resolve=resolve)
        table = f"(SELECT * FROM {table} WHERE {members}) AS members"

    def column(name: str, q: float, kind: str) -> str:
        return quote_name(f"{name}__{kind}{round(q * 100)}")

    values = ", ".join(f"quantile_cont(CAST({quote_name(name)} AS DOUBLE), {q!r}) AS "
                       f"{column(name, q, 'q')}" for name in features for q in QUANTILES)
    shares = ", ".join(
        f"max(cuts.{column(name, q, 'q')}) AS {column(name, q, 'q')}, "
        f"avg(CASE WHEN CAST({quote_name(name)} AS DOUBLE) <= cuts.{column(name, q, 'q')} "
        f"THEN 1.0 ELSE 0.0 END) AS {column(name, q, 's')}"
        for name in features for q in QUANTILES)
    query = (f"WITH cuts AS (SELECT {values} FROM {table}) "
             f"SELECT {shares} FROM {table} CROSS JOIN cuts")
    if dialect == "duckdb":
        return query
    return transpile(query, dialect)


@dataclass(frozen=True)
class FeatureCoverage:
    feature: str
    base_quantiles: tuple[float, ...]
    # Share of customers at or below each base quantile, in the base and in the sample.
    base_shares: tuple[float, ...]
    sample_shares: tuple[float, ...]
    # Largest |sample share - base share|: 0.1 = ten percentage points.
    worst_gap: float
    representative: bool


@dataclass(frozen=True)
class SampleCoverage:
    """How closely a clustering's fitting sample matches the whole base, feature by feature."""

    sample_size: int
    quantiles: tuple[float, ...]
    features: tuple[FeatureCoverage, ...]

    @property
    def representative(self) -> bool:
        return all(f.representative for f in self.features)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "representative": self.representative}


def base_quantiles(row: Mapping[str, Any], features: Sequence[str]
                   ) -> dict[str, list[tuple[float, float]]]:
    """The `quantiles_sql` result row as feature -> (quantile value, share at or below)."""
    return {name: [(float(row[f"{name}__q{round(q * 100)}"]),
                    float(row[f"{name}__s{round(q * 100)}"])) for q in QUANTILES]
            for name in features}


def sample_coverage(model: CustomerClustering, sample: pd.DataFrame,
                    base: Mapping[str, Sequence[tuple[float, float]]]) -> SampleCoverage:
    """Compare the fitting `sample`'s numeric features with the base's (`base_quantiles`).

    At each base quantile the share of sample customers at or below it is compared with
    the base's share (a Kolmogorov-Smirnov distance at those points; ties count alike).
    """
    covered = []
    for numeric in model.prep_.numeric:
        if numeric.name not in base:
            continue
        values = pd.to_numeric(sample[numeric.name], errors="coerce").astype("float64")
        cuts = tuple(value for value, _ in base[numeric.name])
        theirs = tuple(share for _, share in base[numeric.name])
        mine = tuple(float((values <= cut).mean()) if len(values) else 0.0 for cut in cuts)
        worst = max(abs(a - b) for a, b in zip(mine, theirs, strict=True))
        covered.append(FeatureCoverage(numeric.name, cuts, theirs, mine, worst,
                                       worst <= COVERAGE_TOLERANCE))
    return SampleCoverage(len(sample), QUANTILES, tuple(covered))


def quantiles_from_file(path: str, features: Sequence[str], *,
                        within: Condition | None = None, id_column: str = "customer_id",
                        resolve: Resolver | None = None) -> dict[str, list[tuple[float, float]]]:
    """The base's quantiles of `features` (`cluster_sql.base_quantiles`) from a file: either
    the one-row result of `quantiles_sql` run where the data lives, or a one-row-per-customer
    Parquet or CSV file, computed by DuckDB in place (`within`: that segment's customers)."""
    import duckdb

    connection = duckdb.connect()
    try:
        file_view(connection, str(path))
        columns = {row[0] for row in connection.execute("DESCRIBE customers").fetchall()}
        if not all(f"{name}__q10" in columns for name in features):
            missing = [name for name in features if name not in columns]
            if missing:
                raise DataError(f"{Path(path).name} has no column {missing[0]}; give the "
                                "customers file the clusters were fitted on, or the result of "
                                "`segment sql --clusters --quantiles`.", options=sorted(columns))
            query = quantiles_sql(features, table="customers", id_column=id_column,
                                  within=within, resolve=resolve,
                                  kinds=duckdb_column_kinds(connection, "customers"))
            connection.execute(f"CREATE VIEW base AS {query}")
        else:
            connection.execute("CREATE VIEW base AS SELECT * FROM customers")
        row = connection.execute("SELECT * FROM base LIMIT 1").df()
    finally:
        connection.close()
    if row.empty or row.iloc[0].isna().any():
        raise DataError(f"{Path(path).name} gives no quantiles (no customers, or empty values); "
                        "give a file with the customers' feature columns.")
    return base_quantiles(row.iloc[0].to_dict(), features)
