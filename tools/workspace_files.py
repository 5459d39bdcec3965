"""Files the product writes into the workspace: private to their owner, written whole.

The workspace holds customer data (conversations, exports, member ids, the load cache),
so folders the product creates there are 0700 and its files 0600 from the moment they
exist. The modes are set explicitly after creation: a umask can only remove bits, so
relying on it alone gives 0777 folders under `umask 0` and unwritable files under an
odd one such as 0277.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
# A temporary file this old belongs to no live write (writes take seconds), so it is a
# leftover of a killed process and can go.
STALE_SECONDS = 3600


def _fchmod(descriptor: int) -> None:
    if hasattr(os, "fchmod"):  # not on Windows, where modes mean little anyway
        os.fchmod(descriptor, FILE_MODE)


def private_folder(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 folders; existing folders are left
    as they are (a workspace may be a folder the user chose and shares on purpose)."""
    missing: list[Path] = []
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        try:
            os.mkdir(created, FOLDER_MODE)
        except FileExistsError:  # another process made it a moment ago
            continue
        os.chmod(created, FOLDER_MODE)
    return Path(path)


def private_file(path: Path) -> Path:
    """Make sure `path` exists and is 0600 (an existing file of ours is tightened too),
    before a library such as SQLite or prompt_toolkit opens it with its own default mode."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        with contextlib.suppress(PermissionError):  # someone else's file: leave its mode
            _fchmod(descriptor)
    finally:
        os.close(descriptor)
    return path


def stage(target: Path, content: str | bytes) -> Path:
    """Write `content` to a new private temporary file beside `target` (flushed to disk)
    and return it; moving it over `target` with os.replace is the caller's commit."""
    private_folder(target.parent)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
    try:
        _fchmod(descriptor)
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_private(path: Path, content: str | bytes) -> None:
    """Replace `path` atomically with a private file: a crash leaves the old one or the new."""
    temporary = stage(path, content)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, removals) to disk where the system allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def remove_stale_temporaries(folder: Path, pattern: str = ".*.tmp",
                             older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove temporary files a killed write left in `folder`; returns what was removed."""
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than
    removed: list[Path] = []
    for stale in folder.glob(pattern):
        try:
            if stale.is_file() and stale.stat().st_mtime < cutoff:
                stale.unlink()
                removed.append(stale)
        except OSError:  # gone already, or not ours to remove
            continue
    return removed
