"""The one registry of tools: every tool registered once, here, in the order a model is sent them.

A tool is a plain function `run(ctx, args) -> ToolResult` over the conversation's one
context object (`toolkit.Toolkit`: data, segment state, library, consent, language) and
its validated, typed argument model (`tool_specs`). `Toolkit.call(name, args)` looks the
tool up here, validates, checks consent and the personal-column guard and runs it; the
command line, the built-in interpreter and a model all come in through that call, and
the schemas a model is sent (`tool_schemas`) are derived from this same table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from tools import analysis_tools, knowledge_tools, library_tools, predict_tools, segment_tools
from tools import tool_specs as specs
from tools.tool_result import ToolResult

if TYPE_CHECKING:
    from tools.toolkit import Toolkit

A = TypeVar("A", bound=BaseModel)


@dataclass(frozen=True)
class Tool(Generic[A]):
    """One tool: its name, its argument model (the docstring is its description), the
    function that runs it and, for a tool that writes a file or changes the saved library,
    the words saying so (such a call on a model's own initiative needs the user's go-ahead)."""

    name: str
    args: type[A]
    run: Callable[[Toolkit, A], ToolResult]
    change: str = ""

    @property
    def changes_library(self) -> bool:
        return bool(self.change)


TOOLS: tuple[Tool[Any], ...] = (
    Tool("describe_data", specs.DescribeDataArgs, analysis_tools.describe_data),
    Tool("define_segment", specs.DefineSegmentArgs, segment_tools.define_segment),
    Tool("column_values", specs.ColumnValuesArgs, analysis_tools.column_values),
    Tool("run_rfm", specs.RunRfmArgs, analysis_tools.run_rfm),
    Tool("lifecycle", specs.LifecycleArgs, analysis_tools.lifecycle),
    Tool("cluster", specs.ClusterArgs, analysis_tools.cluster),
    Tool("select_cluster", specs.SelectClusterArgs, segment_tools.select_cluster),
    Tool("compute_figures", specs.ComputeFiguresArgs, analysis_tools.compute_figures),
    Tool("profile_segment", specs.ProfileSegmentArgs, analysis_tools.profile_segment),
    Tool("compare_segments", specs.CompareSegmentsArgs, analysis_tools.compare_segments),
    Tool("overlap_segments", specs.OverlapSegmentsArgs, analysis_tools.overlap_segments),
    Tool("save_segment", specs.SaveSegmentArgs, library_tools.save_segment,
         change="saving under that name overwrites a saved segment"),
    Tool("load_segment", specs.LoadSegmentArgs, library_tools.load_segment),
    Tool("delete_segment", specs.DeleteSegmentArgs, library_tools.delete_segment,
         change="deleting removes a saved segment"),
    Tool("list_segments", specs.ListSegmentsArgs, library_tools.list_segments),
    Tool("export_segment", specs.ExportSegmentArgs, library_tools.export_segment,
         change="exporting writes the customers to a file"),
    Tool("explain_segment", specs.ExplainSegmentArgs, knowledge_tools.explain_segment),
    Tool("suggest_campaign", specs.SuggestCampaignArgs, knowledge_tools.suggest_campaign),
    Tool("answer_question", specs.AnswerQuestionArgs, knowledge_tools.answer_question),
    Tool("predict_traits", specs.PredictTraitsArgs, predict_tools.predict_traits),
    Tool("reset", specs.ResetArgs, segment_tools.reset),
    Tool("undo", specs.UndoArgs, segment_tools.undo),
)

TOOLS_BY_NAME: Mapping[str, Tool[Any]] = MappingProxyType({tool.name: tool for tool in TOOLS})

# name -> argument model, in the registry's order: what `tool_schemas` turns into the
# function specs a model is sent.
TOOL_ARGS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {tool.name: tool.args for tool in TOOLS})

# Tools that write a file or change the saved library. Called on a model's own initiative
# they need the user's go-ahead (`Toolkit.consent`): a model that misreads "how many
# customers are in this file" must not export them, nor delete or overwrite what a team saved.
LIBRARY_CHANGES = frozenset(tool.name for tool in TOOLS if tool.changes_library)
