"""A lock on a workspace folder shared by every process that uses it.

Saves take it exclusively, reads shared, so a save's check ("is that name taken?") and
its writes happen with no other save in between, and a reader never sees half a save.
It is an advisory `flock` on a `.lock` file in the folder: the system releases it when
its process dies, even by kill -9, so a crash never leaves the folder locked.
Windows has no flock: there it is a byte-range lock (`msvcrt.locking`) on the same file,
exclusive for readers too.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools.engine.errors import EngineError
from tools.workspace_files import FILE_MODE, private_folder

LOCK_NAME = ".lock"
# Long enough for another process's save of a large segment; short enough that a stuck
# process is reported instead of hanging the command.
TIMEOUT_SECONDS = 15.0


class FolderBusy(EngineError):
    """Another process kept the folder locked for longer than the timeout."""


@dataclass
class _Held:
    descriptor: int
    exclusive: bool
    depth: int


# The locks this process holds, per thread and lock file: a nested request (a save that
# lists the library to check a name) reuses the lock instead of waiting for itself.
_held: dict[tuple[int, str], _Held] = {}
_guard = threading.Lock()


def _try_lock(descriptor: int, exclusive: bool) -> bool:
    """One attempt at the lock: True when taken. Windows has no shared locks, so there a
    reader takes the same byte-range lock a save does (readers wait for each other)."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(descriptor: int) -> None:
    """Release before closing: Windows frees a byte-range lock on close only eventually;
    a flock goes with the last descriptor anyway."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)


def _flock(descriptor: int, exclusive: bool, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.005
    while not _try_lock(descriptor, exclusive):
        if time.monotonic() >= deadline:
            raise FolderBusy(
                f"another process has been changing {folder} for more than "
                f"{timeout:.0f} s: wait for it to finish, then try again") from None
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


@contextmanager
def folder_lock(folder: Path, *, exclusive: bool,
                timeout: float | None = None) -> Iterator[None]:
    """Hold the folder's lock (created 0600 if missing) for the duration of the block.

    A shared lock on a folder whose lock file cannot be created (a read-only copy of a
    workspace) reads without one: nobody can be writing there through this product.
    """
    wait = TIMEOUT_SECONDS if timeout is None else timeout
    path = Path(folder) / LOCK_NAME
    key = (threading.get_ident(), os.path.realpath(path))
    with _guard:
        held = _held.get(key)
    if held is not None:
        if exclusive and not held.exclusive and sys.platform != "win32":  # Windows: held already
            _flock(held.descriptor, True, folder, wait)
            held.exclusive = True
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
        return
    if exclusive:
        private_folder(folder)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError:
        if exclusive:
            raise
        yield
        return
    try:
        _flock(descriptor, exclusive, folder, wait)
    except BaseException:
        os.close(descriptor)
        raise
    with _guard:
        _held[key] = _Held(descriptor, exclusive, 1)
    try:
        yield
    finally:
        with _guard:
            del _held[key]
        try:
            _unlock(descriptor)
        finally:
            os.close(descriptor)
