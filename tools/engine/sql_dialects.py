"""DuckDB SQL rewritten for a warehouse (Snowflake, BigQuery, Spark, ...) with sqlglot.

Shared by the definitions compiled to SQL (`sql.py`), the customer features as SQL
(`feature_sql.py`) and a clustering's assignment (`cluster_sql.py`), in a module of its
own so that none of them imports another for it.
"""

from __future__ import annotations

from tools.engine.errors import DefinitionError

DIALECTS = ("duckdb", "snowflake", "bigquery", "spark", "postgres", "trino")


def transpile(query: str, dialect: str) -> str:
    """DuckDB SQL rewritten for another engine ("snowflake", "bigquery", "spark", ...)."""
    import sqlglot  # lazy: 0.1 s to import, only for SQL written for a warehouse
    from sqlglot.errors import SqlglotError

    try:
        return str(sqlglot.transpile(query, read="duckdb", write=dialect)[0])
    except (SqlglotError, ValueError, KeyError) as exc:
        raise DefinitionError(f"SQL for '{dialect}' could not be written ({exc}); choose "
                              "duckdb, snowflake, bigquery, spark, postgres or trino.",
                              options=list(DIALECTS)) from exc
