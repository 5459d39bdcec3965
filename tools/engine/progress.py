"""Progress of long work, reported through an optional callback.

The engine never prints: a function doing long work takes `progress:
ProgressCallback | None` and calls it after each step with what the step did;
the CLI or chat draws a bar and prints the summary lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """`done` of `total` units of `task` are finished; `summary` says what the last step did."""

    task: str  # "loading", "knowledge", ...
    done: int
    total: int
    summary: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


def report(progress: ProgressCallback | None, task: str, done: int, total: int,
           summary: str = "") -> None:
    """Call `progress` when there is one (the common case in tests and notebooks: none)."""
    if progress is not None:
        progress(ProgressEvent(task, done, total, summary))
