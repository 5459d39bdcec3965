"""Chart specs (tools/charts.py) as inline SVG for the HTML report.

Plain SVG text: no plotting library, no script, no external font or style, so
a report opens offline in any browser. Every label is escaped: category values
come from customers' data and may hold markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from tools.charts import BarChart, Chart, Distribution, Heatmap, HoldoutChart, ProfileChart

SEGMENT_FILL = "#2b6cb0"
BASE_FILL = "#a0aec0"
FONT = "font-family='system-ui, sans-serif' font-size='13'"
_LABEL_WIDTH = 210
_BAR_AREA = 420
_ROW = 26


def text(value: Any) -> str:
    return escape(str(value), quote=True)


def _svg(kind: str, title: str, width: int, height: int, body: list[str]) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' data-chart='{text(kind)}' "
            f"role='img' aria-label='{text(title)}' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' {FONT}><title>{text(title)}</title>"
            + "".join(body) + "</svg>")


def _label(x: float, y: float, value: Any, anchor: str = "start", extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' dominant-baseline='middle'"
            f"{extra}>{text(value)}</text>")


def heat_fill(fraction: float) -> str:
    fraction = max(0.0, min(1.0, fraction))
    red, green, blue = (round(235 - 205 * fraction), round(242 - 150 * fraction),
                        round(250 - 60 * fraction))
    return f"rgb({red},{green},{blue})"


def index_colour(index: float, lower_is_better: bool = False
                 ) -> tuple[tuple[int, int, int], float]:
    """The colour of an index against the base (100) and its strength (0-1): green where
    the figure is good for the business, red where bad, stronger the further away. Shared
    by the report, the SVG charts and the terminal tables."""
    if lower_is_better:  # 50 (half the days since a purchase) is as good as 150 elsewhere
        index = 200 - index
    if index >= 100:
        strength = min(1.0, (index - 100) / 150)
        return (round(235 - 190 * strength), round(245 - 80 * strength),
                round(235 - 190 * strength)), strength
    strength = min(1.0, (100 - index) / 80)
    return (round(250 - 40 * strength), round(235 - 175 * strength),
            round(235 - 175 * strength)), strength


def index_fill(index: float | None, lower_is_better: bool = False) -> str:
    if index is None:
        return "#edf2f7"
    (red, green, blue), _ = index_colour(index, lower_is_better)
    return f"rgb({red},{green},{blue})"


def bar_chart_svg(chart: BarChart) -> str:
    width, top = _LABEL_WIDTH + _BAR_AREA + 140, 10
    height = top + _ROW * len(chart.bars) + 10
    largest = max((bar.value for bar in chart.bars), default=0) or 1
    body = []
    for i, bar in enumerate(chart.bars):
        y = top + i * _ROW
        length = _BAR_AREA * bar.value / largest
        body.append(_label(_LABEL_WIDTH - 8, y + _ROW / 2, bar.label, "end"))
        body.append(f"<rect class='bar' x='{_LABEL_WIDTH}' y='{y + 4}' width='{length:.1f}' "
                    f"height='{_ROW - 8}' fill='{SEGMENT_FILL}'/>")
        note = f" ({bar.note})" if bar.note else ""
        shown = bar.shown or f"{bar.value:,.0f}"
        body.append(_label(_LABEL_WIDTH + length + 6, y + _ROW / 2, f"{shown}{note}"))
    return _svg("bars", chart.title, width, height, body)


def heatmap_svg(chart: Heatmap) -> str:
    cell_w, cell_h, left, top = 96, 52, 60, 28
    width = left + cell_w * len(chart.column_labels) + 10
    height = top + cell_h * len(chart.row_labels) + 10
    largest = max((v for row in chart.values for v in row), default=0) or 1
    body = [_label(left + cell_w * c + cell_w / 2, top / 2, label, "middle",
                   " font-weight='bold'") for c, label in enumerate(chart.column_labels)]
    for r, row_label in enumerate(chart.row_labels):
        y = top + r * cell_h
        body.append(_label(left - 8, y + cell_h / 2, row_label, "end", " font-weight='bold'"))
        for c, value in enumerate(chart.values[r]):
            x = left + c * cell_w
            share = value / largest
            ink = "#ffffff" if share > 0.55 else "#1a202c"
            body.append(f"<rect class='cell' x='{x}' y='{y}' width='{cell_w - 2}' "
                        f"height='{cell_h - 2}' fill='{heat_fill(share)}'/>")
            body.append(_label(x + cell_w / 2, y + cell_h / 2 - 8, f"{value:,}", "middle",
                               f" fill='{ink}' font-weight='bold'"))
            if chart.notes:
                body.append(_label(x + cell_w / 2, y + cell_h / 2 + 10, chart.notes[r][c],
                                   "middle", f" fill='{ink}' font-size='11'"))
    return _svg("heatmap", chart.title, width, height, body)


def profile_svg(chart: ProfileChart) -> str:
    cell_w, cell_h, left, top = 110, 30, 190, 44
    width = left + cell_w * len(chart.groups) + 10
    height = top + cell_h * len(chart.features) + 10
    body = []
    for g in range(len(chart.groups)):
        x = left + g * cell_w + cell_w / 2
        body.append(_label(x, 12, f"#{g}", "middle", " font-weight='bold'"))
        if chart.sizes:
            body.append(_label(x, 30, f"{chart.sizes[g]:,}", "middle", " font-size='11'"))
    for f, feature in enumerate(chart.features):
        lower = bool(chart.lower_better and chart.lower_better[f])
        y = top + f * cell_h
        body.append(_label(left - 8, y + cell_h / 2, feature, "end"))
        for g in range(len(chart.groups)):
            value = chart.index[g][f]
            x = left + g * cell_w
            body.append(f"<rect class='cell' x='{x}' y='{y}' width='{cell_w - 2}' "
                        f"height='{cell_h - 2}' fill='{index_fill(value, lower)}'/>")
            body.append(_label(x + cell_w / 2, y + cell_h / 2,
                               "-" if value is None else f"{value:,.0f}", "middle"))
    return _svg("profiles", chart.title, width, height, body)


def distribution_svg(chart: Distribution) -> str:
    def percent(share: float) -> str:
        return f"{100 * share:.1f}%"

    return _paired_bars(
        "distribution", chart.title, chart.bins,
        Bars(f"{chart.segment_label} ({chart.segment_count:,})", chart.segment_shares, percent),
        Bars(f"all customers ({chart.base_count:,})", chart.base_shares, percent),
        second_legend_at=260, right=80)


def holdout_svg(chart: HoldoutChart) -> str:
    """Two bars per group: repeat purchases the model predicted, and those that happened."""
    labels = [f"{group} ({people:,})" for group, people in zip(chart.groups, chart.customers,
                                                                strict=True)]
    return _paired_bars(
        "holdout", chart.title, labels,
        Bars(f"predicted ({sum(chart.predicted):,.0f})", chart.predicted, "{:,.1f}".format),
        Bars(f"actual ({sum(chart.actual):,})", chart.actual, "{:,}".format),
        second_legend_at=200, right=90)


@dataclass(frozen=True)
class Bars:
    """One of the two bars of each row: its legend, values and how a value is written."""

    legend: str
    values: Sequence[float]
    shown: Callable[[Any], str]


def _paired_bars(kind: str, title: str, labels: Sequence[str], first: Bars, second: Bars,
                 *, second_legend_at: int, right: int) -> str:
    """Two bars per row (the first in the segment colour, the second in the base colour),
    each with its value, under a legend of the two."""
    row, top, left = 34, 24, 150
    width = left + _BAR_AREA + right
    height = top + row * len(labels) + 10
    largest = max((*first.values, *second.values), default=0) or 1
    body = [f"<rect x='{left}' y='4' width='12' height='12' fill='{SEGMENT_FILL}'/>",
            _label(left + 18, 10, first.legend),
            f"<rect x='{left + second_legend_at}' y='4' width='12' height='12' "
            f"fill='{BASE_FILL}'/>",
            _label(left + second_legend_at + 18, 10, second.legend)]
    for i, label in enumerate(labels):
        y = top + i * row
        body.append(_label(left - 8, y + row / 2, label, "end"))
        for offset, bars, fill in ((3, first, SEGMENT_FILL), (17, second, BASE_FILL)):
            length = _BAR_AREA * bars.values[i] / largest
            body.append(f"<rect class='bar' x='{left}' y='{y + offset}' width='{length:.1f}' "
                        f"height='13' fill='{fill}'/>")
            body.append(_label(left + length + 5, y + offset + 7, bars.shown(bars.values[i]),
                               extra=" font-size='11'"))
    return _svg(kind, title, width, height, body)


_RENDERERS: dict[type, Callable[[Any], str]] = {
    BarChart: bar_chart_svg, Heatmap: heatmap_svg, ProfileChart: profile_svg,
    Distribution: distribution_svg, HoldoutChart: holdout_svg,
}


def chart_svg(chart: Chart) -> str:
    return _RENDERERS[type(chart)](chart)


def svg_size(svg: str) -> tuple[int, int]:
    """The pixel width and height an SVG of this module declares."""
    found = re.search(r"width='(\d+)' height='(\d+)'", svg)
    return (int(found.group(1)), int(found.group(2))) if found else (800, 600)
