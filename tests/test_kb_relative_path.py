"""A knowledge index under a relative workspace path (`--workspace .segment`, the default)
opens: the orphan-folder cleanup reads its catalogue by an absolute URI."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tools.knowledge.chroma_index import remove_orphan_folders


def test_orphans_are_found_under_a_relative_path(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    index = Path("ws") / "kb"
    index.mkdir(parents=True)
    with sqlite3.connect(index / "chroma.sqlite3") as db:
        db.execute("CREATE TABLE segments (id TEXT)")
        db.execute("INSERT INTO segments VALUES ('11111111-1111-1111-1111-111111111111')")
    live = index / "11111111-1111-1111-1111-111111111111"
    orphan = index / "22222222-2222-2222-2222-222222222222"
    live.mkdir()
    orphan.mkdir()
    assert remove_orphan_folders(index) == [orphan]
    assert live.is_dir() and not orphan.exists()
