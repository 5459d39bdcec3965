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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tools.engine.cleaning import CANCELLED_ORDER_SQL, CANCELLED_STATUS_SQL
from tools.engine.dataset import CleaningStep
from tools.engine.errors import DataError
from tools.engine.features import (
    AS_OF_PARAMETER,
    WIDE_MICROS,
    attribute_columns,
    create_groups,
    duckdb_connection,
    group_sql,
    quote_name,
    run_features,
    sql_literal,
    text_sql,
)
from tools.engine.markers import HARD_MISSING, KEEP_TOP, SOFT_MISSING, kept_markers, top_cells
from tools.engine.parsing import SCIENTIFIC_ID, column_notes, parse_typed_columns
from tools.engine.roles import infer_schema, number_columns
from tools.engine.schema import DataKind, DType, Role, Schema
from tools.engine.stores import clean_names

# Parquet logs with at least this many rows take this path.
SCAN_MIN_ROWS = 500_000
SAMPLE_ROWS = 10_000
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT", "HUGEINT")
NUMBER_TYPES = (*INTEGER_TYPES, "FLOAT", "DOUBLE", "DECIMAL")
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
_ID_PATTERN = r"[-+]?[0-9]{1,18}(\.0+)?"
# The cancellation patterns written to match the whole text, so that they mean the same where
# a regexp must match all of it (Snowflake's REGEXP_LIKE) and where it searches (DuckDB, Spark).
_MARK_PATTERN = CANCELLED_ORDER_SQL + ".*"
_STATUS_PATTERN = ".*(" + CANCELLED_STATUS_SQL.removeprefix("(?i)") + ").*"
# Rules of SEMANTICS.md's cleaning judged on each line (its date, quantity and amount); the
# others (present, marked, status) are judged per group in `ruled_groups_sql`.
LINE_RULES = ("dated", "quantity", "amount")


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
                 as_of: date | None = None, only: Sequence[str] | None = None
                 ) -> ScannedLog | None:
    """Customers of a typed Parquet transaction log, or None when the ordinary path must run."""
    import duckdb

    with duckdb_connection() as connection:
        try:
            return _scan(connection, path, mapping, as_of, only)
        except duckdb.Error as exc:
            raise DataError(f"{path.name} could not be read ({type(exc).__name__}); export it "
                            "again as Parquet or CSV.") from exc


def _scan(connection: Any, path: Path, mapping: dict[str, str] | None,
          as_of: date | None, only: Sequence[str] | None) -> ScannedLog | None:
    source = f"read_parquet({sql_literal(str(path))})"
    types = {row[0]: str(row[1]) for row in
             connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    names = list(types)
    if clean_names(names) != names or any(n.startswith("__index_level") for n in names):
        return None
    first = first_rows(connection, source)
    parsed, dtypes = parse_typed_columns(first, number_columns(first, mapping))
    return scan_relation(connection, source, types, parsed, infer_schema(parsed, dtypes, mapping),
                         as_of, only)


def scan_relation(connection: Any, source: str, types: dict[str, str], parsed: pd.DataFrame,
                  schema: Schema, as_of: date | None, only: Sequence[str] | None = None
                  ) -> ScannedLog | None:
    """Customers of the order lines in `source` (a DuckDB relation with column `types`).

    `parsed` (its first rows through `parse_typed_columns`) and `schema` give the roles.
    `only`: when these are all attributes of the log (and no as-of date is given), the
    customers get just their spend and these attributes, from one grouping per customer
    and value (`spend_groups_sql`) instead of one per order: what a question about spend
    by an attribute reads (`figures_sql.figures_from_lines`).
    """
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
    numbers = ["amount", *(["quantity"] if schema.first(Role.QUANTITY) is not None else [])]
    missing_nan = ", ".join(f"CASE WHEN isnan({name}) THEN NULL ELSE {name} END AS {name}"
                            for name in numbers)
    connection.execute(f"CREATE TEMP VIEW raw_lines AS SELECT *, {flags} FROM (SELECT * "
                       f"REPLACE ({missing_nan}) FROM (SELECT {columns} FROM {source}))")
    attributes = [c.name for c in attribute_columns(schema)]
    lean = only is not None and as_of is None and set(only) <= set(attributes)
    if lean:
        attributes = [name for name in attributes if name in (only or ())]
    # The one pass over the file: everything after reads these groups.
    keys = [quote_name(a) for a in attributes]

    def groups_sql(micros: str) -> str:
        if lean:
            return spend_groups_sql(schema, types, "raw_lines", keys, micros=micros)
        return ruled_groups_sql(schema, types, "raw_lines", keys, snapshot=as_of is not None,
                                micros=micros)

    # Parquet's min/max leave NaN out, and DuckDB trusts them: it would decide that no value
    # is NaN (and every amount above 0) without looking at the values.
    connection.execute("SET disabled_optimizers = 'statistics_propagation'")
    create_groups(connection, "raw_groups", groups_sql,
                  {"as_of": as_of} if as_of is not None and not lean else None)
    connection.execute("RESET disabled_optimizers")
    counts = _cleaning_counts(connection, schema, _text_ids(schema, types))
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
    markers = {name: kept_markers_sql(connection, "raw_groups", name, counts["total"])
               for name in attributes}
    customers, as_of_day = run_features(connection, "line_groups", attributes, as_of,
                                        kept=kept, raw_text=True, markers=markers,
                                        spend_only=lean)
    for name in attributes:
        customers[name] = customers[name].astype("str")
    sampled = min(SAMPLE_ROWS, counts["total"])
    notes = [f"Column roles were read from the first {sampled:,} of "
             f"{counts['total']:,} rows; every row counts in the customer figures."]
    within = f" (in the first {sampled:,} rows)" if sampled < counts["total"] else ""
    notes.extend(column_notes(parsed, _name(schema, Role.CUSTOMER_ID), within=within))
    if as_of is not None:
        later = connection.execute(f"SELECT sum(n) FROM line_groups WHERE {kept} AND NOT before"
                                   ).fetchone()[0]
        if later:
            lines = "1 order line was" if later == 1 else f"{later} order lines were"
            notes.append(f"{lines} left out: on or after the as-of date {as_of}.")
    return ScannedLog(customers=customers, raw_schema=schema, cleaning=counts["steps"],
                      rows_read=counts["total"], rows_kept=counts["kept"], as_of=as_of_day,
                      currency=parsed.attrs.get("currency"), notes=tuple(notes))


def kept_markers_sql(connection: Any, groups: str, column: str, rows: int) -> frozenset[str]:
    """The missing markers that are values of a text column of `groups` (with counts `n`),
    decided by `markers.keeps_marker` from the same counts as `parsing.py` uses."""
    value = f"trim(CAST({quote_name(column)} AS VARCHAR))"
    counted = (f"SELECT {value} AS value, sum(n) AS n FROM {groups} "
               f"WHERE {quote_name(column)} IS NOT NULL GROUP BY {value}")
    soft = ", ".join(sql_literal(t) for t in sorted(SOFT_MISSING))
    spellings = connection.execute(f"SELECT value, n FROM ({counted}) AS counted "
                                   f"WHERE lower(value) IN ({soft})").fetchall()
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


def _name(schema: Schema, role: Role) -> str:
    info = schema.first(role)
    return info.name if info is not None else ""


def _kind(sql_type: str) -> str:
    return sql_type.split("(")[0]


def _text_ids(schema: Schema, types: dict[str, str]) -> bool:
    return _kind(types[_name(schema, Role.CUSTOMER_ID)]) == "VARCHAR"


def line_columns_sql(schema: Schema, types: dict[str, str]) -> str | None:
    """The SELECT list of raw_lines, or None when a column's type needs the ordinary path."""
    def typed(role: Role, allowed: tuple[str, ...]) -> str | None:
        info = schema.first(role)
        return info.name if info is not None and _kind(types[info.name]) in allowed else None

    id_info, date_info = schema.first(Role.CUSTOMER_ID), schema.first(Role.DATE)
    if id_info is None or date_info is None or typed(Role.DATE, DATE_TYPES) is None:
        return None
    id_type = _kind(types[id_info.name])
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
        if info is not None and _kind(types[info.name]) not in NUMBER_TYPES:
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
        if _kind(types[order.name]) not in (*INTEGER_TYPES, "VARCHAR"):
            return None
        # Read as text (`text_sql`) per group in `ruled_groups_sql`, not per line.
        selected.append(f"{quote_name(order.name)} AS order_key")
    else:
        # The expression again, not the alias: BigQuery cannot use an alias of the same SELECT.
        selected.append(f"date_trunc('day', {stamp}) AS order_key")
    status = schema.first(Role.STATUS)
    if status is not None:
        if _kind(types[status.name]) != "VARCHAR" or status.dtype is not DType.TEXT:
            return None
        selected.append(f"{quote_name(status.name)} AS status")
    for info in attribute_columns(schema):
        if _kind(types[info.name]) != "VARCHAR" or info.dtype is not DType.TEXT:
            return None
        selected.append(quote_name(info.name))
    return ", ".join(selected)


def line_rules_sql(schema: Schema) -> dict[str, str]:
    """The LINE_RULES as SQL conditions on raw_lines."""
    return {
        "dated": "day IS NOT NULL",
        "quantity": ("coalesce(quantity > 0, false)"
                     if schema.first(Role.QUANTITY) is not None else "true"),
        "amount": "coalesce(amount > 0, false)",
    }


def ruled_groups_sql(schema: Schema, types: dict[str, str], lines: str, keys: list[str], *,
                     snapshot: bool, as_of: str = AS_OF_PARAMETER,
                     micros: str = WIDE_MICROS) -> str:
    """The `group_sql` groups of `lines` with a flag per cleaning rule.

    Text customer ids and order ids are read (`text_sql`) here, once per group; attributes
    are read by `run_features`, once per customer and value. The rules on the keys (present,
    marked, status) are judged here too: a regular expression runs once per order rather
    than once per line.
    """
    has_order, has_status, customer = _keyed_rules(schema, types)
    order_key = text_sql("order_key") + " AS order_key" if has_order else "order_key"
    rules = {
        "present": f"{customer} IS NOT NULL AND dated_rule",
        "marked": _marked_sql("order_key") if has_order else "false",
        "status": _status_sql() if has_status else "false",
    }
    flags = [f"{name}_rule" for name in LINE_RULES]
    grouped = group_sql(lines, [*keys, *(["status"] if has_status else []), *flags],
                        snapshot=snapshot, as_of=as_of, micros=micros)
    columns = [f"{customer} AS customer_id", order_key, *keys,
               *flags, "before", "n", "first_day", "last_day", "micros",
               *(f"{condition} AS {name}_rule" for name, condition in rules.items())]
    return f"SELECT {', '.join(columns)} FROM ({grouped}) AS grouped"


def spend_groups_sql(schema: Schema, types: dict[str, str], lines: str, keys: list[str], *,
                     micros: str = WIDE_MICROS) -> str:
    """`ruled_groups_sql` without the orders: lines summed per (customer, `keys`, rule flags).

    For questions that read only spend and attributes (`scan_relation(only=...)`): a customer
    has a few such groups against many orders, so this is the cheaper pass. The "C" mark is
    judged per line here, behind a test that only lines with a "c" in the order id pass.
    """
    has_order, has_status, customer = _keyed_rules(schema, types)
    marked = (f"CASE WHEN order_key ILIKE '%c%' THEN {_marked_sql('order_key')} ELSE false END"
              if has_order else "false")
    flags = [f"{name}_rule" for name in LINE_RULES]
    keyed = ["customer_id", *keys, *(["status"] if has_status else []), *flags]
    grouped = (f"SELECT {', '.join(keyed)}, {marked} AS marked_rule, count(*) AS n, "
               "date_trunc('day', max(day)) AS last_day, "
               f"sum(CAST(round(amount * 1e6) AS {micros})) AS micros "
               f"FROM {lines} GROUP BY ALL")
    columns = [f"{customer} AS customer_id", *keys, *flags, "true AS before", "n", "last_day",
               "micros",
               f"{customer} IS NOT NULL AND dated_rule AS present_rule", "marked_rule",
               f"{_status_sql() if has_status else 'false'} AS status_rule"]
    return f"SELECT {', '.join(columns)} FROM ({grouped}) AS grouped"


def _keyed_rules(schema: Schema, types: dict[str, str]) -> tuple[bool, bool, str]:
    """Whether order ids can carry the "C" mark, whether there is a status, and the read id."""
    order = schema.first(Role.ORDER_ID)
    # Whole-number order ids never carry the "C" mark.
    has_order = order is not None and _kind(types[order.name]) == "VARCHAR"
    customer = text_sql("customer_id") if _text_ids(schema, types) else "customer_id"
    return has_order, schema.first(Role.STATUS) is not None, customer


def _marked_sql(order_key: str) -> str:
    return f"coalesce(regexp_matches({order_key}, {sql_literal(_MARK_PATTERN)}), false)"


def _status_sql() -> str:
    return f"coalesce(regexp_matches(lower(status), {sql_literal(_STATUS_PATTERN)}), false)"


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
