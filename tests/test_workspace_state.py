"""State and concurrency in the workspace (issue 13): two processes saving one name, a crash
between the steps of a save or of a turn, the folders of rebuilt indexes, a damaged session
store set aside, files private to their owner, segment names in any script.

Processes are real where the point is what another process or a kill does (few, started
with "spawn"); the rest runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import state_workers
import typer
import yaml
from typer.testing import CliRunner

from assistant.sessions import SessionStore
from tools.engine.definitions import Compare
from tools.engine.errors import EngineError
from tools.library import SegmentLibrary, slugify

REPO = Path(__file__).resolve().parent.parent
SPAWN = multiprocessing.get_context("spawn")


def _cli() -> typer.Typer:
    from assistant import cli_assistant
    from assistant.cli import app

    if not any(group.name == "sessions" for group in app.registered_groups):
        cli_assistant.register(app)  # what `segment` (assistant.cli.main) adds at start
    return app


def run_cli(workspace: Path, *args: str) -> Any:
    return CliRunner().invoke(_cli(), [*args, "--workspace", str(workspace)])


# -- 1. same-name saves from two processes -------------------------------------------------


def test_two_processes_saving_one_name_one_wins_and_the_other_is_told(tmp_path: Path) -> None:
    rounds = 12
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    racers = [SPAWN.Process(target=state_workers.race_saves,
                            args=(tmp_path, tag, rounds, barrier, results)) for tag in "ab"]
    for racer in racers:
        racer.start()
    got = {}
    for _ in racers:
        tag, outcomes, kept = results.get(timeout=120)
        got[tag] = (outcomes, kept)
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0
    library = SegmentLibrary(tmp_path)
    for i in range(rounds):
        outcomes = {tag: got[tag][0][i] for tag in "ab"}
        winners = [tag for tag, said in outcomes.items() if said == "saved"]
        assert len(winners) == 1, outcomes  # never both told "saved"
        loser = outcomes["b" if winners == ["a"] else "a"]
        assert "already saved" in loser and "choose another name or pass --overwrite" in loser
        assert "\n" not in loser
        # What was kept is the winner's: its definition with its own members.
        saved = library.show(f"race {i}")
        value, members = state_workers.RACERS[winners[0]]
        assert isinstance(saved.definition.condition, Compare)
        assert saved.definition.condition.value == value
        assert saved.member_ids == tuple(str(m) for m in members)
    # Overwrites in step: each time, one racer's definition with that racer's members.
    for value, size, members in got["a"][1]:
        expected = {v: m for v, m in state_workers.RACERS.values()}[value]
        assert size == len(expected) and members == [str(m) for m in expected]


def test_saves_in_a_workspace_given_as_a_relative_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # `.segment`, the default workspace, is relative
    library = SegmentLibrary(Path(".segment"))
    library.save(state_workers.definition("高价值客户", 1), size=2, member_ids=[1, 2])
    library.refresh("高价值客户", [2, 3])
    assert library.show("高价值客户").member_ids == ("2", "3")
    library.delete("高价值客户")
    assert library.names() == []


def test_a_save_waits_for_the_lock_and_says_so_when_it_cannot_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    from tools import folder_lock

    library = SegmentLibrary(tmp_path)
    library.save(state_workers.definition("vip", 1), size=1, member_ids=[1])
    holder = os.open(tmp_path / "segments" / ".lock", os.O_RDWR)  # another process's lock
    fcntl.flock(holder, fcntl.LOCK_EX)
    monkeypatch.setattr(folder_lock, "TIMEOUT_SECONDS", 0.2)
    try:
        with pytest.raises(EngineError, match="another process has been changing .* try again"):
            library.save(state_workers.definition("vip", 2), size=2, member_ids=[1, 2],
                         overwrite=True)
    finally:
        os.close(holder)
    assert library.show("vip").info.size == 1  # nothing saved was lost


# -- 2. a crash between the steps of a save or of a turn; rebuilt indexes -------------------


@pytest.fixture(scope="module")
def killed_saves(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, bool], Path]:
    """One workspace per crash point: "vip" saved (100 members), then overwritten (200
    members) by a process that dies just before or after its 1st, 2nd or 3rd file move."""
    base = tmp_path_factory.mktemp("killed")
    workspaces: dict[tuple[int, bool], Path] = {}
    processes = []
    for step in (1, 2, 3):
        for after in (False, True):
            workspace = base / f"step{step}-{'after' if after else 'before'}"
            SegmentLibrary(workspace).save(state_workers.definition("vip", 1), size=100,
                                           member_ids=range(100))
            process = SPAWN.Process(target=state_workers.killed_save,
                                    args=(workspace, step, after))
            process.start()
            processes.append(process)
            workspaces[(step, after)] = workspace
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode in (0, 9)
    return workspaces


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("step", [1, 2, 3])
def test_a_save_killed_at_any_step_leaves_definition_and_members_in_step(
        killed_saves: dict[tuple[int, bool], Path], step: int, after: bool) -> None:
    workspace = killed_saves[(step, after)]
    saved = SegmentLibrary(workspace).show("vip")
    assert isinstance(saved.definition.condition, Compare)
    old = (1, 100, tuple(str(i) for i in range(100)))
    new = (2, 200, tuple(str(i) for i in range(100, 300)))
    assert (saved.definition.condition.value, saved.info.size, saved.member_ids) in (old, new)
    assert list((workspace / "segments").glob(".commit-*")) == []  # finished on opening


def test_a_planted_commit_journal_cannot_move_files_outside_the_library(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(state_workers.definition("vip", 1), size=1, member_ids=[1])
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    journal = tmp_path / "segments" / ".commit-planted.json"
    journal.write_text('[[null, "../precious.txt"], [null, "vip.yaml"]]', encoding="utf-8")
    assert library.show("vip").info.size == 1
    assert outside.read_text(encoding="utf-8") == "keep me" and not journal.exists()
    assert "not a change this program wrote" in caplog.text


class Killed(BaseException):
    """Stands for the process dying: not an error anything would catch."""


def _kill_on_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SQLite connection dies when it is about to store an assistant's reply."""
    real_connect = sqlite3.connect

    class Dying(sqlite3.Connection):
        def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
            if "INSERT INTO messages" in sql and "assistant" in tuple(parameters):
                raise Killed
            return super().execute(sql, parameters)

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return real_connect(*args, **{**kwargs, "factory": Dying})

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_a_turn_killed_before_its_reply_is_stored_leaves_no_lone_question(
        mall: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.core import Assistant

    bot = Assistant(mall, workspace=tmp_path, session="s")
    bot.ask("customers older than 40")
    with monkeypatch.context() as patched:
        _kill_on_reply(patched)
        with pytest.raises(Killed):
            bot.ask("only those under 60")
    roles = [m.role for m in SessionStore(tmp_path).transcript("s")]
    assert roles == ["user", "assistant"]  # the killed turn is all gone, not half there
    again = Assistant(mall, workspace=tmp_path, session="s")
    again.ask("only those under 60")
    assert [m.role for m in SessionStore(tmp_path).transcript("s")] == ["user", "assistant"] * 2


def test_each_forced_kb_rebuild_leaves_one_index_folder(tmp_path: Path) -> None:
    from tools.knowledge.store import KnowledgeStore

    source = tmp_path / "kb" / "ru"
    source.mkdir(parents=True)
    for name in ("clustering.md", "lifecycle-stages.md"):  # a small corpus builds fast
        shutil.copy(REPO / "knowledge" / "ru" / name, source / name)
    source = source.parent
    workspace = tmp_path / "ws"

    def folders() -> list[str]:
        return sorted(p.name for p in (workspace / "knowledge").iterdir() if p.is_dir())

    KnowledgeStore(workspace, root=source).build()
    first = folders()
    assert KnowledgeStore(workspace, root=source).build(force=True).rebuilt
    assert len(folders()) == len(first) == 1 and folders() != first
    # An orphan left by an earlier version goes when the index is next opened.
    orphan = workspace / "knowledge" / "0f0f0f0f-1111-2222-3333-444444444444"
    orphan.mkdir()
    (orphan / "data_level0.bin").write_bytes(b"\0" * 1024)
    store = KnowledgeStore(workspace, root=source)
    assert store.stats().built and not orphan.exists()
    assert store.search("RFM", k=1)


# -- 3. a damaged session store, set aside --------------------------------------------------


def test_read_commands_say_once_that_the_session_store_was_damaged(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    garbage = b"this was never a database " * 200
    (tmp_path / "sessions.db").write_bytes(garbage)
    result = run_cli(tmp_path, "sessions", "list")
    assert result.exit_code == 0
    (kept,) = tmp_path.glob("sessions.db.corrupt-*")
    assert kept.read_bytes() == garbage
    said = [line for line in result.stderr.splitlines() if "damaged" in line]
    assert len(said) == 1 and str(kept) in said[0], result.stderr  # once, with where it is
    again = run_cli(tmp_path, "sessions", "list")
    assert again.exit_code == 0 and "damaged" not in again.stderr  # said once, not forever
    assert again.stdout.strip() == "No sessions yet."

    (tmp_path / "sessions.db").write_bytes(garbage)
    export = run_cli(tmp_path, "sessions", "export", "q4")
    lines = export.stderr.strip().splitlines()
    assert export.exit_code == 1 and len(lines) == 2
    assert "damaged" in lines[0] and "corrupt-" in lines[0]
    assert lines[1].startswith("error: no session named 'q4'")


# -- 4. private files ----------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: modes must not depend on it."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_workspace_files_are_readable_by_the_user_only(mall: Any, tmp_path: Path) -> None:
    from assistant.chat import private_history
    from assistant.core import Assistant

    workspace = tmp_path / "ws"
    bot = Assistant(mall, workspace=workspace, session="s")
    bot.ask("customers older than 40")
    assert "Saved" in bot.ask("save them as older").reply
    assert "csv" in bot.ask("export them to csv").reply.lower()
    history = private_history(workspace / "chat_history")
    with history.open("a", encoding="utf-8") as typed:
        typed.write("\n+customers older than 40\n")
    SegmentLibrary(workspace).refresh("older", range(5))
    SegmentLibrary(workspace).list()  # a reader, creating the lock file

    folders = [workspace, workspace / "exports", workspace / "segments",
               workspace / "segments" / ".members"]
    files = [p for p in workspace.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"sessions.db", "chat_history", "older.yaml",
                                       "older.txt", ".lock"}
    assert any(p.suffix == ".csv" for p in files) and any(p.suffix == ".yaml" and
                                                          p.parent.name == "exports"
                                                          for p in files)
    assert {str(p): oct(mode(p)) for p in folders if mode(p) != 0o700} == {}
    assert {str(p): oct(mode(p)) for p in files if mode(p) != 0o600} == {}
    # SQLite's WAL files, while a connection is open, take the database's mode.
    connection = sqlite3.connect(workspace / "sessions.db")
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("SELECT count(*) FROM messages").fetchall()
        for suffix in ("-wal", "-shm"):
            assert mode(workspace / f"sessions.db{suffix}") == 0o600
    finally:
        connection.close()


@pytest.mark.usefixtures("open_umask")
def test_the_load_cache_and_cli_exports_are_private(tmp_path: Path, datasets_dir: Path) -> None:
    from tools.engine.loading import load_customer_data
    from tools.exporting import export_members, sidecar_path

    workspace = tmp_path / "ws"
    result = run_cli(workspace, "ask", "how many customers?", "--data",
                     str(datasets_dir / "mall_customers.csv"))
    assert result.exit_code == 0, result.output
    assert mode(workspace) == mode(workspace / "cache") == 0o700
    entries = list((workspace / "cache").iterdir())
    assert entries and {oct(mode(p)) for p in entries} == {oct(0o600)}
    data = load_customer_data(datasets_dir / "mall_customers.csv")
    mask = data.customers["Age"] > 40
    for suffix in ("csv", "parquet", "xlsx"):
        out = export_members(data, mask, tmp_path / "out" / f"older.{suffix}")
        assert mode(out) == mode(sidecar_path(out)) == 0o600


# -- 5. segment names in any script -------------------------------------------------------


def test_chinese_and_russian_names_have_files_of_their_own() -> None:
    assert slugify("高价值客户") == "高价值客户"
    assert slugify("Лояльные клиенты") == "лояльные-клиенты"
    assert slugify("高价值客户") != slugify("低价值客户")
    assert slugify(" Lapsed VIPs (UK) ") == "lapsed-vips-uk"  # unchanged for Latin names
    assert slugify("ＶＩＰ　客户") == "vip-客户"  # full-width forms are the same name
    long_a, long_b = "高价值" * 60 + "甲", "高价值" * 60 + "乙"
    assert slugify(long_a) != slugify(long_b)
    assert all(len(slugify(n).encode()) <= 120 for n in (long_a, long_b))


def test_the_library_keeps_chinese_and_russian_segments_apart(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    names = {"高价值客户": 1, "低价值客户": 2, "Лояльные клиенты": 3, "Новые клиенты": 4}
    for name, value in names.items():
        library.save(state_workers.definition(name, value), size=value, member_ids=range(value))
    assert sorted(library.names()) == sorted(names)
    for name, value in names.items():
        saved = library.show(name)
        assert saved.name == name and saved.info.size == value
        assert saved.member_ids == tuple(str(i) for i in range(value))
    assert library.show("лояльные клиенты").name == "Лояльные клиенты"
    with pytest.raises(EngineError, match="already saved"):
        library.save(state_workers.definition("高价值客户", 9), size=9, member_ids=[])
    assert library.delete("高价值客户").name == "高价值客户"
    assert sorted(library.names()) == sorted(set(names) - {"高价值客户"})
    assert not (tmp_path / "segments" / ".members" / "高价值客户.txt").exists()


def test_a_segment_saved_under_an_older_file_name_is_still_found(tmp_path: Path) -> None:
    # Before names kept their letters, "Café VIPs" was saved as caf-vips.yaml.
    library = SegmentLibrary(tmp_path)
    library.save(state_workers.definition("Café VIPs", 1), size=1, member_ids=[7])
    (tmp_path / "segments" / "café-vips.yaml").rename(tmp_path / "segments" / "caf-vips.yaml")
    (tmp_path / "segments" / ".members" / "café-vips.txt").rename(
        tmp_path / "segments" / ".members" / "caf-vips.txt")
    assert library.exists("Café VIPs") and library.show("café vips").member_ids == ("7",)
    library.save(state_workers.definition("Café VIPs", 2), size=2, member_ids=[7, 8],
                 overwrite=True)
    assert [p.name for p in (tmp_path / "segments").glob("*.yaml")] == ["caf-vips.yaml"]
    assert library.show("Café VIPs").member_ids == ("7", "8")


def test_chinese_and_russian_names_through_the_command_line(tmp_path: Path,
                                                           datasets_dir: Path) -> None:
    workspace = tmp_path / "ws"
    definition = tmp_path / "older.yaml"
    definition.write_text(yaml.safe_dump({"condition": {"type": "compare", "column": "Age",
                                                        "op": ">", "value": 40}}),
                          encoding="utf-8")
    data = str(datasets_dir / "mall_customers.csv")
    for name in ("高价值客户", "低价值客户", "Лояльные клиенты"):
        saved = run_cli(workspace, "segments", "save", name, "--from", str(definition),
                        "--data", data, "--json")
        assert saved.exit_code == 0, saved.output
    listed = run_cli(workspace, "segments", "list", "--json")
    assert sorted(s["name"] for s in yaml.safe_load(listed.stdout)["segments"]) == sorted(
        ["高价值客户", "低价值客户", "Лояльные клиенты"])
    shown = run_cli(workspace, "segments", "show", "Лояльные клиенты", "--json")
    assert shown.exit_code == 0 and yaml.safe_load(shown.stdout)["info"]["name"] == \
        "Лояльные клиенты"
    again = run_cli(workspace, "segments", "save", "高价值客户", "--from", str(definition),
                    "--data", data)
    assert again.exit_code == 1 and "already saved" in again.stderr
    assert run_cli(workspace, "segments", "delete", "低价值客户").exit_code == 0
    listed = run_cli(workspace, "segments", "list", "--json")
    assert sorted(s["name"] for s in yaml.safe_load(listed.stdout)["segments"]) == sorted(
        ["高价值客户", "Лояльные клиенты"])


def test_chinese_and_russian_names_through_the_chat(mall: Any, tmp_path: Path) -> None:
    from assistant.core import Assistant

    bot = Assistant(mall, workspace=tmp_path, session="s")
    bot.ask("customers older than 40")
    assert "高价值客户" in bot.ask("保存为高价值客户").reply
    bot.ask("customers younger than 30")
    assert "Лояльные клиенты" in bot.ask("сохрани как Лояльные клиенты").reply
    library = SegmentLibrary(tmp_path)
    assert sorted(library.names()) == sorted(["高价值客户", "Лояльные клиенты"])
    older, younger = library.show("高价值客户"), library.show("Лояльные клиенты")
    assert older.info.size != younger.info.size
    assert older.info.size == int((mall.customers["Age"] > 40).sum())
    bot.ask("删除高价值客户")
    assert library.names() == ["Лояльные клиенты"]
