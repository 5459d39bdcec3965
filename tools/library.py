"""Saved segments: definitions as YAML files a team can commit and review.

Each segment lives in ``<workspace>/segments/<slug>.yaml``: a short header
comment for people (when, from which file, how many customers), then the
definition with a stable key order, then a ``saved`` block with the same facts
for programs. The member ids at save time are kept apart in
``segments/.members/<slug>.txt`` (one id per line, sorted) so the YAML diff
stays small and ``refresh`` can say who joined and who left.

A save, refresh or delete is one all-or-none commit of both files
(tools/library_commits.py), so definition and members never disagree. The whole save
runs under the folder's lock (tools/folder_lock.py), so two processes saving the same
name one after the other is what happens: the second is told the name is taken. Files
are private to their owner (tools/workspace_files.py).

File names keep the letters of any script, so "高价值客户" and "Лояльные клиенты" are
files of their own, and a name is also found by the name written inside its file (a
file saved under an older naming scheme, or renamed by hand).
"""

from __future__ import annotations

import builtins
import hashlib
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from tools.engine.definitions import SegmentDefinition, load_yaml
from tools.engine.errors import EngineError, SegmentNotFound, first_problem
from tools.engine.matching import nearest
from tools.library_commits import LibraryCommits

if TYPE_CHECKING:
    from tools.engine.dataset import SourceInfo

SEGMENTS_DIR = "segments"
MEMBERS_DIR = ".members"
_SAVED_KEY = "saved"
# File names stay well under the 255-byte limit of common file systems, with room for the
# temporary name written beside them; longer names end in a hash of the whole name.
_MAX_SLUG_BYTES = 120


@dataclass(frozen=True)
class SavedSegmentInfo:
    """One line of the library listing."""

    name: str
    slug: str
    path: Path
    size: int | None = None
    saved_at: str = ""
    refreshed_at: str = ""
    source: str = ""
    source_hash: str = ""
    notes: str = ""
    # Non-empty when the file cannot be read: the listing still shows it.
    problem: str = ""
    # Where a damaged file this save replaced was kept (NAME.yaml.corrupt-<timestamp>).
    set_aside: Path | None = None


@dataclass(frozen=True)
class SavedSegment:
    info: SavedSegmentInfo
    definition: SegmentDefinition
    # Member ids at the last save or refresh, as text; empty when no snapshot exists.
    member_ids: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.info.name


@dataclass(frozen=True)
class RefreshReport:
    name: str
    before: int
    after: int
    joined: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "before": self.before, "after": self.after,
                "joined": len(self.joined), "left": len(self.left),
                "joined_ids": self.joined, "left_ids": self.left}


def slugify(name: str) -> str:
    """File-safe form of a segment name: "Lapsed VIPs (UK)" -> "lapsed-vips-uk",
    "高价值客户" -> "高价值客户", "Лояльные клиенты" -> "лояльные-клиенты".

    Letters, digits and combining marks of every script are kept (lower-cased, in NFKC
    form so full-width "ＶＩＰ" is "vip"); anything else separates words. Two names map
    to one file only when they differ in nothing but case, spacing and punctuation.
    """
    text = unicodedata.normalize("NFKC", name).lower()
    kept = "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in text)
    slug = "-".join(kept.split())
    encoded = slug.encode("utf-8")
    if len(encoded) <= _MAX_SLUG_BYTES:
        return slug
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    head = encoded[:_MAX_SLUG_BYTES - 13].decode("utf-8", errors="ignore").rstrip("-")
    return f"{head}-{digest}"


def _id_sort_key(value: str) -> tuple[int, int, str]:
    # Numeric ids sort as numbers (2 before 10); text ids after, alphabetically.
    stripped = value.lstrip("-")
    if stripped.isdigit():
        return (0, int(value), "")
    return (1, 0, value)


def _ids_as_text(members: Iterable[Any]) -> list[str]:
    """Sorted unique ids as text; a boolean mask (pandas Series) gives its True labels."""
    dtype = getattr(members, "dtype", None)
    if dtype is not None and str(dtype) == "bool" and hasattr(members, "index"):
        members = members.index[members.to_numpy()]  # type: ignore[attr-defined]
    return sorted({str(m) for m in members}, key=_id_sort_key)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class SegmentLibrary:
    """The saved segments of one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = Path(workspace)
        self.folder = self.workspace / SEGMENTS_DIR
        self.members_folder = self.folder / MEMBERS_DIR
        self._commits = LibraryCommits(self.folder, self.members_folder)

    # ----- paths -------------------------------------------------------------

    def _path(self, slug: str) -> Path:
        return self.folder / f"{slug}.yaml"

    def _members_path(self, slug: str) -> Path:
        return self.members_folder / f"{slug}.txt"

    def _files(self) -> builtins.list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.yaml"))

    # ----- reading -----------------------------------------------------------

    def _read(self, path: Path) -> tuple[SegmentDefinition, dict[str, Any]]:
        """Parse one file; any problem is an EngineError naming the file."""
        try:
            raw = load_yaml(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise EngineError(f"cannot read saved segment file {path}: {exc}") from exc
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (line {where.line + 1})" if where is not None else ""
            raise EngineError(
                f"saved segment file {path} is not valid YAML{line}: fix or delete it"
            ) from exc
        if not isinstance(raw, dict):
            raise EngineError(
                f"saved segment file {path} does not hold a segment definition: fix or delete it"
            )
        saved = raw.pop(_SAVED_KEY, None)
        meta = saved if isinstance(saved, dict) else {}
        try:
            definition = SegmentDefinition.from_data(raw)
        except ValidationError as exc:
            loc, problem = first_problem(exc)
            raise EngineError(
                f"saved segment file {path} has an invalid definition"
                f" ({loc or 'top level'}: {problem}): fix or delete it"
            ) from exc
        return definition, meta

    def _info(self, path: Path, definition: SegmentDefinition | None,
              meta: dict[str, Any], problem: str = "") -> SavedSegmentInfo:
        slug = path.stem
        name = (definition.name if definition and definition.name else None) or slug
        size = meta.get("size")
        return SavedSegmentInfo(
            name=name, slug=slug, path=path,
            size=int(size) if isinstance(size, int) else None,
            saved_at=str(meta.get("at", "")),
            refreshed_at=str(meta.get("refreshed_at", "") or ""),
            source=str(meta.get("source", "") or ""),
            source_hash=str(meta.get("source_hash", "") or ""),
            notes=definition.notes if definition else "",
            problem=problem,
        )

    def list(self) -> builtins.list[SavedSegmentInfo]:
        """Every saved segment, by file name; unreadable files are listed with `problem`."""
        infos: builtins.list[SavedSegmentInfo] = []
        with self._commits.reading():
            for path in self._files():
                try:
                    definition, meta = self._read(path)
                except EngineError as exc:
                    infos.append(self._info(path, None, {}, problem=exc.message))
                    continue
                infos.append(self._info(path, definition, meta))
        return infos

    def names(self) -> builtins.list[str]:
        return [info.name for info in self.list()]

    def _find(self, name: str) -> Path | None:
        """The file of the segment called `name`: by its file name, else by the name
        written inside a file (saved under an older naming scheme, or renamed by hand)."""
        slug = slugify(name)
        if not slug:
            return None
        path = self._path(slug)
        if path.is_file():
            return path
        for info in self.list():
            if not info.problem and slugify(info.name) == slug:
                return info.path
        return None

    def _locate(self, name: str) -> Path:
        path = self._find(name)
        if path is not None:
            return path
        known = self.names()
        options = list(nearest(name, known, 3)) or known[:5]
        hint = f"; did you mean {', '.join(repr(o) for o in options)}?" if options else ""
        if not known:
            hint = "; the library is empty (save one with `segment segments save`)"
        raise SegmentNotFound(f"no saved segment named {name!r}{hint}", options,
                              phrase="no_saved_segment", values={"name": name})

    def exists(self, name: str) -> bool:
        with self._commits.reading():
            return self._find(name) is not None

    def show(self, name: str) -> SavedSegment:
        with self._commits.reading():
            path = self._locate(name)
            definition, meta = self._read(path)
            members = self._read_members(path.stem)
        return SavedSegment(info=self._info(path, definition, meta), definition=definition,
                            member_ids=tuple(members))

    def definition(self, name: str) -> SegmentDefinition:
        return self.show(name).definition

    def resolver(self) -> Callable[[str], SegmentDefinition]:
        """The `resolve` callable evaluate() needs for references to saved segments."""
        return self.definition

    def _read_members(self, slug: str) -> builtins.list[str]:
        path = self._members_path(slug)
        if not path.is_file():
            return []
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]

    # ----- writing -----------------------------------------------------------

    def _render(self, definition: SegmentDefinition, meta: dict[str, Any], slug: str) -> str:
        name = definition.name or ""
        when = meta.get("refreshed_at") or meta.get("at")
        source = meta.get("source") or "unknown data"
        digest = meta.get("source_hash") or ""
        short = f" (sha256 {digest[:12]})" if digest else ""
        size = meta.get("size")
        header = [
            f"# Segment {name!r}: saved by segment-assistant; edit the condition, keep the keys.",
            f"# Last saved {when} from {source}{short}: {size} customers.",
            f"# Members at that time: {MEMBERS_DIR}/{slug}.txt",
        ]
        # A line break in a name or file name must not end the comment early.
        header = [" ".join(line.split()) for line in header]
        body = definition.model_dump(mode="json")
        ordered = {"name": body["name"], "notes": body["notes"], "condition": body["condition"],
                   _SAVED_KEY: {k: meta[k] for k in ("at", "refreshed_at", "size", "source",
                                                     "source_hash") if meta.get(k) is not None}}
        text = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True,
                              default_flow_style=False)
        return "\n".join(header) + "\n" + text

    def save(self, definition: SegmentDefinition, *, size: int, member_ids: Iterable[Any],
             source: SourceInfo | None = None, overwrite: bool = False,
             name: str | None = None) -> SavedSegmentInfo:
        """Store a definition and its members; `name` overrides the definition's own name.

        The check that the name is free and the write are one step under the library's
        lock: of two processes saving one new name, the second is refused, never both
        told "saved".
        """
        chosen = (name or definition.name or "").strip()
        if not slugify(chosen):
            raise EngineError("a saved segment needs a name with at least one letter or digit: "
                              "give one, e.g. `segment segments save \"lapsed vips\" ...`")
        definition = definition.model_copy(update={"name": chosen})
        meta: dict[str, Any] = {"at": _now(), "size": int(size)}
        if source is not None:
            meta["source"] = Path(source.path).name
            meta["source_hash"] = source.content_hash or None
        members = "".join(f"{i}\n" for i in _ids_as_text(member_ids))
        with self._commits.writing():
            path = self._find(chosen) or self._path(slugify(chosen))
            if path.exists() and not overwrite:
                raise EngineError(
                    f"a segment named {chosen!r} is already saved ({path.name}): "
                    "choose another name or pass --overwrite", [chosen])
            kept = self._set_aside_if_damaged(path)
            self._commits.remove_leftovers()
            self._commits.commit([(self._members_path(path.stem), members),
                                  (path, self._render(definition, meta, path.stem))])
        return replace(self._info(path, definition, meta), set_aside=kept)

    def _set_aside_if_damaged(self, path: Path) -> Path | None:
        """Keep an unreadable file next to its replacement instead of writing over it."""
        if not path.exists():
            return None
        try:
            self._read(path)
        except EngineError:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            kept = path.with_name(f"{path.name}.corrupt-{stamp}")
            os.replace(path, kept)
            return kept
        return None

    def delete(self, name: str) -> SavedSegmentInfo:
        with self._commits.writing(create=False):
            path = self._locate(name)
            try:
                definition, meta = self._read(path)
                info = self._info(path, definition, meta)
            except EngineError as exc:
                # Deleting is how a user gets rid of a broken file: allow it.
                info = self._info(path, None, {}, problem=exc.message)
            self._commits.commit([(path, None), (self._members_path(path.stem), None)])
        return info

    def refresh(self, name: str, members: Iterable[Any], *,
                source: SourceInfo | None = None) -> RefreshReport:
        """Compare today's members with the snapshot, then store them as the new snapshot."""
        after_ids = _ids_as_text(members)
        with self._commits.writing(create=False):
            path = self._locate(name)
            definition, meta = self._read(path)
            before_ids = self._read_members(path.stem)
            before_set, after_set = set(before_ids), set(after_ids)
            joined = [i for i in after_ids if i not in before_set]
            left = [i for i in before_ids if i not in after_set]
            left.sort(key=_id_sort_key)
            meta = dict(meta)
            meta.setdefault("at", _now())
            meta["refreshed_at"] = _now()
            meta["size"] = len(after_ids)
            if source is not None:
                meta["source"] = Path(source.path).name
                meta["source_hash"] = source.content_hash or None
            self._commits.remove_leftovers()
            snapshot = "".join(f"{i}\n" for i in after_ids)
            self._commits.commit([(self._members_path(path.stem), snapshot),
                                  (path, self._render(definition, meta, path.stem))])
        return RefreshReport(name=definition.name or path.stem, before=len(before_ids),
                             after=len(after_ids), joined=joined, left=left)
