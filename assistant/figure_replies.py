"""A question about the data in words: the figure, or one line per group (en, zh, ru).

`figure_text` gives the reply's parts (a title, one row per group, a closing note) so the
terminal can draw the same words as a table with bars; `figures_lines` joins them as the
reply. Every number comes from the `compute_figures` result; the wording is the reply
phrase files' (reply_phrases/*.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.reply_words import ReplyWords


@dataclass(frozen=True)
class FigureRowText:
    group: str
    value: str
    detail: str
    number: float  # the figure, for a bar's length
    small: bool = False


@dataclass(frozen=True)
class FigureText:
    title: str
    rows: list[FigureRowText] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def figures_lines(summary: dict[str, Any], *, language: str = "en") -> list[str]:
    text = figure_text(summary, language=language)
    w = ReplyWords(language)
    lines = [text.title]
    for row in text.rows:
        detail = row.detail + (f" ({w.phrases.figures_small})" if row.small else "")
        lines.append(w.say("figures_row", group=row.group, value=row.value, detail=detail))
    return lines + text.notes


def figure_text(summary: dict[str, Any], *, language: str = "en") -> FigureText:
    w = ReplyWords(language)
    statistic = summary.get("statistic", "customers")
    names = w.feature_names
    column = summary.get("column") or ""
    what = w.say(f"stat_{statistic}", column=names.get(column, column),
                 target=summary.get("target") or "")
    who = summary.get("condition") or (
        w.phrases.all_customers if summary.get("segment") == "all customers"
        else w.name(summary.get("segment")))
    if who != w.phrases.all_customers:
        what = w.say("figures_among", what=what, who=who)
    base = summary.get("compared")
    notes = [w.say("figures_unknown", count=w.count(summary["unknown"]))] \
        if summary.get("unknown") else []
    if not summary.get("by"):
        total = summary.get("total", {})
        if statistic == "customers":
            of_segment = "segment_size" in summary  # "how many of them are from Brazil?"
            value = w.say("figures_count", customers=w.customers(total.get("customers", 0)),
                          share=w.percent(summary.get(
                              "share_of_segment" if of_segment else "share_of_base")),
                          base=w.count(summary.get("segment_size" if of_segment else "base", 0)))
            title = w.say("figures_total", what=what, detail="", value=value)
        else:
            title = w.say("figures_total", what=what, value=_figure(statistic, total, w),
                          detail=_detail(statistic, total, base, w))
        return FigureText(title=title, notes=notes)
    rows = []
    for row in summary.get("rows", []):
        group = (w.phrases.group_other if row.get("other") else
                 w.phrases.group_missing if row.get("group") == "missing" else row["group"])
        detail = _detail(statistic, row, base, w)
        if statistic == "customers":
            detail = w.say("detail_customers", customers=w.percent(
                row.get("customers", 0) / max(summary.get("population", 0), 1)))
        rows.append(FigureRowText(group=str(group), value=_figure(statistic, row, w),
                                  detail=detail, number=float(row.get("value") or 0.0),
                                  small=bool(row.get("small"))))
    by = names.get(summary["by"], summary["by"])
    if summary.get("by_usual"):
        notes.append(w.say("figures_by_usual", by=by))
    return FigureText(title=w.say("figures_by", what=what, by=by), rows=rows,
                      notes=notes)

def _figure(statistic: str, row: dict[str, Any], w: ReplyWords) -> str:
    value = row.get("value")
    if statistic in ("rate", "revenue_share"):
        return w.percent(value)
    if statistic == "customers":
        return w.count(int(value or 0))
    return w.number(value)


def _detail(statistic: str, row: dict[str, Any], base: dict[str, Any] | None,
            w: ReplyWords) -> str:
    if statistic == "customers":
        return ""
    if statistic == "rate":
        hits = round((row.get("value") or 0) * row.get("known", 0))
        text = w.say("detail_rate", hits=w.count(hits), known=w.count(row.get("known", 0)))
    else:
        text = w.say("detail_customers", customers=w.customers(row.get("customers", 0)))
    if base is not None and row.get("index") is not None:
        own = {"value": row["base_value"]} if row.get("base_value") is not None else base
        text += w.say("figures_versus", base=_figure(statistic, own, w),
                      index=w.number(round(row["index"])))
    return text


