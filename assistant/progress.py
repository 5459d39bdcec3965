"""Progress bars and summary lines for long work, drawn with rich on stderr.

The engine reports `ProgressEvent`s through a callback (tools/engine/progress.py);
`progress_bar` turns them into a live bar plus one line per finished step. Bars
only appear on a terminal: piped output and test logs stay exactly as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from assistant.cli_common import load_data

if TYPE_CHECKING:
    from assistant.cli_common import DataArgs
    from tools.engine.dataset import CustomerData
    from tools.engine.progress import ProgressCallback, ProgressEvent


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def progress_bar(description: str, console: Console | None = None,
                 summaries: bool = True) -> Iterator[ProgressCallback | None]:
    """A callback drawing a bar for `description`; None (draw nothing) off a terminal."""
    out = console or stderr_console()
    if not out.is_terminal:
        yield None
        return
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                   TimeElapsedColumn(), console=out, transient=True)
    task = bar.add_task(description, total=None)
    started = time.perf_counter()

    def update(event: ProgressEvent) -> None:
        bar.update(task, completed=event.done, total=event.total)
        if summaries and event.summary:
            bar.console.print(summary_line(event.summary, time.perf_counter() - started))

    with bar:
        yield update


@contextmanager
def status(console: Console, text: str) -> Iterator[None]:
    """A spinner while work without steps runs (a clustering); nothing off a terminal."""
    if not console.is_terminal:
        yield
        return
    with console.status(f"{text}…", spinner="dots"):
        yield


def summary_line(text: str, seconds: float | None = None) -> Text:
    """"  ✓ text (1.2 s)": never read as markup, whatever a file name holds."""
    line = Text.assemble(("  ✓ ", "green"), text)
    if seconds is not None:
        line.append(f" ({seconds:.1f} s)", style="dim")
    return line


def load_with_progress(args: DataArgs, console: Console | None = None) -> CustomerData:
    """`cli_common.load_data` with a bar and a line per step (read, parsed, cleaned, ...)."""
    out = console or stderr_console()
    size = args.path.stat().st_size / 1e6 if args.path.is_file() else 0.0
    with progress_bar(f"Loading {args.path.name} ({size:,.1f} MB)", out) as progress:
        return load_data(args, progress)
