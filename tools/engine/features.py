"""Customer features from a cleaned transaction log, as SEMANTICS.md defines them.

One definition, in SQL (`feature_sql`, `attribute_sql`), run by DuckDB: over
an in-memory frame of cleaned lines here (`customer_features`), and straight
over a Parquet file in `scan.py` for large files. Dates count in calendar days:
a purchase on the last day of the data has recency 1 against the default as-of
date, and first_purchase / last_purchase are calendar days (midnight), so they
compare cleanly with a date a person types. Amounts are summed exactly in
millionths (integers), so a total never depends on the order of the lines or on
how the work was split over threads, and equal spends tie exactly.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.cleaning import AMOUNT_COLUMN, CUSTOMER_ID_COLUMN, has_amount
from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FIRST_PURCHASE,
    FREQUENCY,
    LAST_PURCHASE,
    MONETARY,
    RECENCY,
    TENURE,
)
from tools.engine.errors import DataError
from tools.engine.markers import MISSING_TOKENS
from tools.engine.schema import ColumnInfo, DType, Role, Schema

FEATURE_COLUMNS = (RECENCY, FREQUENCY, MONETARY, TENURE, AVG_ORDER_VALUE, FIRST_PURCHASE,
                   LAST_PURCHASE)
# The features that need an amount: a log without one has neither.
AMOUNT_FEATURES = (MONETARY, AVG_ORDER_VALUE)
# The relation both paths build: one row per kept order line.
LINE_COLUMNS = ("customer_id", "day", "amount", "order_key")
# Amounts summed exactly in millionths (integers): the total does not depend on line order.
EXACT_SUM = "CAST(sum(micros) AS DOUBLE) / 1e6"
# The as-of day in the statements below: a query parameter here and in scan.py; a literal
# or a subquery in the standalone query of feature_sql.py.
AS_OF_PARAMETER = "$as_of::TIMESTAMP"


# A line's amount in millionths: 64-bit integers are the faster sum in DuckDB but hold
# amounts only up to 9.2 trillion; 38 digits hold any amount, and every SQL engine has them.
NARROW_MICROS = "BIGINT"
WIDE_MICROS = "DECIMAL(38, 0)"


# DuckDB's working memory for one load; beyond it, aggregates spill to a temporary folder.
# At 20M order lines 1 GB keeps the process under 0.8 GB at its peak; 512 MB made DuckDB
# split its aggregates into more passes (a sixth slower) for a peak only 30 MB lower.
DUCKDB_MEMORY = "1GB"


@contextmanager
def duckdb_connection() -> Iterator[Any]:
    """An in-memory DuckDB connection for one load, closed (and its spill folder removed) after."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="segment-duckdb-") as spill:
        connection = duckdb.connect(config={
            "memory_limit": DUCKDB_MEMORY, "temp_directory": spill,
            # Every result that needs an order says ORDER BY; the rest may stream unordered.
            "preserve_insertion_order": False})
        try:
            connection.execute("SET enable_progress_bar = false")
            yield connection
        finally:
            connection.close()


def quote_name(name: str) -> str:
    """A column or table name as a SQL identifier (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def to_date(value: date | datetime | str | pd.Timestamp) -> date:
    """An as-of date from a date, datetime, Timestamp or ISO string."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise DataError(f"'{value}' is not a date; give the as-of date as YYYY-MM-DD.") from exc
    if pd.isna(stamp):
        raise DataError(f"'{value}' is not a date; give the as-of date as YYYY-MM-DD.")
    return stamp.date()


def text_sql(expression: str, kept: frozenset[str] = frozenset()) -> str:
    """Text as `parsing.py` reads it: stripped, missing markers ("n/a", "", ...) as NULL.

    `kept`: markers (lower case) that are values of this column (`markers.kept_markers`).
    """
    value = f"trim(CAST({expression} AS VARCHAR))"
    # Comparisons, not `IN (...)`: DuckDB runs a list this long as a join, a third slower.
    missing = " OR ".join(f"lower({value}) = {sql_literal(t)}"
                          for t in sorted(MISSING_TOKENS - kept))
    return f"CASE WHEN {missing} THEN NULL ELSE {value} END"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def group_sql(lines: str, keys: Sequence[str], *, snapshot: bool,
              as_of: str = AS_OF_PARAMETER, micros: str = WIDE_MICROS,
              means: Sequence[str] = ()) -> str:
    """Lines summed per (customer, order, `keys`): the only pass over the lines.

    Every later figure reads these groups, which are far fewer than the lines.
    A line's `day` may carry a time of day: each group keeps the calendar days of
    its first and last line. `snapshot`: lines on or after the day `as_of` are
    marked `before = false`. `micros`: the integer type of a line's amount in
    millionths (see `create_groups`). `means`: numeric attributes (`mean_columns`), summed
    per group (`mean_parts_sql`) rather than grouped by.
    """
    columns = ", ".join(["customer_id", "order_key", *keys])
    parts = "".join(", " + mean_parts_sql(name, micros) for name in means)
    before = f"day < {as_of}" if snapshot else "true"
    return f"""
        SELECT {columns}, {before} AS before, count(*) AS n,
               date_trunc('day', min(day)) AS first_day, date_trunc('day', max(day)) AS last_day,
               sum(CAST(round(amount * 1e6) AS {micros})) AS micros{parts}
        FROM {lines}
        GROUP BY ALL"""


def create_groups(connection: Any, table: str, groups_sql: Callable[[str], str],
                  parameters: dict[str, Any] | None = None) -> None:
    """CREATE TEMP TABLE `table` from `groups_sql(micros type)`, with 64-bit millionths unless
    a line's amount needs more (then the statement runs again with 38 digits)."""
    import duckdb

    try:
        connection.execute(f"CREATE TEMP TABLE {table} AS {groups_sql(NARROW_MICROS)}",
                           parameters)
    except (duckdb.ConversionException, duckdb.OutOfRangeException):
        connection.execute(f"CREATE TEMP TABLE {table} AS {groups_sql(WIDE_MICROS)}",
                           parameters)


def as_of_sql(groups: str, kept: str) -> str:
    """The default as-of date: the day after the latest kept purchase day."""
    return (f"SELECT CAST(CAST(max(last_day) AS DATE) + INTERVAL 1 DAY AS DATE) AS as_of "
            f"FROM {groups} WHERE {kept}")


def feature_sql(groups: str, kept: str, *, as_of: str = AS_OF_PARAMETER) -> str:
    """Per-customer features from the `group_sql` groups that meet `kept`, before `as_of`."""
    return f"""
        SELECT customer_id,
               date_diff('day', max(last_day), {as_of}) AS {RECENCY},
               count(DISTINCT order_key) AS {FREQUENCY},
               {EXACT_SUM} AS {MONETARY},
               date_diff('day', min(first_day), {as_of}) AS {TENURE},
               {EXACT_SUM} / count(DISTINCT order_key) AS {AVG_ORDER_VALUE},
               min(first_day) AS {FIRST_PURCHASE},
               max(last_day) AS {LAST_PURCHASE}
        FROM {groups}
        WHERE {kept} AND before
        GROUP BY customer_id
        ORDER BY customer_id"""


def attribute_sql(groups: str, kept: str, column: str, *, raw_text: bool = False,
                  markers: frozenset[str] = frozenset(), yes_first: bool = False) -> str:
    """Each customer's most frequent non-missing value; ties go to the alphabetically first.

    `raw_text`: the column holds unread text, read here per customer and value rather than
    per line (`markers`: the missing markers that are values of it). `yes_first`: a yes/no
    column whose data wrote yes first in the alphabet ("да", "нет"): ties go to true.
    """
    raw = quote_name(column)
    counted = (f"SELECT customer_id, {raw} AS value, sum(n) AS n FROM {groups} "
               f"WHERE {kept} AND before AND {raw} IS NOT NULL GROUP BY customer_id, {raw}")
    if raw_text:
        # Values that read the same (" UK" and "UK") count together.
        read = text_sql("value", markers)
        counted = (f"SELECT customer_id, {read} AS value, sum(n) AS n "
                   f"FROM ({counted}) AS raw_counts GROUP BY customer_id, {read}")
    # The first of each customer's values by (count descending, text ascending). Missing
    # values rank last and are dropped after the ranking: a `value IS NOT NULL` filter
    # before it is pushed below the grouping, where DuckDB reads every group's text twice
    # (6x slower on the 10M-line benchmark).
    return f"""
        SELECT customer_id, value
        FROM (SELECT customer_id, value,
                     row_number() OVER (PARTITION BY customer_id
                                        ORDER BY value IS NULL, n DESC,
                                                 CAST({"NOT value" if yes_first else "value"}
                                                      AS VARCHAR)) AS place
              FROM ({counted}) AS counted) AS ranked
        WHERE place = 1 AND value IS NOT NULL"""


def mean_names(column: str) -> tuple[str, str]:
    """The quoted group columns of a numeric attribute: its sum in millionths, its count."""
    return quote_name(column + ":micros"), quote_name(column + ":count")


def mean_parts_sql(column: str, micros: str = WIDE_MICROS) -> str:
    """A numeric attribute's sum (exact, in millionths, as amounts are) and count of values."""
    total, count = mean_names(column)
    raw = quote_name(column)
    return (f"sum(CAST(round({raw} * 1e6) AS {micros})) AS {total}, "
            f"count({raw}) AS {count}")


def mean_sql(groups: str, kept: str, column: str) -> str:
    """Each customer's mean of a numeric attribute over the kept lines that have a value."""
    total, count = mean_names(column)
    return (f"SELECT customer_id, CAST(sum({total}) AS DOUBLE) / 1e6 / "
            f"NULLIF(sum({count}), 0) AS value FROM {groups} WHERE {kept} AND before "
            f"GROUP BY customer_id")


def needs_reading_sql(groups: str, column: str, markers: frozenset[str] = frozenset()) -> str:
    """Whether any value of a text column changes when read (`text_sql`): checked per value."""
    raw = quote_name(column)
    read = text_sql("value", markers)
    return (f"SELECT coalesce(bool_or({read} IS DISTINCT FROM value), false) "
            f"FROM (SELECT DISTINCT {raw} AS value FROM {groups}) AS distinct_values")


def attribute_columns(schema: Schema) -> list[ColumnInfo]:
    """Columns of the log that become customer attributes."""
    # Constant columns come along too: "Country" of a one-country shop still answers "from UK".
    # A text status is one too, read on the lines its cancellations left ("completed",
    # "returned"): returns are purchases, and "what share returned" is a fair question.
    # A yes/no flag is a value like a category's (False sorts before True in a tie), and a
    # number that is no role (delivery minutes, a rating) the mean of the lines
    # (`mean_columns`): "average delivery time by city" and "used a promo code" then ask.
    return [c for c in schema.columns if c.role in (Role.CATEGORY, Role.FLAG)
            or (c.role is Role.CONSTANT and c.n_unique == 1)
            or (c.role is Role.STATUS and c.dtype is DType.TEXT) or is_mean(c)]


def is_mean(info: ColumnInfo) -> bool:
    """Whether an attribute is the mean of the customer's lines, not their most frequent
    value: a number that is no role (the most frequent of a continuous number means nothing)."""
    return info.role is Role.MEASURE and info.dtype in (DType.NUMBER, DType.INTEGER)


def mean_columns(schema: Schema) -> list[str]:
    """The attributes (`attribute_columns`) that are the mean of the customer's lines."""
    return [c.name for c in attribute_columns(schema) if is_mean(c)]


def mode_columns(schema: Schema) -> list[ColumnInfo]:
    """The attributes that are the customer's most frequent value."""
    return [c for c in attribute_columns(schema) if not is_mean(c)]


def fetch_frame(connection: Any, query: str,
                parameters: dict[str, Any] | None = None) -> pd.DataFrame:
    """A query's result as a DataFrame, through Arrow (several times faster than `.df()` for
    text). Earlier results on the connection must be read to the end (fetchall, not fetchone).
    """
    return connection.sql(query, params=parameters).to_arrow_table().to_pandas()


def run_features(connection: Any, groups: str, attributes: list[str], as_of: date | None,
                 *, kept: str = "true", raw_text: bool = False,
                 markers: dict[str, frozenset[str]] | None = None,
                 means: Sequence[str] = (), typed: Sequence[str] = (),
                 yes_first: Sequence[str] = ()) -> tuple[pd.DataFrame, date]:
    """Features (and attribute columns) from `group_sql` groups, indexed by customer_id.

    `raw_text`: the attribute columns hold unread text (see `attribute_sql`), except those
    in `typed` (flags and numbers); `markers`: per column, the missing markers that are
    values of it. `means`: attributes that are the mean of the lines (`mean_sql`).

    `as_of` must be the date the groups were made with when they are a snapshot.
    """
    if as_of is None:
        found = connection.execute(as_of_sql(groups, kept)).fetchall()[0][0]
        if found is None:
            raise DataError("No purchases are left after cleaning; check the column mapping "
                            "with --map amount=COLUMN or --map date=COLUMN.")
        as_of = found
    parameters = {"as_of": as_of}
    features = fetch_frame(connection, feature_sql(groups, kept), parameters)
    if features.empty:
        raise DataError(f"No purchases before the as-of date {as_of}; choose a later date.")
    features = features.set_index("customer_id")
    for name in (RECENCY, FREQUENCY, TENURE):
        if name in features:
            features[name] = features[name].astype("int64")
    for name in (MONETARY, AVG_ORDER_VALUE):
        if name in features:
            features[name] = features[name].astype("float64")
    for name in (FIRST_PURCHASE, LAST_PURCHASE):
        if name in features:
            features[name] = features[name].astype("datetime64[ns]")
    for column in attributes:
        if column in features.columns:
            continue
        if column in means:
            features[column] = _aligned(fetch_frame(
                connection, mean_sql(groups, kept, column) + " ORDER BY customer_id"),
                features.index).astype("float64")
            continue
        values = (markers or {}).get(column, frozenset())
        # Most columns are already clean: then reading every value again is skipped.
        unread = raw_text and column not in typed and connection.execute(
            needs_reading_sql(groups, column, values)).fetchall()[0][0]
        modes = fetch_frame(connection, attribute_sql(groups, kept, column, raw_text=unread,
                                                      markers=values,
                                                      yes_first=column in yes_first)
                            + " ORDER BY customer_id")
        features[column] = _aligned(modes, features.index)
    features.index.name = "customer_id"
    assert as_of is not None
    return features, as_of


def _aligned(modes: pd.DataFrame, index: pd.Index) -> pd.Series:
    """The `value` column of `modes` (sorted by customer_id) for the customers of `index`."""
    ids = modes["customer_id"].to_numpy()
    if len(ids) == len(index) and np.array_equal(ids, index.to_numpy()):
        # Every customer has a value (the usual case): no lookup, which costs more than the query.
        return pd.Series(modes["value"].array, index=index)
    return modes.set_index("customer_id")["value"].reindex(index)


def _for_duckdb(values: pd.Series) -> Any:
    """A column as DuckDB scans it fastest: text stays in Arrow (a NumPy copy would make a
    Python string of every cell), other columns as NumPy arrays."""
    return values.array if isinstance(values.dtype, pd.StringDtype) else values.to_numpy()


def customer_features(df: pd.DataFrame, schema: Schema,
                      as_of: date | datetime | str | None = None) -> tuple[pd.DataFrame, date]:
    """One row per customer (index "customer_id") from the output of `clean_transactions`.

    With an explicit `as_of`, only purchases before that day count (a snapshot).
    """
    date_info = schema.first(Role.DATE)
    if date_info is None:
        raise DataError("No purchase date column found; map one with --map date=COLUMN.",
                        options=schema.names)
    if df.empty and as_of is None:
        raise DataError("No purchases are left after cleaning; check the column mapping "
                        "with --map amount=COLUMN or --map date=COLUMN.")
    days = df[date_info.name].dt.tz_localize(None) if getattr(
        df[date_info.name].dt, "tz", None) is not None else df[date_info.name]
    lines = pd.DataFrame({"customer_id": df[CUSTOMER_ID_COLUMN].to_numpy(),
                          "day": days.dt.normalize().to_numpy(),
                          "amount": df[AMOUNT_COLUMN].to_numpy()})
    order_info = schema.first(Role.ORDER_ID)
    if order_info is not None:
        lines["order_key"] = _for_duckdb(df[order_info.name].astype(str).str.strip())
    else:
        lines["order_key"] = lines["day"]
    attributes = [c.name for c in attribute_columns(schema)
                  if c.name in df.columns and c.name not in LINE_COLUMNS]
    means = [name for name in mean_columns(schema) if name in attributes]
    modes = [name for name in attributes if name not in means]
    for name in attributes:
        # Numbers as floats: a missing one (NaN) is NULL to DuckDB, not a value.
        lines[name] = _for_duckdb(df[name].astype("float64") if name in means else df[name])
    as_of_day = to_date(as_of) if as_of is not None else None
    with duckdb_connection() as connection:
        connection.register("kept_lines", lines)
        keys = [quote_name(a) for a in modes]
        create_groups(connection, "kept_groups",
                      lambda micros: group_sql("kept_lines", keys, snapshot=as_of_day is not None,
                                               micros=micros, means=means),
                      {"as_of": as_of_day} if as_of_day is not None else None)
        features, as_of_day = run_features(connection, "kept_groups", attributes, as_of_day,
                                           means=means, yes_first=df.attrs.get("yes_first", ()))
    for name in modes:
        features[name] = features[name].astype(df[name].dtype)
    features.index = pd.Index(features.index.to_numpy(), name="customer_id",
                              dtype=df[CUSTOMER_ID_COLUMN].dtype)
    if not has_amount(schema):
        # No amount: spend is unknown, not zero (`behaviour.py` says how to map one).
        features = features.drop(columns=list(AMOUNT_FEATURES))
    return features, as_of_day
