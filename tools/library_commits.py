"""How the saved-segment library changes its files: every change all or none.

A save, refresh or delete is one commit of a definition and its members file: each new
file is written in full to a temporary file, then a small journal naming the moves is put
in place (the commit point), then the moves are made and the journal removed. A process
killed after the commit point leaves its journal, and the next process to open the library
finishes the moves; one killed before it leaves only temporary files, which are never read
and are cleared after an hour. Either way definition and members never disagree. Reads and
writes take the folder's lock (tools/folder_lock.py); the layout of the files themselves
belongs to tools/library.py.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools.folder_lock import folder_lock
from tools.workspace_files import (
    private_folder,
    remove_stale_temporaries,
    stage,
    sync_folder,
    write_private,
)

_JOURNAL_GLOB = ".commit-*.json"
_log = logging.getLogger(__name__)


class LibraryCommits:
    """The lock and the journalled commits of one library folder (definitions as
    ``*.yaml``) and its members folder inside it (snapshots as ``*.txt``)."""

    def __init__(self, folder: Path, members_folder: Path) -> None:
        self.folder = folder
        self.members_folder = members_folder

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A consistent view: no save is halfway while the block reads."""
        if not self.folder.is_dir():
            yield
            return
        with folder_lock(self.folder, exclusive=False):
            if not self._journals():
                yield
                return
        with self.writing():  # a killed save left its commit to finish first
            yield

    @contextmanager
    def writing(self, *, create: bool = True) -> Iterator[None]:
        """The library to oneself, with any commit a killed process left finished."""
        if not create and not self.folder.is_dir():
            yield
            return
        private_folder(self.members_folder)
        with folder_lock(self.folder, exclusive=True):
            for journal in self._journals():
                self._apply(journal)
            yield

    def _journals(self) -> list[Path]:
        return sorted(self.folder.glob(_JOURNAL_GLOB))

    def commit(self, changes: list[tuple[Path, str | None]]) -> None:
        """Write (text) or remove (None) library files as one change: all or none."""
        staged: list[Path] = []
        moves: list[list[str | None]] = []
        try:
            for target, text in changes:
                inside = target.relative_to(self.folder)
                source = None
                if text is not None:
                    # Named from the target: the temporary file's own path may be absolute
                    # while the workspace was given as a relative one (.segment).
                    staged.append(stage(target, text))
                    source = (inside.parent / staged[-1].name).as_posix()
                moves.append([source, inside.as_posix()])
        except BaseException:
            for path in staged:
                path.unlink(missing_ok=True)
            raise
        journal = self.folder / f".commit-{uuid.uuid4().hex}.json"
        try:
            write_private(journal, json.dumps(moves, ensure_ascii=False))  # the commit point
        except BaseException:
            if not journal.exists():  # not committed: nothing may be half done
                for path in staged:
                    path.unlink(missing_ok=True)
            raise
        self._apply(journal)

    def _apply(self, journal: Path) -> None:
        """Make a committed change's moves; safe to repeat after a crash halfway."""
        for source, target in self._read_journal(journal):
            if source is None:
                target.unlink(missing_ok=True)
            elif source.exists():
                os.replace(source, target)
        sync_folder(self.members_folder)
        journal.unlink(missing_ok=True)
        sync_folder(self.folder)

    def _read_journal(self, journal: Path) -> list[tuple[Path | None, Path]]:
        """The moves of a journal, checked to stay inside the library: a planted journal
        must not move or remove anything else."""
        try:
            raw = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = None
        moves: list[tuple[Path | None, Path]] = []
        for entry in raw if isinstance(raw, list) else [None]:
            move = self._checked_move(entry)
            if move is None:
                _log.warning("warning: %s is not a change this program wrote; it was ignored "
                             "and removed", journal)
                return []
            moves.append(move)
        return moves

    def _checked_move(self, entry: Any) -> tuple[Path | None, Path] | None:
        if not (isinstance(entry, list) and len(entry) == 2
                and isinstance(entry[1], str) and (entry[0] is None or isinstance(entry[0], str))):
            return None
        target = self._library_file(entry[1], temporary=False)
        source = None if entry[0] is None else self._library_file(entry[0], temporary=True)
        if target is None or (entry[0] is not None
                              and (source is None or source.parent != target.parent)):
            return None
        return source, target

    def _library_file(self, relative: str, *, temporary: bool) -> Path | None:
        """A path inside the segments folder or its members folder, of the expected kind."""
        parts = relative.split("/")
        if len(parts) == 2 and parts[0] != self.members_folder.name or len(parts) > 2:
            return None
        name = parts[-1]
        if "\\" in name or name in ("", ".", ".."):
            return None
        if temporary:
            fits = name.startswith(".") and name.endswith(".tmp")
        else:
            fits = not name.startswith(".") and name.endswith(".txt" if len(parts) == 2
                                                                else ".yaml")
        return self.folder.joinpath(*parts) if fits else None

    def remove_leftovers(self) -> None:
        """Temporary files of writes killed before their commit point (never read)."""
        for folder in (self.folder, self.members_folder):
            remove_stale_temporaries(folder)
