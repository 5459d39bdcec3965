"""One built copy of the knowledge index per machine, from which each new workspace starts.

The index holds only the shipped knowledge text, the same in every folder, yet building it
(fitting the embedding, embedding 440 passages, storing them in ChromaDB) takes seconds that
the first answer in a new folder would wait for. So a finished build is also kept in a
shared folder under the collection's name (which carries the corpus and embedding
hashes), and a workspace without an index copies that one (a few MB, milliseconds)
instead of building. Nothing about customers is ever in it. The caller decides where the
shared folder is (the CLI: the user's cache folder), so this module reads no settings.

A copy is published whole or not at all: written beside its final name, marked complete,
then renamed into place; a reader takes only a marked copy. A copy that still fails to
open is met by the store's own check (the collection's passage count) and rebuilt.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from pathlib import Path

from tools.workspace_files import FILE_MODE, FOLDER_MODE, STALE_SECONDS, private_folder

# Written last into a published copy: a folder without it is unfinished.
COMPLETE = ".complete"
# Left in a shared folder by a publisher that died mid-copy.
_UNFINISHED = ".publishing-"


def seed_index(shared: Path, name: str, target: Path) -> bool:
    """Copy the shared build of collection `name` into the empty index folder `target`.

    True when copied; False when `target` already holds an index or no complete shared
    copy of `name` exists (the store then builds as before).
    """
    source = shared / name
    if (target / "chroma.sqlite3").exists() or not (source / COMPLETE).is_file():
        return False
    private_folder(target)
    try:
        _copy_private(source, target)
    except OSError:
        # A half-copied index would fail to open: leave the folder as it was, empty.
        for item in target.iterdir():
            if item.is_dir():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)
        return False
    return True


def publish_index(source: Path, shared: Path, name: str, *, replaces: str) -> bool:
    """Keep a copy of the freshly built index folder `source` as collection `name`.

    Copies of other collections whose names start with `replaces` (older corpora or
    embeddings) are removed. False when the shared folder cannot be written (read-only
    home, full disk): nothing else depends on it.
    """
    final = shared / name
    if (final / COMPLETE).is_file():
        return True
    staging = shared / f"{_UNFINISHED}{uuid.uuid4().hex}"
    try:
        private_folder(shared)
        _copy_private(source, staging)
        (staging / COMPLETE).write_text(name, encoding="utf-8")
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)  # an unfinished copy of the same name
        os.replace(staging, final)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return (final / COMPLETE).is_file()  # another process may have published it
    now = time.time()
    for other in shared.iterdir():
        stale = other.name.startswith(_UNFINISHED) and now - other.stat().st_mtime > \
            STALE_SECONDS  # a publisher that died; a live one finishes in seconds
        if stale or (other.name.startswith(replaces) and other.name != name):
            shutil.rmtree(other, ignore_errors=True)
    return True


def _copy_private(source: Path, target: Path) -> None:
    """`source`'s files into `target` (folders 0700, files 0600), the marker left out."""
    def copy(src: str, dst: str) -> None:
        shutil.copyfile(src, dst)
        with contextlib.suppress(OSError):
            os.chmod(dst, FILE_MODE)

    shutil.copytree(source, target, copy_function=copy, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(COMPLETE))
    # copytree gives the folders the source's modes: made private again.
    for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
        with contextlib.suppress(OSError):
            os.chmod(folder, FOLDER_MODE)
