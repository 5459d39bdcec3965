"""Rich rendering of a turn: the segment panel, result tables, and the reply."""

from __future__ import annotations

from typing import Any

import yaml
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from assistant.builtin import BUILTIN_NAME
from assistant.core import Turn
from assistant.figure_render import figures_table
from assistant.replies import (
    ReplyWords,
    cluster_heading,
    cluster_name,
    cluster_notes,
    number,
    rfm_notes,
    rfm_title,
)
from assistant.terminal_text import harmless
from tools.measure_view import left_out_notes, measure_value, telling
from tools.tool_summaries import customer_count
from tools.toolkit import ToolResult


def _pct(value: Any, words: ReplyWords) -> str:
    """A share as the language writes it ("0,9%" in Russian); nothing when unknown."""
    return words.percent(float(value)) if value is not None else ""


def segment_panel(segment: dict[str, Any], language: str = "en") -> Panel:
    words = ReplyWords(language)
    share = _pct(segment.get("share"), words)
    shares = (words.say("panel_shares", share=share,
                        revenue=_pct(segment["revenue_share"], words))
              if "revenue_share" in segment else words.say("panel_share", share=share))
    lines: list[RenderableType] = [
        Text.assemble((customer_count(segment["size"], language), "bold"), shares),
        Text(segment.get("description", ""), style="italic"),
        Text(yaml.safe_dump(segment.get("definition"), sort_keys=False,
                            allow_unicode=True).rstrip(), style="dim"),
    ]
    title = segment.get("name") or words.phrases.current_segment
    return Panel(Group(*lines), title=title, title_align="left", border_style="cyan")


def rfm_table(summary: dict[str, Any], language: str = "en") -> RenderableType:
    """The RFM segments in the request's language, with the notes the figures need below."""
    words = ReplyWords(language)
    headers = words.phrases.rfm_headers
    table = Table(title=rfm_title(summary, words).rstrip(":："),
                  title_justify="left")
    for key in ("segment", "customers", "share", "revenue"):
        table.add_column(headers[key], justify="left" if key == "segment" else "right")
    for row in summary.get("segments", []):
        table.add_row(words.label(row["name"]), words.count(row["customers"]),
                      _pct(row.get("share"), words), _pct(row.get("revenue_share"), words))
    notes = rfm_notes(summary, words)
    if not notes:
        return table
    return Group(table, *(Text(note, style="yellow") for note in notes))


def profile_table(summary: dict[str, Any], language: str = "en") -> Table:
    words = ReplyWords(language)
    headers = words.phrases.profile_headers
    segment = words.name(summary["segment"]) if "segment" in summary \
        else words.phrases.the_segment
    table = Table(title=words.say("profile_title", segment=segment,
                                  customers=words.customers(summary.get("size", 0)),
                                  share=words.percent(summary.get("share_of_customers"))),
                  title_justify="left")
    for key in ("measure", "segment", "base", "index"):
        table.add_column(headers[key], justify="left" if key == "measure" else "right")
    shown = telling(summary.get("measures", []))

    def share(value: Any) -> str:
        return _pct(value, words)

    for measure in shown:
        table.add_row(str(measure.get("column")),
                      measure_value(measure, "segment_mean", number, share),
                      measure_value(measure, "base_mean", number, share),
                      number(measure.get("index")))
    notes = left_out_notes(shown)
    if notes:
        table.caption = " ".join(notes)
    return table


def cluster_table(summary: dict[str, Any], language: str = "en") -> Table:
    words = ReplyWords(language)
    headers = words.phrases.cluster_headers
    table = Table(title=cluster_heading(summary, words), title_justify="left")
    for key in ("id", "name", "customers", "rule", "precision", "recall"):
        table.add_column(headers[key])
    for group in summary.get("clusters", []):
        rule = group.get("rule_text") or group.get("rule", "")
        table.add_row(str(group.get("id")), cluster_name(group, words),
                      words.count(group.get("size", 0)), str(rule),
                      _pct(group.get("rule_precision"), words),
                      _pct(group.get("rule_recall"), words))
    table.caption = " ".join(cluster_notes(summary, words))
    table.caption_justify = "left"
    return table


def result_renderable(result: ToolResult, language: str = "en") -> RenderableType | None:
    if not result.ok:
        return None
    if result.tool == "compute_figures":
        return figures_table(result.summary, language)
    if result.tool == "run_rfm":
        return rfm_table(result.summary, language)
    if result.tool == "profile_segment":
        return profile_table(result.summary, language)
    if result.tool == "cluster":
        return cluster_table(result.summary, language)
    return None


def render_turn(console: Console, turn: Turn, *, streamed: bool = False,
                show_backend: bool = False) -> None:
    """One turn's tables, segment, reply and sources; `show_backend`: and which backend
    answered (always when a model answered, or a model failed and the built-in took over)."""
    if turn.notice:
        console.print(f"[yellow]{turn.notice}[/yellow]")
    shown = False
    language = (turn.parse or {}).get("language", "en")
    for result in turn.results:
        renderable = result_renderable(result, language)
        if renderable is not None:
            console.print(renderable)
            shown = True
    notes = [line for line in turn.reply.splitlines()[:1] if line.startswith("(")]
    for note in notes:  # "(reading 'contry' as country)": said even when a panel follows
        console.print(Text(note, style="yellow"))
    if turn.segment is not None and any(r.tool in ("define_segment", "load_segment")
                                        for r in turn.results):
        console.print(segment_panel(turn.segment, language))
        shown = True
    # The built-in reply restates the tables; a model's reply is its own words.
    if not streamed and not (shown and turn.backend == BUILTIN_NAME):
        console.print(Markdown(harmless(turn.reply)))
    listed = all(str(s.get("file")) in turn.reply for s in turn.sources)
    words = ReplyWords(language)
    if turn.sources and not listed:  # a knowledge answer lists its sources itself
        console.print(Text(words.say("sources", list="; ".join(
            f"{s.get('file')} § {s.get('section')}" for s in turn.sources)), style="dim"))
    if show_backend or turn.backend != BUILTIN_NAME or turn.notice:
        backend = words.phrases.builtin_name if turn.backend == BUILTIN_NAME else turn.backend
        console.print(Text(words.say("answered_by", backend=backend), style="dim"))
