"""The tools the agent calls, over one loaded dataset.

Whoever drives them (the built-in interpreter or an LLM), every tool call goes
through `Toolkit.call(name, args)`: the arguments are validated against
`tool_specs.TOOL_ARGS`, the engine computes, and the result is a compact,
JSON-able `ToolResult`. Full frames (members, scores) stay here; a model only
ever sees counts, shares, definitions and category values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from tools.dictionary import DataDictionary
from tools.engine.canonical import canonical
from tools.engine.clustering import fit_clustering, summarise
from tools.engine.dataset import CustomerData
from tools.engine.definitions import (
    And,
    Cluster,
    Condition,
    Not,
    Rank,
    SegmentDefinition,
    conjunction,
)
from tools.engine.describe import describe
from tools.engine.errors import EngineError, SegmentNotFound
from tools.engine.evaluate import evaluate
from tools.engine.lifecycle import lifecycle_table
from tools.engine.profiles import compare, overlap, profile
from tools.engine.rfm import rfm_caveats, rfm_summary
from tools.engine.schema import Role
from tools.exporting import ExportRecord, export_members, sidecar_path
from tools.figure_summaries import figures_result
from tools.privacy import personal_operands
from tools.segment_names import named_condition
from tools.tool_errors import NESTED_TOO_DEEPLY, argument_problem, condition_nodes, valid_options
from tools.tool_result import LIBRARY_CHANGES, LastClustering, SegmentState, ToolResult
from tools.tool_specs import TOOL_ARGS
from tools.tool_summaries import column_values, customers, data_summary, segment_summary
from tools.toolkit_knowledge import KnowledgeTools
from tools.toolkit_predict import PredictTools

ALL_CUSTOMERS = ("all", "everyone", "all customers", "base", "whole base")
CURRENT = ("current", "this", "them", "these", "it", "current segment")


class Toolkit(KnowledgeTools, PredictTools):
    """Tools over one dataset, holding the conversation's current segment."""

    def __init__(self, data: CustomerData, library: Any | None = None,
                 export_dir: Path | None = None, knowledge: Any | None = None) -> None:
        self.data = data
        self.library = library  # tools.library.SegmentLibrary, or None when nothing is saved
        self.knowledge = knowledge  # tools.knowledge.store.KnowledgeStore, built on first use
        self.language = "en"  # the request's language: knowledge answers, descriptions
        self.export_dir = export_dir or Path.cwd()
        self.state = SegmentState()
        self.history: list[SegmentState] = []
        self._mask_cache: dict[str, pd.Series] = {}
        self.last_clustering: LastClustering | None = None
        # None: the caller acts for the user (CLI, built-in interpreter). Otherwise the
        # LIBRARY_CHANGES the user's own message asks for in this turn.
        self.consent: frozenset[str] | None = None
        self.refused: str | None = None  # the last change refused for want of consent
        # The team's data dictionary (tools.dictionary.DataDictionary), sent to a model.
        self.dictionary: DataDictionary | None = None

    # -- dispatch -------------------------------------------------------------------------

    def call(self, name: str, args: dict[str, Any] | None = None) -> ToolResult:
        try:
            result = self._call(name, args)
        except RecursionError:  # a condition nested hundreds of levels deep
            return ToolResult(name, False, message=NESTED_TOO_DEEPLY)
        if not result.ok and ("\n" in result.message or "\r" in result.message):
            # An error quoting a value with line breaks in it stays one line.
            result = replace(result, message=" ".join(result.message.split()))
        return result

    def _call(self, name: str, args: dict[str, Any] | None) -> ToolResult:
        spec = TOOL_ARGS.get(name)
        if spec is None:
            return ToolResult(name, False, message=f"Unknown tool '{name}'.",
                              options=sorted(TOOL_ARGS))
        try:
            parsed = spec.model_validate(args or {})
        except ValidationError as exc:
            return ToolResult(name, False, message=argument_problem(exc, spec),
                              options=valid_options(exc, spec))
        handler: Callable[..., ToolResult] = getattr(self, f"_tool_{name}")
        if self.consent is not None and name not in self.consent and \
                self._changes_library(name, parsed.model_dump()):
            self.refused = name
            return ToolResult(name, False, {"needs_confirmation": True,
                                            "action": _CHANGE_WORDS[name]}, message=(
                f"Not done: {_CHANGE_WORDS[name]}, and the user has not asked for that in "
                "this message. Ask the user to confirm; if they say yes, call it again."))
        personal = personal_operands(self.data.schema, parsed.model_dump())
        if personal:
            # Values of personal columns never enter a condition, a clustering or an error's
            # "did you mean": whoever asks (a model included) would be shown real people.
            usable = [c.name for c in self.data.schema.columns if c.role is not Role.PERSONAL]
            return ToolResult(name, False, options=usable[:12], message=(
                f"{personal[0]} holds personal data; segments and groups use the other columns "
                "(only 'missing' or 'present' applies to it)."))
        try:
            self._predictions_for(parsed.model_dump_json())  # predicted measures named: fit
            return handler(**parsed.model_dump())
        except EngineError as exc:
            return ToolResult(name, False, message=exc.message, options=exc.options,
                              phrase=exc.phrase, values=exc.values)

    def _changes_library(self, name: str, args: dict[str, Any]) -> bool:
        if name == "save_segment":  # a new name adds; an existing one would be overwritten
            return self.library is not None and self.library.exists(str(args.get("name", "")))
        return name in LIBRARY_CHANGES

    # -- the current segment --------------------------------------------------------------

    def replace_data(self, data: CustomerData) -> None:
        """The same conversation over data loaded again (new roles): cached masks go."""
        self.data = data
        self._mask_cache.clear()

    def current_mask(self) -> pd.Series | None:
        if self.state.condition is None:
            return None
        return self.mask(self.state.condition)

    def current_definition(self) -> SegmentDefinition | None:
        if self.state.condition is None:
            return None
        return SegmentDefinition(name=self.state.name, condition=self.state.condition)

    def member_ids(self) -> list[str]:
        mask = self.current_mask()
        if mask is None:
            return []
        return [_id_text(i) for i in self.data.customers.index[mask.to_numpy()]]

    def mask(self, condition: Condition) -> pd.Series:
        key = condition.model_dump_json()
        if key not in self._mask_cache:
            self._predictions_for(key)  # a restored session's p_alive, clv: fitted again
            self._mask_cache[key] = evaluate(condition, self.data, resolve=self._resolve)
        return self._mask_cache[key]

    def restore(self, state: SegmentState, history: list[SegmentState],
                clustering: LastClustering | None = None) -> None:
        """Put back a persisted conversation's segment state and last clustering (sessions)."""
        self.state = state
        self.history = list(history)
        self.last_clustering = clustering

    def _resolve(self, name: str) -> SegmentDefinition:
        if self.library is None:
            raise SegmentNotFound(f"No saved segment '{name}': nothing has been saved yet.",
                                  phrase="no_saved_segment", values={"name": name})
        saved: SegmentDefinition = self.library.show(name).definition
        self._predictions_for(saved.condition)
        return saved

    def _push(self, state: SegmentState) -> None:
        self.history.append(self.state)
        self.state = state

    def _segment_mask(self, name: str | None) -> tuple[pd.Series, str]:
        """A segment by any name a person would use; returns (mask, label)."""
        key = (name or "current").strip()
        lowered = key.lower()
        if lowered in CURRENT:
            mask = self.current_mask()
            if mask is None:
                raise EngineError("There is no current segment yet: define one first.",
                                  phrase="no_current_segment")
            return mask, self.state.name or "current segment"
        if lowered in ALL_CUSTOMERS:
            return pd.Series(True, index=self.data.customers.index), "all customers"
        condition = self._condition_for_name(key)
        return self.mask(condition), key

    def _condition_for_name(self, name: str) -> Condition:
        return named_condition(name, self.library.names() if self.library is not None else [])

    # -- tools ----------------------------------------------------------------------------

    def _tool_describe_data(self) -> ToolResult:
        summary = data_summary(self.data)
        return ToolResult("describe_data", True, summary,
                          message=f"{customers(self.data.n_customers)}, "
                                  f"{len(summary['columns'])} columns.")

    def _tool_define_segment(self, condition: dict[str, Any], mode: str) -> ToolResult:
        try:
            parsed: Condition = TypeAdapter(Condition).validate_python(condition)
        except ValidationError as exc:
            return ToolResult("define_segment", False, message=argument_problem(exc),
                              options=_CONDITION_TYPES)
        if mode != "new" and self.state.condition is None:
            mode = "new"  # a refinement with nothing to refine is a fresh request
        if mode in ("refine", "exclude"):
            assert self.state.condition is not None
            added = parsed if mode == "refine" else Not(condition=parsed)
            combined = conjunction([_as_unit(self.state.condition), added])
        else:
            combined = parsed
        mask = self.mask(combined)
        combined = canonical(combined, self.data)
        summary = segment_summary(self.data, combined, mask, language=self.language)
        if summary["size"] == 0:
            return ToolResult("define_segment", False, summary,
                              message=f"No customers match: {summary['description']}. "
                                      "The current segment is unchanged.")
        self._push(SegmentState(condition=combined))
        return ToolResult("define_segment", True, summary,
                          message=f"{customers(summary['size'])}: {summary['description']}.")

    def _tool_column_values(self, column: str, contains: str | None) -> ToolResult:
        summary = column_values(self.data, column, contains)
        shown = len(summary["values"])
        return ToolResult("column_values", True, summary, message=(
            f"{summary['column']}: {shown} of {summary['matching']} values"
            + (f" containing '{contains}'" if contains else "") + "."))

    def _tool_run_rfm(self) -> ToolResult:
        summaries = rfm_summary(self.data)
        rows = [row.to_dict() for row in summaries]
        as_of = self.data.source.as_of
        return ToolResult("run_rfm", True,
                          {"as_of": as_of.isoformat() if as_of else None, "segments": rows,
                           **rfm_caveats(self.data, summaries)},
                          message=f"RFM scores for {customers(self.data.n_customers)} "
                                  f"in {len(rows)} named segments.")

    def _tool_lifecycle(self) -> ToolResult:
        table, thresholds = lifecycle_table(self.data)
        counts = table["stage"].value_counts()
        stages = [{"stage": str(s), "customers": int(n),
                   "share": round(int(n) / max(self.data.n_customers, 1), 4)}
                  for s, n in counts.items()]
        return ToolResult("lifecycle", True,
                          {"stages": stages, "thresholds": thresholds.explain()},
                          message=thresholds.explain())

    def _tool_cluster(self, features: list[str] | None, k: int | None,
                      within_segment: bool) -> ToolResult:
        within, population = None, None
        if within_segment:
            within, population = self.state.condition, self.current_mask()
            if within is None or population is None:
                raise EngineError("There is no current segment to split: define one first, "
                                  "or split all customers into groups.")
        model = fit_clustering(self.data, features=features or None, k=k,
                               population=population)
        words = {column: entry.description for column, entry in self.dictionary.columns.items()
                 if entry.description} if self.dictionary is not None else None
        summary = summarise(self.data, model, population, words).to_dict()
        self.last_clustering = LastClustering(list(model.features_), int(model.k_), within)
        for group in summary["clusters"]:
            rule: Condition = TypeAdapter(Condition).validate_python(group["rule"])
            if within is not None:  # the rule holds within the segment: alone it reaches all
                rule = conjunction([_as_unit(within), rule])
            group["rule"], group["rule_text"] = (
                rule.model_dump(mode="json"), describe(rule, self.data, language=self.language))
        if within is None or population is None:
            return ToolResult("cluster", True, summary,
                              message=f"{summary['k']} groups. {summary['reason']}")
        size = int(population.sum())
        summary["within"] = {"description": describe(within, self.data, language=self.language),
                             "size": size, "share": round(size / max(self.data.n_customers, 1), 4)}
        return ToolResult("cluster", True, summary,
                          message=f"{summary['k']} groups within the current segment "
                                  f"({customers(size)}). {summary['reason']}")

    def _tool_select_cluster(self, cluster: int, mode: str) -> ToolResult:
        if self.last_clustering is None:
            raise EngineError("No clustering yet: ask to split the customers into groups first.",
                              phrase="no_clustering")
        last = self.last_clustering
        if cluster >= last.k:
            raise EngineError(f"There are {last.k} groups, numbered 0 to {last.k - 1}.",
                              phrase="cluster_numbers", values={"k": last.k, "last": last.k - 1},
                              options=[str(i) for i in range(last.k)])
        condition = Cluster(features=last.features, k=last.k, clusters=[cluster],
                            within=last.within)
        return self._tool_define_segment(condition.model_dump(mode="json"), mode)

    def _tool_profile_segment(self, name: str | None) -> ToolResult:
        mask, label = self._segment_mask(name)
        summary = {"segment": label, **profile(self.data, mask).to_dict()}
        return ToolResult("profile_segment", True, summary,
                          message=f"Profile of {label}: {customers(int(mask.sum()))}.")

    def _tool_compute_figures(self, statistic: str, column: str | None,
                              target: dict[str, Any] | None, by: str | None,
                              bins: list[float] | None, groups: list[str] | None, top: int,
                              segment: str | None, condition: dict[str, Any] | None,
                              compare_with_base: bool) -> ToolResult:
        return figures_result(self, statistic=statistic, column=column, target=target, by=by,
                              bins=bins, groups=groups, top=top, segment=segment,
                              condition=condition, compare_with_base=compare_with_base)

    def segment_mask(self, name: str | None) -> tuple[pd.Series, str]:
        """A segment by name ("current", "all", saved, RFM, stage): (members, label)."""
        return self._segment_mask(name)

    def _tool_compare_segments(self, a: str, b: str) -> ToolResult:
        mask_a, label_a = self._segment_mask(a)
        mask_b, label_b = self._segment_mask(b)
        summary = {**compare(self.data, mask_a, mask_b).to_dict(), "names": [label_a, label_b]}
        return ToolResult("compare_segments", True, summary,
                          message=f"Compared {label_a} with {label_b}.")

    def _tool_overlap_segments(self, a: str, b: str) -> ToolResult:
        mask_a, label_a = self._segment_mask(a)
        mask_b, label_b = self._segment_mask(b)
        summary = {"a": label_a, "b": label_b, **overlap(mask_a, mask_b).to_dict()}
        return ToolResult("overlap_segments", True, summary,
                          message=f"Overlap of {label_a} and {label_b}.")

    def _tool_save_segment(self, name: str) -> ToolResult:
        library = self._require_library()
        definition = self.current_definition()
        if definition is None:
            raise EngineError("There is no current segment to save: define one first.",
                              phrase="no_current_segment")
        definition = definition.model_copy(update={"name": name})
        ids = self.member_ids()
        info = library.save(definition, size=len(ids), member_ids=ids,
                            source=self.data.source, overwrite=True)
        self.state = SegmentState(condition=self.state.condition, name=name)
        kept = getattr(info, "set_aside", None)
        note = f" The damaged file it replaced was kept as {kept.name}." if kept else ""
        return ToolResult("save_segment", True, {"name": name, "size": len(ids)},
                          message=f"Saved '{name}' ({customers(len(ids))}).{note}",
                          phrase="saved_set_aside" if kept else "saved_segment",
                          values={"name": name, "customers": len(ids),
                                  "kept": kept.name if kept else ""})

    def _tool_load_segment(self, name: str) -> ToolResult:
        library = self._require_library()
        saved: SegmentDefinition = library.show(name).definition
        mask = self.mask(saved.condition)
        summary = segment_summary(self.data, saved.condition, mask, language=self.language)
        self._push(SegmentState(condition=saved.condition, name=name))
        return ToolResult("load_segment", True, summary,
                          message=f"Loaded '{name}': {customers(summary['size'])}.",
                          phrase="loaded_segment",
                          values={"name": name, "customers": summary["size"]})

    def _tool_delete_segment(self, name: str) -> ToolResult:
        self._require_library().delete(name)
        return ToolResult("delete_segment", True, {"name": name}, message=f"Deleted '{name}'.",
                          phrase="deleted_segment", values={"name": name})

    def _tool_list_segments(self) -> ToolResult:
        if self.library is None:
            return ToolResult("list_segments", True, {"segments": []},
                              message="No saved segments.")
        items = [{"name": info.name, "size_when_saved": info.size, "saved_at": info.saved_at,
                  "source": info.source, "notes": info.notes} for info in self.library.list()]
        return ToolResult("list_segments", True, {"segments": items},
                          message=f"{len(items)} saved segments.")

    def _tool_export_segment(self, path: str | None, format: str | None) -> ToolResult:
        mask = self.current_mask()
        if mask is None:
            raise EngineError("There is no current segment to export: define one first.",
                              phrase="no_current_segment")
        target = _safe_export_path(self.export_dir, path, format, self.state.name)
        record = ExportRecord(segment=self.state.name or "current segment",
                              definition=self.current_definition(),
                              description=describe(self.state.condition, self.data)
                              if self.state.condition is not None else "")
        written = export_members(self.data, mask, target, record=record)
        return ToolResult("export_segment", True,
                          {"path": str(written), "rows": int(mask.sum())},
                          message=f"Exported {customers(int(mask.sum()))} to {written}.",
                          phrase="exported_segment",
                          values={"customers": int(mask.sum()), "path": str(written)})

    def _tool_reset(self) -> ToolResult:
        self._push(SegmentState())
        return ToolResult("reset", True, message="Started over: no current segment.")

    def _tool_undo(self) -> ToolResult:
        if not self.history:
            return ToolResult("undo", False, message="Nothing to undo.")
        self.state = self.history.pop()
        return ToolResult("undo", True, message="Went back to the previous segment.")

    def _require_library(self) -> Any:
        if self.library is None:
            raise EngineError("No workspace is open, so segments cannot be saved here.",
                              phrase="no_workspace")
        return self.library


_CHANGE_WORDS = {"export_segment": "exporting writes the customers to a file",
                 "delete_segment": "deleting removes a saved segment",
                 "save_segment": "saving under that name overwrites a saved segment"}

_CONDITION_TYPES = list(condition_nodes())


def _as_unit(condition: Condition) -> Condition:
    """The current segment as one block, when flattening it would change who is in it.

    A rank inside an `and` ranks among the customers meeting the other conditions, so
    "top 10% by spend", then "only those in France", must keep the top 10% of everyone.
    """
    ranked = isinstance(condition, Rank) or (
        isinstance(condition, And) and any(isinstance(c, Rank) for c in condition.all))
    if not ranked:
        return condition
    block = And(all=[condition]) if isinstance(condition, Rank) else condition
    return And(all=[block])  # `conjunction` flattens this outer level only


def _id_text(value: object) -> str:
    return str(value)


def _safe_export_path(folder: Path, path: str | None, fmt: str | None,
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
