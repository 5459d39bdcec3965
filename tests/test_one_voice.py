"""One voice (issue 17): each source printed once, whoever wrote the reply."""

from __future__ import annotations

import io

from rich.console import Console

from assistant.chat_render import render_turn
from assistant.core import Turn

SOURCES = [{"file": "en/rfm-analysis.md", "section": "What RFM analysis is"}]


def shown(turn: Turn) -> str:
    out = io.StringIO()
    render_turn(Console(file=out, width=100), turn)
    return out.getvalue()


def test_a_reply_that_lists_its_sources_is_not_followed_by_them_again() -> None:
    listed = Turn("what is rfm?", "RFM scores customers. [1]\n\nSources\n1 en/rfm-analysis.md "
                  "§ What RFM analysis is", "built-in interpreter", sources=SOURCES)
    assert shown(listed).count("en/rfm-analysis.md") == 1


def test_a_model_reply_without_them_gets_the_sources_line() -> None:
    bare = Turn("what is rfm?", "RFM scores customers by recency.", "a model", sources=SOURCES)
    text = shown(bare)
    assert text.count("en/rfm-analysis.md") == 1 and "Sources:" in text
