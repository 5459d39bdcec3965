"""Issue 13's promises about what a user keeps and where keys go, checked end to end in
process: `ask --ids-out` never overwrites what it should not, a workspace settings file
cannot send the key elsewhere, and the answer says which backend answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner


def _app() -> typer.Typer:
    from assistant import cli_assistant

    app = typer.Typer()
    cli_assistant.register(app)
    return app


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    """A small customer table under a name no lexicon is tuned to."""
    rows = ["member,region,spend"] + [f"{n},{'North' if n % 2 else 'South'},{n * 10}"
                                      for n in range(1, 31)]
    path = tmp_path / "members.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def ask(data: Path, workspace: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(_app(), ["ask", "customers from North", "--data", str(data),
                                       "--workspace", str(workspace), *extra],
                              env=env)


# -- ask --ids-out ---------------------------------------------------------------------------


def test_ids_out_never_overwrites_the_data_file(shop: Path, tmp_path: Path) -> None:
    before = shop.read_bytes()
    result = ask(shop, tmp_path / "ws", "--ids-out", str(shop))
    assert result.exit_code != 0
    assert "data file itself" in result.output and "Traceback" not in result.output
    assert shop.read_bytes() == before


def test_ids_out_never_overwrites_a_file_that_is_not_an_ids_list(shop: Path,
                                                                 tmp_path: Path) -> None:
    kept = tmp_path / "budget.csv"
    kept.write_text("month,spend\nJan,100\n", encoding="utf-8")
    result = ask(shop, tmp_path / "ws", "--ids-out", str(kept))
    assert result.exit_code != 0 and "not a list of customer ids" in result.output
    assert kept.read_text(encoding="utf-8") == "month,spend\nJan,100\n"


def test_ids_out_refuses_the_workspace_and_other_kinds_of_file(shop: Path,
                                                               tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    inside = ask(shop, workspace, "--ids-out", str(workspace / "ids.csv"))
    assert inside.exit_code != 0 and "inside the workspace" in inside.output
    sheet = ask(shop, workspace, "--ids-out", str(tmp_path / "ids.xlsx"))
    assert sheet.exit_code != 0 and ".csv or .txt" in sheet.output


def test_ids_out_writes_and_rewrites_its_own_list(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "north.csv"
    for _ in range(2):  # the second run replaces the first run's list
        result = ask(shop, tmp_path / "ws", "--ids-out", str(target))
        assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "customer_id" and len(lines) == 1 + 15
