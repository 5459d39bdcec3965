"""Conversations persisted in the workspace (SQLite, WAL), so a session can be resumed.

A session remembers which data it was about, its current segment and undo
history (as definition JSON, never members), and the transcript. A turn (its state, the
question and the reply) is one transaction, so a crash keeps the whole turn or none of it.
The database and its WAL files are private to their owner (0600).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.workspace_files import private_file

# The first line of an exported transcript: how `sessions export --out` knows a file it may
# replace from one the user keeps.
TRANSCRIPT_START = "# Session "

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    name TEXT PRIMARY KEY,
    data_path TEXT,
    data_hash TEXT,
    state TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session, id);
"""
_log = logging.getLogger(__name__)


class _Terminal(logging.Handler):
    """The store's warnings as one line on the current stderr, whatever logging setup the
    program has (none, in the `segment` command): a damaged store set aside must be said,
    never only logged somewhere nobody reads."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(" ".join(self.format(record).split()) + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # no stderr (closed, detached): nothing to tell
            pass


_log.addHandler(_Terminal(logging.WARNING))


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """Damage ("file is not a database", "malformed"), not a lock or a missing folder."""
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


@dataclass
class SessionRecord:
    name: str
    data_path: str | None = None
    data_hash: str | None = None
    # {"current": {"condition": ..., "name": ...}, "history": [...]}: definitions only.
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    role: str  # "user" or "assistant"
    content: str
    created: float


class SessionStore:
    """All sessions of one workspace, in workspace/sessions.db.

    A damaged database file is never written over: it is renamed
    sessions.db.corrupt-<timestamp> (reported as a warning and in `set_aside`) and a new,
    empty store takes its place.
    """

    def __init__(self, workspace: Path) -> None:
        self.path = workspace / "sessions.db"
        self.set_aside: Path | None = None

    def _run(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One statement in its own transaction."""
        return self._transaction([(sql, parameters)])

    def _transaction(self, statements: Sequence[tuple[str, tuple[Any, ...]]]
                     ) -> list[tuple[Any, ...]]:
        """Statements committed together (the last one's rows are returned); a damaged
        file is set aside and the transaction retried once on a new store."""
        for attempt in (1, 2):
            try:
                with self._connect() as db:
                    rows: list[tuple[Any, ...]] = []
                    for sql, parameters in statements:
                        rows = db.execute(sql, parameters).fetchall()
                    return rows
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or not _damaged(exc):
                    raise
                self._set_damaged_file_aside()
        raise AssertionError("unreachable")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # Created 0600 before SQLite opens it: SQLite gives the WAL files the same mode.
        try:
            private_file(self.path)
        except OSError:
            if not self.path.is_file():
                raise
            # an existing store we may not change (read-only copy): SQLite can still read it
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            with connection:  # one transaction: all or nothing
                yield connection
        finally:
            connection.close()

    def _set_damaged_file_aside(self) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time() % 1:.6f}"[1:]
        kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, kept)
        except FileNotFoundError:  # another process set it aside first
            return
        for suffix in ("-wal", "-shm"):
            companion = self.path.with_name(self.path.name + suffix)
            if companion.exists():
                os.replace(companion, kept.with_name(kept.name + suffix))
        self.set_aside = kept
        _log.warning("warning: the session store %s was damaged; it was kept as %s (the "
                     "earlier sessions are in that copy) and a new, empty store was started",
                     self.path.absolute(), kept.absolute())

    def load(self, name: str) -> SessionRecord | None:
        rows = self._run("SELECT data_path, data_hash, state FROM sessions WHERE name = ?",
                         (name,))
        if not rows:
            return None
        row = rows[0]
        try:
            state = json.loads(row[2])
        except ValueError:
            _log.warning("warning: the saved state of session %s is damaged; it starts without "
                         "a current segment", name)
            state = {}
        return SessionRecord(name=name, data_path=row[0], data_hash=row[1],
                             state=state if isinstance(state, dict) else {})

    def save(self, record: SessionRecord) -> None:
        self._run(*_upsert(record))

    def append(self, name: str, role: str, content: str) -> None:
        self._run(*_message(name, role, content))

    def record_turn(self, record: SessionRecord, messages: Sequence[tuple[str, str]]) -> None:
        """The session's new state and the turn's messages ((role, content): the question,
        then the reply) in one transaction: never a question stored without its reply."""
        self._transaction([_upsert(record),
                           *(_message(record.name, role, content) for role, content in messages)])

    def transcript(self, name: str) -> list[Message]:
        rows = self._run("SELECT role, content, created FROM messages WHERE session = ? "
                         "ORDER BY id", (name,))
        return [Message(role=r[0], content=r[1], created=r[2]) for r in rows]

    def names(self) -> list[str]:
        rows = self._run("SELECT name FROM sessions ORDER BY updated DESC")
        return [r[0] for r in rows]

    def export_markdown(self, name: str) -> str:
        lines = [f"{TRANSCRIPT_START}{name}", ""]
        for message in self.transcript(name):
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(message.created))
            who = "You" if message.role == "user" else "Assistant"
            lines += [f"**{who}** ({stamp}):", "", message.content, ""]
        return "\n".join(lines)


def _upsert(record: SessionRecord) -> tuple[str, tuple[Any, ...]]:
    return ("INSERT INTO sessions(name, data_path, data_hash, state, updated) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
            "data_path=excluded.data_path, data_hash=excluded.data_hash, "
            "state=excluded.state, updated=excluded.updated",
            (record.name, record.data_path, record.data_hash, json.dumps(record.state),
             time.time()))


def _message(name: str, role: str, content: str) -> tuple[str, tuple[Any, ...]]:
    return ("INSERT INTO messages(session, role, content, created) VALUES (?,?,?,?)",
            (name, role, content, time.time()))
