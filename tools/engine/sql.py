"""Segment definitions as SQL, so a segment runs where the data lives.

`to_sql(condition, table=...)` turns a definition (the pydantic models of
`definitions.py`) into one SELECT of the member ids with the meaning
`evaluate.py` gives it: a missing value never matches a comparison, `not` is
the plain complement, text matches ignore case and surrounding spaces, a date
without a time compares calendar days, fractional numbers equal up to 1e-9
count as equal, `rank` takes the top/bottom n or ceil(percent) customers with
ties by id (window functions, among the other conditions of its `and`), and
RFM segments and scores are NTILE(5) buckets as SEMANTICS.md defines them.

Every value is written by this module as a literal it has checked (numbers
from Python numbers, text quoted with embedded quotes doubled, dates parsed);
column and table names are quoted identifiers: no model text is ever spliced
into the SQL as code. `transpile` rewrites the DuckDB SQL for a warehouse
(Snowflake, BigQuery, Spark, ...) with sqlglot. `column_kinds` says how the
columns of a DataFrame or a DuckDB relation compare (text, float, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from tools.engine.definitions import (
    And,
    Between,
    Cluster,
    ColumnSum,
    Compare,
    CompareColumns,
    Condition,
    In,
    Lifecycle,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Purchased,
    Rank,
    RfmScore,
    RfmSegment,
    SegmentDefinition,
    SegmentRef,
)
from tools.engine.errors import DefinitionError
from tools.engine.feature_sql import file_source
from tools.engine.features import quote_name, sql_literal
from tools.engine.rfm_scheme import default_scheme
from tools.engine.sql_dialects import transpile
from tools.engine.sql_leaves import (
    SQL_OPS,
    SqlKind,
    bool_value,
    columns_test,
    date_test,
    iso_day,
    number_test,
    sum_test,
    text_key,
)

Resolver = Callable[[str], SegmentDefinition]
_DUCKDB_KINDS: tuple[tuple[tuple[str, ...], SqlKind], ...] = (
    (("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
      "UINTEGER", "UBIGINT"), "integer"),
    (("FLOAT", "DOUBLE", "DECIMAL", "REAL"), "float"),
    (("DATE", "TIMESTAMP"), "date"),
    (("BOOLEAN",), "bool"),
)


@dataclass(frozen=True)
class RfmColumns:
    """The columns RFM scores are computed from."""

    recency: str = "recency_days"
    frequency: str = "frequency"
    monetary: str = "monetary"


def column_kinds(frame: pd.DataFrame) -> dict[str, SqlKind]:
    """How each column of a customers DataFrame compares in SQL."""
    kinds: dict[str, SqlKind] = {}
    for name in frame.columns:
        dtype = frame[name].dtype
        if pd.api.types.is_bool_dtype(dtype):
            kinds[str(name)] = "bool"
        elif pd.api.types.is_integer_dtype(dtype):
            kinds[str(name)] = "integer"
        elif pd.api.types.is_numeric_dtype(dtype):
            kinds[str(name)] = "float"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            kinds[str(name)] = "date"
        else:
            kinds[str(name)] = "text"
    return kinds


def duckdb_column_kinds(connection: Any, relation: str) -> dict[str, SqlKind]:
    """How each column of a DuckDB table or view (by name) compares in SQL."""
    rows = connection.execute(f"DESCRIBE {quote_name(relation)}").fetchall()
    kinds: dict[str, SqlKind] = {}
    for name, sql_type, *_ in rows:
        head = str(sql_type).split("(")[0].split(" ")[0]
        kinds[str(name)] = next((kind for types, kind in _DUCKDB_KINDS
                                 if any(head.startswith(t) for t in types)), "text")
    return kinds


def to_sql(condition: Condition, *, table: str, dialect: str = "duckdb",
           id_column: str = "customer_id", kinds: Mapping[str, SqlKind] | None = None,
           rfm: RfmColumns | None = None, resolve: Resolver | None = None) -> str:
    """SELECT the ids of `table`'s customers that meet `condition`, ordered by id.

    `kinds`: each column's kind (see `column_kinds`); without it a column's kind is
    read from the value it is compared with. Lifecycle stages and clusters depend on
    fitted thresholds and models and are not compiled: they raise DefinitionError.
    """
    where = where_sql(condition, table_sql=quote_name(table), id_column=id_column, kinds=kinds,
                      rfm=rfm, resolve=resolve)
    ids = quote_name(id_column)
    query = f"SELECT {ids} FROM {quote_name(table)} WHERE {where} ORDER BY {ids}"
    return query if dialect == "duckdb" else transpile(query, dialect)


def where_sql(condition: Condition, *, table_sql: str, id_column: str = "customer_id",
              kinds: Mapping[str, SqlKind] | None = None, rfm: RfmColumns | None = None,
              resolve: Resolver | None = None) -> str:
    """The SQL boolean (never NULL) a row of `table_sql` (a table as written in SQL,
    already quoted) meets when the customer is a member of `condition`."""
    compiler = _Compiler(table_sql, quote_name(id_column), dict(kinds or {}),
                         rfm or RfmColumns(), resolve)
    return compiler.condition(condition, "TRUE", ())


def file_view(connection: Any, path: str) -> None:
    """The view `customers` of a one-row-per-customer Parquet or CSV file, read in place."""
    connection.execute(f"CREATE VIEW customers AS SELECT * FROM {file_source(path)}")


def file_column_kinds(path: str) -> dict[str, SqlKind]:
    """How each column of a one-row-per-customer Parquet or CSV file compares in SQL."""
    import duckdb

    connection = duckdb.connect()
    try:
        file_view(connection, path)
        return duckdb_column_kinds(connection, "customers")
    finally:
        connection.close()


def members_from_file(condition: Condition, path: str, *, id_column: str = "customer_id",
                      rfm: RfmColumns | None = None,
                      resolve: Resolver | None = None) -> list[Any]:
    """Member ids of a one-row-per-customer Parquet or CSV file, computed by DuckDB in place.

    The file is never loaded into pandas: DuckDB reads only the columns the SQL uses.
    """
    import duckdb

    connection = duckdb.connect()
    try:
        file_view(connection, str(path))
        kinds = duckdb_column_kinds(connection, "customers")
        query = to_sql(condition, table="customers", id_column=id_column, kinds=kinds, rfm=rfm,
                       resolve=resolve)
        return [row[0] for row in connection.execute(query).fetchall()]
    finally:
        connection.close()


class _Compiler:
    def __init__(self, table: str, ids: str, kinds: dict[str, SqlKind], rfm: RfmColumns,
                 resolve: Resolver | None) -> None:
        self.table, self.ids, self.kinds, self.rfm, self.resolve = (table, ids, kinds, rfm,
                                                                    resolve)

    def condition(self, node: Condition, scope: str, refs: tuple[str, ...]) -> str:
        """A SQL boolean that is never NULL (so NOT is the plain complement)."""
        if isinstance(node, Compare):
            return self._compare(node.column, node.op, node.value)
        if isinstance(node, Between):
            return (f"({self._compare(node.column, '>=', node.low)} AND "
                    f"{self._compare(node.column, '<=', node.high)})")
        if isinstance(node, ColumnSum):
            return f"coalesce({sum_test(node.columns, node.op, node.value, self.kinds)}, FALSE)"
        if isinstance(node, CompareColumns):
            test = columns_test(node.left, node.op, node.right, self.kinds)
            return f"coalesce({test}, FALSE)"
        if isinstance(node, In | NotIn):
            if not node.values:
                raise DefinitionError(f"Name at least one value of {node.column} to match.")
            found = " OR ".join(self._compare(node.column, "==", v) for v in node.values)
            if isinstance(node, In):
                return f"({found})"
            return f"(NOT ({found}) AND {quote_name(node.column)} IS NOT NULL)"
        if isinstance(node, Missing):
            return f"({quote_name(node.column)} IS NULL)"
        if isinstance(node, Present):
            return f"({quote_name(node.column)} IS NOT NULL)"
        if isinstance(node, Rank):
            return self._rank(node, scope)
        if isinstance(node, RfmSegment | RfmScore):
            return self._rfm(node)
        if isinstance(node, SegmentRef):
            return self._segment(node, refs)
        if isinstance(node, And):
            return self._and(node, scope, refs)
        if isinstance(node, Or):
            if not node.any:
                raise DefinitionError("An 'or' needs at least one condition.")
            return "(" + " OR ".join(self.condition(c, scope, refs) for c in node.any) + ")"
        if isinstance(node, Not):
            return f"(NOT {self.condition(node.condition, scope, refs)})"
        if isinstance(node, Purchased):
            raise DefinitionError("Purchases in a period or of chosen values (orders, spend) "
                                  "are read from the order lines, not the customer table this "
                                  "SQL runs on; save the segment's members with segment "
                                  "export and join on them instead.")
        assert isinstance(node, Lifecycle | Cluster)
        if isinstance(node, Cluster) and node.within is not None:
            raise DefinitionError("Clusters within a segment are not compiled to SQL yet; save "
                                  "the segment's members with segment export and join on them.")
        what = "Lifecycle stages" if isinstance(node, Lifecycle) else "Clusters"
        raise DefinitionError(f"{what} are not compiled to SQL; save the segment's members "
                              "with segment export and join on them instead.")

    # Leaves.

    def _kind(self, column: str, value: Any) -> SqlKind:
        if column in self.kinds:
            return self.kinds[column]
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "integer"
        if isinstance(value, float):
            return "float"
        return "date" if iso_day(value) is not None else "text"

    def _compare(self, column: str, op: str, value: Any) -> str:
        name = quote_name(column)
        kind = self._kind(column, value)
        if kind == "text":
            if op not in ("==", "!="):
                raise DefinitionError(f"{column} is a text column: '{op}' needs numbers or "
                                      "dates; use equals, not equals, in or not in.")
            key = sql_literal(text_key(value))
            test = f"lower(trim(CAST({name} AS VARCHAR))) {'=' if op == '==' else '<>'} {key}"
        elif kind == "bool":
            test = f"{name} {SQL_OPS[op]} {'TRUE' if bool_value(column, value) else 'FALSE'}"
        elif kind == "date":
            test = date_test(name, column, op, value)
        else:
            test = number_test(name, column, op, value, tolerant=kind == "float")
        return f"coalesce({test}, FALSE)"

    # Ranks: window functions over the rank's base.

    def _rank(self, node: Rank, base: str) -> str:
        if (node.n is None) == (node.percent is None):
            raise DefinitionError(f"Rank by {node.column} needs either a number of customers "
                                  "(n) or a percent, not both and not neither.")
        name = quote_name(node.column)
        direction = "DESC" if node.direction == "top" else "ASC"
        if node.n is not None:
            keep = f"position <= {int(node.n)}"
        else:
            share = Fraction(str(node.percent))
            # position <= ceil(share% x base), in integers: (position - 1) x 100 x den < base x num
            keep = (f"(position - 1) * {100 * share.denominator} < "
                    f"base_size * {share.numerator}")
        # The base counts customers whose value is missing (they rank last, never chosen).
        ranked = (f"SELECT {self.ids} AS member, {name} IS NOT NULL AS known, row_number() "
                  f"OVER (ORDER BY {name} IS NULL, {name} {direction}, {self.ids}) AS position, "
                  # not "WHERE (...)": Spark reads "customers WHERE (x)" as an alias's columns
                  f"count(*) OVER () AS base_size FROM {self.table} WHERE TRUE AND {base}")
        return (f"({self.ids} IN (SELECT member FROM ({ranked}) AS ranked "
                f"WHERE known AND {keep}))")

    def _and(self, node: And, scope: str, refs: tuple[str, ...]) -> str:
        if not node.all:
            raise DefinitionError("An 'and' needs at least one condition.")
        others = [self.condition(c, scope, refs) for c in node.all if not isinstance(c, Rank)]
        base = " AND ".join([scope, *others]) if others else scope
        ranks = [self._rank(c, f"({base})") for c in node.all if isinstance(c, Rank)]
        return "(" + " AND ".join([*others, *ranks]) + ")"

    # RFM: NTILE(5) over every customer, ties by id, missing values in the lowest bucket.

    def _rfm(self, node: RfmSegment | RfmScore) -> str:
        columns = {"r": (self.rfm.recency, "DESC"), "f": (self.rfm.frequency, "ASC"),
                   "m": (self.rfm.monetary, "ASC")}
        scores = ", ".join(
            f"ntile(5) OVER (ORDER BY {quote_name(column)} {order} NULLS FIRST, {self.ids}) "
            f"AS {score}_score" for score, (column, order) in columns.items())
        if isinstance(node, RfmScore):
            if node.low > node.high:
                raise DefinitionError(f"The {node.score.upper()} score range needs the low end "
                                      f"first: {node.low} is above {node.high}.")
            keep = f"{node.score}_score BETWEEN {int(node.low)} AND {int(node.high)}"
        else:
            scheme = default_scheme()
            wanted = _segment_positions(node.segments, scheme.segment_names())
            lookup = scheme.cell_lookup()
            cells = sorted(10 * r + f for r in range(1, 6) for f in range(1, 6)
                           if int(lookup[r - 1, f - 1]) in wanted)
            keep = (f"10 * r_score + f_score IN ({', '.join(str(c) for c in cells)})"
                    if cells else "FALSE")
        scored = f"SELECT {self.ids} AS member, {scores} FROM {self.table}"
        return f"({self.ids} IN (SELECT member FROM ({scored}) AS scored WHERE {keep}))"

    def _segment(self, node: SegmentRef, refs: tuple[str, ...]) -> str:
        if node.name in refs:
            chain = " -> ".join((*refs[refs.index(node.name):], node.name))
            raise DefinitionError(f"Segment '{node.name}' refers to itself ({chain}); remove "
                                  "one of the references.")
        if self.resolve is None:
            raise DefinitionError(f"Segment '{node.name}' is a saved segment, but no segment "
                                  "library is open.")
        # A saved segment means its own definition over all customers.
        return self.condition(self.resolve(node.name).condition, "TRUE", (*refs, node.name))


def _segment_positions(asked: list[str], known: list[str]) -> set[int]:
    def key(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    by_key = {key(name): position for position, name in enumerate(known)}
    if not asked:
        raise DefinitionError(f"Name at least one RFM segment: {', '.join(known)}.",
                              options=known)
    missing = [name for name in asked if key(name) not in by_key]
    if missing:
        raise DefinitionError(f"No RFM segment '{missing[0]}'. The RFM segments are: "
                              f"{', '.join(known)}.", options=known)
    return {by_key[key(name)] for name in asked}
