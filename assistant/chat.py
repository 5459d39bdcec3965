"""`segment chat`: the interactive conversation in the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from assistant.chat_charts import chart_command, report_command
from assistant.chat_render import render_turn, segment_panel
from assistant.cli_render import render_inspect
from assistant.core import Assistant
from assistant.terminal_text import harmless
from tools.workspace_files import private_file

HELP = """\
Ask for customers in plain words, e.g. "customers who spent over 500 but haven't ordered
in 90 days", "run an RFM analysis", "split them into groups", "now only those in France".
Commands:
  /help              this help
  /data              the loaded data: columns, roles, values
  /segment           the current segment and its definition
  /save NAME         save the current segment in the library
  /export [FILE]     export the current segment's members (csv, parquet, xlsx)
  /chart [KIND]      a chart: sizes, rfm, clusters, distribution [COLUMN]
  /report [FILE]     an HTML report of the current segment (charts, profile, plan)
  /undo              go back to the previous segment
  /reset             start over
  /model             which backend answers
  /debug             what was last sent to the model
  /quit              leave
"""


class ChatLoop:
    def __init__(self, bot: Assistant, console: Console, *, show_model_input: bool = False
                 ) -> None:
        self.bot = bot
        self.console = console
        self.show_model_input = show_model_input
        self.commands: dict[str, Callable[[str], bool]] = {
            "/help": self._help, "/data": self._data, "/segment": self._segment,
            "/save": self._save, "/export": self._export, "/undo": self._undo,
            "/reset": self._reset, "/model": self._model, "/debug": self._debug,
            "/quit": self._quit, "/exit": self._quit, "/chart": self._chart,
            "/report": self._report,
        }

    def handle(self, line: str) -> bool:
        """Handle one input line; False ends the chat."""
        text = line.strip()
        if not text:
            return True
        if text.startswith("/"):
            word, _, rest = text.partition(" ")
            command = self.commands.get(word.lower())
            if command is None:
                self.console.print(f"Unknown command {word}. Type /help for the list.")
                return True
            return command(rest.strip())
        self._ask(text)
        return True

    def _ask(self, text: str) -> None:
        streamed: list[str] = []

        def on_text(chunk: str) -> None:
            chunk = harmless(chunk)
            streamed.append(chunk)
            self.console.print(chunk, end="", markup=False, highlight=False)

        try:
            with self.console.status("Working…", spinner="dots"):
                turn = self.bot.ask(text, on_text=on_text if self._streams() else None)
        except KeyboardInterrupt:
            self.console.print("[yellow]Cancelled.[/yellow]")
            return
        if streamed:
            self.console.print()
        render_turn(self.console, turn, streamed=bool(streamed))
        if self.show_model_input:
            self._debug("")

    def _streams(self) -> bool:
        return self.bot.backend is not self.bot.builtin

    def _tool(self, name: str, args: dict[str, object] | None = None) -> None:
        result = self.bot.toolkit.call(name, dict(args or {}))
        # Saved at once: /undo or /reset followed by closing the terminal must not come
        # back as the state before them.
        self.bot.save_state()
        style = "" if result.ok else "red"
        self.console.print(result.message, style=style, highlight=False, markup=False)
        if result.options:
            self.console.print("Options: " + ", ".join(result.options[:10]))

    def _help(self, _: str) -> bool:
        self.console.print(HELP, markup=False)
        # Said as it is: only a named session is kept (`segment sessions list` shows it).
        if self.bot.session:
            self.console.print(f"This conversation is saved as session '{self.bot.session}': "
                               f"resume it with `segment chat --session {self.bot.session}`.",
                               markup=False)
        else:
            self.console.print("This conversation is not saved. To keep one, start it with "
                               "`segment chat --session NAME`.", markup=False)
        return True

    def _data(self, _: str) -> bool:
        render_inspect(self.console, self.bot.data)
        return True

    def _segment(self, _: str) -> bool:
        segment = self.bot.segment_json()
        if segment is None:
            self.console.print("No current segment yet.")
        else:
            self.console.print(segment_panel(segment, self.bot.toolkit.language))
        return True

    def _save(self, name: str) -> bool:
        if not name:
            self.console.print("Usage: /save NAME")
            return True
        self._tool("save_segment", {"name": name})
        return True

    def _export(self, path: str) -> bool:
        self._tool("export_segment", {"path": path or None})
        return True

    def _chart(self, args: str) -> bool:
        chart_command(self.bot, self.console, args)
        return True

    def _report(self, args: str) -> bool:
        report_command(self.bot, self.console, args)
        return True

    def _undo(self, _: str) -> bool:
        self._tool("undo")
        return True

    def _reset(self, _: str) -> bool:
        self._tool("reset")
        return True

    def _model(self, _: str) -> bool:
        self.console.print(f"Backend: {self.bot.backend_name}")
        return True

    def _debug(self, _: str) -> bool:
        sent = getattr(self.bot.backend, "last_model_input", None)
        if sent is None:
            self.console.print("The built-in interpreter answers locally: nothing is sent "
                               "to any model.")
        else:
            self.console.print_json(json.dumps(sent, default=str))
        return True

    def _quit(self, _: str) -> bool:
        return False


def private_history(history_file: Path) -> Path:
    """The chat's arrow-up history holds what the user typed (names, ids, amounts): the
    file is made 0600 before prompt_toolkit opens it with its default mode."""
    return private_file(history_file)


def run_chat(bot: Assistant, console: Console, *, history_file: Path,
             show_model_input: bool = False) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import FileHistory

    loop = ChatLoop(bot, console, show_model_input=show_model_input)
    if bot.toolkit.knowledge is not None:
        # Built while the user types the first message, so a first "why does this matter?"
        # does not wait for it (an index already built is only opened).
        bot.toolkit.knowledge.build_in_background()
    words = [*loop.commands, *bot.data.schema.names,
             *(v for c in bot.data.schema.columns for v in c.values[:30])]
    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(private_history(history_file))),
        completer=WordCompleter(words, ignore_case=True, sentence=True))
    console.print(f"[bold]Segmentation assistant[/bold] · {bot.data.n_customers:,} customers "
                  f"· backend: {bot.backend_name}. Type /help for commands.")
    while True:
        try:
            line = session.prompt("you> ")
        except KeyboardInterrupt:
            continue  # Ctrl-C at the prompt clears the line, the session stays
        except EOFError:
            break
        if not loop.handle(line):
            break
    console.print("Bye. Your session is saved." if bot.session else "Bye.")
