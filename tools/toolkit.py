"""The one context object of a conversation, and the one way in to the tools.

Whoever drives them (the command line, the built-in interpreter or an LLM), every tool
call goes through `Toolkit.call(name, args)`: the tool is looked up in the registry
(`tool_registry.TOOLS`), its arguments are validated against its typed model
(`tool_specs`), consent and the personal-column guard are checked, the tool's function
runs over this toolkit and the engine, and the result is a compact, JSON-able
`ToolResult`. Full frames (members, scores) stay here; a model only ever sees counts,
shares, definitions and category values.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from tools.dictionary import DataDictionary
from tools.engine.dataset import CustomerData
from tools.engine.definitions import Condition, SegmentDefinition
from tools.engine.errors import EngineError, SegmentNotFound
from tools.engine.evaluate import evaluate
from tools.engine.schema import Role
from tools.predicted import add_predicted_measures
from tools.privacy import personal_operands
from tools.segment_names import named_condition
from tools.tool_errors import NESTED_TOO_DEEPLY, argument_problem, valid_options
from tools.tool_registry import LIBRARY_CHANGES, TOOLS_BY_NAME, Tool
from tools.tool_result import GivenSegment, LastClustering, SegmentState, ToolResult

__all__ = ["LIBRARY_CHANGES", "GivenSegment", "LastClustering", "SegmentState", "ToolResult",
           "Toolkit"]

ALL_CUSTOMERS = ("all", "everyone", "all customers", "base", "whole base")
CURRENT = ("current", "this", "them", "these", "it", "current segment")


class Toolkit:
    """One dataset and one conversation's segment state: the context every tool runs in."""

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
        # Segments a caller resolved itself, by the name the tools are called with
        # (`give_segment`): looked up before any other meaning of a name.
        self.given: dict[str, GivenSegment] = {}

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
        tool = TOOLS_BY_NAME.get(name)
        if tool is None:
            return ToolResult(name, False, message=f"Unknown tool '{name}'.",
                              options=sorted(TOOLS_BY_NAME))
        try:
            parsed = tool.args.model_validate(args or {})
        except ValidationError as exc:
            return ToolResult(name, False, message=argument_problem(exc, tool.args),
                              options=valid_options(exc, tool.args))
        if self.consent is not None and name not in self.consent and \
                self._changes_library(tool, parsed.model_dump()):
            self.refused = name
            return ToolResult(name, False, {"needs_confirmation": True,
                                            "action": tool.change}, message=(
                f"Not done: {tool.change}, and the user has not asked for that in "
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
            self.predictions_for(parsed.model_dump_json())  # predicted measures named: fit
            return tool.run(self, parsed)
        except EngineError as exc:
            return ToolResult(name, False, message=exc.message, options=exc.options,
                              phrase=exc.phrase, values=exc.values)

    def _changes_library(self, tool: Tool[Any], args: dict[str, Any]) -> bool:
        if tool.name == "save_segment":  # a new name adds; an existing one would be overwritten
            return self.library is not None and self.library.exists(str(args.get("name", "")))
        return tool.changes_library

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
            self.predictions_for(key)  # a restored session's p_alive, clv: fitted again
            self._mask_cache[key] = evaluate(condition, self.data, resolve=self.resolve)
        return self._mask_cache[key]

    def restore(self, state: SegmentState, history: list[SegmentState],
                clustering: LastClustering | None = None) -> None:
        """Put back a persisted conversation's segment state and last clustering (sessions)."""
        self.state = state
        self.history = list(history)
        self.last_clustering = clustering

    def resolve(self, name: str) -> SegmentDefinition:
        if self.library is None:
            raise SegmentNotFound(f"No saved segment '{name}': nothing has been saved yet.",
                                  phrase="no_saved_segment", values={"name": name})
        saved: SegmentDefinition = self.library.show(name).definition
        self.predictions_for(saved.condition)
        return saved

    def push(self, state: SegmentState) -> None:
        self.history.append(self.state)
        self.state = state

    def give_segment(self, name: str, segment: GivenSegment) -> None:
        """Let the tools take `segment` by `name` (the command line's YAML files and its own
        labels): a segment argument equal to `name` means it, before any other meaning."""
        self.given[name] = segment

    def segment_mask(self, name: str | None) -> tuple[pd.Series, str]:
        """A segment by any name a person would use ("current", "all", saved, RFM, stage)
        or one a caller gave (`give_segment`): (members, label)."""
        given = self.given.get(name) if name is not None else None
        if given is not None:
            if given.condition is None:
                return pd.Series(True, index=self.data.customers.index), given.label
            return self.mask(given.condition), given.label
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
        condition = self.condition_for_name(key)
        return self.mask(condition), key

    def condition_for_name(self, name: str) -> Condition:
        return named_condition(name, self.library.names() if self.library is not None else [])

    def predictions_for(self, arguments: object) -> None:
        """Fit and show the predicted measures when `arguments` name one the data lacks
        (a column of the user's own with such a name is left alone)."""
        if add_predicted_measures(self.data, arguments):
            self._mask_cache.clear()

    def forget_masks(self) -> None:
        """The members of conditions change (predicted measures over another horizon)."""
        self._mask_cache.clear()

    def require_library(self) -> Any:
        if self.library is None:
            raise EngineError("No workspace is open, so segments cannot be saved here.",
                              phrase="no_workspace")
        return self.library

    def require_knowledge(self) -> Any:
        if self.knowledge is None:
            raise EngineError("The knowledge base is not open in this session.")
        return self.knowledge


def _id_text(value: object) -> str:
    return str(value)
