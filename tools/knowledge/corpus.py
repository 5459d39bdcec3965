"""The shipped knowledge base as passages: one `##` section of one Markdown file each.

Files are read through importlib.resources so the corpus is found the same way in a
source checkout and in an installed wheel; tests pass a folder of their own instead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_PACKAGE = "knowledge"
LANGUAGES: tuple[str, ...] = ("en", "zh", "ru")

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", flags=re.DOTALL)
_NAMED_IN_HEADING = re.compile(r"\(([^()]+)\)")


class CorpusError(ValueError):
    """A knowledge file that cannot be read as front matter plus `##` sections."""


@dataclass(frozen=True)
class Passage:
    """One `##` section of a knowledge file, with where it came from."""

    id: str
    doc_id: str
    file: str  # relative to the knowledge root, e.g. "en/rfm-analysis.md"
    section: str
    lang: str
    title: str
    text: str
    topic: str
    segment: str = ""  # the RFM segment the passage is about, if any
    stage: str = ""  # the lifecycle stage the passage is about, if any
    play: str = ""  # the general play (retention, upsell...) a playbook section is about
    tags: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data

    @property
    def source(self) -> dict[str, str]:
        return {"file": self.file, "section": self.section, "doc_id": self.doc_id}


@dataclass(frozen=True)
class Corpus:
    """Every passage of the knowledge base and a hash of the files they came from."""

    passages: tuple[Passage, ...]
    content_hash: str
    files: int

    def by_id(self) -> dict[str, Passage]:
        return {p.id: p for p in self.passages}

    def languages(self) -> list[str]:
        return sorted({p.lang for p in self.passages})


def _walk(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            if not entry.name.startswith((".", "__")):
                yield from _walk(entry, relative + "/")
        elif entry.name.endswith(".md"):
            yield relative, entry


def _split_sections(body: str) -> list[tuple[str, str]]:
    sections: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
    return [(heading, "\n".join(lines).strip()) for heading, lines in sections]


def _names(meta: dict[str, Any], single: str, several: str) -> list[str]:
    if meta.get(single):
        return [str(meta[single])]
    return [str(n) for n in meta.get(several) or []]


def _about(heading: str, names: list[str]) -> str:
    """The segment or stage a section is about: the file's one name, or the one in its heading."""
    if len(names) == 1:
        return names[0]
    lowered = {n.lower(): n for n in names}
    for found in _NAMED_IN_HEADING.findall(heading):
        if found.strip().lower() in lowered:
            return lowered[found.strip().lower()]
    return ""


def parse_file(relative: str, raw: str) -> list[Passage]:
    """The passages of one knowledge file; raises CorpusError when it is malformed."""
    match = _FRONT_MATTER.match(raw.replace("\r\n", "\n"))
    if not match:
        raise CorpusError(f"{relative}: no YAML front matter between --- lines")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise CorpusError(f"{relative}: front matter is not valid YAML ({exc})") from None
    if not isinstance(meta, dict) or not meta.get("id"):
        raise CorpusError(f"{relative}: front matter needs at least an id")
    doc_id = str(meta["id"])
    lang = str(meta.get("lang") or relative.split("/", 1)[0])
    segments = _names(meta, "segment", "segments")
    stages = _names(meta, "stage", "stages")
    plays = _names(meta, "play", "plays")
    tags = tuple(str(t) for t in meta.get("tags") or [])
    passages = []
    for index, (heading, text) in enumerate(_split_sections(match.group(2))):
        if not text:
            continue
        passages.append(Passage(
            id=f"{doc_id}#{index:02d}", doc_id=doc_id, file=relative, section=heading,
            lang=lang, title=str(meta.get("title") or doc_id), text=text,
            topic=str(meta.get("topic") or "concept"), segment=_about(heading, segments),
            stage=_about(heading, stages), play=_about(heading, plays), tags=tags))
    return passages


def knowledge_root() -> Traversable:
    """The knowledge base shipped with the package (source tree or installed wheel)."""
    return resources.files(KNOWLEDGE_PACKAGE)


def load_corpus(root: Path | Traversable | None = None) -> Corpus:
    """Read every `**/*.md` under `root` (default: the shipped knowledge base)."""
    base: Traversable = knowledge_root() if root is None else root
    digest = hashlib.sha256()
    passages: list[Passage] = []
    files = 0
    for relative, entry in _walk(base):
        data = entry.read_bytes()
        digest.update(relative.encode("utf-8") + b"\0" + data + b"\0")
        passages.extend(parse_file(relative, data.decode("utf-8")))
        files += 1
    return Corpus(passages=tuple(passages), content_hash=digest.hexdigest(), files=files)
