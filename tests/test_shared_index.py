"""The machine's one built knowledge index, copied into new workspaces (shared_index.py)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from tools.knowledge.shared_index import COMPLETE, publish_index, seed_index


def _built_index(folder: Path) -> Path:
    """A stand-in for ChromaDB's folder: its database, a vector folder, the weights."""
    (folder / "6f1c2a3e-0000-4000-8000-000000000000").mkdir(parents=True)
    (folder / "chroma.sqlite3").write_bytes(b"SQLite format 3\x00" + b"x" * 100)
    (folder / "6f1c2a3e-0000-4000-8000-000000000000" / "data_level0.bin").write_bytes(b"v" * 64)
    (folder / "kb-new.idf.npy").write_bytes(b"w" * 32)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_new_workspace_starts_from_the_published_copy(tmp_path: Path) -> None:
    built = _built_index(tmp_path / "first" / "knowledge")
    shared = tmp_path / "cache" / "knowledge"
    assert publish_index(built, shared, "kb-new", replaces="kb-")
    target = tmp_path / "second" / "knowledge"
    assert seed_index(shared, "kb-new", target)
    assert _files(target) == _files(built)  # the marker stays behind
    assert not seed_index(shared, "kb-new", target)  # an index is there: left alone


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_seeded_files_are_private(tmp_path: Path) -> None:
    shared = tmp_path / "cache"
    publish_index(_built_index(tmp_path / "a"), shared, "kb-new", replaces="kb-")
    target = tmp_path / "b" / "knowledge"
    seed_index(shared, "kb-new", target)
    for path in [target, *target.rglob("*")]:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_an_unfinished_or_other_copy_is_never_used(tmp_path: Path) -> None:
    shared = tmp_path / "cache"
    unfinished = _built_index(shared / "kb-new")  # no marker: a publisher died mid-copy
    target = tmp_path / "ws" / "knowledge"
    assert not seed_index(shared, "kb-new", target)
    assert not (target / "chroma.sqlite3").exists()
    # Publishing replaces the unfinished copy and removes other collections' copies.
    _built_index(shared / "kb-old")
    (shared / "kb-old" / COMPLETE).write_text("kb-old")
    assert publish_index(_built_index(tmp_path / "built"), shared, "kb-new", replaces="kb-")
    assert (unfinished / COMPLETE).is_file()
    assert not (shared / "kb-old").exists()
    assert not seed_index(shared, "kb-old", tmp_path / "other" / "knowledge")


def test_a_shared_folder_that_cannot_be_written_costs_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert publish_index(_built_index(tmp_path / "built"), blocked / "knowledge", "kb-new",
                         replaces="kb-") is False
    assert not seed_index(blocked / "knowledge", "kb-new", tmp_path / "ws" / "knowledge")


def test_a_second_workspace_answers_from_the_shared_build_without_building(
        tmp_path: Path) -> None:
    from tools.knowledge.store import KnowledgeStore

    shared = tmp_path / "cache" / "knowledge"
    first = KnowledgeStore(tmp_path / "one", shared=shared)
    assert first.build().rebuilt
    second = KnowledgeStore(tmp_path / "two", shared=shared)
    report = second.build()
    assert report.rebuilt is False  # copied, not embedded and stored again
    question = "什么是RFM分析？"
    assert [h.id for h in second.search(question)] == [h.id for h in first.search(question)]
    # Without a shared folder nothing is seeded: a third workspace builds as before.
    assert KnowledgeStore(tmp_path / "three").build().rebuilt
