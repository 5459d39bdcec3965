"""Workbooks, Parquet files and database tables as frames of text.

`reading.read_table` dispatches here for every format that is not plain text.
The helpers at the end turn typed cells back into the text a CSV export would
hold (ISO dates, no ".0" on whole numbers), so `parsing.py` sees one kind of
input whatever the source.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.errors import DataError

# Formats -----------------------------------------------------------------------------------


def _choose(name: str, kind: str, available: list[str], table: str | None) -> str:
    """The sheet or table to read: `table` (any case), or the only/first one."""
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
    raise DataError(f"{name} has no {kind} '{table}'; choose one of its {kind}s with --table: "
                    f"{', '.join(available)}.", options=available)


def read_excel(path: Path, table: str | None) -> pd.DataFrame:
    """A sheet of an .xlsx workbook: `table`, else the first sheet with data."""
    book = _open_workbook(path)
    try:
        sheets = list(book.sheetnames)
        if table is not None:
            sheet = _choose(path.name, "sheet", sheets, table)
            rows = _filled_rows(book[sheet])
        else:
            # The first sheet with a header and data rows: a cover or notes sheet (a title
            # line or two) in front is common.
            fallback: tuple[str, list[list[Any]]] | None = None
            for sheet in sheets:
                rows = _filled_rows(book[sheet])
                if len(rows) >= 2:
                    break
                fallback = fallback or ((sheet, rows) if rows else None)
            else:
                sheet, rows = fallback or (sheets[0], [])
    finally:
        book.close()
    if not rows:
        raise DataError(f"Sheet '{sheet}' of {path.name} is empty; choose another with --table "
                        f"(sheets: {', '.join(sheets)}).", options=sheets)
    return _sheet_frame(sheet, rows, sheets)


def read_excel_sheets(path: Path) -> list[pd.DataFrame]:
    """Every sheet of an .xlsx workbook with a header and data rows, in the workbook's order.

    Each frame's attrs["note"] names its sheet, as `read_excel` does; the caller chooses.
    """
    book = _open_workbook(path)
    try:
        sheets = list(book.sheetnames)
        filled = [(sheet, _filled_rows(book[sheet])) for sheet in sheets]
    finally:
        book.close()
    return [_sheet_frame(sheet, rows, sheets) for sheet, rows in filled if len(rows) >= 2]


def _open_workbook(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign zip
        raise DataError(f"{path.name} is not a readable Excel workbook; open it in Excel and "
                        "save it as .xlsx or CSV.") from exc


def _sheet_frame(sheet: str, rows: list[list[Any]], sheets: list[str]) -> pd.DataFrame:
    """The table in a sheet's filled rows, below any title lines."""
    cells = [[_cell_text(v) for v in r] for r in rows]
    width = max((i + 1 for r in cells for i, v in enumerate(r) if v.strip()), default=0)
    cells = [r[:width] + [""] * (width - len(r)) for r in cells]
    filled = [sum(1 for v in r if v.strip()) for r in cells]
    # Title lines above the table ("Customer export, March") fill fewer cells than the header.
    widest = max(filled[:20])
    start = next(i for i, n in enumerate(filled) if n >= 0.8 * widest)
    header = clean_names(cells[start])
    body = cells[start + 1:]
    frame = pd.DataFrame(body, columns=header, dtype=str)
    frame.attrs["note"] = (f"sheet '{sheet}'" if len(sheets) == 1
                           else f"sheet '{sheet}' (of {len(sheets)}: {', '.join(sheets)})")
    frame.attrs["sheet"] = sheet
    return frame


def _filled_rows(sheet: Any) -> list[list[Any]]:
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [r for r in rows if any(v is not None and str(v).strip() != "" for v in r)]


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file; a named index (saved by pandas) becomes a column again."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise DataError(f"{path.name} is not a readable Parquet file; export it again.") from exc
    return as_strings(frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex)))


def read_sqlite(path: Path, table: str | None) -> pd.DataFrame:
    """A table or view of a SQLite file, opened read-only; `table` may be omitted if only one."""
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
    return as_strings(frame)


def read_duckdb(path: Path, table: str | None) -> pd.DataFrame:
    """A table of a DuckDB file, opened read-only; `table` may be omitted if only one."""
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
    except duckdb.Error as exc:
        raise DataError(f"{path.name}: the table could not be read ({type(exc).__name__}); "
                        "export it to CSV or Parquet and load that.") from exc
    finally:
        connection.close()
    frame.attrs["note"] = f"table '{chosen}'"
    return as_strings(frame)


# Helpers ------------------------------------------------------------------------------------


def clean_names(names: Iterable[Any]) -> list[str]:
    """Stripped, unique column names; blank ones become column_1, column_2, ..."""
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


def as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as the text a CSV export would hold; missing cells as ''."""
    columns = {position: _column_text(frame.iloc[:, position])
               for position in range(frame.shape[1])}
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), dtype=str)
    out.columns = clean_names(frame.columns)
    out.attrs.update(frame.attrs)
    return out


def _column_text(series: pd.Series) -> pd.Series:
    """One column as text, vectorised per dtype; mixed object columns cell by cell."""
    series = series.reset_index(drop=True)
    missing = series.isna()
    if pd.api.types.is_bool_dtype(series):
        text = series.map({True: "True", False: "False"})
    elif pd.api.types.is_integer_dtype(series):
        text = series.astype("string")
    elif pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):  # infinities are simply not whole
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
