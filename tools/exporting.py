"""Writing a segment's members to a file a channel can import."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tools.engine.dataset import CustomerData
from tools.engine.errors import EngineError

FORMATS = (".csv", ".parquet", ".xlsx")


def member_frame(data: CustomerData, mask: pd.Series) -> pd.DataFrame:
    """Members with their id as the first column and every customer attribute after it."""
    members = data.customers.loc[mask.to_numpy()]
    return members.reset_index()


def export_members(data: CustomerData, mask: pd.Series, path: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise EngineError(f"Cannot export to '{path.name}': use a .csv, .parquet or .xlsx file.",
                          options=list(FORMATS))
    frame = member_frame(data, mask)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if suffix == ".csv":
        frame.to_csv(tmp, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        frame.to_excel(tmp, index=False, engine="openpyxl")
    tmp.replace(path)
    return path
