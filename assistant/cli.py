"""The `segment` command: look at data, build, check, save and export segments.

Every command imports the engine inside its body, so `segment --help` never
pays for pandas or scikit-learn. Errors a user can fix come out as one line on
stderr with exit code 1 (see `cli_common.guarded`); usage errors exit with 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from assistant import cli_assistant, cli_breakdown, cli_kb, cli_predict, cli_report, cli_sql
from assistant.cli_common import (
    DEFAULT_WORKSPACE,
    AsOfOpt,
    DataArgs,
    DataOpt,
    JsonOpt,
    MapOpt,
    TableOpt,
    WorkspaceOpt,
    check_can_save,
    check_out_path,
    fail,
    guarded,
    library,
    load_data,
    named_segment,
    print_json,
    read_definition,
)
from assistant.cli_dictionary import dictionary
from assistant.cli_report import export_record

app = typer.Typer(
    name="segment",
    help="Customer segmentation for marketers: every number computed, checked and explained.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Look at a data file before segmenting it.", no_args_is_help=True)
segments_app = typer.Typer(help="The saved segment library (YAML files a team can commit).",
                           no_args_is_help=True)
app.add_typer(data_app, name="data")


def _register_dictionary() -> None:
    data_app.command("dictionary")(guarded(dictionary))


_register_dictionary()
app.add_typer(segments_app, name="segments")

SegmentArg = Annotated[str, typer.Argument(
    help="A saved segment, an RFM segment (e.g. Champions), a lifecycle stage, a YAML "
         "definition file, or 'all'.", show_default=False)]


def _ids(mask: Any) -> Any:
    return mask.index[mask.to_numpy()]


@data_app.command("inspect")
@guarded
def data_inspect(
    file: Annotated[Path, typer.Argument(help="The data file.", show_default=False)],
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """What the file holds: kind, cleaning, customers, and the role of every column."""
    from assistant.cli_render import console, inspect_dict, render_inspect

    data = load_data(DataArgs(file, maps, as_of, table, workspace))
    if as_json:
        print_json(inspect_dict(data))
    else:
        render_inspect(console(), data)


@app.command()
@guarded
def rfm(
    data_file: DataOpt,
    grid: Annotated[bool, typer.Option(
        "--grid", help="Also show customer counts in the 5 x 5 grid of R and F scores.")] = False,
    ties: Annotated[str, typer.Option(
        "--ties", help="id: equal values split across score bands by customer id (the "
        "standard NTILE); value: equal values always share a score.")] = "id",
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """The 10 named RFM segments: size, revenue share and average behaviour."""
    from assistant.cli_render import console, render_rfm, render_rfm_grid

    if ties not in ("id", "value"):
        fail(f"--ties {ties}: use id or value", ["id", "value"])
    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    from assistant.cli_segments import rfm_json, rfm_run

    result = rfm_run(data, ties, grid)  # the run_rfm tool, as the chat and a model call it
    if as_json:
        print_json(rfm_json(result, data))
        return
    out, run = console(), result.artifact
    render_rfm(out, run.summaries, data, run.scheme, result.summary)
    if run.grid is not None:
        render_rfm_grid(out, run.grid)


@app.command()
@guarded
def cluster(
    data_file: DataOpt,
    features: Annotated[str | None, typer.Option(
        help="Comma-separated columns to cluster on (default: chosen from the data).")] = None,
    k: Annotated[int | None, typer.Option(
        "--k", min=2, max=20, help="Number of clusters (default: chosen from the data).")] = None,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Group customers with k-means; each group gets a name and readable rules."""
    from assistant.cli_render import console, render_cluster

    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    from assistant.cli_segments import clustering_summary

    chosen = [f.strip() for f in features.split(",") if f.strip()] if features else None
    summary = clustering_summary(data, chosen, k)
    if as_json:
        print_json(summary)
    else:
        render_cluster(console(), summary, data.source.currency)


@app.command()
@guarded
def define(
    file: Annotated[Path, typer.Argument(help="A YAML segment definition.", show_default=False)],
    data_file: DataOpt,
    save: Annotated[bool, typer.Option("--save", help="Also save it to the library.")] = False,
    name: Annotated[str | None, typer.Option(
        help="Name to save under (default: the definition's name).")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace a saved segment of that name.")] = False,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Check a YAML definition against the data: size, share and plain-English meaning."""
    from assistant.cli_render import console, render_members

    definition = read_definition(file)
    if save:
        check_can_save(workspace, name or definition.name, overwrite)
    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    from assistant.cli_segments import evaluate_definition

    result = evaluate_definition(definition, data, workspace)
    saved = None
    if save:
        saved = library(workspace).save(definition, size=result.size, member_ids=_ids(result.mask),
                                         source=data.source, overwrite=overwrite, name=name)
    if as_json:
        print_json({**result.to_dict(), "saved": saved.name if saved else None})
        return
    out = console()
    render_members(out, result.label or file.stem, result.size, data.n_customers,
                   result.description)
    if saved is not None:
        out.print(f"Saved as '{saved.name}' in {saved.path}")


@app.command()
@guarded
def profile(
    segment: SegmentArg,
    data_file: DataOpt,
    as_json: JsonOpt = False,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Show every measure, not only the 8 that differ most.")] = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Who is in a segment: size, behaviour and attributes against the whole base."""
    from assistant.cli_render import console, render_profile

    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    from assistant.cli_segments import profile_summary

    summary = profile_summary(data, workspace, segment)  # the profile_segment tool
    if as_json:
        print_json(summary)
    else:
        label = summary.pop("segment")
        render_profile(console(), label, summary, data.source.currency, show_all=show_all)


@app.command()
@guarded
def compare(
    a: SegmentArg,
    b: SegmentArg,
    data_file: DataOpt,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Two segments side by side: what differs most, and how much they overlap."""
    from assistant.cli_render import console, render_comparison

    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    from assistant.cli_segments import comparison as compared

    # the compare_segments and overlap_segments tools
    label_a, label_b, comparison, shared = compared(data, workspace, a, b)
    if as_json:
        print_json({"a": label_a, "b": label_b, "comparison": comparison, "overlap": shared})
    else:
        render_comparison(console(), label_a, label_b, comparison, shared,
                          data.source.currency)


@app.command()
@guarded
def export(
    segment: SegmentArg,
    data_file: DataOpt,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Where to write: a .csv, .parquet or .xlsx file.",
        show_default=False)],
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Write a segment's customer ids and attributes to a file."""
    from assistant.cli_render import console
    from tools.exporting import export_members

    check_out_path(out, data_file)
    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    chosen = named_segment(segment, data, workspace)
    written = export_members(data, chosen.mask, out, record=export_record(chosen, data))
    size = int(chosen.mask.sum())
    if as_json:
        print_json({"segment": chosen.label, "rows": size, "path": str(written)})
    else:
        console().print(f"Wrote {size:,} customers of '{chosen.label}' to {written}")


@app.command()
@guarded
def demo(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """A tour on the bundled Online Retail data: summary, RFM, a rule, a profile, clusters."""
    from assistant.cli_demo import run_demo

    run_demo(workspace)


# ----- the library ---------------------------------------------------------------


@segments_app.command("list")
@guarded
def segments_list(as_json: JsonOpt = False,
                  workspace: WorkspaceOpt = DEFAULT_WORKSPACE) -> None:
    """Every saved segment with its size when saved."""
    from assistant.cli_render import console, render_library

    infos = library(workspace).list()
    if as_json:
        print_json({"segments": infos})
    else:
        render_library(console(), infos)


@segments_app.command("show")
@guarded
def segments_show(name: Annotated[str, typer.Argument(show_default=False)],
                  as_json: JsonOpt = False,
                  workspace: WorkspaceOpt = DEFAULT_WORKSPACE) -> None:
    """A saved segment's definition, in plain English and as YAML."""
    from assistant.cli_render import console, render_saved
    from tools.engine.describe import describe

    saved = library(workspace).show(name)
    description = describe(saved.definition.condition)
    if as_json:
        print_json({"info": saved.info, "description": description,
                    "definition": saved.definition.model_dump(mode="json")})
        return
    out = console()
    render_saved(out, saved, description)
    out.print(saved.definition.to_yaml().rstrip(), markup=False)


@segments_app.command("save")
@guarded
def segments_save(
    name: Annotated[str, typer.Argument(show_default=False)],
    from_file: Annotated[Path, typer.Option(
        "--from", help="The YAML definition to save.", show_default=False)],
    data_file: DataOpt,
    overwrite: Annotated[bool, typer.Option(help="Replace a saved segment of that name.")] = False,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Save a definition under NAME, with its members today."""
    from assistant.cli_render import console, render_members

    definition = read_definition(from_file)
    check_can_save(workspace, name, overwrite)
    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    from assistant.cli_segments import evaluate_definition

    result = evaluate_definition(definition, data, workspace)
    info = library(workspace).save(definition, size=result.size, member_ids=_ids(result.mask),
                                   source=data.source, overwrite=overwrite, name=name)
    if as_json:
        print_json({**result.to_dict(), "saved": info.name, "path": str(info.path)})
        return
    out = console()
    render_members(out, info.name, result.size, data.n_customers, result.description)
    out.print(f"Saved in {info.path}")


@segments_app.command("refresh")
@guarded
def segments_refresh(
    name: Annotated[str, typer.Argument(show_default=False)],
    data_file: DataOpt,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Re-run a saved segment on (new) data: who joined and who left since last time."""
    from assistant.cli_render import console, render_refresh

    lib = library(workspace)
    definition = lib.definition(name)
    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    from assistant.cli_segments import evaluate_definition

    result = evaluate_definition(definition, data, workspace)
    report = lib.refresh(name, _ids(result.mask), source=data.source)
    if as_json:
        print_json(report.to_dict())
    else:
        render_refresh(console(), report)


@segments_app.command("delete")
@guarded
def segments_delete(name: Annotated[str, typer.Argument(show_default=False)],
                    as_json: JsonOpt = False,
                    workspace: WorkspaceOpt = DEFAULT_WORKSPACE) -> None:
    """Remove a saved segment and its member snapshot."""
    from assistant.cli_render import console

    info = library(workspace).delete(name)
    if as_json:
        print_json({"deleted": info.name, "path": str(info.path)})
    else:
        console().print(f"Deleted '{info.name}' ({info.path})")


def main() -> None:
    for module in (cli_assistant, cli_breakdown, cli_kb, cli_predict, cli_report, cli_sql):
        module.register(app)
    app(prog_name="segment")


if __name__ == "__main__":
    main()
