"""Chart specs (tools/charts.py) drawn in the terminal with rich: bars, heatmaps, profiles.

Rich tables with block characters and background colours: they work in any
terminal, survive copy-paste as text, and need no plotting library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tools.charts import BarChart, Chart, Distribution, Heatmap, ProfileChart
from tools.svg_charts import index_colour

BAR_WIDTH = 40
HALF_BAR_WIDTH = 24
_EIGHTHS = " ▏▎▍▌▋▊▉"
SEGMENT_COLOUR = "dodger_blue2"
BASE_COLOUR = "grey62"


def bar_text(fraction: float, width: int) -> str:
    """A horizontal bar `fraction` (0-1) of `width` cells long, to an eighth of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def heat_style(fraction: float) -> str:
    """White to deep blue; light text on the dark end."""
    fraction = max(0.0, min(1.0, fraction))
    red, green, blue = (round(235 - 205 * fraction), round(242 - 150 * fraction),
                        round(250 - 60 * fraction))
    ink = "white" if fraction > 0.55 else "black"
    return f"{ink} on rgb({red},{green},{blue})"


def index_style(index: float | None, lower_is_better: bool = False) -> str:
    """The index's colour (`svg_charts.index_colour`) as a rich style, with readable ink."""
    if index is None:
        return "dim"
    (red, green, blue), strength = index_colour(index, lower_is_better)
    ink = "white" if strength > 0.6 else "black"
    return f"{ink} on rgb({red},{green},{blue})"


def render_bars(out: Console, chart: BarChart) -> None:
    table = Table(title=chart.title, title_justify="left", show_edge=False, box=None,
                  padding=(0, 1))
    table.add_column("")
    table.add_column(chart.unit.capitalize(), justify="right")
    table.add_column("")
    table.add_column("", no_wrap=True)
    top = max((bar.value for bar in chart.bars), default=0) or 1
    for bar in chart.bars:
        table.add_row(Text(bar.label), bar.shown or f"{bar.value:,.0f}", bar.note,
                      Text(bar_text(bar.value / top, BAR_WIDTH), style=SEGMENT_COLOUR))
    out.print(table)


def render_heatmap(out: Console, chart: Heatmap) -> None:
    table = Table(title=chart.title, title_justify="left", show_lines=True)
    table.add_column(f"{chart.row_title} \\ {chart.column_title}")
    for label in chart.column_labels:
        table.add_column(label, justify="center", min_width=7)
    top = max((v for row in chart.values for v in row), default=0) or 1
    for r, label in enumerate(chart.row_labels):
        cells = []
        for c, value in enumerate(chart.values[r]):
            note = chart.notes[r][c] if chart.notes else ""
            cells.append(Text(f"{value:,}" + (f"\n{note}" if note else ""),
                              style=heat_style(value / top), justify="center"))
        table.add_row(label, *cells)
    out.print(table)
    if chart.legend:
        out.print(Text(chart.legend, style="dim"))


def render_profiles(out: Console, chart: ProfileChart) -> None:
    """Features down, clusters across: a clustering has few groups but may have many features."""
    table = Table(title=chart.title, title_justify="left")
    table.add_column("Feature")
    for g in range(len(chart.groups)):
        size = f"\n{chart.sizes[g]:,}" if chart.sizes else ""
        table.add_column(f"#{g}{size}", justify="right", min_width=6)
    for f, feature in enumerate(chart.features):
        lower = bool(chart.lower_better and chart.lower_better[f])
        cells: list[Any] = [Text(feature)]
        for g in range(len(chart.groups)):
            value = chart.index[g][f]
            shown = "-" if value is None else f"{value:,.0f}"
            cells.append(Text(shown, style=index_style(value, lower), justify="right"))
        table.add_row(*cells)
    out.print(table)
    for g, group in enumerate(chart.groups):
        out.print(Text(f"#{g}: {group}"))
    out.print(Text("Index: the cluster's average as a percentage of all customers' "
                   "(150 = 50% above); green above, red below.", style="dim"))


def render_distribution(out: Console, chart: Distribution) -> None:
    table = Table(title=chart.title, title_justify="left", show_edge=False, box=None,
                  padding=(0, 1))
    table.add_column(chart.measure)
    table.add_column(f"{chart.segment_label} ({chart.segment_count:,})", no_wrap=True)
    table.add_column(f"all customers ({chart.base_count:,})", no_wrap=True)
    top = max((*chart.segment_shares, *chart.base_shares), default=0) or 1
    for label, seg, base in zip(chart.bins, chart.segment_shares, chart.base_shares,
                                strict=True):
        segment_cell = Text(bar_text(seg / top, HALF_BAR_WIDTH), style=SEGMENT_COLOUR)
        segment_cell.append(f" {100 * seg:.1f}%")
        base_cell = Text(bar_text(base / top, HALF_BAR_WIDTH), style=BASE_COLOUR)
        base_cell.append(f" {100 * base:.1f}%")
        table.add_row(Text(label), segment_cell, base_cell)
    out.print(table)
    if chart.segment_median is not None and chart.base_median is not None:
        out.print(f"Median {chart.measure}: {chart.segment_median:,.2f} in {chart.segment_label}"
                  f" vs {chart.base_median:,.2f} for all customers.", markup=False)


_RENDERERS: dict[type, Callable[[Console, Any], None]] = {
    BarChart: render_bars, Heatmap: render_heatmap, ProfileChart: render_profiles,
    Distribution: render_distribution,
}


def render_chart(out: Console, chart: Chart) -> None:
    _RENDERERS[type(chart)](out, chart)
