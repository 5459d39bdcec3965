"""What the interpreter returns: tool calls, or a question back to the user.

These types are the contract between the built-in interpreter and the agent:
an LLM backend produces the same `ToolCall`s, so the toolkit cannot tell which
brain made a call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tools.engine.definitions import Condition
from tools.engine.schema import Schema

# The ten segment names of the default RFM scheme (SEMANTICS.md table order).
DEFAULT_RFM_SEGMENTS: tuple[str, ...] = (
    "Champions",
    "Loyal Customers",
    "Potential Loyalists",
    "New Customers",
    "Promising",
    "Need Attention",
    "About to Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
)


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Interpretation:
    calls: list[ToolCall]
    # A question or answer for the user when the request cannot be mapped to the data.
    clarification: str | None = None
    # The nearest real columns or values, offered with a clarification.
    options: list[str] = field(default_factory=list)
    # A short echo of what was understood ("monetary > 5000").
    understood: str = ""


@dataclass(frozen=True)
class InterpreterContext:
    schema: Schema
    has_current_segment: bool = False
    rfm_segment_names: tuple[str, ...] = DEFAULT_RFM_SEGMENTS
    lifecycle_stages: tuple[str, ...] = ()
    saved_segments: tuple[str, ...] = ()
    currency: str | None = None
    as_of: date | None = None
    # The day after the latest date in a customer table's date columns: what 'in the last
    # year' counts back from when the data has no purchase log (and so no as_of).
    data_end: date | None = None
    # The current segment's condition: "what about men?" after "women who bought footwear"
    # swaps the part about the same column and keeps the rest.
    current_condition: Condition | None = None
