"""Questions about the data in SQL: `figures.py`'s answers, computed where the data lives.

`figures_sql(connection, figure, relation=...)` answers a `Figure` over a DuckDB table or
view of customers (one row each) with the same meanings as the pandas path: the same
groups and bins, known values only, the top groups and the rest as "other". The grouping
and the statistic run in DuckDB; only one row per group comes back, and the ordering and
"other" use `figures.assemble`, so both paths share every rule after the grouping.

`figure_query` is the one query a breakdown runs, for `segment breakdown --sql`, and
`transpile` rewrites it for Spark or a warehouse. As in `sql.py`, values are literals this
module checked and names quoted identifiers: nothing a model wrote becomes SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tools.engine.dataset import FREQUENCY, MONETARY
from tools.engine.definitions import And, Compare, Condition, In, Not, NotIn, Or
from tools.engine.errors import DataError, DefinitionError
from tools.engine.evaluate import evaluate
from tools.engine.features import (
    duckdb_connection,
    mode_columns,
    needs_reading_sql,
    quote_name,
    sql_literal,
)
from tools.engine.figure_groups import (
    MAX_CATEGORY_VALUES,
    MISSING,
    edge_labels,
    readable_edges,
)
from tools.engine.figures import (
    COLUMN_STATISTICS,
    MONEY_STATISTICS,
    OTHER,
    Figure,
    FigureTable,
    Scope,
    assemble,
    condition_columns,
    figures,
)
from tools.engine.loading import load_customer_data
from tools.engine.operands import FALSE_WORDS, TRUE_WORDS
from tools.engine.scan import group_lines, parquet_relation, scan_relation
from tools.engine.scan_csv import csv_relation
from tools.engine.scan_sql import spend_table_sql
from tools.engine.sql import Resolver, duckdb_column_kinds, where_sql
from tools.engine.sql_leaves import SqlKind, flag_number_sql

ID = "customer_id"
# Statistics whose figure over several groups is the sum of the groups' figures.
_ADDITIVE = frozenset({"customers", "sum", "revenue_share"})


@dataclass(frozen=True)
class Roles:
    """The columns money figures read: total spend and number of orders per customer."""

    money: str | None = None
    orders: str | None = None


@dataclass(frozen=True)
class _Plan:
    key: str  # the group label of a row
    value: str  # the row's number the statistic reads (NULL: unknown)
    weight: str  # orders, for order value
    edges: list[float]
    where: str  # the population


def figures_sql(connection: Any, figure: Figure, *, relation: str = "customers",
                population: Condition | None = None, compare_with_base: bool = False,
                roles: Roles = Roles(), id_column: str = "customer_id",
                resolve: Resolver | None = None) -> FigureTable:
    """`figure` over the customers of `relation` meeting `population` (everyone: None)."""
    plan = _plan(connection, figure, relation, population, roles, id_column, resolve)
    table = quote_name(relation)
    statistic = _statistic_sql(figure, plan, table)

    every: dict[str, pd.DataFrame] = {}  # "groups" and "base_groups", once asked for

    def grouped(scope: Scope, kept: list[str]) -> pd.DataFrame:
        whole = every.get("base_groups" if scope.startswith("base") else "groups")
        if figure.statistic in _ADDITIVE and whole is not None and scope != "base_groups":
            # A count or a total over "other" or everyone adds up the groups already read.
            part = whole if scope in ("all", "base") else whole.drop(index=kept, errors="ignore")
            label = OTHER if scope in ("rest", "base_rest") else "all"
            return pd.DataFrame({"customers": [int(part["customers"].sum())],
                                 "value": [float(part["value"].sum(min_count=1))],
                                 "known": [int(part["known"].sum())]},
                                index=pd.Index([label], name="grp"))
        key = plan.key
        where = "TRUE" if scope.startswith("base") else plan.where
        if scope in ("rest", "base_rest"):
            labels = ", ".join(sql_literal(k) for k in kept) or "NULL"
            key, where = sql_literal(OTHER), f"({where}) AND ({plan.key}) NOT IN ({labels})"
        elif scope in ("all", "base"):
            key = sql_literal("all")
        query = (f"SELECT {key} AS grp, count(*) AS customers, {statistic} AS value, "
                 f"{_known_sql(figure, plan)} AS known FROM {table} WHERE {where} GROUP BY grp")
        rows = connection.execute(query).fetchall()
        frame = pd.DataFrame(rows, columns=["grp", "customers", "value", "known"])
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
        frame = frame.set_index("grp")
        if scope in ("groups", "base_groups"):
            every[scope] = frame
        return frame

    base = int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    money = roles.money if figure.statistic in MONEY_STATISTICS else None  # as figures() says
    if money is not None and figure.column:
        money = _name(figure.column, duckdb_column_kinds(connection, relation))
    return assemble(figure, grouped, base=base, money_column=money,
                    edges=plan.edges, compare_with_base=compare_with_base)


def figures_from_lines(path: str, figure: Figure, *, population: Condition | None = None,
                       compare_with_base: bool = False,
                       mapping: Mapping[str, str] | None = None) -> FigureTable:
    """`figure` straight from a Parquet or CSV file of order lines.

    The customers come from DuckDB's scan of the file (`scan.py`, the cleaning and reading
    rules of a load), then the figure from `figures_sql` over them, in one connection. A
    question that reads only spend and attributes ("revenue by country") asks the scan for
    just those, from one grouping per customer and value instead of one per order, and its
    customers never leave DuckDB. A file the scan cannot read exactly is loaded as usual
    and answered in pandas.
    """
    scanned = figures_from_scan(path, figure, population=population,
                                compare_with_base=compare_with_base, mapping=mapping)
    if scanned is not None:
        return scanned
    roles = dict(mapping) if mapping else None
    return _figures_after_loading(Path(path), figure, population, compare_with_base, roles)


def figures_from_scan(path: str, figure: Figure, *, population: Condition | None = None,
                      compare_with_base: bool = False,
                      mapping: Mapping[str, str] | None = None) -> FigureTable | None:
    """`figures_from_lines` from DuckDB's scan of the file alone: None when the scan cannot
    read it exactly, for a caller that has a better ordinary path than loading uncached."""
    read = _columns_read(figure, population)
    only = None if read is None or figure.statistic == "order_value" else read
    roles = dict(mapping) if mapping else None
    with duckdb_connection() as connection:
        scanned = _scan_customers(connection, Path(path), roles, only)
        if scanned is None:
            return None
        return figures_sql(connection, figure, population=population,
                           compare_with_base=compare_with_base, roles=scanned)


def _scan_customers(connection: Any, file: Path, mapping: dict[str, str] | None,
                    only: list[str] | None) -> Roles | None:
    """The customers of an order-line file as the relation `customers` of `connection`, and
    their money columns; None when the file needs the ordinary path.

    With `only` (attributes of the log), just their spend and these attributes, made in
    DuckDB (`scan_sql.spend_table_sql`); otherwise every feature, from `scan_relation`.
    """
    import duckdb


    parquet = file.suffix.lower() in (".parquet", ".pq")
    try:
        relation = (parquet_relation if parquet else csv_relation)(connection, file, mapping)
        if relation is None:
            return None
        if only is not None and set(only) <= {c.name for c in mode_columns(
                relation.schema)}:
            groups = group_lines(connection, relation, None, only)
            if groups is None:
                return None
            unread = {name: name not in groups.typed and bool(connection.execute(
                needs_reading_sql(groups.values[name], name, groups.markers[name])
            ).fetchall()[0][0]) for name in groups.attributes}
            connection.execute("CREATE TEMP TABLE customers AS " + spend_table_sql(
                "line_groups", groups.kept, groups.markers, unread, groups.values,
                unique=groups.unique))
            if not connection.execute("SELECT count(*) FROM customers").fetchone()[0]:
                raise DataError("No purchases are left after cleaning; check the column "
                                "mapping with --map amount=COLUMN or --map date=COLUMN.")
            return Roles(money=MONETARY)
        scanned = scan_relation(connection, relation, None)
    except duckdb.Error as exc:
        if not parquet:  # rows DuckDB will not read as pandas does: pandas decides
            return None
        raise DataError(f"{file.name} could not be read ({type(exc).__name__}); export it "
                        "again as Parquet or CSV.") from exc
    if scanned is None:
        return None
    customers = scanned.customers.reset_index()
    connection.register("customers", customers)
    return Roles(money=MONETARY, orders=FREQUENCY if FREQUENCY in customers.columns else None)


def _figures_after_loading(path: Any, figure: Figure, population: Condition | None,
                           compare_with_base: bool, mapping: dict[str, str] | None
                           ) -> FigureTable:

    data = load_customer_data(path, mapping=mapping)
    members = evaluate(population, data) if population is not None else None
    target = evaluate(figure.target, data) if figure.target is not None else None
    return figures(data, figure, members, compare_with_base=compare_with_base,
                   target_mask=target)


def _columns_read(figure: Figure, population: Condition | None) -> list[str] | None:
    """The columns a question reads besides the id and spend; None when it needs them all
    (a population or target defined by RFM scores, stages or saved segments)."""

    def plain(condition: Condition) -> bool:
        if isinstance(condition, And | Or):
            parts = condition.all if isinstance(condition, And) else condition.any
            return all(plain(part) for part in parts)
        if isinstance(condition, Not):
            return plain(condition.condition)
        return isinstance(condition, Compare | In | NotIn)

    conditions = [c for c in (population, figure.target) if c is not None]
    if not all(plain(c) for c in conditions):
        return None
    named = [figure.column, figure.by, *(n for c in conditions for n in condition_columns(c))]
    return [n for n in dict.fromkeys(named) if n and n not in (ID, MONETARY)]


def figure_query(connection: Any, figure: Figure, *, relation: str = "customers",
                 population: Condition | None = None, roles: Roles = Roles(),
                 id_column: str = "customer_id", resolve: Resolver | None = None) -> str:
    """The breakdown's grouping query, as DuckDB runs it (before top groups and "other")."""
    plan = _plan(connection, figure, relation, population, roles, id_column, resolve)
    table = quote_name(relation)
    return (f"SELECT {plan.key} AS grp, count(*) AS customers, "
            f"{_statistic_sql(figure, plan, table)} AS value, {_known_sql(figure, plan)} AS "
            f"known\nFROM {table}\nWHERE {plan.where}\nGROUP BY grp\nORDER BY value DESC "
            "NULLS LAST, grp")


def _plan(connection: Any, figure: Figure, relation: str, population: Condition | None,
          roles: Roles, id_column: str, resolve: Resolver | None) -> _Plan:
    kinds = duckdb_column_kinds(connection, relation)
    table = quote_name(relation)

    def where(condition: Condition) -> str:
        return where_sql(condition, table_sql=table, id_column=id_column, kinds=kinds,
                         resolve=resolve)

    value, weight = "NULL", "NULL"
    statistic = figure.statistic
    if statistic in MONEY_STATISTICS and figure.column:
        spend = _name(figure.column, kinds)
        if kinds[spend] not in ("integer", "float"):
            raise DefinitionError(f"{spend} is not a number column, so it cannot be the spend.")
        roles = Roles(money=spend, orders=roles.orders)
    if statistic in MONEY_STATISTICS:
        if roles.money is None:
            raise DefinitionError("The data has no spend or amount column, so there is no "
                                  "revenue to measure; ask about another column.")
        value = f"CAST({quote_name(roles.money)} AS DOUBLE)"
    if statistic == "order_value":
        if roles.orders is None:
            raise DefinitionError("The data has no number of orders per customer, so there is "
                                  "no average order value; ask for spend per customer instead.",
                                  phrase="figure_no_orders")
        weight = f"CAST({quote_name(roles.orders)} AS DOUBLE)"
        both = f"{value} IS NOT NULL AND {weight} IS NOT NULL"
        value, weight = (f"CASE WHEN {both} THEN {value} END",
                         f"CASE WHEN {both} THEN {weight} END")
    elif statistic in COLUMN_STATISTICS:
        value = _number_sql(connection, relation, figure.column, kinds)
    elif statistic == "rate":
        if figure.target is None:
            raise DefinitionError("A rate needs whom to count: a yes/no column, a value or a "
                                  "condition.")
        known = " AND ".join(f"{quote_name(_name(c, kinds))} IS NOT NULL"
                             for c in condition_columns(figure.target)) or "TRUE"
        value = (f"CASE WHEN {known} THEN CASE WHEN {where(figure.target)} THEN 1.0 ELSE 0.0 "
                 "END END")
    key, edges = _key_sql(connection, relation, figure, kinds)
    return _Plan(key=key, value=value, weight=weight, edges=edges,
                 where=where(population) if population is not None else "TRUE")


def _statistic_sql(figure: Figure, plan: _Plan, table: str) -> str:
    v = plan.value
    statistic = figure.statistic
    if statistic == "customers":
        return "CAST(count(*) AS DOUBLE)"
    if statistic == "revenue_share":
        total = f"(SELECT sum({v}) FROM {table})"
        return f"coalesce(sum({v}), 0) / nullif({total}, 0)"
    if statistic == "order_value":
        return f"sum({v}) / nullif(sum({plan.weight}), 0)"
    aggregate = {"sum": "sum", "mean": "avg", "rate": "avg", "spend_per_customer": "avg",
                 "median": "median", "min": "min", "max": "max"}[statistic]
    return f"CAST({aggregate}({v}) AS DOUBLE)"


def _known_sql(figure: Figure, plan: _Plan) -> str:
    if figure.statistic in ("customers", "revenue_share"):
        return "count(*)"
    return f"count({plan.value})"


def _name(column: str, kinds: Mapping[str, SqlKind]) -> str:
    if column in kinds:
        return column
    folded = [name for name in kinds if name.casefold() == column.strip().casefold()]
    if len(folded) != 1:
        raise DefinitionError(f"No column '{column}'.", options=sorted(kinds)[:12])
    return folded[0]


def _number_sql(connection: Any, relation: str, column: str | None,
                kinds: Mapping[str, SqlKind]) -> str:
    if not column:
        raise DefinitionError("Say which number to measure.")
    name = _name(column, kinds)
    quoted = quote_name(name)
    kind = kinds[name]
    if kind == "bool":
        return f"CAST({quoted} AS DOUBLE)"
    if kind in ("integer", "float"):
        return f"CAST({quoted} AS DOUBLE)"
    if kind == "text" and _is_flag(connection, relation, name):

        return f"CAST({flag_number_sql(quoted)} AS DOUBLE)"
    raise DefinitionError(f"{name} is not a number column; an average or total needs numbers.")


def _is_flag(connection: Any, relation: str, name: str) -> bool:

    rows = connection.execute(
        f"SELECT DISTINCT lower(trim(CAST({quote_name(name)} AS VARCHAR))) FROM "
        f"{quote_name(relation)} WHERE {quote_name(name)} IS NOT NULL LIMIT 50").fetchall()
    keys = {str(r[0]) for r in rows}
    return bool(keys) and keys <= TRUE_WORDS | FALSE_WORDS


def _key_sql(connection: Any, relation: str, figure: Figure, kinds: Mapping[str, SqlKind]
             ) -> tuple[str, list[float]]:
    """Each row's group label, as `figures.group_keys` writes it, and the bin edges."""
    if figure.by is None:
        return sql_literal("all"), []
    name = _name(figure.by, kinds)
    quoted = quote_name(name)
    kind = kinds[name]
    missing = sql_literal(MISSING)
    if kind == "date":
        return f"coalesce(CAST(year({quoted}) AS VARCHAR), {missing})", []
    if kind in ("integer", "float"):
        low, high, distinct, whole = connection.execute(
            f"SELECT min({quoted}), quantile_cont({quoted}, 0.95), count(DISTINCT {quoted}), "
            f"bool_and({quoted} = round({quoted})) FROM {quote_name(relation)}").fetchone()
        if figure.bins:
            edges = sorted(set(float(b) for b in figure.bins))
        elif distinct is None or distinct <= MAX_CATEGORY_VALUES or low is None:
            edges = []
        else:
            edges = readable_edges(float(low), float(high), integer=bool(whole))
        if edges:
            labels = edge_labels(edges, integer=bool(whole))
            steps = " ".join(f"WHEN {quoted} < {edge!r} THEN {sql_literal(label)}"
                             for edge, label in zip(edges, labels, strict=False))
            return (f"CASE WHEN {quoted} IS NULL THEN {missing} {steps} "
                    f"ELSE {sql_literal(labels[-1])} END"), edges
        return (f"CASE WHEN {quoted} IS NULL THEN {missing} WHEN {quoted} = round({quoted}) "
                f"THEN CAST(CAST({quoted} AS BIGINT) AS VARCHAR) ELSE CAST({quoted} AS VARCHAR) "
                "END"), []
    if kind == "bool":  # as Python writes them
        return f"CASE WHEN {quoted} IS NULL THEN {missing} WHEN {quoted} THEN 'True' " \
               "ELSE 'False' END", []
    # Blank and missing alike; one trim per row (DuckDB's trim is a third of the query).
    return f"coalesce(nullif(trim(CAST({quoted} AS VARCHAR)), ''), {missing})", []
