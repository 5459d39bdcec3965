"""`segment chart`, `segment report` and `segment export-audience`: pictures, reports and files
a marketing team can use.

Registered on the main app with `register(app)`. pandas and the engine are imported inside
the commands, so `segment --help` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.browser import chart_pngs
from assistant.cli_breakdown import measure_args
from assistant.cli_common import (
    DEFAULT_WORKSPACE,
    AsOfOpt,
    DataArgs,
    DataOpt,
    JsonOpt,
    MapOpt,
    TableOpt,
    WorkspaceOpt,
    check_out_path,
    fail,
    guarded,
    library,
    named_segment,
    print_json,
)
from assistant.cli_predict import calibration_day
from assistant.user_cache import shared_knowledge_folder
from tools.engine.errors import EngineError
from tools.predicted import predict_data, show_predictions

if TYPE_CHECKING:
    from assistant.cli_common import NamedSegment
    from tools.charts import Chart
    from tools.engine.dataset import CustomerData
    from tools.exporting import ExportRecord


class Layout(StrEnum):
    MEMBERS = "members"
    MAILCHIMP = "mailchimp"
    KLAVIYO = "klaviyo"
    HUBSPOT = "hubspot"
    HASHED = "hashed"


class ChartKind(StrEnum):
    SIZES = "sizes"
    RFM_GRID = "rfm-grid"
    CLUSTERS = "clusters"
    DISTRIBUTION = "distribution"


SegmentsArg = Annotated[list[str] | None, typer.Argument(
    help="Saved segments, RFM segments (e.g. Champions), lifecycle stages, YAML files or 'all'.",
    show_default=False)]


def export_record(chosen: NamedSegment, data: CustomerData, layout: str = "members"
                  ) -> ExportRecord:
    """What the YAML beside an export says about a segment named on the command line."""
    from tools.engine.definitions import SegmentDefinition
    from tools.engine.describe import describe
    from tools.exporting import ExportRecord

    if chosen.condition is None:
        return ExportRecord(segment=chosen.label, description="all customers", layout=layout)
    return ExportRecord(
        segment=chosen.label, layout=layout,
        definition=SegmentDefinition(name=chosen.label, condition=chosen.condition),
        description=describe(chosen.condition, data))


@guarded
def export_audience(
    segment: Annotated[str, typer.Argument(
        help="A saved segment, an RFM segment, a lifecycle stage, a YAML file or 'all'.",
        show_default=False)],
    data_file: DataOpt,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Where to write: a .csv, .parquet or .xlsx file.",
        show_default=False)],
    layout: Annotated[Layout, typer.Option(
        "--layout", help="members: ids and attributes; mailchimp, klaviyo, hubspot: that "
        "tool's import columns; hashed: SHA-256 of trimmed, lower-cased emails for ad "
        "platforms.")] = Layout.MEMBERS,
    columns: Annotated[str | None, typer.Option(
        "--columns", help="For --layout members: comma-separated attributes to include "
        "(default: all).")] = None,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Write a segment for a channel, with a YAML record of what was exported beside it."""
    from tools.exporting import sidecar_path

    check_out_path(out, data_file)
    if columns is not None and layout is not Layout.MEMBERS:
        fail("--columns is for --layout members: an email tool's layout has fixed columns")
    from assistant.progress import load_with_progress

    data = load_with_progress(DataArgs(data_file, maps, as_of, table, workspace))
    from tools.audiences import hashed_audience, layout_frame
    from tools.exporting import member_frame, write_export

    chosen = named_segment(segment, data, workspace)
    if layout is Layout.MEMBERS:
        chosen_columns = [c for c in columns.split(",") if c.strip()] if columns else None
        frame = member_frame(data, chosen.mask, chosen_columns)
    elif layout is Layout.HASHED:
        frame = hashed_audience(data, chosen.mask)
    else:
        frame = layout_frame(data, chosen.mask, layout.value)
    written = write_export(frame, data, chosen.mask, out,
                           record=export_record(chosen, data, layout.value))
    size = int(chosen.mask.sum())
    if as_json:
        print_json({"segment": chosen.label, "layout": layout.value, "members": size,
                    "rows": len(frame), "path": str(written),
                    "record": str(sidecar_path(written))})
        return
    from assistant.cli_render import console

    skipped = size - len(frame)
    note = (f" ({skipped:,} without a usable email or with a repeated one left out)"
            if skipped and layout is not Layout.MEMBERS else "")
    console().print(f"Wrote {len(frame):,} rows for '{chosen.label}' ({layout.value} layout) "
                    f"to {written}{note}; what was exported is in {sidecar_path(written)}",
                    markup=False)


def make_chart(kind: ChartKind, data: CustomerData, segments: list[NamedSegment],
               measure: str | None = None, clustering: dict[str, Any] | None = None) -> Chart:
    """The chart spec of KIND for the named segments (the clustering summary for clusters)."""
    from tools import charts

    if kind is ChartKind.SIZES:
        if not segments:
            return charts.rfm_sizes(data)
        return charts.segment_sizes(data, [(s.label, s.mask) for s in segments])
    if kind is ChartKind.RFM_GRID:
        return charts.rfm_heatmap(data)
    if kind is ChartKind.CLUSTERS:
        assert clustering is not None
        return charts.cluster_profiles(clustering)
    if len(segments) != 1:
        fail("a distribution chart is for one segment: name it, e.g. "
             "`segment chart distribution Champions --data FILE --measure monetary`")
    return charts.distribution(data, segments[0].mask, measure, segments[0].label)


@guarded
def chart(
    kind: Annotated[ChartKind, typer.Argument(
        help="sizes: segment sizes (the RFM segments when none is named); rfm-grid: customers "
        "by R and F score; clusters: cluster profiles; distribution: a measure in a segment "
        "vs all customers.", show_default=False)],
    data_file: DataOpt,
    segments: SegmentsArg = None,
    measure: Annotated[str | None, typer.Option(
        "--measure", help="For distribution: the column to chart (default: spend).")] = None,
    features: Annotated[str | None, typer.Option(
        help="For clusters: comma-separated columns (default: chosen from the data).")] = None,
    k: Annotated[int | None, typer.Option(
        "--k", min=2, max=20, help="For clusters: how many (default: chosen from the data).")
        ] = None,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Draw a chart in the terminal: sizes, the RFM grid, cluster profiles or a distribution."""
    if kind is ChartKind.DISTRIBUTION and len(segments or []) != 1:
        fail("a distribution chart is for one segment: name it, e.g. "
             "`segment chart distribution Champions --data FILE --measure monetary`")
    from assistant.cli_render import console
    from assistant.progress import load_with_progress, progress_bar

    out = console()
    data = load_with_progress(DataArgs(data_file, maps, as_of, table, workspace))
    named = [named_segment(name, data, workspace) for name in segments or []]
    clustering = None
    if kind is ChartKind.CLUSTERS:
        from tools.engine.clustering import CustomerClustering, default_features, summarise

        chosen = [f.strip() for f in features.split(",") if f.strip()] if features else None
        with progress_bar("Clustering") as progress:
            model = CustomerClustering(features=chosen or default_features(data), k=k).fit(
                data.customers, progress=progress)
        clustering = summarise(data, model).to_dict()
    spec = make_chart(kind, data, named, measure, clustering)
    if as_json:
        print_json({"kind": kind.value, "chart": spec})
        return
    from assistant.charts import render_chart

    render_chart(out, spec)


@guarded
def report(
    data_file: DataOpt,
    html: Annotated[Path, typer.Option(
        "--html", help="The HTML file to write (one self-contained page).",
        show_default=False)],
    segments: SegmentsArg = None,
    png_dir: Annotated[Path | None, typer.Option(
        "--png-dir", help="Also save every chart as a PNG in this folder (needs Chromium).")
        ] = None,
    knowledge: Annotated[bool, typer.Option(
        "--knowledge/--no-knowledge", help="Add explanations and campaign plans from the "
        "knowledge base.")] = True,
    lang: Annotated[str, typer.Option("--lang", help="Language of explanations and plans: "
                                      "en, zh or ru.")] = "en",
    breakdowns: Annotated[list[str] | None, typer.Option(
        "--breakdown", metavar="BY[:MEASURE]", help="Add a breakdown (repeatable), e.g. "
        "Country:revenue-share or Education:rate:Response; measures as `segment breakdown`."
        )] = None,
    calibration_end: Annotated[str | None, typer.Option(
        "--calibration-end", metavar="YYYY-MM-DD", help="Add the predicted traits, fitted on "
        "purchases up to this day, with a chart of predicted against actual repeat purchases "
        "after it.")] = None,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """A self-contained HTML report: definitions, sizes, profiles, comparison, RFM grid, plans."""
    if html.suffix.lower() not in (".html", ".htm"):
        fail("give the report file with --html FILE.html")
    if lang not in ("en", "zh", "ru"):
        fail(f"--lang {lang}: explanations are in en, zh and ru", ["en", "zh", "ru"])
    if html.resolve() == data_file.resolve():
        fail(f"--html {html} is the data file itself: choose another file")
    from assistant.cli_render import console
    from assistant.progress import load_with_progress, progress_bar, stderr_console, summary_line

    data = load_with_progress(DataArgs(data_file, maps, as_of, table, workspace))
    from tools.report import ReportSegment, build_report
    from tools.report_html import render_html

    prediction = None
    if calibration_end is not None:
        from tools.engine.predictive_data import PredictConfig
        config = PredictConfig(calibration_end=calibration_day(calibration_end))
        prediction = predict_data(data, config, table=table, need_amounts=False)
        show_predictions(data, prediction)  # segments may use p_alive, clv, ...
    chosen = [named_segment(name, data, workspace) for name in segments or []]
    store = None
    if knowledge and any(c.kind != "all" for c in chosen):
        from tools.knowledge.store import KnowledgeStore

        store = KnowledgeStore(workspace, shared=shared_knowledge_folder())
        with progress_bar("Knowledge base") as progress:
            store.build(progress=progress)
    figures = [_breakdown(data, spec, workspace) for spec in breakdowns or []]
    built = build_report(data, [ReportSegment(c.label, c.kind, c.condition, c.mask)
                                for c in chosen], knowledge=store, lang=lang, breakdowns=figures,
                         prediction=prediction)
    html.parent.mkdir(parents=True, exist_ok=True)
    tmp = html.with_name(f".{html.name}.tmp")
    tmp.write_text(render_html(built), encoding="utf-8")
    tmp.replace(html)
    pngs: list[Path] = []
    if png_dir is not None:
        from tools.svg_charts import chart_svg, svg_size

        pictures = [(name, svg, *svg_size(svg))
                    for name, svg in ((n, chart_svg(c)) for n, c in built.charts())]
        with progress_bar("PNG charts", summaries=False):
            pngs = chart_pngs(pictures, png_dir)
    if as_json:
        print_json({"html": str(html), "segments": [s.label for s in built.segments],
                    "charts": [name for name, _ in built.charts()],
                    "pngs": [str(p) for p in pngs], "notes": built.notes})
        return
    out = console()
    out.print(f"Wrote the report of {len(built.segments)} segment(s) to {html}", markup=False)
    if pngs:
        out.print(f"Saved {len(pngs)} PNG charts in {png_dir}", markup=False)
    for note in built.notes:
        stderr_console().print(summary_line(note))


def _breakdown(data: CustomerData, spec: str, workspace: Path) -> dict[str, Any]:
    """`--breakdown Country:revenue-share` as a compute_figures summary."""
    from tools.toolkit import Toolkit

    by, _, measure = spec.partition(":")
    args = {**measure_args(measure or "customers", data), "by": by.strip() or None}
    result = Toolkit(data, library=library(workspace)).call("compute_figures", args)
    if not result.ok:
        raise EngineError(f"--breakdown {spec}: {result.message}", options=result.options)
    return result.summary


def register(app: typer.Typer) -> None:
    """Add `chart`, `report` and `export-audience` to the `segment` app."""
    app.command("export-audience")(export_audience)
    app.command("chart")(chart)
    app.command("report")(report)
