"""What a backend is and what it returns: the types the assistant and its backends (the
built-in interpreter, the model agent) share, in a module of their own so that each imports
them at the top and `core.py` imports the backends at the top too, without a circle."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tools.tool_result import ToolResult
from tools.toolkit import Toolkit


@dataclass
class TurnOutcome:
    """A backend's answer: the tool results it obtained and the reply it wrote."""

    results: list[ToolResult]
    reply: str
    clarification: bool = False
    sources: list[dict[str, Any]] = field(default_factory=list)
    parse: dict[str, Any] | None = None
    learned: dict[str, Any] = field(default_factory=dict)  # what the user taught


class Backend(Protocol):
    name: str

    def run_turn(self, text: str, toolkit: Toolkit,
                 on_text: Callable[[str], None] | None = None,
                 history: Sequence[tuple[str, str]] = ()) -> TurnOutcome: ...


class BackendFailure(Exception):
    """A model backend could not answer this turn (timeout, auth, rate limit, bad output)."""
