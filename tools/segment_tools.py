"""The tools that change the current segment: define it, pick a group of the last
clustering, start over, undo. Each keeps the one before it in the toolkit's history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tools.engine.canonical import canonical
from tools.engine.definitions import And, Cluster, Condition, Not, Rank, conjunction
from tools.engine.errors import EngineError
from tools.tool_result import SegmentState, ToolResult
from tools.tool_specs import DefineSegmentArgs, ResetArgs, SelectClusterArgs, UndoArgs
from tools.tool_summaries import customers, segment_summary

if TYPE_CHECKING:
    from tools.toolkit import Toolkit


def define_segment(ctx: Toolkit, args: DefineSegmentArgs) -> ToolResult:
    mode = args.mode
    if mode != "new" and ctx.state.condition is None:
        mode = "new"  # a refinement with nothing to refine is a fresh request
    combined: Condition
    if mode in ("refine", "exclude"):
        assert ctx.state.condition is not None
        added = args.condition if mode == "refine" else Not(condition=args.condition)
        combined = conjunction([as_unit(ctx.state.condition), added])
    else:
        combined = args.condition
    mask = ctx.mask(combined)
    combined = canonical(combined, ctx.data)
    summary = segment_summary(ctx.data, combined, mask, language=ctx.language)
    if summary["size"] == 0:
        return ToolResult("define_segment", False, summary,
                          message=f"No customers match: {summary['description']}. "
                                  "The current segment is unchanged.")
    ctx.push(SegmentState(condition=combined))
    return ToolResult("define_segment", True, summary,
                      message=f"{customers(summary['size'])}: {summary['description']}.")


def select_cluster(ctx: Toolkit, args: SelectClusterArgs) -> ToolResult:
    if ctx.last_clustering is None:
        raise EngineError("No clustering yet: ask to split the customers into groups first.",
                          phrase="no_clustering")
    last = ctx.last_clustering
    if args.cluster >= last.k:
        raise EngineError(f"There are {last.k} groups, numbered 0 to {last.k - 1}.",
                          phrase="cluster_numbers", values={"k": last.k, "last": last.k - 1},
                          options=[str(i) for i in range(last.k)])
    condition = Cluster(features=last.features, k=last.k, clusters=[args.cluster],
                        within=last.within)
    return define_segment(ctx, DefineSegmentArgs(condition=condition, mode=args.mode))


def reset(ctx: Toolkit, args: ResetArgs) -> ToolResult:
    ctx.push(SegmentState())
    return ToolResult("reset", True, message="Started over: no current segment.")


def undo(ctx: Toolkit, args: UndoArgs) -> ToolResult:
    if not ctx.history:
        return ToolResult("undo", False, message="Nothing to undo.")
    ctx.state = ctx.history.pop()
    return ToolResult("undo", True, message="Went back to the previous segment.")


def as_unit(condition: Condition) -> Condition:
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
