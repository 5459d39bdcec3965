"""Asking in process: `segment ask --json` through typer's CliRunner (tests that read the
JSON), or turns through the Assistant with the built-in interpreter."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner


def ask_json(data: Path, workspace: Path, text: str) -> dict[str, Any]:
    from assistant import cli_assistant

    app = typer.Typer()
    cli_assistant.register(app)
    result = CliRunner().invoke(app, ["ask", text, "--data", str(data), "--workspace",
                                      str(workspace), "--json"])
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.output)
    return answer


def ask_turns(path: Path, folder: Path, *turns: str) -> Any:
    """The last turn of a conversation on the file at `path` (workspace under `folder`)."""
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    bot = Assistant(load_customer_data(path), workspace=folder / "ws")
    turn = None
    for text in turns:
        turn = bot.ask(text)
    return turn


def usual(frame: Any, key: str, column: str) -> Any:
    """A log's attribute per customer (SEMANTICS.md): its most frequent value, ties going to
    the alphabetically first."""
    return frame.groupby(key)[column].agg(
        lambda v: sorted(v.value_counts()[lambda c: c == c.max()].index)[0])


def assert_size(folder: Path, make: Callable[[Path], tuple[Path, Any]],
                text: str | tuple[str, ...], expected: Callable[[Any], Any]) -> None:
    """The segment `text` (or the last of several turns) defines on the file `make` writes
    under `folder` has the customers the mask `expected` selects from its frame (one row per
    customer)."""
    path, frame = make(folder)
    turn = ask_turns(path, folder, *((text,) if isinstance(text, str) else text))
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply
