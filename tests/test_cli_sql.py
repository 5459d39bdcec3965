"""`segment sql`: definitions printed as SQL and run by DuckDB on a customers file."""

from __future__ import annotations

import json
from pathlib import Path

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
