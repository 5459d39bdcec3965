"""Conversations persisted in the workspace (SQLite, WAL), so a session can be resumed.

A session remembers which data it was about, its current segment and undo
history (as definition JSON, never members), and the transcript.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    """All sessions of one workspace, in workspace/sessions.db."""

    def __init__(self, workspace: Path) -> None:
        self.path = workspace / "sessions.db"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            with connection:  # one transaction: all or nothing
                yield connection
        finally:
            connection.close()

    def load(self, name: str) -> SessionRecord | None:
        with self._connect() as db:
            row = db.execute("SELECT data_path, data_hash, state FROM sessions WHERE name = ?",
                             (name,)).fetchone()
        if row is None:
            return None
        return SessionRecord(name=name, data_path=row[0], data_hash=row[1],
                             state=json.loads(row[2]))

    def save(self, record: SessionRecord) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO sessions(name, data_path, data_hash, state, updated) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                "data_path=excluded.data_path, data_hash=excluded.data_hash, "
                "state=excluded.state, updated=excluded.updated",
                (record.name, record.data_path, record.data_hash, json.dumps(record.state),
                 time.time()))

    def append(self, name: str, role: str, content: str) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO messages(session, role, content, created) VALUES (?,?,?,?)",
                       (name, role, content, time.time()))

    def transcript(self, name: str) -> list[Message]:
        with self._connect() as db:
            rows = db.execute("SELECT role, content, created FROM messages WHERE session = ? "
                              "ORDER BY id", (name,)).fetchall()
        return [Message(role=r[0], content=r[1], created=r[2]) for r in rows]

    def names(self) -> list[str]:
        with self._connect() as db:
            rows = db.execute("SELECT name FROM sessions ORDER BY updated DESC").fetchall()
        return [r[0] for r in rows]

    def export_markdown(self, name: str) -> str:
        lines = [f"# Session {name}", ""]
        for message in self.transcript(name):
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(message.created))
            who = "You" if message.role == "user" else "Assistant"
            lines += [f"**{who}** ({stamp}):", "", message.content, ""]
        return "\n".join(lines)
