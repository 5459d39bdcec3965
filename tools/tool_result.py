"""What a tool call returns and the state the tools keep: types shared by the toolkit,
the tool functions (segment, library, analysis, knowledge, predict tools) and every
caller, in a module of their own so that each of them imports them at the top without a
circle through `toolkit.py` or `tool_registry.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.engine.definitions import Condition


@dataclass(frozen=True)
class ToolResult:
    tool: str
    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    message: str = ""  # one line for a person: what happened, or what is wrong
    options: list[str] = field(default_factory=list)
    # The message's key in the reply phrase files and its values, for replies in the
    # request's language ("" when the reply is composed from `summary` instead).
    phrase: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    # The typed engine result behind `summary` (e.g. the RFM summaries and grid), for a
    # caller in this process that renders it (the command line's tables). Never sent to a
    # model nor saved: `to_dict` leaves it out, and it takes no part in equality.
    artifact: Any = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tool": self.tool, "ok": self.ok, "message": self.message}
        if self.summary:
            out["summary"] = self.summary
        if self.options:
            out["options"] = self.options
        return out


@dataclass(frozen=True)
class LastClustering:
    """The last clustering's settings, so "group 2" can become a segment.

    `within`: the condition of the segment it split (None: the whole base).
    """

    features: list[str]
    k: int
    within: Condition | None = None


@dataclass(frozen=True)
class SegmentState:
    """The current segment: its condition, and the saved name it came from, if any."""

    condition: Condition | None = None
    name: str | None = None


@dataclass(frozen=True)
class GivenSegment:
    """A segment a caller resolved its own way (the command line reads YAML files and names
    saved, RFM and lifecycle segments with its own labels), handed to the toolkit under a
    name (`Toolkit.give_segment`) so that the tools take it by that name.

    `condition` None: all customers.
    """

    label: str
    condition: Condition | None = None
