"""Large CSV transaction logs: the DuckDB path of `scan.py`, where it reproduces pandas exactly.

`reading.py` reads every cell of a CSV as text and `parsing.py` judges each
column from all its values. DuckDB reads the file as text too (every column
VARCHAR, the delimiter `reading.sniff_delimiter` picks), takes the roles from
the first `SAMPLE_ROWS` rows, and converts only the columns whose every value
has one plain form that both paths read the same way: ISO dates
("2010-12-01 08:26:00") and plain decimal numbers ("-2.55"). One pass over the
file checks that; any other value (a currency sign, a thousands separator, a
day-first date), another encoding than UTF-8, or Excel's "sep=" line returns
None and the ordinary path runs.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from tools.engine.features import (
    duckdb_connection,
    mean_columns,
    quote_name,
    sql_literal,
    text_sql,
)
from tools.engine.parsing import parse_typed_columns
from tools.engine.reading import sniff_delimiter
from tools.engine.roles import infer_schema, number_columns
from tools.engine.scan import LogRelation, ScannedLog, first_rows, scan_relation
from tools.engine.schema import DType, Role
from tools.engine.stores import clean_names

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
# Bytes read to sniff the delimiter and estimate the number of rows.
_HEAD_BYTES = 1 << 20
_ISO_DATE = r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?"
# No leading zeros: "007" is a code to `parsing.py`, not a number.
_PLAIN_NUMBER = r"[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?"
_NUMBER_ROLES = (Role.AMOUNT, Role.QUANTITY, Role.UNIT_PRICE)
_DOT_THOUSANDS = r"[-+]?[0-9]{1,3}(\.[0-9]{3})+"


def csv_rows_estimate(path: Path) -> int:
    """Rows of an uncompressed UTF-8 CSV estimated from its size and first lines (0 if not)."""
    if path.suffix.lower() not in CSV_SUFFIXES:
        return 0
    head = _head(path)
    if head is None:
        return 0
    lines = head.count("\n")
    if lines < 2:
        return 0
    return int(path.stat().st_size * lines / len(head.encode("utf-8")))


def _head(path: Path) -> str | None:
    with path.open("rb") as handle:
        raw = handle.read(_HEAD_BYTES)
    try:
        # A character cut at the end of the block is not an encoding problem.
        return raw.decode("utf-8-sig") if len(raw) < _HEAD_BYTES else raw[:raw.rfind(b"\n") + 1
                                                                           ].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def scan_csv(path: Path, *, mapping: dict[str, str] | None = None,
             as_of: date | None = None) -> ScannedLog | None:
    """Customers of a large CSV transaction log, or None when the ordinary path must run."""
    import duckdb

    with duckdb_connection() as connection:
        try:
            relation = csv_relation(connection, path, mapping)
            return None if relation is None else scan_relation(connection, relation, as_of)
        except duckdb.Error:
            # Rows DuckDB will not read as pandas does (bad UTF-8, ragged rows): pandas decides.
            return None


def csv_relation(connection: Any, path: Path, mapping: dict[str, str] | None
                 ) -> LogRelation | None:
    """The order lines of a CSV file, typed, and their roles (None: the ordinary path reads
    it). The view `typed_lines` of the connection holds the lines."""
    head = _head(path)
    if head is None:
        return None
    lines = head.strip().splitlines()[:50]
    if not lines or re.fullmatch(r"sep=.", lines[0].strip(), flags=re.IGNORECASE):
        return None
    delimiter = sniff_delimiter(lines)
    source = (f"read_csv({sql_literal(str(path))}, all_varchar = true, header = true, "
              f"delim = {sql_literal(delimiter)}, quote = '\"', escape = '\"')")
    first = first_rows(connection, source)
    names = [str(name) for name in first.columns]
    if clean_names(names) != names or any(not name.strip() for name in names):
        return None
    # As the ordinary path reads them, so that a mapped amount with a bad cell in these rows
    # is a number column here too (whose bad cells then send the file to that path).
    parsed, dtypes = parse_typed_columns(first, number_columns(first, mapping))
    schema = infer_schema(parsed, dtypes, mapping)
    conversions: dict[str, tuple[str, str, str]] = {}
    date_info = schema.first(Role.DATE)
    if date_info is None or date_info.dtype is not DType.DATE:
        return None
    conversions[date_info.name] = ("TIMESTAMP", _ISO_DATE, "TIMESTAMP")
    for role in _NUMBER_ROLES:
        info = schema.first(role)
        if info is not None:
            if info.dtype not in (DType.NUMBER, DType.INTEGER):
                return None
            conversions[info.name] = ("DOUBLE", _PLAIN_NUMBER, "DOUBLE")
    for name in mean_columns(schema):
        # A numeric attribute (its mean per customer) is read as the amounts are.
        conversions[name] = ("DOUBLE", _PLAIN_NUMBER, "DOUBLE")
    checks = []
    for name, (sql_type, pattern, _) in conversions.items():
        value = text_sql(quote_name(name))
        checks.append(f"count(*) FILTER (WHERE {value} IS NOT NULL AND NOT ("
                      f"regexp_full_match({value}, {sql_literal(pattern)}) AND "
                      f"TRY_CAST({value} AS {sql_type}) IS NOT NULL))")
        if delimiter == ";" and sql_type == "DOUBLE":
            # "1.500" in a semicolon-separated file may be 1500 (`parsing.parse_columns`
            # decides from the whole file): the ordinary path reads it.
            checks.append(f"count(*) FILTER (WHERE regexp_full_match({value}, "
                          f"{sql_literal(_DOT_THOUSANDS)}))")
    row = connection.execute(f"SELECT {', '.join(checks)} FROM {source}").fetchone()
    if any(row):
        return None
    converted = ", ".join(f"TRY_CAST({text_sql(quote_name(name))} AS {sql_type}) AS "
                          f"{quote_name(name)}" for name, (sql_type, _, _) in conversions.items())
    connection.execute(f"CREATE TEMP VIEW typed_lines AS SELECT * REPLACE ({converted}) "
                       f"FROM {source}")
    types = {name: conversions[name][2] if name in conversions else "VARCHAR"
             for name in names}
    return LogRelation("typed_lines", types, parsed, schema)
