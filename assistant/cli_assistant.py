"""Conversational commands: `segment chat`, `ask`, `eval` and `sessions`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli_common import (
    DEFAULT_WORKSPACE,
    IDS_HEADER,
    DataArgs,
    MapOpt,
    TableOpt,
    WorkspaceOpt,
    check_ids_out,
    check_transcript_out,
    fail,
    guarded,
    load_data,
    print_json,
)
from assistant.sessions import SessionStore
from tools.datasets import DEMO_FILE
from tools.workspace_files import write_private

if TYPE_CHECKING:
    from assistant.core import Assistant, Backend

ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="Model name for OpenAI or an OpenAI-compatible server.")]
BaseUrlOpt = Annotated[str | None, typer.Option(
    "--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama).")]
SessionOpt = Annotated[str | None, typer.Option(
    "--session", help="Continue (or start) a named conversation kept in the workspace.")]
ShowInputOpt = Annotated[bool, typer.Option(
    "--show-model-input", help="Print exactly what is sent to the model.")]
OutDirOpt = Annotated[Path | None, typer.Option(
    "--out-dir", help="Where exports and reports go (default: the current folder).",
    show_default=False)]
OptionalDataOpt = Annotated[Path | None, typer.Option(
    "--data", "-d", help="Customer data file (a transaction log or a customer table).",
    show_default=False)]

sessions_app = typer.Typer(help="Saved conversations.", no_args_is_help=True)


def demo_data_path() -> Path:
    return DEMO_FILE


def build_backend(model: str | None, base_url: str | None, workspace: Path) -> Backend | None:
    """None means the built-in interpreter (nothing configured)."""
    from assistant.backends import SettingsError, make_chat_model, resolve_settings

    try:
        settings = resolve_settings(model=model, base_url=base_url,
                                    settings_file=workspace / "settings.yaml",
                                    env=dict(os.environ))
    except SettingsError as exc:
        fail(str(exc))
    if not settings.uses_model:
        return None
    if settings.withheld_key:
        sys.stderr.write(f"Note: {workspace / 'settings.yaml'} names the server "
                         f"{settings.base_url}; your OPENAI_API_KEY is not sent to it. To send "
                         f"it, pass --base-url {settings.base_url} or set OPENAI_BASE_URL.\n")
    from assistant.agent import LlmBackend

    try:
        chat_model = make_chat_model(settings)
    except Exception as exc:  # construction errors name the setting, never the key
        fail(f"cannot set up the model backend ({type(exc).__name__}): check --model, "
             "--base-url and OPENAI_API_KEY")
    return LlmBackend(chat_model, settings.describe(), turn_seconds=settings.turn_timeout,
                      prices=(settings.input_price, settings.output_price))


def open_assistant(data: Path | None, *, demo: bool, session: str | None, maps: list[str] | None,
                   table: str | None, workspace: Path, model: str | None,
                   base_url: str | None, out_dir: Path | None = None) -> Assistant:
    from assistant.core import Assistant

    if demo:
        data = demo_data_path()
    record = SessionStore(workspace).load(session) if session is not None else None
    if data is None and record is not None and record.data_path:
        data = Path(record.data_path)
    if data is None:
        fail("no data: pass --data FILE (or --demo for the bundled example)")
    if not maps and record is not None and record.data_path == str(data.resolve()):
        maps = list(record.state.get("maps") or [])  # the session's file, read as before
    loaded = load_data(DataArgs(data, maps, None, table, workspace))
    backend = build_backend(model, base_url, workspace)
    # Exports and reports go where the user works, one place for both (said in full).
    return Assistant(loaded, workspace=workspace, session=session, backend=backend,
                     data_path=str(data.resolve()), output_folder=out_dir or Path.cwd(),
                     maps=maps)


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command()(chat)
    app.command("eval")(evaluate)
    app.add_typer(sessions_app, name="sessions")


@guarded
def ask(
    request: Annotated[str, typer.Argument(help="What you want, in plain words.",
                                           show_default=False)],
    data: OptionalDataOpt = None,
    session: SessionOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ids_out: Annotated[Path | None, typer.Option(
        "--ids-out", help="Write the segment's customer ids to this file.")] = None,
    maps: MapOpt = None,
    table: TableOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    show_model_input: ShowInputOpt = False,
    out_dir: OutDirOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Answer one request about the data; with --session, follow-ups refine the segment."""
    if ids_out is not None:  # before any work: a refused target costs nothing
        check_ids_out(ids_out, data, workspace)
    bot = open_assistant(data, demo=False, session=session, maps=maps, table=table,
                         workspace=workspace, model=model, base_url=base_url, out_dir=out_dir)
    turn = bot.ask(request)
    if ids_out is not None:
        if bot.data_path:  # the data may have come from the session
            check_ids_out(ids_out, Path(bot.data_path), workspace)
        ids = bot.member_ids() if turn.segment is not None else []
        # Customer ids are personal data: the list is the user's alone, like an export.
        write_private(ids_out, IDS_HEADER + "".join(f"{i}\n" for i in ids))
    if show_model_input:
        sent = getattr(bot.backend, "last_model_input", None)
        sys.stderr.write(f"model input: {sent if sent is not None else 'nothing (built-in)'}\n")
    if as_json:
        print_json(turn.to_json())
        return
    from rich.console import Console

    from assistant.chat_render import render_turn

    render_turn(Console(), turn, show_backend=True)


@guarded
def chat(
    data: OptionalDataOpt = None,
    demo: Annotated[bool, typer.Option("--demo", help="Use the bundled Online Retail data.")]
    = False,
    session: SessionOpt = None,
    maps: MapOpt = None,
    table: TableOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    show_model_input: ShowInputOpt = False,
    out_dir: OutDirOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Talk to the assistant about your customers (type /help inside)."""
    from rich.console import Console

    from assistant.chat import run_chat

    console = Console()
    with console.status("Loading data…"):
        bot = open_assistant(data, demo=demo, session=session, maps=maps, table=table,
                             workspace=workspace, model=model, base_url=base_url,
                             out_dir=out_dir)
    run_chat(bot, console, history_file=workspace / "chat_history",
             show_model_input=show_model_input)


@guarded
def evaluate(
    cases: Annotated[Path, typer.Argument(help="A JSONL file of cases (tests/eval format).",
                                          show_default=False)],
    data_dir: Annotated[list[Path] | None, typer.Option(
        "--data-dir", help="Where the cases' data files are (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    min_accuracy: Annotated[float, typer.Option(
        "--min-accuracy", help="Exit 1 when accuracy is below this (0-1).")] = 0.0,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Run plain-language cases with known answers and report accuracy and failures."""
    from assistant.evaluation import run_eval

    if not cases.is_file():
        fail(f"file not found: {cases}")
    folders = [*(data_dir or []), cases.parent, cases.parent.parent / "data",
               demo_data_path().parent]
    backend_factory = None
    if model or base_url or os.environ.get("OPENAI_API_KEY") or \
            os.environ.get("OPENAI_BASE_URL"):
        def backend_factory() -> Backend:
            backend = build_backend(model, base_url, workspace)
            assert backend is not None
            return backend
    report = run_eval(cases, workspace=workspace, data_dirs=folders,
                      backend_factory=backend_factory)
    if as_json:
        print_json(report.to_dict())
    else:
        from assistant.evaluation import report_lines

        print("\n".join(report_lines(report)))
    if report.accuracy < min_accuracy:
        raise typer.Exit(1)


@sessions_app.command("list")
@guarded
def sessions_list(workspace: WorkspaceOpt = DEFAULT_WORKSPACE) -> None:
    """The saved conversations, most recent first."""
    names = SessionStore(workspace).names()
    print("\n".join(names) if names else "No sessions yet.")


@sessions_app.command("export")
@guarded
def sessions_export(
    name: Annotated[str, typer.Argument(help="Session name.", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", help="Markdown file to write.")] = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """A conversation's transcript as Markdown."""
    store = SessionStore(workspace)
    record = store.load(name)
    if record is None:
        fail(f"no session named {name!r}", store.names())
    text = store.export_markdown(name)
    if out is None:
        print(text)
    else:
        check_transcript_out(out, record.data_path, workspace)
        write_private(out, text)  # a conversation holds what the user asked about customers
        print(f"Wrote {out.resolve()}")
