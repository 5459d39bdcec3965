"""Large Parquet transaction logs: cleaning and customer features in DuckDB, from the file.

Reading ten million order lines into pandas as text (what `reading.py` does so
that `parsing.py` can judge every value) costs minutes and gigabytes. For a
Parquet log whose columns are already typed, nothing needs judging: the roles
come from the first `SAMPLE_ROWS` rows through the usual `parsing` and `roles`
steps, and then the SEMANTICS.md cleaning rules and the feature SQL of
`features.py` (the same statements the in-memory path runs) execute over the
file itself, reading only the columns they need. A file this path cannot
reproduce exactly (text dates, text amounts, timezone stamps, non-text
attributes) returns None and takes the ordinary path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tools.engine.dataset import CleaningStep
from tools.engine.errors import DataError
from tools.engine.features import (
    attribute_columns,
    create_groups,
    duckdb_connection,
    is_mean,
    mean_columns,
    quote_name,
    run_features,
    sql_literal,
)
from tools.engine.markers import HARD_MISSING, KEEP_TOP, SOFT_MISSING, kept_markers, top_cells
from tools.engine.number_formats import SCIENTIFIC_ID
from tools.engine.parsing import column_notes, parse_typed_columns
from tools.engine.roles import infer_schema, number_columns
from tools.engine.scan_sql import (
    line_rules_sql,
    role_name,
    ruled_groups_sql,
    spend_groups_sql,
    sql_kind,
    text_ids,
)
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema
from tools.engine.stores import clean_names

# Parquet logs with at least this many rows take this path.
SCAN_MIN_ROWS = 500_000
SAMPLE_ROWS = 10_000
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT", "HUGEINT")
NUMBER_TYPES = (*INTEGER_TYPES, "FLOAT", "DOUBLE", "DECIMAL")
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
_ID_PATTERN = r"[-+]?[0-9]{1,18}(\.0+)?"


@dataclass(frozen=True)
class ScannedLog:
    """What `loading.py` needs to build the CustomerData of a scanned file."""

    customers: pd.DataFrame
    raw_schema: Schema
    cleaning: tuple[CleaningStep, ...]
    rows_read: int
    rows_kept: int
    as_of: date
    currency: str | None
    notes: tuple[str, ...]


def parquet_rows(path: Path) -> int:
    """Rows of a Parquet file from its footer (0 when it is not a readable Parquet file)."""
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # not Parquet, or damaged: the ordinary path reports it
        return 0


def scan_parquet(path: Path, *, mapping: dict[str, str] | None = None,
                 as_of: date | None = None) -> ScannedLog | None:
    """Customers of a typed Parquet transaction log, or None when the ordinary path must run."""
    import duckdb

    with duckdb_connection() as connection:
        try:
            relation = parquet_relation(connection, path, mapping)
            return None if relation is None else scan_relation(connection, relation, as_of)
        except duckdb.Error as exc:
            raise DataError(f"{path.name} could not be read ({type(exc).__name__}); export it "
                            "again as Parquet or CSV.") from exc


@dataclass(frozen=True)
class LogRelation:
    """Order lines in DuckDB: `source` (a relation with column `types`), its first rows
    through `parse_typed_columns` (`parsed`), and the roles read from them (`schema`)."""

    source: str
    types: dict[str, str]
    parsed: pd.DataFrame
    schema: Schema


def parquet_relation(connection: Any, path: Path, mapping: dict[str, str] | None
                     ) -> LogRelation | None:
    """The order lines of a Parquet file and their roles (None: the ordinary path reads it)."""
    source = f"read_parquet({sql_literal(str(path))})"
    types = {row[0]: str(row[1]) for row in
             connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    names = list(types)
    if clean_names(names) != names or any(n.startswith("__index_level") for n in names):
        return None
    first = first_rows(connection, source)
    parsed, dtypes = parse_typed_columns(first, number_columns(first, mapping))
    return LogRelation(source, types, parsed, infer_schema(parsed, dtypes, mapping))


@dataclass(frozen=True)
class LineGroups:
    """The one pass over the lines (`group_lines`): the view `line_groups` of the connection,
    the condition its kept groups meet, its attributes, their kept missing markers and the
    table of each one's distinct values (not missing) with their number of lines `n`.
    `unique`: each kept group is its customer's only one with its attribute values (lean
    groups of whole-number ids and no status: the rule flags of kept groups are all the
    same, the "C" mark too, since it is either in use or on every line)."""

    kept: str
    attributes: list[str]
    markers: dict[str, frozenset[str]]
    counts: dict[str, Any]
    values: dict[str, str]
    unique: bool = False
    # Numeric attributes, the mean of the lines (not in `attributes`, summed in the groups),
    # and the attributes that are typed (flags), never read as text.
    means: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)


def scan_relation(connection: Any, relation: LogRelation, as_of: date | None
                  ) -> ScannedLog | None:
    """Customers of the order lines of `relation`, every feature and attribute."""
    groups = group_lines(connection, relation, as_of)
    if groups is None:
        return None
    counts, parsed, schema = groups.counts, relation.parsed, relation.schema
    customers, as_of_day = run_features(connection, "line_groups",
                                        [*groups.attributes, *groups.means], as_of,
                                        kept=groups.kept, raw_text=True,
                                        markers=groups.markers, means=groups.means,
                                        typed=groups.typed)
    for name in groups.attributes:
        customers[name] = typed_values(customers[name], name in groups.typed)
    sampled = min(SAMPLE_ROWS, counts["total"])
    notes = [f"Column roles were read from the first {sampled:,} of "
             f"{counts['total']:,} rows; every row counts in the customer figures."]
    within = f" (in the first {sampled:,} rows)" if sampled < counts["total"] else ""
    notes.extend(column_notes(parsed, role_name(schema, Role.CUSTOMER_ID), within=within))
    if as_of is not None:
        later = connection.execute(f"SELECT sum(n) FROM line_groups WHERE {groups.kept} AND "
                                   "NOT before").fetchone()[0]
        if later:
            lines = "1 order line was" if later == 1 else f"{later} order lines were"
            notes.append(f"{lines} left out: on or after the as-of date {as_of}.")
    return ScannedLog(customers=customers, raw_schema=schema, cleaning=counts["steps"],
                      rows_read=counts["total"], rows_kept=counts["kept"], as_of=as_of_day,
                      currency=parsed.attrs.get("currency"), notes=tuple(notes))


def typed_values(values: pd.Series, typed: bool) -> pd.Series:
    """An attribute's values in the dtype the ordinary load gives them: text, or a flag's
    booleans (nullable where a customer has none, which DuckDB hands over as objects)."""
    if not typed:
        return values.astype("str")
    return values.astype("boolean") if values.dtype == object else values


def group_lines(connection: Any, relation: LogRelation, as_of: date | None,
                only: Sequence[str] | None = None) -> LineGroups | None:
    """The cleaning rules and the one pass over the lines, into the view `line_groups`.

    `only`: attributes of the log (given with no as-of date) to which the groups are cut
    down: lines summed per customer, value and rule flags (`spend_groups_sql`), not per
    order, for a question that reads only spend and these attributes
    (`figures_sql.figures_from_lines`). None when the ordinary path must run.
    """
    schema, types = relation.schema, relation.types
    if schema.kind is not DataKind.TRANSACTIONS or schema.notes:
        # Roles read from the values of the first rows (`Schema.notes`) could differ from
        # those of every row: the ordinary path, which reads them all, decides.
        return None
    columns = line_columns_sql(schema, types)
    if columns is None:
        return None
    flags = ", ".join(f"{sql} AS {name}_rule"
                      for name, sql in line_rules_sql(schema).items())
    # NaN (which Spark and Polars write for a missing number) is missing, as when parsed.
    means = mean_columns(schema)
    numbers = ["amount", *(["quantity"] if schema.first(Role.QUANTITY) is not None else []),
               *(quote_name(name) for name in means)]
    missing_nan = ", ".join(f"CASE WHEN isnan({name}) THEN NULL ELSE {name} END AS {name}"
                            for name in numbers)
    connection.execute(f"CREATE TEMP VIEW raw_lines AS SELECT *, {flags} FROM (SELECT * "
                       f"REPLACE ({missing_nan}) FROM (SELECT {columns} FROM "
                       f"{relation.source}))")
    attributes = [c.name for c in attribute_columns(schema)]
    # The lean groups carry no sums of numeric attributes: a question reading one takes
    # the groups per order.
    lean = only is not None and as_of is None and set(only) <= set(attributes) - set(means)
    if lean:
        attributes = [name for name in attributes if name in (only or ())]
    else:
        attributes = [name for name in attributes if name not in means]
    # The one pass over the file: everything after reads these groups.
    keys = [quote_name(a) for a in attributes]

    def groups_sql(micros: str) -> str:
        if lean:
            return spend_groups_sql(schema, types, "raw_lines", keys, micros=micros)
        return ruled_groups_sql(schema, types, "raw_lines", keys, snapshot=as_of is not None,
                                micros=micros, means=means)

    # Parquet's min/max leave NaN out, and DuckDB trusts them: it would decide that no value
    # is NaN (and every amount above 0) without looking at the values.
    connection.execute("SET disabled_optimizers = 'statistics_propagation'")
    create_groups(connection, "raw_groups", groups_sql,
                  {"as_of": as_of} if as_of is not None and not lean else None)
    connection.execute("RESET disabled_optimizers")
    counts = _cleaning_counts(connection, schema, text_ids(schema, types))
    if counts["scientific_ids"]:
        # Ids Excel wrote as 1.23457E+11: the ordinary path reads them as pandas does, and
        # says that customers may have been merged.
        return None
    marks = "marked_rule" if counts["use_marks"] else "false"
    kept = f"present_rule AND NOT ({marks} OR status_rule) AND quantity_rule AND amount_rule"
    # Text ids that are all whole numbers become integers, as `cleaning.normalize_ids` does.
    if counts["integer_ids"]:
        connection.execute("CREATE TEMP VIEW line_groups AS SELECT * REPLACE (CAST(split_part("
                           "customer_id, '.', 1) AS BIGINT) AS customer_id) FROM raw_groups")
    else:
        connection.execute("CREATE TEMP VIEW line_groups AS SELECT * FROM raw_groups")
    # Each attribute's distinct values with their lines, read once: the markers, whether
    # any value needs reading and the values' order all come from these few rows.
    values = {name: f"values{place}" for place, name in enumerate(attributes)}
    for name, table in values.items():
        raw = quote_name(name)
        connection.execute(f"CREATE TEMP TABLE {table} AS SELECT {raw}, sum(n) AS n "
                           f"FROM raw_groups WHERE {raw} IS NOT NULL GROUP BY {raw}")
    markers = {name: kept_markers_sql(connection, values[name], name, counts["total"])
               for name in attributes}
    unique = lean and not text_ids(schema, types) and schema.first(Role.STATUS) is None
    typed = [name for name in attributes if sql_kind(types[name]) != "VARCHAR"]
    return LineGroups(kept=kept, attributes=attributes, markers=markers, counts=counts,
                      values=values, unique=unique, means=[] if lean else means, typed=typed)


def kept_markers_sql(connection: Any, groups: str, column: str, rows: int) -> frozenset[str]:
    """The missing markers that are values of a text column of `groups` (with counts `n`),
    decided by `markers.keeps_marker` from the same counts as `parsing.py` uses."""
    # The few distinct values first, then their text: trimming every group costs more.
    raw = quote_name(column)
    distinct = (f"SELECT {raw} AS raw, sum(n) AS n FROM {groups} WHERE {raw} IS NOT NULL "
                f"GROUP BY {raw}")
    value = "trim(CAST(raw AS VARCHAR))"
    counted = (f"SELECT {value} AS value, sum(n) AS n FROM ({distinct}) AS distinct_values "
               f"GROUP BY {value}")
    soft = ", ".join(sql_literal(t) for t in sorted(SOFT_MISSING))
    # Pushed below the groupings, the filter would read every group's text (4x slower).
    connection.execute("SET disabled_optimizers = 'filter_pushdown'")
    try:
        spellings = connection.execute(f"SELECT value, n FROM ({counted}) AS counted "
                                       f"WHERE lower(value) IN ({soft})").fetchall()
    finally:
        connection.execute("RESET disabled_optimizers")
    if not spellings:
        return frozenset()
    hard = ", ".join(sql_literal(t) for t in sorted(HARD_MISSING))
    top = connection.execute(f"SELECT n, count(*) OVER () FROM ({counted}) AS counted WHERE "
                             f"lower(value) NOT IN ({hard}) ORDER BY n DESC LIMIT {KEEP_TOP}"
                             ).fetchall()
    return kept_markers({str(v): int(n) for v, n in spellings}, rows,
                        top_cells((int(n) for n, _ in top), int(top[0][1]) if top else 0))


def first_rows(connection: Any, source: str) -> pd.DataFrame:
    """The first SAMPLE_ROWS rows of `source`, in file order (a stable sample for the roles)."""
    # The connection may return rows in any order (faster); the sample must not vary.
    connection.execute("SET preserve_insertion_order = true")
    try:
        return connection.execute(f"SELECT * FROM {source} LIMIT {SAMPLE_ROWS}").df()
    finally:
        connection.execute("SET preserve_insertion_order = false")


def line_columns_sql(schema: Schema, types: dict[str, str]) -> str | None:
    """The SELECT list of raw_lines, or None when a column's type needs the ordinary path."""
    def typed(role: Role, allowed: tuple[str, ...]) -> str | None:
        info = schema.first(role)
        return info.name if info is not None and sql_kind(types[info.name]) in allowed else None

    id_info, date_info = schema.first(Role.CUSTOMER_ID), schema.first(Role.DATE)
    if id_info is None or date_info is None or typed(Role.DATE, DATE_TYPES) is None:
        return None
    id_type = sql_kind(types[id_info.name])
    if id_type in INTEGER_TYPES:
        raw_id = f"CAST({quote_name(id_info.name)} AS BIGINT)"
    elif id_type == "VARCHAR":
        raw_id = quote_name(id_info.name)  # read (`text_sql`) per group, not per line
    else:
        return None
    # The time of day stays: `group_sql` keeps the calendar day of each group's first and last.
    stamp = f"CAST({quote_name(date_info.name)} AS TIMESTAMP)"
    selected = [f"{raw_id} AS customer_id", f"{stamp} AS day"]
    amount, quantity, price = (schema.first(r) for r in (Role.AMOUNT, Role.QUANTITY,
                                                         Role.UNIT_PRICE))
    for info in (amount, quantity, price):
        if info is not None and sql_kind(types[info.name]) not in NUMBER_TYPES:
            return None
    if amount is not None:
        selected.append(f"CAST({quote_name(amount.name)} AS DOUBLE) AS amount")
    elif quantity is not None and price is not None:
        selected.append(f"CAST({quote_name(quantity.name)} AS DOUBLE) * "
                        f"CAST({quote_name(price.name)} AS DOUBLE) AS amount")
    else:
        return None
    if quantity is not None:
        selected.append(f"CAST({quote_name(quantity.name)} AS DOUBLE) AS quantity")
    order = schema.first(Role.ORDER_ID)
    if order is not None:
        if sql_kind(types[order.name]) not in (*INTEGER_TYPES, "VARCHAR"):
            return None
        # Read as text (`text_sql`) per group in `ruled_groups_sql`, not per line.
        selected.append(f"{quote_name(order.name)} AS order_key")
    else:
        # The expression again, not the alias: BigQuery cannot use an alias of the same SELECT.
        selected.append(f"date_trunc('day', {stamp}) AS order_key")
    status = schema.first(Role.STATUS)
    # A text status is an attribute too (`attribute_columns`): selected below by its name,
    # which the status rule reads (`scan_sql.keyed_rules`).
    if status is not None and (sql_kind(types[status.name]) != "VARCHAR"
                               or status.dtype is not DType.TEXT):
        return None
    for info in attribute_columns(schema):
        kind = sql_kind(types[info.name])
        name = quote_name(info.name)
        if is_mean(info) and kind in NUMBER_TYPES:
            selected.append(f"CAST({name} AS DOUBLE) AS {name}")
        elif ((info.role is Role.FLAG and typed_flag(info, kind))
              or (kind == "VARCHAR" and info.dtype is DType.TEXT)):
            selected.append(name)
        else:
            return None
    return ", ".join(selected)


def typed_flag(info: ColumnInfo, kind: str) -> bool:
    """Whether a flag attribute's column type holds the values pandas reads: a BOOLEAN, or
    whole numbers read as numbers (0/1). Yes/no text is read by `parsing.py` alone."""
    return ((kind == "BOOLEAN" and info.dtype is DType.BOOL)
            or (kind in INTEGER_TYPES and info.dtype is DType.INTEGER))


def _cleaning_counts(connection: Any, schema: Schema, text_ids: bool) -> dict[str, Any]:
    """Rows removed by each SEMANTICS.md rule, counted in one pass over the file."""
    whole = (f"bool_and(regexp_full_match(customer_id, {sql_literal(_ID_PATTERN)})) "
             "FILTER (WHERE present_rule)" if text_ids else "false")
    scientific = (f"bool_or(regexp_full_match(trim(customer_id), "
                  f"{sql_literal(SCIENTIFIC_ID)})) FILTER (WHERE present_rule)"
                  if text_ids else "false")
    row = connection.execute(f"""
        SELECT sum(n),
               sum(n) FILTER (WHERE NOT present_rule),
               sum(n) FILTER (WHERE present_rule),
               sum(n) FILTER (WHERE present_rule AND marked_rule),
               {_step_counts("marked_rule")},
               {_step_counts("false")},
               {whole},
               {scientific}
        FROM raw_groups""").fetchone()
    total, no_id, present, marked = (int(v or 0) for v in row[:4])
    use_marks = marked < present
    cancelled, quantity, amount = (int(v or 0) for v in (row[4:7] if use_marks else row[7:10]))
    steps = [CleaningStep("rows with no customer id or an unreadable date", no_id)]
    if schema.first(Role.ORDER_ID) is not None or schema.first(Role.STATUS) is not None:
        steps.append(CleaningStep("cancelled orders", cancelled))
    if schema.first(Role.QUANTITY) is not None:
        steps.append(CleaningStep("lines with quantity <= 0", quantity))
    steps.append(CleaningStep("lines with amount <= 0", amount))
    kept = total - sum(step.rows_removed for step in steps)
    return {"total": total, "kept": kept, "steps": tuple(steps), "use_marks": use_marks,
            "integer_ids": bool(row[10]), "scientific_ids": bool(row[11])}


def _step_counts(marks: str) -> str:
    cancelled = f"present_rule AND ({marks} OR status_rule)"
    uncancelled = f"present_rule AND NOT ({marks} OR status_rule)"
    return (f"sum(n) FILTER (WHERE {cancelled}), "
            f"sum(n) FILTER (WHERE {uncancelled} AND NOT quantity_rule), "
            f"sum(n) FILTER (WHERE {uncancelled} AND quantity_rule AND NOT amount_rule)")
