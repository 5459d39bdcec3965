"""`/chart` in the chat: the charts of `segment chart`, about the conversation's segment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from assistant.progress import status
from tools.engine.errors import EngineError
from tools.workspace_files import private_folder, write_private

if TYPE_CHECKING:
    from assistant.core import Assistant
    from tools.charts import Chart

USAGE = ("Usage: /chart [sizes | rfm | clusters | distribution [COLUMN]] "
         "(no argument: the current segment's spend against all customers)")
_KINDS = {"sizes": "sizes", "size": "sizes", "rfm": "rfm-grid", "grid": "rfm-grid",
          "rfm-grid": "rfm-grid", "heatmap": "rfm-grid", "clusters": "clusters",
          "cluster": "clusters", "distribution": "distribution", "dist": "distribution",
          "histogram": "distribution"}


def chart_command(bot: Assistant, console: Console, args: str) -> None:
    """Draw the chart `args` asks for; a user error is one line, never a traceback."""
    from assistant.charts import render_chart

    words = args.split(maxsplit=1)
    kind = _KINDS.get(words[0].lower()) if words else "distribution"
    if kind is None:
        console.print(USAGE, markup=False)
        return
    column = words[1].strip() if len(words) > 1 else None
    try:
        spec = _chart(bot, console, kind, column)
    except EngineError as exc:
        console.print(exc.message, style="red", markup=False, highlight=False)
        return
    if spec is None:
        return
    render_chart(console, spec)


def _chart(bot: Assistant, console: Console, kind: str, column: str | None) -> Chart | None:
    from tools import charts

    data, toolkit = bot.data, bot.toolkit
    mask = toolkit.current_mask()
    label = toolkit.state.name or "current segment"
    if kind == "rfm-grid":
        return charts.rfm_heatmap(data)
    if kind == "sizes":
        if mask is None:
            return charts.rfm_sizes(data)
        import pandas as pd

        everyone = pd.Series(True, index=data.customers.index)
        return charts.segment_sizes(data, [(label, mask), ("all customers", everyone)])
    if kind == "clusters":
        from tools.engine.clustering import fit_clustering, summarise

        last = toolkit.last_clustering
        population = (toolkit.mask(last.within) if last is not None and last.within is not None
                      else None)
        with status(console, "Clustering customers"):
            model = fit_clustering(data, last.features if last else None,
                                   last.k if last else None, population=population)
            return charts.cluster_profiles(summarise(data, model, population))
    if mask is None:
        console.print("No current segment yet: ask for one first, or try /chart rfm.",
                      markup=False)
        return None
    return charts.distribution(data, mask, column, label)


def report_command(bot: Assistant, console: Console, args: str) -> None:
    """`/report [FILE.html]`: the HTML report of the current segment (or of the whole base)."""
    from tools.report import ReportSegment, build_report
    from tools.report_html import render_html

    target = Path(args.strip()).expanduser() if args.strip() else None
    if target is not None and target.suffix.lower() not in (".html", ".htm"):
        console.print("Usage: /report [FILE.html]", markup=False)
        return
    toolkit = bot.toolkit
    mask = toolkit.current_mask()
    segments = []
    condition = toolkit.state.condition
    if mask is not None and condition is not None:
        kind = {"rfm_segment": "rfm", "lifecycle": "lifecycle"}.get(
            condition.type, "saved" if toolkit.state.name else "custom")
        named = getattr(condition, "segments", None) or getattr(condition, "stages", None)
        label = toolkit.state.name or (named[0] if named and len(named) == 1
                                       else "current segment")
        segments.append(ReportSegment(label, kind, condition, mask))
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = bot.output_folder / f"report-{stamp}.html"  # beside the exports
    try:
        with status(console, "Writing the report"):
            built = build_report(bot.data, segments, knowledge=toolkit.knowledge,
                                 lang=toolkit.language, breakdowns=bot.figures)
            private_folder(target.parent)
            write_private(target, render_html(built))  # profiles of the user's customers
    except EngineError as exc:
        console.print(exc.message, style="red", markup=False, highlight=False)
        return
    except OSError as exc:
        console.print(f"Cannot write {target}: {exc.strerror or exc}", style="red",
                      markup=False, highlight=False)
        return
    what = f"'{segments[0].label}'" if segments else "the whole customer base"
    console.print(f"Wrote the report of {what} to {target.resolve()} (open it in a browser; "
                  "it needs no network).", markup=False, highlight=False)
