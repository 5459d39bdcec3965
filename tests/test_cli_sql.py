"""`segment sql`: definitions printed as SQL and run by DuckDB on a customers file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from assistant.cli_sql import register
from tools.engine.dataset import CustomerData
from tools.engine.definitions import RfmSegment
from tools.engine.evaluate import evaluate


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:  # a group, so the command keeps its name
        """Test app."""

    return app


def test_rfm_segment_as_snowflake_sql(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["sql", "champions", "--dialect", "snowflake",
                                         "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "NTILE(5)" in result.output.upper()
    assert '"customers"' in result.output


def test_yaml_definition_runs_on_a_parquet_file(retail: CustomerData, tmp_path: Path) -> None:
    data = tmp_path / "customers.parquet"
    retail.customers.reset_index().to_parquet(data, index=False)
    definition = tmp_path / "germans.yaml"
    definition.write_text("name: big germans\ncondition:\n  type: and\n  all:\n"
                          "  - {type: compare, column: Country, op: '==', value: germany}\n"
                          "  - {type: compare, column: monetary, op: '>', value: '1k'}\n",
                          encoding="utf-8")
    result = CliRunner().invoke(_app(), ["sql", str(definition), "--data", str(data), "--run",
                                         "--json", "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    german = retail.customers["Country"].eq("Germany") & retail.customers["monetary"].gt(1000)
    assert report["members"] == int(german.sum()) > 0
    assert "1000.0" in report["sql"]


def test_unknown_segment_lists_the_rfm_names(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["sql", "champs", "--workspace", str(tmp_path)])
    assert result.exit_code != 0
    assert "Champions" in result.output


def test_rfm_members_from_sql_match_the_engine(retail: CustomerData, tmp_path: Path) -> None:
    data = tmp_path / "customers.csv"
    retail.customers.reset_index().to_csv(data, index=False)
    result = CliRunner().invoke(_app(), ["sql", "At Risk", "--data", str(data), "--run",
                                         "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected = int(evaluate(RfmSegment(segments=["At Risk"]), retail).sum())
    assert f"-- {expected:,} customers" in result.output


def test_features_query_for_a_warehouse_from_a_mapping(tmp_path: Path) -> None:
    import sqlglot

    result = CliRunner().invoke(_app(), [
        "sql", "--features", "--dialect", "snowflake", "--table", "ANALYTICS.ORDER_LINES",
        "--map", "customer_id=CustomerID", "--map", "date=InvoiceDate",
        "--map", "quantity=Quantity", "--map", "unit_price=UnitPrice",
        "--map", "order_id=InvoiceNo", "--attribute", "Country",
        "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    parsed = sqlglot.parse_one(result.output, read="snowflake")
    assert [e.alias_or_name for e in parsed.expressions][-1] == "Country"
    assert "ANALYTICS.ORDER_LINES" in result.output


def test_features_run_on_a_parquet_log_count_the_loaded_customers(retail_path: Path,
                                                                  tmp_path: Path) -> None:
    import pandas as pd

    from tools.engine.loading import load_customer_data

    lines = tmp_path / "lines.parquet"
    sample = pd.read_csv(retail_path, nrows=20_000, parse_dates=["InvoiceDate"],
                         dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": "Int64"})
    sample.to_parquet(lines, index=False)
    result = CliRunner().invoke(_app(), ["sql", "--features", "--data", str(lines), "--run",
                                         "--json", "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["customers"] == load_customer_data(lines).n_customers > 100
    assert '"Country"' in answer["sql"]


def test_features_need_a_mapping_or_a_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["sql", "--features", "--workspace", str(tmp_path)])
    assert result.exit_code != 0
    assert "--map customer_id=COLUMN" in result.output


def test_cluster_assignment_sql_fitted_on_a_customers_file(mall: CustomerData,
                                                           datasets_dir: Path,
                                                           tmp_path: Path) -> None:
    import duckdb

    from tools.engine.clustering import cluster_labels

    columns = "Age,Annual Income (k$),Spending Score (1-100)"
    result = CliRunner().invoke(_app(), [
        "sql", "--clusters", "--data", str(datasets_dir / "mall_customers.csv"), "--k", "5",
        "--on", columns, "--json", "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["clusters"] == 5 and len(answer["names"]) == 5
    connection = duckdb.connect()
    connection.register("customers", mall.customers.reset_index())
    found = connection.execute(answer["sql"]).df().set_index("customer_id")["cluster"]
    expected = cluster_labels(mall, columns.split(","), 5)
    assert (found.reindex(expected.index).to_numpy() == expected.to_numpy()).all()


def test_cluster_assignment_needs_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["sql", "--clusters", "--workspace", str(tmp_path)])
    assert result.exit_code != 0
    assert "--data" in result.output


def test_cluster_assignment_within_a_segment_that_refers_to_a_saved_one(
        mall: CustomerData, datasets_dir: Path, tmp_path: Path) -> None:
    """`segment sql SEGMENT --clusters`: fitted on the segment's members, only they assigned."""
    import duckdb

    from tools.engine.clustering import cluster_labels
    from tools.engine.definitions import And, Compare, In, SegmentDefinition, SegmentRef
    from tools.library import SegmentLibrary

    library = SegmentLibrary(tmp_path)
    older = SegmentDefinition(name="older", condition=Compare(column="Age", op=">=", value=40))
    library.save(older, size=0, member_ids=[])
    women = SegmentDefinition(name="older women", condition=And(all=[
        SegmentRef(name="older"), In(column="Genre", values=["Female"])]))
    definition = tmp_path / "older_women.yaml"
    definition.write_text(women.to_yaml(), encoding="utf-8")
    columns = "Annual Income (k$),Spending Score (1-100)"
    result = CliRunner().invoke(_app(), [
        "sql", str(definition), "--clusters", "--data",
        str(datasets_dir / "mall_customers.csv"), "--k", "3", "--on", columns, "--json",
        "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["within"] == "older women" and answer["clusters"] == 3
    connection = duckdb.connect()
    connection.register("customers", mall.customers.reset_index())
    found = connection.execute(answer["sql"]).df().set_index("customer_id")["cluster"]
    members = evaluate(women.condition, mall, resolve=library.resolver())
    assert 0 < members.sum() < len(members)
    expected = cluster_labels(mall, columns.split(","), 3, population=members)
    assert sorted(found.index) == sorted(members[members].index)
    assert (found.reindex(expected.index).to_numpy() == expected.to_numpy()).all()


def _coverage(tmp_path: Path, data: Path, base: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(_app(), [
        "sql", *extra, "--clusters", "--data", str(data), "--k", "3", "--on",
        "recency_days,frequency,monetary", "--base", str(base), "--json",
        "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.output)
    return answer


def test_cluster_sample_coverage_of_the_base(retail: CustomerData, tmp_path: Path) -> None:
    """--base: a random sample represents the base, the biggest spenders do not; the base's
    quantiles come from its file, or from the one-row result of the --quantiles query."""
    import duckdb

    everyone = retail.customers.reset_index()
    base = tmp_path / "base.parquet"
    everyone.to_parquet(base, index=False)
    random_sample, biased = tmp_path / "random.parquet", tmp_path / "biased.parquet"
    everyone.sample(n=1500, random_state=0).to_parquet(random_sample, index=False)
    everyone.nlargest(1500, "monetary").to_parquet(biased, index=False)

    fair = _coverage(tmp_path, random_sample, base)["coverage"]
    assert fair["representative"] is True and fair["sample_size"] == 1500
    skewed = _coverage(tmp_path, biased, base)["coverage"]
    assert skewed["representative"] is False
    gaps = {f["feature"]: f["worst_gap"] for f in skewed["features"]}
    assert gaps["monetary"] >= 0.5

    printed = CliRunner().invoke(_app(), [
        "sql", "--clusters", "--quantiles", "--data", str(biased), "--k", "3", "--on",
        "recency_days,frequency,monetary", "--workspace", str(tmp_path)])
    assert printed.exit_code == 0, printed.output
    query = "\n".join(line for line in printed.output.splitlines() if not line.startswith("--"))
    connection = duckdb.connect()
    connection.register("customers", everyone)
    row = tmp_path / "quantiles.csv"
    connection.execute(query).df().to_csv(row, index=False)
    connection.close()
    assert _coverage(tmp_path, biased, row)["coverage"] == skewed

    text = CliRunner().invoke(_app(), [
        "sql", "--clusters", "--data", str(biased), "--k", "3", "--on",
        "recency_days,frequency,monetary", "--base", str(base), "--workspace", str(tmp_path)])
    assert "do not represent the base on" in text.output and "monetary" in text.output


def test_cluster_coverage_within_a_segment_compares_the_segment(retail: CustomerData,
                                                                tmp_path: Path) -> None:
    everyone = retail.customers.reset_index()
    base = tmp_path / "base.parquet"
    everyone.to_parquet(base, index=False)
    sample = tmp_path / "sample.parquet"
    everyone.sample(n=2000, random_state=1).to_parquet(sample, index=False)
    definition = tmp_path / "uk.yaml"
    definition.write_text("name: uk\ncondition:\n  type: in\n  column: Country\n  values:\n"
                          "  - United Kingdom\n", encoding="utf-8")
    answer = _coverage(tmp_path, sample, base, str(definition))
    sampled = pd.read_parquet(sample)
    assert answer["within"] == "uk"
    assert answer["coverage"]["sample_size"] == int((sampled["Country"] == "United Kingdom").sum())
    assert answer["coverage"]["representative"] is True
    # The base side is the segment's customers too: its quantiles are theirs.
    uk = everyone.loc[everyone["Country"] == "United Kingdom", "monetary"]
    monetary = next(f for f in answer["coverage"]["features"] if f["feature"] == "monetary")
    assert monetary["base_quantiles"][2] == pytest.approx(uk.median())
    assert uk.median() != pytest.approx(everyone["monetary"].median())
    # The --quantiles query of the segment, run where the data lives, gives the same report.
    import duckdb

    printed = CliRunner().invoke(_app(), [
        "sql", str(definition), "--clusters", "--quantiles", "--data", str(sample), "--k",
        "3", "--on", "recency_days,frequency,monetary", "--workspace", str(tmp_path)])
    assert printed.exit_code == 0, printed.output
    query = "\n".join(line for line in printed.output.splitlines() if not line.startswith("--"))
    connection = duckdb.connect()
    connection.register("customers", everyone)
    row = tmp_path / "uk_quantiles.csv"
    connection.execute(query).df().to_csv(row, index=False)
    connection.close()
    assert _coverage(tmp_path, sample, row, str(definition))["coverage"] == answer["coverage"]


def test_a_base_without_the_features_says_what_to_give(retail: CustomerData,
                                                       tmp_path: Path) -> None:
    everyone = retail.customers.reset_index()
    sample = tmp_path / "sample.parquet"
    everyone.sample(n=500, random_state=2).to_parquet(sample, index=False)
    base = tmp_path / "other.csv"
    pd.DataFrame({"id": [1, 2], "spend": [3.0, 4.0]}).to_csv(base, index=False)
    result = CliRunner().invoke(_app(), [
        "sql", "--clusters", "--data", str(sample), "--k", "3", "--on",
        "recency_days,frequency,monetary", "--base", str(base), "--workspace", str(tmp_path)])
    assert result.exit_code != 0
    message = result.output.strip()
    assert "has no column recency_days" in message and "--quantiles" in message
    assert "Traceback" not in message
