"""Customer features as one SQL query, for the engine where the order lines live.

`features_sql` assembles the statements `features.py` and `scan.py` run (the
same line columns, cleaning rules, groups, features and attribute modes) into
one standalone query over a table of order lines: CTEs instead of temporary
tables, the as-of day as a literal or a subquery instead of a parameter, and
the "all orders look cancelled" check of SEMANTICS.md as a subquery. The DuckDB
text is rewritten for a warehouse by sqlglot (`sql.transpile`).

Column types decide how each column is read (as `scan.py` reads a Parquet
file); without them the columns are taken as typed: integer customer ids, a
timestamp date, numeric amounts, text order ids, statuses and attributes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

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
from tools.engine.features import (
    as_of_sql,
    attribute_columns,
    attribute_sql,
    duckdb_connection,
    feature_sql,
    is_mean,
    mean_columns,
    mean_sql,
    quote_name,
    sql_literal,
    to_date,
)
from tools.engine.parsing import parse_typed_columns
from tools.engine.roles import infer_schema
from tools.engine.scan import (
    DATE_TYPES,
    INTEGER_TYPES,
    NUMBER_TYPES,
    first_rows,
    line_columns_sql,
    line_rules_sql,
    ruled_groups_sql,
    typed_flag,
)
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema
from tools.engine.sql_dialects import transpile

# Roles a mapping may name, and the column type assumed when none is given.
_ASSUMED_TYPES: dict[Role, tuple[str, DType]] = {
    Role.CUSTOMER_ID: ("BIGINT", DType.INTEGER),
    Role.DATE: ("TIMESTAMP", DType.DATE),
    Role.AMOUNT: ("DOUBLE", DType.NUMBER),
    Role.QUANTITY: ("DOUBLE", DType.NUMBER),
    Role.UNIT_PRICE: ("DOUBLE", DType.NUMBER),
    Role.ORDER_ID: ("VARCHAR", DType.TEXT),
    Role.STATUS: ("VARCHAR", DType.TEXT),
}
# The column type assumed for a flag and for a numeric attribute (`features.is_mean`).
_ATTRIBUTE_TYPES: dict[Role, tuple[str, DType]] = {
    Role.FLAG: ("BOOLEAN", DType.BOOL),
    Role.MEASURE: ("DOUBLE", DType.NUMBER),
}
_OUTPUT = (RECENCY, FREQUENCY, MONETARY, TENURE, AVG_ORDER_VALUE, FIRST_PURCHASE, LAST_PURCHASE)


def schema_from_mapping(mapping: Mapping[str, str], attributes: Sequence[str] = ()) -> Schema:
    """A transaction-log schema from role names ("customer_id", "date", ...) to columns."""
    columns: list[ColumnInfo] = []
    valid = [role.value for role in _ASSUMED_TYPES]
    roles = [*valid, Role.CATEGORY.value]
    for role_name, column in mapping.items():
        if role_name == Role.CATEGORY.value:
            attributes = [*attributes, column]
            continue
        role = Role(role_name) if role_name in valid else None
        if role is None:
            raise DataError(f"No column role '{role_name}' for order lines; use one of "
                            f"{', '.join(roles)}.", options=roles)
        columns.append(ColumnInfo(name=column, role=role, dtype=_ASSUMED_TYPES[role][1]))
    columns.extend(ColumnInfo(name=name, role=Role.CATEGORY, dtype=DType.TEXT)
                   for name in dict.fromkeys(attributes))
    return Schema(kind=DataKind.TRANSACTIONS, columns=tuple(columns))


def features_sql(schema_or_mapping: Schema | Mapping[str, str], *, table: str,
                 as_of: date | datetime | str | None = None, dialect: str = "duckdb",
                 types: Mapping[str, str] | None = None,
                 attributes: Sequence[str] = ()) -> str:
    """One SELECT of the customer features (SEMANTICS.md) from the order lines in `table`.

    `schema_or_mapping`: the raw schema of a load (`data.source.raw_schema`) or role
    names to columns (`{"customer_id": "CustomerID", "date": "InvoiceDate", ...}`,
    with `attributes` for the category columns). `types`: DuckDB type names of the
    columns (as DESCRIBE gives them) where they differ from the assumed ones.
    `table` is written as given (it may be qualified: `ANALYTICS.ORDER_LINES`).
    """
    schema = (schema_or_mapping if isinstance(schema_or_mapping, Schema)
              else schema_from_mapping(schema_or_mapping, attributes))
    column_types = {info.name: _ASSUMED_TYPES.get(info.role, _ATTRIBUTE_TYPES.get(
        info.role, ("VARCHAR", DType.TEXT)))[0] for info in schema.columns}
    column_types.update(types or {})
    schema = _typed_attributes(schema, column_types)
    columns = line_columns_sql(schema, column_types)
    if columns is None:
        raise DataError(_unusable(schema, column_types),
                        options=[role.value for role in _ASSUMED_TYPES])
    flags = ", ".join(f"{condition} AS {name}_rule" for name, condition
                      in line_rules_sql(schema).items())
    means = mean_columns(schema)
    names = [info.name for info in attribute_columns(schema) if info.name not in means]
    # SEMANTICS.md: when every order looks cancelled, the mark is not a cancellation mark.
    kept = ("present_rule AND NOT ((marked_rule AND (SELECT use_marks FROM marks)) "
            "OR status_rule) AND quantity_rule AND amount_rule")
    day = to_date(as_of) if as_of is not None else None
    as_of_value = (f"CAST('{day.isoformat()}' AS TIMESTAMP)" if day is not None
                   else "(SELECT CAST(as_of AS TIMESTAMP) FROM as_of_day)")
    steps = [
        f"raw_lines AS (SELECT *, {flags} FROM (SELECT {columns} FROM {table}) AS source_lines)",
        "line_groups AS (" + ruled_groups_sql(schema, column_types, "raw_lines",
                                              [quote_name(n) for n in names],
                                              snapshot=day is not None, as_of=as_of_value,
                                              means=means) + ")",
        "marks AS (SELECT max(CASE WHEN present_rule AND NOT marked_rule THEN 1 ELSE 0 END) = 1"
        " AS use_marks FROM line_groups)",
    ]
    if day is None:
        steps.append(f"as_of_day AS ({as_of_sql('line_groups', kept)})")
    steps.append("features AS (" + feature_sql("line_groups", kept,
                                               as_of=as_of_value) + ")")
    selected = [f"features.{name}" for name in ("customer_id", *_OUTPUT)]
    joins = []
    for number, name in enumerate([*names, *means]):
        text = column_types[name].split("(")[0] == "VARCHAR"
        steps.append(f"attribute_{number} AS (" + (
            mean_sql("line_groups", kept, name) if name in means
            else attribute_sql("line_groups", kept, name, raw_text=text)) + ")")
        selected.append(f"attribute_{number}.value AS {quote_name(name)}")
        joins.append(f"LEFT JOIN attribute_{number} "
                     f"ON attribute_{number}.customer_id = features.customer_id")
    query = ("WITH " + ",\n".join(steps) + "\nSELECT " + ", ".join(selected)
             + "\nFROM features " + " ".join(joins) + "\nORDER BY features.customer_id")
    if dialect == "duckdb":
        return query
    return transpile(query, dialect)


def _typed_attributes(schema: Schema, types: Mapping[str, str]) -> Schema:
    """`schema` without the flags and numeric attributes whose column type SQL cannot read
    as the ordinary load does (yes/no text, numbers stored as text): no attribute rather
    than a wrong one."""
    def readable(info: ColumnInfo) -> bool:
        kind = types[info.name].split("(")[0]
        if is_mean(info):
            return kind in NUMBER_TYPES
        return info.role is not Role.FLAG or typed_flag(info, kind)

    return replace(schema, columns=tuple(c for c in schema.columns if readable(c)))


def _unusable(schema: Schema, types: Mapping[str, str]) -> str:
    """Why `line_columns_sql` cannot read these order lines, and what to do."""
    for role in (Role.CUSTOMER_ID, Role.DATE):
        if schema.first(role) is None:
            return (f"No {role.value} column among the order lines; map one with "
                    f"--map {role.value}=COLUMN.")
    allowed = {Role.CUSTOMER_ID: ("BIGINT", "VARCHAR", *INTEGER_TYPES),
               Role.DATE: ("TIMESTAMP", "DATE", *DATE_TYPES),
               Role.AMOUNT: ("DOUBLE", "DECIMAL", *NUMBER_TYPES),
               Role.QUANTITY: ("DOUBLE", "DECIMAL", *NUMBER_TYPES),
               Role.UNIT_PRICE: ("DOUBLE", "DECIMAL", *NUMBER_TYPES),
               Role.ORDER_ID: ("VARCHAR", "BIGINT", *INTEGER_TYPES),
               Role.STATUS: ("VARCHAR", "VARCHAR")}
    for role, kinds in allowed.items():
        info = schema.first(role)
        if info is not None and types[info.name].split("(")[0] not in kinds:
            return (f"Column '{info.name}' ({role.value}) is {types[info.name]}; cast it to "
                    f"{' or '.join(dict.fromkeys(kinds[:2]))} in a view of the order lines.")
    return ("The order lines need a numeric amount, or a quantity and a unit price, and text "
            "attributes; map them with --map amount=COLUMN or --map quantity=COLUMN "
            "--map unit_price=COLUMN.")


def file_source(path: str) -> str:
    """The DuckDB table function that reads a Parquet or CSV file (order lines or customers)."""
    reader = "read_parquet" if path.lower().endswith((".parquet", ".pq")) else "read_csv"
    return f"{reader}({sql_literal(path)})"


def file_lines_schema(path: str, mapping: Mapping[str, str] | None = None
                      ) -> tuple[Schema, dict[str, str]]:
    """Roles (first rows, `mapping` overrides) and DuckDB types of the columns of a file."""
    import duckdb

    source = file_source(path)
    with duckdb_connection() as connection:
        try:
            types = {str(row[0]): str(row[1]) for row in
                     connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            first = first_rows(connection, source)
        except duckdb.Error as exc:
            raise DataError(f"{path} could not be read ({type(exc).__name__}); give a Parquet "
                            "or CSV file of order lines.") from exc
    parsed, dtypes = parse_typed_columns(first)
    schema = infer_schema(parsed, dtypes, dict(mapping) if mapping else None)
    if schema.kind is not DataKind.TRANSACTIONS:
        raise DataError(f"{path} looks like a customer table, not order lines; map the roles "
                        "with --map customer_id=COLUMN --map date=COLUMN --map amount=COLUMN.")
    return schema, types


def count_customers(path: str, schema: Schema, *, as_of: date | datetime | str | None = None,
                    types: Mapping[str, str] | None = None) -> int:
    """Customers the DuckDB features query finds in a Parquet or CSV file of order lines."""
    import duckdb

    query = features_sql(schema, table=file_source(path), as_of=as_of, types=types)
    with duckdb_connection() as connection:
        try:
            return int(connection.execute(f"SELECT count(*) FROM ({query}) AS customers"
                                          ).fetchone()[0])
        except duckdb.Error as exc:
            raise DataError(f"{path} could not be summarised ({type(exc).__name__}); check "
                            "the column mapping with --map ROLE=COLUMN.") from exc
