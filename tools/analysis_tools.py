"""The tools that read the data without changing the current segment: describe it, list a
column's values, RFM, lifecycle stages, clusters, profiles, comparisons, overlaps and
figures. What they return is aggregate: counts, shares, definitions, category values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import TypeAdapter

from tools.engine.clustering import fit_clustering, summarise
from tools.engine.definitions import Condition, conjunction
from tools.engine.describe import describe
from tools.engine.errors import EngineError
from tools.engine.figures import Figure, figures
from tools.engine.lifecycle import lifecycle_table
from tools.engine.profiles import compare, overlap, profile
from tools.engine.rfm import (
    RfmScheme,
    RfmSegmentSummary,
    default_scheme,
    rfm_caveats,
    rfm_grid,
    rfm_summary,
)
from tools.engine.schema import DataKind
from tools.figure_summaries import figures_summary, headline
from tools.segment_tools import as_unit
from tools.tool_result import LastClustering, ToolResult
from tools.tool_specs import (
    ClusterArgs,
    ColumnValuesArgs,
    CompareSegmentsArgs,
    ComputeFiguresArgs,
    DescribeDataArgs,
    LifecycleArgs,
    OverlapSegmentsArgs,
    ProfileSegmentArgs,
    RunRfmArgs,
)
from tools.tool_summaries import column_values as values_of
from tools.tool_summaries import customers, data_summary

if TYPE_CHECKING:
    from tools.toolkit import Toolkit


def describe_data(ctx: Toolkit, args: DescribeDataArgs) -> ToolResult:
    summary = data_summary(ctx.data)
    return ToolResult("describe_data", True, summary,
                      message=f"{customers(ctx.data.n_customers)}, "
                              f"{len(summary['columns'])} columns.")


def column_values(ctx: Toolkit, args: ColumnValuesArgs) -> ToolResult:
    summary = values_of(ctx.data, args.column, args.contains)
    shown = len(summary["values"])
    return ToolResult("column_values", True, summary, message=(
        f"{summary['column']}: {shown} of {summary['matching']} values"
        + (f" containing '{args.contains}'" if args.contains else "") + "."))


@dataclass(frozen=True)
class RfmRun:
    """`run_rfm`'s typed result (`ToolResult.artifact`), for a caller that renders tables."""

    summaries: list[RfmSegmentSummary]
    scheme: RfmScheme
    grid: pd.DataFrame | None  # customers per R x F cell (rows R 5..1, columns F 1..5)


def run_rfm(ctx: Toolkit, args: RunRfmArgs) -> ToolResult:
    scheme = default_scheme().model_copy(update={"ties": args.ties})
    members, label = ctx.segment_mask(args.segment) if args.segment else (None, None)
    summaries = rfm_summary(ctx.data, scheme, members)
    rows = [row.to_dict() for row in summaries]
    as_of = ctx.data.source.as_of
    summary = {"as_of": as_of.isoformat() if as_of else None, "segments": rows,
               **rfm_caveats(ctx.data, summaries, scheme)}
    if members is not None:
        summary["within"] = {"segment": label, "size": int(members.sum())}
    cells = rfm_grid(ctx.data, scheme) if args.grid else None
    if cells is not None:
        summary["grid"] = {f"R{r}": {f"F{f}": int(cells.loc[r, f]) for f in cells.columns}
                           for r in cells.index}
    return ToolResult("run_rfm", True, summary,
                      message=f"RFM scores for {customers(ctx.data.n_customers)} "
                              f"in {len(rows)} named segments.",
                      artifact=RfmRun(summaries, scheme, cells))


def lifecycle(ctx: Toolkit, args: LifecycleArgs) -> ToolResult:
    table, thresholds = lifecycle_table(ctx.data)
    counts = table["stage"].value_counts()
    stages = [{"stage": str(s), "customers": int(n),
               "share": round(int(n) / max(ctx.data.n_customers, 1), 6)}
              for s, n in counts.items()]
    return ToolResult("lifecycle", True,
                      {"stages": stages, "thresholds": thresholds.explain()},
                      message=thresholds.explain())


def cluster(ctx: Toolkit, args: ClusterArgs) -> ToolResult:
    within, population = None, None
    if args.within_segment:
        within, population = ctx.state.condition, ctx.current_mask()
        if within is None or population is None:
            raise EngineError("There is no current segment to split: define one first, "
                              "or split all customers into groups.",
                              phrase="no_segment_to_split")
    model = fit_clustering(ctx.data, features=args.features or None, k=args.k,
                           population=population)
    words = {column: entry.description for column, entry in ctx.dictionary.columns.items()
             if entry.description} if ctx.dictionary is not None else None
    # Rules in the request's language; why this k is data (`k_choice`) a reply phrases.
    summary = summarise(ctx.data, model, population, words, language=ctx.language).to_dict()
    ctx.last_clustering = LastClustering(list(model.features_), int(model.k_), within)
    if within is None or population is None:
        return ToolResult("cluster", True, summary,
                          message=f"{summary['k']} groups. {summary['reason']}")
    for group in summary["clusters"]:
        # The rule holds within the segment: alone it would reach all customers.
        rule: Condition = conjunction([as_unit(within), TypeAdapter(Condition)
                                       .validate_python(group["rule"])])
        group["rule"], group["rule_text"] = (
            rule.model_dump(mode="json"), describe(rule, ctx.data, language=ctx.language))
    size = int(population.sum())
    summary["within"] = {"description": describe(within, ctx.data, language=ctx.language),
                         "size": size, "share": round(size / max(ctx.data.n_customers, 1), 6)}
    return ToolResult("cluster", True, summary,
                      message=f"{summary['k']} groups within the current segment "
                              f"({customers(size)}). {summary['reason']}")


def compute_figures(ctx: Toolkit, args: ComputeFiguresArgs) -> ToolResult:
    """A question about the data answered with aggregates only: the population (everyone,
    a segment, customers meeting a condition) and a rate's target are evaluated here, the
    engine (`engine/figures.py`) computes, and the result is the table as data."""
    data = ctx.data
    members, label = ctx.segment_mask(args.segment) if args.segment else (
        pd.Series(True, index=data.customers.index), "all customers")
    described, within = None, None
    if args.condition is not None:
        within = int(members.sum()) if args.segment else None  # "how many of THEM are ..."
        members = members & ctx.mask(args.condition)
        described = describe(args.condition, data, language=ctx.language)
    goal = args.target
    figure = Figure(statistic=args.statistic, column=args.column, target=goal, by=args.by,
                    bins=args.bins, groups=args.groups, top=args.top)
    table = figures(data, figure, members, compare_with_base=args.compare_with_base,
                    target_mask=ctx.mask(goal) if goal is not None else None)
    summary = figures_summary(table, segment=label, condition=described, target=describe(
        goal, data, language=ctx.language) if goal else None, within=within,
        from_log=data.source.kind is DataKind.TRANSACTIONS)
    return ToolResult("compute_figures", True, summary, message=headline(table))


def profile_segment(ctx: Toolkit, args: ProfileSegmentArgs) -> ToolResult:
    mask, label = ctx.segment_mask(args.name)
    summary = {"segment": label, **profile(ctx.data, mask).to_dict()}
    return ToolResult("profile_segment", True, summary,
                      message=f"Profile of {label}: {customers(int(mask.sum()))}.")


def compare_segments(ctx: Toolkit, args: CompareSegmentsArgs) -> ToolResult:
    mask_a, label_a = ctx.segment_mask(args.a)
    mask_b, label_b = ctx.segment_mask(args.b)
    summary = {**compare(ctx.data, mask_a, mask_b).to_dict(), "names": [label_a, label_b]}
    return ToolResult("compare_segments", True, summary,
                      message=f"Compared {label_a} with {label_b}.")


def overlap_segments(ctx: Toolkit, args: OverlapSegmentsArgs) -> ToolResult:
    mask_a, label_a = ctx.segment_mask(args.a)
    mask_b, label_b = ctx.segment_mask(args.b)
    summary = {"a": label_a, "b": label_b, **overlap(mask_a, mask_b).to_dict()}
    return ToolResult("overlap_segments", True, summary,
                      message=f"Overlap of {label_a} and {label_b}.")
