"""Writing a segment's members to a file a channel can import, with a YAML record beside it.

Every export writes two files: the members (CSV, Parquet or Excel) and
`<file name>.yaml` next to them, which says what was exported and when: the
segment's definition and plain-English meaning, its size, the source file and
its SHA-256, the columns and the export's own hash. A team reading the folder
later knows exactly which customers the file holds and why.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from tools.engine.dataset import CustomerData
from tools.engine.definitions import SegmentDefinition
from tools.engine.errors import EngineError
from tools.engine.matching import nearest
from tools.workspace_files import private_file, write_private

FORMATS = (".csv", ".parquet", ".xlsx")
ID_COLUMN = "customer_id"


@dataclass(frozen=True)
class ExportRecord:
    """What the YAML beside an export says about the segment (beyond what the data says)."""

    segment: str = "segment"
    definition: SegmentDefinition | None = None
    description: str = ""
    layout: str = "members"
    notes: dict[str, Any] = field(default_factory=dict)


def sidecar_path(path: Path) -> Path:
    """`members.csv` -> `members.csv.yaml`, so a definition `members.yaml` is never clobbered."""
    return path.with_name(f"{path.name}.yaml")


def check_export_path(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise EngineError(f"Cannot export to '{path.name}': use a .csv, .parquet or .xlsx file.",
                          options=list(FORMATS))
    return suffix


def member_frame(data: CustomerData, mask: pd.Series,
                 columns: list[str] | None = None) -> pd.DataFrame:
    """Members with their id as the first column, then `columns` (default: every attribute)."""
    members = data.customers.loc[_bool_values(data, mask)]
    if columns is not None:
        members = members[choose_columns(data, columns)]
    return members.reset_index()


def choose_columns(data: CustomerData, columns: list[str]) -> list[str]:
    """The data's own spelling of each requested column (case-insensitive), in order."""
    known = [str(c) for c in data.customers.columns]
    by_lower = {c.lower(): c for c in known}
    chosen: list[str] = []
    for requested in columns:
        name = requested.strip()
        if not name or name.lower() == ID_COLUMN:
            continue  # the id is always the first column
        found = by_lower.get(name.lower())
        if found is None:
            close = nearest(name, known)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise EngineError(f"No column named '{name}' to export{hint}",
                              options=close or known)
        if found not in chosen:
            chosen.append(found)
    return chosen


def export_members(data: CustomerData, mask: pd.Series, path: Path, *,
                   columns: list[str] | None = None, record: ExportRecord | None = None,
                   now: datetime | None = None) -> Path:
    """Write the members (and the YAML record beside them); returns the members file."""
    frame = member_frame(data, mask, columns)
    return write_export(frame, data, mask, path, record=record, now=now)


def write_export(frame: pd.DataFrame, data: CustomerData, mask: pd.Series, path: Path, *,
                 record: ExportRecord | None = None, now: datetime | None = None) -> Path:
    """Write any export frame of a segment atomically, then its YAML record."""
    suffix = check_export_path(path)
    # Members with their columns are personal data: the file is 0600 before anything is
    # written into it (the writers below truncate it and keep its mode).
    tmp = private_file(path.with_name(f".{path.name}.tmp"))
    if suffix == ".csv":
        spreadsheet_safe(frame).to_csv(tmp, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        spreadsheet_safe(frame).to_excel(tmp, index=False, engine="openpyxl")
    tmp.replace(path)
    sidecar = export_sidecar(data, mask, path, frame, record or ExportRecord(), now)
    _write_text(sidecar_path(path), yaml.safe_dump(sidecar, sort_keys=False, allow_unicode=True))
    return path


def export_sidecar(data: CustomerData, mask: pd.Series, path: Path, frame: pd.DataFrame,
                   record: ExportRecord, now: datetime | None = None) -> dict[str, Any]:
    """The YAML record of one export as plain data."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    size = int(_bool_values(data, mask).sum())
    source = data.source
    return {
        "segment": record.segment,
        "description": record.description,
        "definition": (record.definition.model_dump(mode="json")
                       if record.definition is not None else None),
        "size": size,
        "base_customers": data.n_customers,
        "exported_at": moment.isoformat().replace("+00:00", "Z"),
        "layout": record.layout,
        "file": {"name": path.name, "format": path.suffix.lower().lstrip("."),
                 "rows": len(frame), "sha256": file_sha256(path)},
        "columns": [str(c) for c in frame.columns],
        "source": {"file": Path(source.path).name, "path": source.path,
                   "sha256": source.content_hash or None, "kind": str(source.kind),
                   "as_of": source.as_of.isoformat() if source.as_of else None},
        **record.notes,
    }


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text that a spreadsheet would run as a formula ("=HYPERLINK(...)") gets a leading '.

    Customer data comes from anywhere; opening an export must not execute it.
    """
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        text = series.astype("string")
        risky = text.str.startswith(_FORMULA_STARTS, na=False)
        if risky.any():
            safe[column] = series.astype("object").where(~risky, "'" + text)
    return safe


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _bool_values(data: CustomerData, mask: pd.Series) -> Any:
    if isinstance(mask, pd.Series):
        aligned = mask.reindex(data.customers.index, fill_value=False)
        return aligned.fillna(False).astype(bool).to_numpy()
    return pd.Series(mask).astype(bool).to_numpy()


def _write_text(path: Path, text: str) -> None:
    write_private(path, text)
