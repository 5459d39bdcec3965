"""One voice (issue 17): each source printed once, whoever wrote the reply."""

from __future__ import annotations

import io
from typing import Any

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


def test_an_export_is_named_by_its_full_path(tmp_path: Any, monkeypatch: Any) -> None:
    from pathlib import Path

    from tools.datasets import FOLDER
    from tools.engine.loading import load_customer_data
    from tools.toolkit import Toolkit

    monkeypatch.chdir(tmp_path)
    toolkit = Toolkit(load_customer_data(FOLDER / "mall_customers.csv"),
                      export_dir=Path("exports"))
    toolkit.call("define_segment", {"condition": {"type": "compare", "column": "Age",
                                                  "op": ">", "value": 60}})
    result = toolkit.call("export_segment", {"path": "older.csv"})
    assert result.ok and Path(result.summary["path"]).is_absolute()
    assert str(tmp_path / "exports" / "older.csv") in result.message
