"""A breakdown in the terminal: the reply's words as a table, each figure with a bar."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from assistant.charts import HALF_BAR_WIDTH, SEGMENT_COLOUR, bar_text
from assistant.figure_replies import figure_text


def figures_table(summary: dict[str, Any], language: str = "en") -> Table | None:
    """The table with bars for a breakdown; None for a single figure (the reply says it)."""
    text = figure_text(summary, language=language)
    if not text.rows:
        return None
    table = Table(title=text.title, title_justify="left", show_edge=False, box=None,
                  padding=(0, 1), caption=" ".join(text.notes) or None,
                  caption_justify="left")
    for justify in ("left", "right", "left", "left"):
        table.add_column("", justify=justify)
    top = max((abs(r.number) for r in text.rows), default=0.0) or 1.0
    for row in text.rows:
        style = "dim" if row.small else SEGMENT_COLOUR
        table.add_row(Text(row.group), row.value, Text(row.detail.strip(), style="dim"),
                      Text(bar_text(abs(row.number) / top, HALF_BAR_WIDTH), style=style))
    return table
