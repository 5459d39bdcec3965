"""The data dictionary: what a team knows about one dataset's columns, as YAML.

One file per dataset in the workspace (`.segment/dictionaries/<file name>.yaml`),
meant to be committed and shared. It holds what no code may assume about a
particular dataset: column descriptions, synonyms in any language ("kids",
"дети", "孩子" for `Kidhome`), which value of a yes/no column means yes, the
unit of a duration column, role choices ("the order count is
NumStorePurchases") and the meanings a team chose for vague words ("best
customers" = the RFM Champions). The interpreter reads it; a model is sent it.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.engine.errors import DataError

UNITS = ("days", "weeks", "months", "years")


class ColumnEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    synonyms: list[str] = Field(default_factory=list)
    unit: str | None = Field(default=None, description="days, weeks, months or years")
    yes: str | None = Field(default=None, description="the value that means yes")
    values: dict[str, list[str]] = Field(
        default_factory=dict, description="value -> other words for it")


class DataDictionary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str = ""
    columns: dict[str, ColumnEntry] = Field(default_factory=dict)
    roles: dict[str, str] = Field(default_factory=dict, description="role -> column")
    meanings: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="a vague phrase -> the condition chosen for it")

    def column(self, name: str) -> ColumnEntry:
        return self.columns.setdefault(name, ColumnEntry())

    def value_synonyms(self) -> list[tuple[str, tuple[str, str]]]:
        return [(synonym, (column, value)) for column, entry in self.columns.items()
                for value, synonyms in entry.values.items() for synonym in synonyms]

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_defaults=True)
        data["columns"] = {name: entry.model_dump(mode="json", exclude_defaults=True)
                           for name, entry in self.columns.items()}
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def dictionary_path(workspace: Path, data_path: str | Path) -> Path:
    """The dictionary file of a dataset: named after the data file (table name included)."""
    stem = re.sub(r"[^\w.-]+", "_", Path(str(data_path)).name) or "data"
    return workspace / "dictionaries" / f"{stem}.yaml"


def load_dictionary(path: Path) -> DataDictionary:
    """The dictionary at `path`, or an empty one; a damaged file is a one-line DataError."""
    if not path.exists():
        return DataDictionary()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return DataDictionary.model_validate(raw)
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError, OSError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError(f"The data dictionary {path} could not be read ({first}): fix or "
                        "delete that file.") from None


def save_dictionary(dictionary: DataDictionary, path: Path) -> Path:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(dictionary.to_yaml())
    os.replace(temporary, path)
    return path
