"""Files and database tables to a raw DataFrame of strings.

Every column comes back as text so that `parsing.py` alone decides what a
value means (a currency string, a day-first date, a missing marker). The
format is recognised from the file's first bytes before its extension, so a
CSV saved as `.txt` or an Excel workbook renamed `.dat` still loads.
`df.attrs["note"]` says which sheet or table was used when there was a choice, and
`df.attrs["warning"]` that a table name was given for a file that has only one.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.errors import DataError

_DELIMITERS = (",", "\t", ";", "|")
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DUCKDB_MAGIC = b"DUCK"  # at byte offset 8 of a DuckDB database file
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_GZIP_MAGIC = b"\x1f\x8b"
_SQLITE_SUFFIXES = {".db", ".sqlite", ".sqlite3"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}


def read_table(path: Path, table: str | None = None) -> pd.DataFrame:
    """Read a CSV/TSV (optionally gzipped), Excel, Parquet, JSON, SQLite or DuckDB file.

    `table` picks an Excel sheet or a database table. Returns a DataFrame whose
    columns are all strings (missing cells are empty strings).
    """
    path = Path(path)
    if not path.exists():
        siblings = _nearby_files(path)
        hint = f" (did you mean {' or '.join(siblings)}?)" if siblings else ""
        raise DataError(f"File not found: {path}{hint}; check the path and try again.",
                        options=siblings)
    if path.is_dir():
        raise DataError(f"{path} is a folder; give the path of a data file inside it.")
    if path.stat().st_size == 0:
        raise DataError(f"{path.name} is empty; export the data again with its rows.")
    with path.open("rb") as handle:
        head = handle.read(64)
    suffix = path.suffix.lower()
    if head.startswith(_SQLITE_MAGIC) or (suffix in _SQLITE_SUFFIXES and not head.strip()):
        frame = _read_sqlite(path, table)
    elif head[8:12] == _DUCKDB_MAGIC or suffix == ".duckdb":
        frame = _read_duckdb(path, table)
    elif head.startswith(_ZIP_MAGIC) or suffix in _EXCEL_SUFFIXES:
        frame = _read_excel(path, table)
    elif head.startswith(_PARQUET_MAGIC) or suffix in {".parquet", ".pq"}:
        frame = _single_table(_read_parquet(path), path.name, table)
    elif suffix == ".xls":
        raise DataError(f"{path.name} is an old .xls workbook; save it as .xlsx or CSV "
                        "and load that.")
    else:
        raw = path.read_bytes()
        inner = path
        if raw.startswith(_GZIP_MAGIC):
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                raise DataError(f"{path.name} is a damaged gzip file; compress it again.") from exc
            inner = path.with_suffix("") if suffix == ".gz" else path
        text, encoding = _decode(raw, path.name)
        if inner.suffix.lower() in _JSON_SUFFIXES or text.lstrip()[:1] in ("[", "{"):
            frame = _read_json_text(text, path.name)
        else:
            frame = _read_delimited_text(text, raw, encoding, path.name)
        frame = _single_table(frame, path.name, table)
    return _check_rows(frame, path.name)


def _nearby_files(path: Path) -> list[str]:
    from tools.engine.matching import nearest

    folder = path.parent if path.parent.is_dir() else None
    if folder is None:
        return []
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())[:500]
    except OSError:
        return []
    return nearest(path.name, names)


def _single_table(frame: pd.DataFrame, name: str, table: str | None) -> pd.DataFrame:
    if table is not None:
        frame.attrs["warning"] = f"--table {table} ignored: {name} holds a single table."
    return frame


def _check_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if frame.shape[1] == 0:
        raise DataError(f"{name} has no columns; export the data again with a header row.")
    if len(frame) == 0:
        raise DataError(f"{name} has a header but no data rows; export it again with its rows.")
    return frame


# Text formats -------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding that read it: UTF-8 (with or without BOM), else cp1252."""
    sample = raw[:65536]
    utf16 = sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if not utf16 and (b"\x00" in sample or control > len(sample) // 100):
        raise DataError(f"{name} is not a text table; save it as CSV, Excel, Parquet or JSON.")
    for encoding in ("utf-16", "utf-8-sig", "cp1252") if utf16 else ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # latin-1 maps every byte, so it is the last resort for legacy exports.
    return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample lines into the most, consistent fields."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts:
            continue
        header = counts[0]
        consistent = sum(1 for c in counts if c == header)
        if header < 2:
            continue
        score = (consistent, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_delimited_text(text: str, raw: bytes, encoding: str, name: str) -> pd.DataFrame:
    sample = text[:200_000].strip().splitlines()[:50]
    if not sample:
        raise DataError(f"{name} is empty; export the data again with its rows.")
    delimiter = sniff_delimiter(sample)
    # The C parser reads bytes faster than a Python string; UTF-16 needs the decoded text.
    wide = encoding == "utf-16"
    source: io.StringIO | io.BytesIO = io.StringIO(text) if wide else io.BytesIO(raw)
    try:
        frame = pd.read_csv(source, sep=delimiter, encoding=None if wide else encoding,
                            dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "unreadable rows"
        fields = f"{_DELIMITER_NAMES[delimiter]}-separated fields"
        raise DataError(f"{name} could not be read as a table ({first}); check that every "
                        f"row has the same number of {fields}.") from exc
    frame.columns = _clean_names(frame.columns)
    frame.attrs["note"] = f"{_DELIMITER_NAMES[delimiter]}-separated text"
    return frame


def _read_json_text(text: str, name: str) -> pd.DataFrame:
    records: Any
    try:
        records = json.loads(text)
    except json.JSONDecodeError:
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise DataError(f"{name} is not valid JSON (line {exc.lineno}); export it as a list "
                            "of records or one record per line.") from exc
    if isinstance(records, dict):
        lists = [v for v in records.values() if isinstance(v, list)]
        if len(lists) == 1:
            records = lists[0]
        elif all(isinstance(v, dict) for v in records.values()):
            records = list(records.values())
        else:
            records = [records]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{name} is JSON but not a list of records; export it as "
                        "[{\"column\": value, ...}, ...] or one record per line.")
    if not records:
        raise DataError(f"{name} has no records; export the data again with its rows.")
    frame = pd.DataFrame.from_records(records)
    return _as_strings(frame)


# Binary formats -----------------------------------------------------------------------------


def _choose(name: str, kind: str, available: list[str], table: str | None) -> str:
    if not available:
        raise DataError(f"{name} has no {kind}s; export a file that contains the data.")
    if table is None:
        if len(available) == 1 or kind == "sheet":
            return available[0]
        raise DataError(f"{name} has {len(available)} {kind}s ({', '.join(available)}); "
                        f"choose one with --table NAME.", options=available)
    if table in available:
        return table
    folded = {a.lower(): a for a in available}
    if table.lower() in folded:
        return folded[table.lower()]
    raise DataError(f"{name} has no {kind} '{table}'; its {kind}s are: {', '.join(available)}.",
                    options=available)


def _read_excel(path: Path, table: str | None) -> pd.DataFrame:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign zip
        raise DataError(f"{path.name} is not a readable Excel workbook; open it in Excel and "
                        "save it as .xlsx or CSV.") from exc
    try:
        sheets = list(book.sheetnames)
        sheet = _choose(path.name, "sheet", sheets, table)
        rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [r for r in rows if any(v is not None and str(v).strip() != "" for v in r)]
    if not rows:
        raise DataError(f"Sheet '{sheet}' of {path.name} is empty; choose another with --table "
                        f"(sheets: {', '.join(sheets)}).", options=sheets)
    width = max(len(r) for r in rows)
    header = _clean_names([_cell_text(v) for v in rows[0]] + [""] * (width - len(rows[0])))
    body = [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=str)
    frame.attrs["note"] = (f"sheet '{sheet}'" if len(sheets) == 1
                           else f"sheet '{sheet}' (of {len(sheets)}: {', '.join(sheets)})")
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise DataError(f"{path.name} is not a readable Parquet file; export it again.") from exc
    return _as_strings(frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex)))


def _read_sqlite(path: Path, table: str | None) -> pd.DataFrame:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DataError(f"{path.name} is not a readable SQLite database.") from exc
    try:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        chosen = _choose(path.name, "table", names, table)
        quoted = '"' + chosen.replace('"', '""') + '"'
        cursor = connection.execute(f"SELECT * FROM {quoted}")  # name checked against the catalogue
        columns = [d[0] for d in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{path.name} is not a readable SQLite database ({exc}).") from exc
    finally:
        connection.close()
    frame.attrs["note"] = f"table '{chosen}'"
    return _as_strings(frame)


def _read_duckdb(path: Path, table: str | None) -> pd.DataFrame:
    import duckdb

    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DataError(f"{path.name} is not a readable DuckDB database "
                        "(or another program has it open for writing).") from exc
    try:
        names = [r[0] for r in connection.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' ORDER BY table_name").fetchall()]
        chosen = _choose(path.name, "table", names, table)
        quoted = '"' + chosen.replace('"', '""') + '"'
        frame = connection.execute(f"SELECT * FROM {quoted}").df()  # name from the catalogue
    finally:
        connection.close()
    frame.attrs["note"] = f"table '{chosen}'"
    return _as_strings(frame)


# Helpers ------------------------------------------------------------------------------------


def _clean_names(names: Iterable[Any]) -> list[str]:
    cleaned: list[str] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(names, start=1):
        name = str(raw).strip().lstrip("\ufeff") if raw is not None else ""
        if not name or name.lower().startswith("unnamed:"):
            name = f"column_{position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        cleaned.append(name)
    return cleaned


def _cell_text(value: Any) -> str:
    """A cell value as the text a CSV export would hold (ISO dates, no '.0' on whole numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT:
            return ""
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as the text a CSV export would hold; missing cells as ''."""
    columns = {position: _column_text(frame.iloc[:, position])
               for position in range(frame.shape[1])}
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), dtype=str)
    out.columns = _clean_names(frame.columns)
    out.attrs.update(frame.attrs)
    return out


def _column_text(series: pd.Series) -> pd.Series:
    series = series.reset_index(drop=True)
    missing = series.isna()
    if pd.api.types.is_bool_dtype(series):
        text = series.map({True: "True", False: "False"})
    elif pd.api.types.is_integer_dtype(series):
        text = series.astype("string")
    elif pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 1e15)
        text = pd.Series(np.where(whole, np.where(whole, values, 0).astype("int64").astype(str),
                                  series.astype(str)), dtype=str)
    elif pd.api.types.is_datetime64_any_dtype(series):
        stamps = series.dt.tz_localize(None) if series.dt.tz is not None else series
        has_time = bool((stamps.dropna() != stamps.dropna().dt.normalize()).any())
        text = stamps.dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
    elif pd.api.types.is_string_dtype(series) and series.dtype != object:
        text = series
    else:
        text = series.map(lambda v: "" if _is_missing(v) else _cell_text(v))
    return text.astype(str).mask(missing, "")


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)
