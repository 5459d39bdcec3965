"""`segment ask --json` in process (typer's CliRunner), for tests that read the JSON."""

from __future__ import annotations

import json
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
