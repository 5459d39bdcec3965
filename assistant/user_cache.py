"""The user's cache folder: what the product works out once per machine, never user data.

The interpreter keeps compiled lexicons and word forms there (interpreter/diskcache.py);
the knowledge base keeps one built index (tools/knowledge/shared_index.py). Everything in
it can be deleted at any time and is made again when next needed.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path:
    """`$XDG_CACHE_HOME/segment-assistant`, by default `~/.cache/segment-assistant`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "segment-assistant"


def shared_knowledge_folder() -> Path:
    """Where the knowledge index built once for every workspace is kept."""
    return cache_folder() / "knowledge"
