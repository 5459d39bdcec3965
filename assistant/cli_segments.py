"""Engine calls the `segment` commands share: checked definitions, and the tools the
commands call through the toolkit (clusters, RFM, profiles, comparisons), as the chat and
a model call them.

Imported only inside command bodies: this module pulls in pandas through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from assistant.cli_common import choose_segment
from tools.engine.dataset import CustomerData
from tools.engine.definitions import SegmentDefinition
from tools.engine.errors import EngineError
from tools.library import SegmentLibrary
from tools.predicted import add_predicted_measures
from tools.tool_result import GivenSegment, ToolResult

if TYPE_CHECKING:
    from tools.toolkit import Toolkit


@dataclass
class DefinitionResult:
    """A definition evaluated on data: who is in it and what it means."""

    label: str
    definition: SegmentDefinition
    mask: pd.Series
    size: int
    base_size: int
    description: str

    def to_dict(self) -> dict[str, Any]:
        share = self.size / self.base_size if self.base_size else 0.0
        return {"name": self.label, "size": self.size, "customers": self.base_size,
                "share": round(share, 4), "description": self.description,
                "definition": self.definition.model_dump(mode="json")}


def evaluate_definition(definition: SegmentDefinition, data: CustomerData,
                        workspace: Path) -> DefinitionResult:
    """Validate first (one-line errors naming the nearest columns), then evaluate and describe."""
    from tools.engine.describe import describe
    from tools.engine.evaluate import evaluate, validate

    resolve = SegmentLibrary(workspace).resolver()
    add_predicted_measures(data, definition.condition)  # "p_alive < 0.3" fits them first
    validate(definition.condition, data, resolve=resolve)
    mask = evaluate(definition.condition, data, resolve=resolve)
    return DefinitionResult(
        label=definition.name or "", definition=definition, mask=mask,
        size=int(mask.sum()), base_size=data.n_customers,
        description=describe(definition.condition, data))


def call_tool(toolkit: Toolkit, name: str, args: dict[str, Any]) -> ToolResult:
    """`Toolkit.call`, with a refusal raised as the tool's one-line error."""
    result = toolkit.call(name, args)
    if not result.ok:
        raise EngineError(result.message, result.options)
    return result


def clustering_summary(data: CustomerData, features: list[str] | None,
                       k: int | None) -> dict[str, Any]:
    """The `cluster` tool's summary: the command line clusters as the chat and a model do
    (same cached fit, same named groups and rules); a refusal is the tool's one-line error."""
    from tools.toolkit import Toolkit

    return dict(call_tool(Toolkit(data), "cluster", {"features": features, "k": k}).summary)


def rfm_run(data: CustomerData, ties: str, grid: bool) -> ToolResult:
    """The `run_rfm` tool's result; its artifact (`analysis_tools.RfmRun`) holds the typed
    summaries and grid the tables are drawn from."""
    from tools.toolkit import Toolkit

    return call_tool(Toolkit(data), "run_rfm", {"ties": ties, "grid": grid})


def rfm_json(result: ToolResult, data: CustomerData) -> dict[str, Any]:
    """`segment rfm --json`: the tool's summary, with the number of customers."""
    summary = result.summary
    out = {"as_of": summary["as_of"], "customers": data.n_customers,
           **{key: value for key, value in summary.items()
              if key not in ("as_of", "segments", "grid")},
           "segments": summary["segments"]}
    if "grid" in summary:
        out["grid"] = summary["grid"]
    return out


def segments_toolkit(data: CustomerData, workspace: Path, names: list[str]) -> Toolkit:
    """A toolkit over `data` and the workspace's library that takes each of `names` (a
    saved segment, an RFM segment, a lifecycle stage, a YAML file or "all") as the command
    line looks it up and labels it (`cli_common.choose_segment`)."""
    from tools.toolkit import Toolkit  # the tools load scikit-learn: only when called

    toolkit = Toolkit(data, SegmentLibrary(workspace))
    for name in names:
        chosen = choose_segment(name, workspace)
        toolkit.give_segment(name, GivenSegment(chosen.label, chosen.condition))
    return toolkit


def profile_summary(data: CustomerData, workspace: Path, name: str) -> dict[str, Any]:
    """The `profile_segment` tool's summary of the segment `name`: {"segment": label, ...}."""
    toolkit = segments_toolkit(data, workspace, [name])
    return dict(call_tool(toolkit, "profile_segment", {"name": name}).summary)


def comparison(data: CustomerData, workspace: Path, a: str,
               b: str) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """Labels, the `compare_segments` summary and the `overlap_segments` counts of a and b,
    each without the labels the tools add."""
    toolkit = segments_toolkit(data, workspace, [a, b])
    compared = dict(call_tool(toolkit, "compare_segments", {"a": a, "b": b}).summary)
    label_a, label_b = compared.pop("names")
    shared = dict(call_tool(toolkit, "overlap_segments", {"a": a, "b": b}).summary)
    del shared["a"], shared["b"]
    return label_a, label_b, compared, shared
