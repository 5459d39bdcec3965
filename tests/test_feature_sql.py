"""Customer features as one SQL query: DuckDB on Online Retail equals the pandas load;
warehouse dialects parse back; Spark (when installed) computes the same features."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tools.engine.dataset import CustomerData
from tools.engine.errors import DataError
from tools.engine.feature_sql import features_sql

RETAIL_ROLES = {"customer_id": "CustomerID", "date": "InvoiceDate", "quantity": "Quantity",
                "unit_price": "UnitPrice", "order_id": "InvoiceNo"}


@pytest.fixture(scope="module")
def retail_lines(retail_path: Path) -> Iterator[Any]:
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE order_lines AS SELECT * FROM read_csv('{retail_path}')")
    yield connection
    connection.close()


def _compare(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    found = found.set_index("customer_id")
    assert list(found.index) == list(expected.index)
    for column in ("recency_days", "frequency", "tenure_days"):
        assert (found[column].astype("int64") == expected[column]).all(), column
    for column in ("monetary", "avg_order_value"):
        assert (found[column].astype("float64") == expected[column]).all(), column
    for column in ("first_purchase", "last_purchase"):
        assert (pd.to_datetime(found[column]).to_numpy() == expected[column].to_numpy()).all()
    assert (found["Country"].astype(str).to_numpy() == expected["Country"].astype(str)
            .to_numpy()).all()


def test_duckdb_features_equal_the_pandas_load(retail: CustomerData, retail_lines: Any) -> None:
    query = features_sql(retail.source.raw_schema, table="order_lines")
    found = retail_lines.execute(query).df()
    assert len(found) == 4338 == retail.n_customers
    _compare(found, retail.customers)


def test_mapping_with_a_snapshot_date(retail: CustomerData, retail_lines: Any,
                                      retail_path: Path) -> None:
    from tools.engine.loading import load_customer_data

    snapshot = load_customer_data(retail_path, as_of="2011-06-01")
    query = features_sql(RETAIL_ROLES, table="order_lines", as_of="2011-06-01",
                         attributes=["Country"])
    found = retail_lines.execute(query).df()
    _compare(found, snapshot.customers)
    assert found["last_purchase"].max() < pd.Timestamp("2011-06-01")


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "spark"])
def test_warehouse_dialects_parse_back(dialect: str) -> None:
    import sqlglot

    query = features_sql(RETAIL_ROLES, table="ANALYTICS.ORDER_LINES", dialect=dialect,
                         attributes=["Country"])
    parsed = sqlglot.parse_one(query, read=dialect)
    assert parsed.find(sqlglot.exp.With) is not None
    selected = [e.alias_or_name for e in parsed.expressions]
    assert selected == ["customer_id", "recency_days", "frequency", "monetary", "tenure_days",
                        "avg_order_value", "first_purchase", "last_purchase", "Country"]
    assert "HUGEINT" not in query.upper() and "INT128" not in query.upper()
    assert "$as_of" not in query


def test_a_log_without_order_ids_counts_days_in_every_dialect(retail_lines: Any) -> None:
    import sqlglot

    roles = {"customer_id": "CustomerID", "date": "InvoiceDate", "quantity": "Quantity",
             "unit_price": "UnitPrice"}
    found = retail_lines.execute(features_sql(roles, table="order_lines")).df()
    days = retail_lines.execute(
        "SELECT count(DISTINCT CAST(InvoiceDate AS DATE)) FROM order_lines "
        "WHERE CustomerID = 12347 AND Quantity > 0 AND UnitPrice > 0").fetchone()[0]
    assert int(found.set_index("customer_id").loc[12347, "frequency"]) == days
    for dialect in ("bigquery", "snowflake", "spark"):
        query = features_sql(roles, table="lines", dialect=dialect)
        source = sqlglot.parse_one(query, read=dialect).find(sqlglot.exp.CTE).this
        # No alias of the same SELECT is used (BigQuery has no lateral aliases).
        inner = source.find(sqlglot.exp.Subquery).this
        assert all(not (isinstance(e, sqlglot.exp.Alias) and isinstance(e.this, sqlglot.exp.Column)
                        and e.this.name == "day") for e in inner.expressions)


def test_missing_roles_say_what_to_map() -> None:
    with pytest.raises(DataError, match="--map amount=COLUMN"):
        features_sql({"customer_id": "id", "date": "day"}, table="lines")
    with pytest.raises(DataError, match="No date column"):
        features_sql({"customer_id": "id", "amount": "total"}, table="lines")
    with pytest.raises(DataError, match="'id' .* is DOUBLE; cast it to BIGINT"):
        features_sql({"customer_id": "id", "date": "day", "amount": "total"}, table="lines",
                     types={"id": "DOUBLE"})
    with pytest.raises(DataError) as error:
        features_sql({"revenue": "Revenue"}, table="lines")
    assert "amount" in error.value.options


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")
def test_spark_features_equal_duckdb(spark: Any, retail_lines: Any) -> None:
    # A small log: the first 3,000 lines of Online Retail (cancellations included).
    lines = retail_lines.execute("SELECT * FROM order_lines LIMIT 3000").df()
    spark.createDataFrame(lines).createOrReplaceTempView("order_lines")
    retail_lines.register("small_lines", lines)
    expected = retail_lines.execute(features_sql(RETAIL_ROLES, table="small_lines",
                                                 attributes=["Country"])).df()
    rows = spark.sql(features_sql(RETAIL_ROLES, table="order_lines", dialect="spark",
                                  attributes=["Country"])).toPandas()
    assert len(rows) == len(expected) > 10
    _compare(rows, expected.set_index("customer_id"))
