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


def test_the_ids_list_is_readable_by_its_owner_only(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "north.csv"
    assert ask(shop, tmp_path / "ws", "--ids-out", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o077 == 0


# -- sessions export --out -------------------------------------------------------------------


def _transcript(shop: Path, workspace: Path, out: Path) -> Any:
    ask(shop, workspace, "--session", "north")
    return CliRunner().invoke(_app(), ["sessions", "export", "north", "--out", str(out),
                                       "--workspace", str(workspace)])


def test_a_transcript_never_overwrites_the_data_or_a_kept_file(shop: Path,
                                                               tmp_path: Path) -> None:
    before = shop.read_bytes()
    over_data = _transcript(shop, tmp_path / "ws", shop)
    assert over_data.exit_code != 0 and "data file" in over_data.output
    assert shop.read_bytes() == before
    notes = tmp_path / "notes.md"
    notes.write_text("my own notes\n", encoding="utf-8")
    over_notes = _transcript(shop, tmp_path / "ws", notes)
    assert over_notes.exit_code != 0 and "not a session transcript" in over_notes.output
    assert notes.read_text(encoding="utf-8") == "my own notes\n"
    assert "Traceback" not in over_data.output + over_notes.output


def test_a_transcript_is_private_and_rewritten_in_place(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "north.md"
    for _ in range(2):  # the second export replaces the first
        result = _transcript(shop, tmp_path / "ws", out)
        assert result.exit_code == 0, result.output
    assert str(out.resolve()) in result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Session north") and "customers from North" in text
    assert out.stat().st_mode & 0o077 == 0


# -- where the key goes, and who answered ----------------------------------------------------


def _authorizations(server: Any) -> list[str]:
    return [line for raw in server.raw_requests for line in raw.splitlines()
            if "authorization" in line.lower()]


def test_a_workspace_settings_file_cannot_send_the_key_elsewhere(shop: Path,
                                                                 tmp_path: Path) -> None:
    from scripted_server import Reply, scripted_server

    workspace = tmp_path / "ws"
    workspace.mkdir()
    env = {"OPENAI_API_KEY": "sk-from-the-environment-1234", "OPENAI_BASE_URL": ""}
    with scripted_server([Reply(content="Hello from the planted server.")],
                         repeat_last=True) as server:
        (workspace / "settings.yaml").write_text(f"base_url: {server.base_url}\n",
                                                 encoding="utf-8")
        planted = ask(shop, workspace, env=env)
        assert planted.exit_code == 0, planted.output
        assert server.raw_requests, "the file's server was asked (with no key)"
        assert "sk-from-the-environment" not in server.sent_text()
        assert "not sent to it" in planted.output  # said on stderr and in the answer
        assert f"Answered by: OpenAI-compatible server at {server.base_url}" in planted.output
        # Chosen on the command line, the same server gets the key.
        server.raw_requests.clear()
        chosen = ask(shop, workspace, "--base-url", server.base_url, env=env)
        assert chosen.exit_code == 0, chosen.output
        assert any("sk-from-the-environment-1234" in line for line in _authorizations(server))


def test_a_settings_file_with_its_own_key_uses_it(tmp_path: Path) -> None:
    from assistant.backends import resolve_settings

    settings = tmp_path / "settings.yaml"
    settings.write_text("base_url: http://127.0.0.1:9/v1\napi_key: sk-in-the-file\n",
                        encoding="utf-8")
    resolved = resolve_settings(settings_file=settings, env={"OPENAI_API_KEY": "sk-env"})
    assert resolved.api_key is not None
    assert resolved.api_key.get_secret_value() == "sk-in-the-file"
    assert not resolved.withheld_key
    same = resolve_settings(settings_file=settings, env={
        "OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert same.api_key is not None and not same.withheld_key


def test_the_built_in_answer_says_so_in_text_mode(shop: Path, tmp_path: Path) -> None:
    result = ask(shop, tmp_path / "ws", env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert result.exit_code == 0, result.output
    assert "Answered by: built-in interpreter" in result.output


# -- a model's text in the terminal ----------------------------------------------------------

HOSTILE = ("\x1b]0;new title\x07\x1b[2J\x1b[31mRed words\x1b[0m and a\x9b1m C1 \u202eevil "
           "order\u202c\r\nsecond line\x00\x08")


def test_escape_sequences_from_a_model_are_printed_harmlessly(shop: Path, tmp_path: Path) -> None:
    from scripted_server import Reply, scripted_server

    with scripted_server([Reply(content=HOSTILE)], repeat_last=True) as server:
        result = ask(shop, tmp_path / "ws", "--base-url", server.base_url,
                     env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert result.exit_code == 0, result.output
    assert "Red words" in result.output and "second line" in result.output
    for unsafe in ("\x1b", "\x9b", "\x07", "\u202e", "\x00", "\x08", "\r"):
        assert unsafe not in result.output


def test_harmless_keeps_text_tabs_and_lines() -> None:
    from assistant.terminal_text import harmless

    assert harmless(HOSTILE) == "Red words and a C1 evil order\nsecond line"
    assert harmless("客户\tклиенты\n") == "客户\tклиенты\n"
