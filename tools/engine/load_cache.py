"""The load cache on disk: one Parquet file per entry, with no code in it.

An entry holds what a load produced: the customers frame as Parquet columns, and the
schema and source metadata as JSON in the Parquet file's own key-value metadata. Reading
an entry builds the dataclasses field by field from that JSON, so a file planted in the
cache folder can at worst be refused (and rebuilt), never run: nothing is unpickled.
Entries of the old format (`*.pkl`) are deleted unread.

An entry is written to a temporary file in the same folder and renamed over its final
name (`os.replace`), so a reader sees a whole entry or none; a write killed half-way
leaves only a temporary file, which a later load removes (`tidy`).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tools.engine.dataset import CleaningStep, CustomerData, SourceInfo
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema

SUFFIX = ".parquet"
# Only our own names: another file put in the folder is left alone.
ENTRY_GLOB = "[0-9a-f]" * 32 + SUFFIX
_OLD_ENTRY_GLOB = "[0-9a-f]" * 32 + ".pkl"
_TEMP_PREFIX = ".entry-"
_TEMP_SUFFIX = ".tmp"
# A temporary file this old belongs to a write that was killed (a write takes seconds);
# younger ones may be another process's write in progress.
STALE_SECONDS = 600
# Entries kept per cache folder; older ones are removed after each write.
MAX_ENTRIES = 20
_META_KEY = b"segment.load"
_FORMAT = 1


def tidy(folder: Path, *, now: float | None = None) -> None:
    """Remove entries of the old pickle format and temporary files of killed writes."""
    if not folder.is_dir():
        return
    limit = (time.time() if now is None else now) - STALE_SECONDS
    try:
        for old in folder.glob(_OLD_ENTRY_GLOB):
            old.unlink(missing_ok=True)
        for temporary in folder.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
            if temporary.stat().st_mtime < limit:
                temporary.unlink(missing_ok=True)
    except OSError:
        return


def read_entry(entry: Path) -> CustomerData | None:
    """The dataset stored in `entry`, or None when it is missing, damaged or foreign."""
    import pyarrow.parquet as pq

    if not entry.is_file():
        return None
    try:
        table = pq.read_table(entry)
        meta = (table.schema.metadata or {}).get(_META_KEY)
        if meta is None:
            return None
        stored = json.loads(meta)
        if stored.get("format") != _FORMAT:
            return None
        customers = table.to_pandas()
        schema = _schema(stored["schema"])
        source = _source(stored["source"])
    except Exception:  # any damage (truncation, foreign metadata) means: rebuild
        return None
    if not isinstance(customers, pd.DataFrame) or list(customers.columns) != schema.names:
        return None
    return CustomerData(customers=customers, schema=schema, source=source)


def write_entry(entry: Path, data: CustomerData) -> None:
    """Store `data` as `entry`, atomically; a failure only costs speed next time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    temporary: str | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(data.customers, preserve_index=True)
        meta = json.dumps({"format": _FORMAT, "schema": _schema_json(data.schema),
                           "source": _source_json(data.source)})
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               _META_KEY: meta.encode()})
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=_TEMP_PREFIX,
                                             suffix=_TEMP_SUFFIX)
        os.close(handle)
        pq.write_table(table, temporary)
        os.replace(temporary, entry)
        temporary = None
        entries = sorted(entry.parent.glob(ENTRY_GLOB), key=lambda p: p.stat().st_mtime)
        for stale in entries[:-MAX_ENTRIES]:
            stale.unlink(missing_ok=True)
    except Exception:  # a full disk, or a column Parquet cannot hold: not cached
        return
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


# JSON of the metadata -------------------------------------------------------------------------


def _schema_json(schema: Schema) -> dict[str, Any]:
    return {"kind": schema.kind.value, "notes": list(schema.notes),
            "columns": [{"name": c.name, "role": c.role.value, "dtype": c.dtype.value,
                         "n_missing": c.n_missing, "n_unique": c.n_unique,
                         "values": list(c.values), "personal_kind": c.personal_kind,
                         "reason": c.reason, "minimum": c.minimum, "maximum": c.maximum,
                         "mean": c.mean}
                        for c in schema.columns]}


def _schema(stored: dict[str, Any]) -> Schema:
    columns = tuple(
        ColumnInfo(name=str(c["name"]), role=Role(c["role"]), dtype=DType(c["dtype"]),
                   n_missing=int(c["n_missing"]), n_unique=int(c["n_unique"]),
                   values=tuple(str(v) for v in c["values"]),
                   personal_kind=_text_or_none(c["personal_kind"]), reason=str(c["reason"]),
                   minimum=_number_or_none(c["minimum"]), maximum=_number_or_none(c["maximum"]),
                   mean=_number_or_none(c.get("mean")))
        for c in stored["columns"])
    return Schema(kind=DataKind(stored["kind"]), columns=columns,
                  notes=tuple(str(n) for n in stored["notes"]))


def _source_json(source: SourceInfo) -> dict[str, Any]:
    return {"path": source.path, "kind": source.kind.value, "rows_read": source.rows_read,
            "raw_schema": _schema_json(source.raw_schema),
            "cleaning": [[s.rule, s.rows_removed] for s in source.cleaning],
            "rows_kept": source.rows_kept,
            "as_of": source.as_of.isoformat() if source.as_of else None,
            "currency": source.currency, "content_hash": source.content_hash,
            "warnings": list(source.warnings), "day_first": source.day_first}


def _source(stored: dict[str, Any]) -> SourceInfo:
    as_of = stored["as_of"]
    return SourceInfo(path=str(stored["path"]), kind=DataKind(stored["kind"]),
                      rows_read=int(stored["rows_read"]), raw_schema=_schema(stored["raw_schema"]),
                      cleaning=tuple(CleaningStep(str(rule), int(rows))
                                     for rule, rows in stored["cleaning"]),
                      rows_kept=int(stored["rows_kept"]),
                      as_of=date.fromisoformat(as_of) if as_of is not None else None,
                      currency=_text_or_none(stored["currency"]),
                      content_hash=str(stored["content_hash"]),
                      warnings=tuple(str(w) for w in stored["warnings"]),
                      day_first=bool(stored.get("day_first", False)))


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _number_or_none(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return float(value)
