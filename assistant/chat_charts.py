"""`/chart` in the chat: the charts of `segment chart`, about the conversation's segment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

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
    from tools.engine.errors import EngineError

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
        from assistant.progress import status
        from tools.engine.clustering import fit_clustering, summarise

        features, k = toolkit.last_clustering or (None, None)
        with status(console, "Clustering customers"):
            model = fit_clustering(data, features, k)
            return charts.cluster_profiles(summarise(data, model))
    if mask is None:
        console.print("No current segment yet: ask for one first, or try /chart rfm.",
                      markup=False)
        return None
    return charts.distribution(data, mask, column, label)
