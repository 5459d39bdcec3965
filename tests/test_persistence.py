"""Saved segments and sessions survive kill -9 mid-save and two processes at once; a damaged
file is reported and set aside, never written over."""

from __future__ import annotations

import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from assistant.sessions import SessionRecord, SessionStore
from tools.engine.definitions import Compare, SegmentDefinition
from tools.engine.errors import EngineError
from tools.library import SegmentLibrary

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).parent / "persistence_worker.py"


def start_worker(workspace: Path, tag: str, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, str(WORKER), str(workspace), tag, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def assert_library_whole(workspace: Path) -> list[str]:
    """Every saved file parses, and its facts agree with each other."""
    library = SegmentLibrary(workspace)
    infos = library.list()
    assert [i.problem for i in infos if i.problem] == []
    for info in infos:
        saved = library.show(info.name)
        assert isinstance(saved.definition.condition, Compare)
        assert saved.info.size == saved.definition.condition.value  # one write, not two halves
        raw = yaml.safe_load(info.path.read_text(encoding="utf-8"))
        assert set(raw) == {"name", "notes", "condition", "saved"}
        assert all(line.isdigit() for line in saved.member_ids)
    return [i.name for i in infos]


def assert_sessions_whole(workspace: Path, tags: list[str]) -> dict[str, list[str]]:
    connection = sqlite3.connect(workspace / "sessions.db")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    store = SessionStore(workspace)
    contents: dict[str, list[str]] = {}
    for tag in tags:
        record = store.load(f"s-{tag}")
        assert record is not None and record.data_path == f"/data/{tag}.csv"
        messages = [m.content for m in store.transcript(f"s-{tag}")]
        # Appends are whole transactions: the transcript is an unbroken prefix.
        assert messages == [f"{tag}-{i}" for i in range(len(messages))]
        assert record.state["round"] in (len(messages) - 1, len(messages))
        contents[tag] = messages
    return contents


def test_kill_9_during_saves_leaves_every_file_whole(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    rng = random.Random(7)
    tags: list[str] = []
    for round_ in range(5):
        tags.append(f"k{round_}")
        worker = start_worker(workspace, tags[-1], 0)
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.01, 0.3))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
        assert sorted(assert_library_whole(workspace)) == sorted(
            [f"seg {t}" for t in tags] + ["shared"])
        assert all(assert_sessions_whole(workspace, tags).values())
    # Leftover temporary files from a killed write are never taken for segments, and the
    # next save removes those an hour old.
    library = SegmentLibrary(workspace)
    assert all(p.suffix == ".yaml" for p in library._files())
    leftover = workspace / "segments" / ".shared.yaml.killed.tmp"
    leftover.write_text("name: shar", encoding="utf-8")
    fresh = workspace / "segments" / ".seg-k0.yaml.writing.tmp"
    fresh.write_text("name: seg", encoding="utf-8")
    os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    library.save(SegmentDefinition(name="shared", condition=Compare(column="age", op=">",
                                                                    value=1)),
                 size=1, member_ids=[0], overwrite=True)
    assert not leftover.exists() and fresh.exists()


def test_two_processes_share_one_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    rounds = 40
    workers = {tag: start_worker(workspace, tag, rounds) for tag in ("a", "b")}
    for tag, worker in workers.items():
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, (tag, errors)
        assert "locked" not in errors and "Traceback" not in errors
    assert sorted(assert_library_whole(workspace)) == ["seg a", "seg b", "shared"]
    contents = assert_sessions_whole(workspace, ["a", "b"])
    assert contents == {tag: [f"{tag}-{i}" for i in range(rounds)] for tag in ("a", "b")}
    both = [m.content for m in SessionStore(workspace).transcript("both")]
    assert sorted(both) == sorted(f"{t}-{i}" for t in ("a", "b") for i in range(rounds))
    for tag in ("a", "b"):  # each process's messages in its own order
        assert [m for m in both if m.startswith(f"{tag}-")] == contents[tag]


# Damaged files --------------------------------------------------------------------------------


def definition(name: str) -> SegmentDefinition:
    return SegmentDefinition(name=name, condition=Compare(column="age", op=">", value=3))


def test_a_damaged_segment_is_set_aside_before_an_overwrite(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    damaged = tmp_path / "segments" / "vips.yaml"
    damaged.parent.mkdir(parents=True)
    damaged.write_text("name: vips\ncondition: [unclosed\n", encoding="utf-8")
    assert "vips.yaml" in library.list()[0].problem  # reported by the listing
    with pytest.raises(EngineError, match="already saved"):
        library.save(definition("vips"), size=1, member_ids=[1])
    info = library.save(definition("vips"), size=1, member_ids=[1], overwrite=True)
    assert info.set_aside is not None and info.set_aside.name.startswith("vips.yaml.corrupt-")
    assert info.set_aside.read_text(encoding="utf-8") == "name: vips\ncondition: [unclosed\n"
    assert library.show("vips").definition.condition == Compare(column="age", op=">", value=3)
    assert [i.name for i in library.list()] == ["vips"]  # the kept copy is not a segment
    again = library.save(definition("vips"), size=1, member_ids=[1], overwrite=True)
    assert again.set_aside is None  # a healthy file is simply replaced


def test_the_toolkit_says_when_it_set_a_damaged_segment_aside(tmp_path: Path,
                                                              mall: object) -> None:
    from tools.toolkit import Toolkit

    library = SegmentLibrary(tmp_path)
    (tmp_path / "segments").mkdir()
    (tmp_path / "segments" / "older.yaml").write_text("{{{", encoding="utf-8")
    toolkit = Toolkit(mall, library)  # type: ignore[arg-type]
    assert toolkit.call("define_segment", {"condition": {
        "type": "compare", "column": "Age", "op": ">", "value": 40}}).ok
    result = toolkit.call("save_segment", {"name": "older"})
    assert result.ok and "older.yaml.corrupt-" in result.message
    assert len(list((tmp_path / "segments").glob("older.yaml.corrupt-*"))) == 1


def test_a_damaged_session_store_is_set_aside_and_replaced(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    garbage = bytes(random.Random(3).randrange(256) for _ in range(8192))
    (tmp_path / "sessions.db").write_bytes(garbage)
    store = SessionStore(tmp_path)
    with caplog.at_level(logging.WARNING):
        store.save(SessionRecord(name="q4", state={"current": None}))
    assert store.set_aside is not None and store.set_aside.read_bytes() == garbage
    assert "was damaged" in caplog.text and store.set_aside.name in caplog.text
    store.append("q4", "user", "hello")
    assert [m.content for m in SessionStore(tmp_path).transcript("q4")] == ["hello"]


def test_a_damaged_session_state_starts_empty(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    store.save(SessionRecord(name="s", state={"current": None}))
    connection = sqlite3.connect(tmp_path / "sessions.db")
    with connection:
        connection.execute("UPDATE sessions SET state = '{not json' WHERE name = 's'")
    connection.close()
    record = store.load("s")
    assert record is not None and record.state == {}


def test_damage_found_while_reading_sets_the_store_aside(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    for i in range(200):
        store.append("long", "user", f"message {i} " + "words " * 80)
    connection = sqlite3.connect(tmp_path / "sessions.db")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    database = tmp_path / "sessions.db"
    damaged = bytearray(database.read_bytes())
    damaged[4096 * 3:4096 * 6] = random.Random(5).randbytes(4096 * 3)  # pages, not the header
    database.write_bytes(bytes(damaged))
    reopened = SessionStore(tmp_path)
    assert reopened.transcript("long") == []  # the damaged store was set aside, not read
    assert reopened.set_aside is not None and reopened.set_aside.read_bytes() == bytes(damaged)
    reopened.append("long", "user", "after")
    assert [m.content for m in SessionStore(tmp_path).transcript("long")] == ["after"]
