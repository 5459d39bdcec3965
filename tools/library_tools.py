"""The tools over the team's segment library and files: save, load, delete, list, export.

Saving over a name, deleting and exporting change what the team has; called on a model's
own initiative they need the user's go-ahead (`tool_registry.LIBRARY_CHANGES`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tools.engine.definitions import SegmentDefinition
from tools.engine.describe import describe
from tools.engine.errors import EngineError
from tools.exporting import ExportRecord, export_members, sidecar_path
from tools.tool_result import SegmentState, ToolResult
from tools.tool_specs import (
    DeleteSegmentArgs,
    ExportSegmentArgs,
    ListSegmentsArgs,
    LoadSegmentArgs,
    SaveSegmentArgs,
)
from tools.tool_summaries import customers, segment_summary

if TYPE_CHECKING:
    from tools.toolkit import Toolkit


def save_segment(ctx: Toolkit, args: SaveSegmentArgs) -> ToolResult:
    name = args.name
    library = ctx.require_library()
    definition = ctx.current_definition()
    if definition is None:
        raise EngineError("There is no current segment to save: define one first.",
                          phrase="no_current_segment")
    definition = definition.model_copy(update={"name": name})
    ids = ctx.member_ids()
    info = library.save(definition, size=len(ids), member_ids=ids,
                        source=ctx.data.source, overwrite=True)
    ctx.state = SegmentState(condition=ctx.state.condition, name=name)
    kept = getattr(info, "set_aside", None)
    note = f" The damaged file it replaced was kept as {kept.name}." if kept else ""
    return ToolResult("save_segment", True, {"name": name, "size": len(ids)},
                      message=f"Saved '{name}' ({customers(len(ids))}).{note}",
                      phrase="saved_set_aside" if kept else "saved_segment",
                      values={"name": name, "customers": len(ids),
                              "kept": kept.name if kept else ""})


def load_segment(ctx: Toolkit, args: LoadSegmentArgs) -> ToolResult:
    name = args.name
    saved: SegmentDefinition = ctx.require_library().show(name).definition
    mask = ctx.mask(saved.condition)
    summary = segment_summary(ctx.data, saved.condition, mask, language=ctx.language)
    ctx.push(SegmentState(condition=saved.condition, name=name))
    return ToolResult("load_segment", True, summary,
                      message=f"Loaded '{name}': {customers(summary['size'])}.",
                      phrase="loaded_segment",
                      values={"name": name, "customers": summary["size"]})


def delete_segment(ctx: Toolkit, args: DeleteSegmentArgs) -> ToolResult:
    ctx.require_library().delete(args.name)
    return ToolResult("delete_segment", True, {"name": args.name},
                      message=f"Deleted '{args.name}'.",
                      phrase="deleted_segment", values={"name": args.name})


def list_segments(ctx: Toolkit, args: ListSegmentsArgs) -> ToolResult:
    if ctx.library is None:
        return ToolResult("list_segments", True, {"segments": []},
                          message="No saved segments.")
    items = [{"name": info.name, "size_when_saved": info.size, "saved_at": info.saved_at,
              "source": info.source, "notes": info.notes} for info in ctx.library.list()]
    return ToolResult("list_segments", True, {"segments": items},
                      message=f"{len(items)} saved segments.")


def export_segment(ctx: Toolkit, args: ExportSegmentArgs) -> ToolResult:
    mask = ctx.current_mask()
    if mask is None:
        raise EngineError("There is no current segment to export: define one first.",
                          phrase="no_current_segment")
    target = safe_export_path(ctx.export_dir, args.path, args.format, ctx.state.name)
    record = ExportRecord(segment=ctx.state.name or "current segment",
                          definition=ctx.current_definition(),
                          description=describe(ctx.state.condition, ctx.data)
                          if ctx.state.condition is not None else "")
    written = export_members(ctx.data, mask, target, record=record)
    return ToolResult("export_segment", True,
                      {"path": str(written), "rows": int(mask.sum())},
                      message=f"Exported {customers(int(mask.sum()))} to {written}.",
                      phrase="exported_segment",
                      values={"customers": int(mask.sum()), "path": str(written)})


def safe_export_path(folder: Path, path: str | None, fmt: str | None,
                     name: str | None) -> Path:
    """Exports go inside the export folder: a model cannot write anywhere else."""
    suffix = f".{fmt}" if fmt else ".csv"
    if path:
        candidate = Path(path)
        if candidate.suffix.lower() in {".csv", ".parquet", ".xlsx"}:
            suffix = candidate.suffix.lower()
        stem = candidate.stem
    else:
        stem = name or "segment"
    # Letters of any script stay (a Chinese or Russian segment name is its file name, so two
    # such segments do not both become "segment.csv"); anything that could leave the folder
    # or hide the file (separators, dots, spaces, controls) becomes "-".
    stem = re.sub(r"[^\w-]+", "-", stem).strip("-_") or "segment"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}{suffix}"
    # The folder may be the user's own (the current one): an export replaces an earlier
    # export (it has its note beside it), never another file, which gets a new number.
    number = 1
    while target.exists() and not sidecar_path(target).exists():
        number += 1
        target = folder / f"{stem}-{number}{suffix}"
    return target.resolve()  # said in full: where to find it
