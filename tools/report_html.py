"""A report as one self-contained HTML page: inline CSS and SVG, no script, no network.

Every value from the data (segment names, category values, column names,
knowledge text) is HTML-escaped before it is placed in the page, so a category
value such as `<script>` shows as text and never runs.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from tools.charts import lower_is_better
from tools.engine.wording import percent_digits
from tools.measure_view import left_out_notes, measure_value, telling
from tools.report import Report, SegmentSection
from tools.report_predict import prediction_html
from tools.svg_charts import chart_svg, index_fill

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f7fafc;
color:#1a202c;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:1.7em;margin-bottom:4px}h2{margin-top:40px;border-bottom:2px solid #2b6cb0;
padding-bottom:4px}h3{margin-top:24px}
.meta{color:#4a5568;font-size:.9em}.figure{margin:12px 0 20px;overflow-x:auto}
table{border-collapse:collapse;margin:8px 0 16px;font-size:.92em}
th,td{border:1px solid #e2e8f0;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#edf2f7}
pre{background:#f1f5f9;padding:10px 14px;overflow-x:auto;font-size:.88em}
.note{color:#744210;background:#fffbeb;padding:6px 10px;border-left:3px solid #d69e2e}
.knowledge{background:#f8fafc;border-left:3px solid #2b6cb0;padding:4px 16px;margin:8px 0}
.key{font-size:1.05em}.legend{color:#4a5568;font-size:.85em}
"""


def text(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def render_html(report: Report) -> str:
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{text(report.title)}</title><style>{_STYLE}</style></head><body><main>",
             _header(report), _sizes(report), _rfm(report)]
    parts += [_segment(section, i, report.currency)
              for i, section in enumerate(report.segments, 1)]
    parts.append(_comparison(report))
    parts.append(_breakdowns(report))
    parts.append(prediction_html(report.prediction))
    parts += [f"<p class='note'>{text(note)}</p>" for note in report.notes]
    parts.append("</main></body></html>")
    return "\n".join(p for p in parts if p)


def _header(report: Report) -> str:
    source = report.source
    as_of = f" · as of {text(source['as_of'])}" if source.get("as_of") else ""
    return (f"<h1>{text(report.title)}</h1><p class='meta'>Generated {text(report.generated_at)}"
            f" from <code>{text(source['file'])}</code> ({text(source['kind'])}, "
            f"{source['rows_read']:,} rows read; SHA-256 <code>{text(source['sha256'][:16])}"
            f"…</code>){as_of}. {report.base_customers:,} customers. Every number was computed "
            "by the segmentation engine.</p>")


def _figure(chart: Any) -> str:
    return f"<div class='figure'>{chart_svg(chart)}</div>"


def _sizes(report: Report) -> str:
    return f"<section id='sizes'><h2>Sizes</h2>{_figure(report.sizes)}</section>"


def _rfm(report: Report) -> str:
    if report.rfm_grid is None:
        return ""
    parts = ["<section id='rfm'><h2>RFM segments</h2><p>Recency (R) and frequency (F) "
             "scores run from 1 to 5 (5 = most recent, most orders); each cell of the grid "
             "belongs to one named segment.</p>"]
    if report.rfm_sizes is not None and report.rfm_sizes is not report.sizes:
        parts.append(_figure(report.rfm_sizes))
    parts.append(_figure(report.rfm_grid))
    parts.append(f"<p class='legend'>{text(report.rfm_grid.legend)}</p>")
    parts += [f"<p class='note'>{text(note)}</p>" for note in report.rfm_notes]
    parts.append("</section>")
    return "".join(parts)


def _breakdowns(report: Report) -> str:
    if not report.breakdowns:
        return ""
    parts = ["<section id='breakdowns'><h2>Breakdowns</h2>"]
    for chart in report.breakdowns:
        parts.append(f"<h3>{text(chart.title)}</h3>{_figure(chart)}")
    parts.append("<p class='legend'>Groups of fewer than 5 customers are marked: too few to "
                 "read much into.</p></section>")
    return "".join(parts)


def _segment(section: SegmentSection, number: int, currency: str | None) -> str:
    parts = [f"<section class='segment' id='segment-{number}'><h2>{text(section.label)}</h2>",
             f"<p class='key'><strong>{section.size:,}</strong> customers "
             f"({percent_digits(section.share)}% of all) · {text(section.description)}</p>"]
    revenue = section.profile.get("revenue_share")
    if revenue is not None:
        parts.append(f"<p>Share of revenue: <strong>{percent_digits(float(revenue))}%</strong> "
                     f"(of {text(section.profile.get('revenue_column'))}).</p>")
    if section.definition_yaml:
        parts.append("<h3>Definition</h3><pre class='definition'>"
                     f"{text(section.definition_yaml)}</pre>")
    parts.append(_measures(section.profile, currency))
    parts.append(_categories(section.profile))
    if section.distribution is not None:
        parts.append(f"<h3>Distribution of {text(section.distribution.measure)}</h3>"
                     + _figure(section.distribution))
    if section.explanation:
        parts.append("<h3>What this segment is</h3><div class='knowledge'>"
                     f"{markdown_html(section.explanation)}</div>")
    if section.campaign:
        parts.append("<h3>Campaign plan</h3><div class='knowledge'>"
                     f"{markdown_html(section.campaign)}</div>")
    parts += [f"<p class='note'>{text(note)}</p>" for note in section.notes]
    parts.append("</section>")
    return "".join(parts)


def _number(value: Any, money: bool = False, currency: str | None = None) -> str:
    if value is None:
        return "-"
    shown = f"{float(value):,.2f}" if money or not float(value).is_integer() \
        else f"{float(value):,.0f}"
    return text(f"{currency or ''}{shown}" if money else shown)


def _measures(profile: dict[str, Any], currency: str | None) -> str:
    measures = profile.get("measures") or []
    if not measures:
        return ""
    rows = ["<h3>Profile against all customers</h3><table class='measures'><tr><th>Measure</th>"
            "<th>Segment mean</th><th>Segment median</th><th>All customers' mean</th>"
            "<th>Index (100 = same)</th></tr>"]
    for m in telling(measures, None):  # all of them, most different first
        index = m.get("index")
        lower = lower_is_better(str(m["column"]), m.get("role"))

        def shown(key: str, m: dict[str, Any] = m) -> str:
            return measure_value(m, key, lambda v: _number(v), _percent,
                                 lambda v: _number(v, True, currency))

        rows.append(f"<tr><td>{text(m['column'])}</td>"
                    f"<td>{shown('segment_mean')}</td><td>{shown('segment_median')}</td>"
                    f"<td>{shown('base_mean')}</td>"
                    f"<td style='background:{index_fill(index, lower)}'>{_number(index)}</td></tr>")
    rows.append("</table>")
    rows.extend(f"<p class='note'>{text(note)}</p>" for note in left_out_notes(measures))
    return "".join(rows)


def _percent(value: Any) -> str:
    return f"{percent_digits(float(value))}%"


def _categories(profile: dict[str, Any]) -> str:
    categories = [c for c in profile.get("categories") or [] if c.get("top")]
    if not categories:
        return ""
    rows = ["<table class='categories'><tr><th>Attribute</th><th>Value</th>"
            "<th>Share in segment</th><th>Share of all customers</th></tr>"]
    for category in categories:
        for share in category["top"]:
            rows.append(f"<tr><td>{text(category['column'])}</td><td>{text(share['value'])}</td>"
                        f"<td>{percent_digits(float(share['segment_share']))}%</td>"
                        f"<td>{percent_digits(float(share['base_share']))}%</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _comparison(report: Report) -> str:
    if report.comparison is None or report.comparison_labels is None:
        return ""
    a, b = (text(label) for label in report.comparison_labels)
    overlap = report.comparison["overlap"]
    parts = [f"<section id='comparison'><h2>{a} compared with {b}</h2>",
             f"<p>Only {a}: <strong>{overlap['only_a']:,}</strong> · only {b}: "
             f"<strong>{overlap['only_b']:,}</strong> · in both: "
             f"<strong>{overlap['both']:,}</strong> (Jaccard {overlap['jaccard']}).</p>",
             "<table class='differences'><tr><th>What differs</th>"
             f"<th>{a}</th><th>{b}</th><th>Standardised difference</th></tr>"]
    for d in report.comparison["differences"]:
        what = d["column"] if d["value"] is None else f"{d['column']} = {d['value']}"
        share = d["value"] is not None
        parts.append(f"<tr><td>{text(what)}</td><td>{_share_or_mean(d['a'], share)}</td>"
                     f"<td>{_share_or_mean(d['b'], share)}</td>"
                     f"<td>{text(d['standardised_difference'])}</td></tr>")
    parts.append("</table><p class='legend'>Standardised difference: 0.2 small, 0.5 medium, "
                 "0.8 large.</p></section>")
    return "".join(parts)


def _share_or_mean(value: Any, share: bool) -> str:
    if value is None:
        return "-"
    return f"{percent_digits(float(value))}%" if share else _number(value)


def markdown_html(markdown: str) -> str:
    """The small Markdown the knowledge answers use, escaped first: headings, lists, quotes."""
    blocks: list[str] = []
    items: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(f"<p>{' '.join(paragraph)}</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        bullet = re.match(r"(?:[-*]|\d+[.)])\s+(.*)", line)
        if not line:
            flush()
        elif heading:
            flush()
            level = min(6, len(heading.group(1)) + 2)
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet:
            if paragraph:
                flush()
            items.append(_inline(bullet.group(1)))
        elif line.startswith(">"):
            flush()
            blocks.append(f"<blockquote>{_inline(line.lstrip('> '))}</blockquote>")
        else:
            if items:
                flush()
            paragraph.append(_inline(line))
    flush()
    return "".join(blocks)


def _inline(line: str) -> str:
    escaped = text(line)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", escaped)
