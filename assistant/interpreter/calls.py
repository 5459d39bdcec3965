"""What the interpreter returns: tool calls, or a question back to the user.

These types are the contract between the built-in interpreter and the rest:
a model backend produces the same `ToolCall`s, so the toolkit cannot tell
which brain made a call. `Interpretation.parse` is the reading shown by
`/debug` and `ask --json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tools.dictionary import DataDictionary
from tools.engine.definitions import Condition
from tools.engine.schema import Schema

# The ten segment names of the default RFM scheme (SEMANTICS.md table order).
DEFAULT_RFM_SEGMENTS: tuple[str, ...] = (
    "Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising",
    "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating")

# The lifecycle stages of tools/engine/lifecycle.py (not imported: it pulls in pandas).
DEFAULT_STAGES: tuple[str, ...] = ("new", "active", "at risk", "lapsed")

# Every message is one of these.
INTENTS = ("segment", "data_question", "knowledge", "command", "conversation")


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Choice:
    """One concrete reading offered for a vague or ambiguous request."""

    label: str  # in the user's language
    calls: tuple[ToolCall, ...]
    key: str = ""  # what the choice answers (a vague phrase, a column's unit), to remember it
    remember: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Interpretation:
    calls: list[ToolCall]
    # A question or answer for the user when the request cannot be mapped to the data.
    clarification: str | None = None
    # The nearest real columns or values, offered with a clarification.
    options: list[str] = field(default_factory=list)
    # A short echo of what was understood ("monetary > 5000").
    understood: str = ""
    intent: str = "segment"
    # For intent "conversation": greeting, thanks, yes, no, product, empty.
    conversation: str = ""
    language: str = "en"
    # Readings offered to choose from (answered next turn by number or words).
    choices: list[Choice] = field(default_factory=list)
    # Notes for the reply ("reading 'contry' as Country").
    notes: list[str] = field(default_factory=list)
    # Facts the user taught in this message, to keep in the data dictionary.
    learned: dict[str, Any] = field(default_factory=dict)
    # A question asked again for another group: the question as it now reads.
    asked: str = ""

    @property
    def parse(self) -> dict[str, Any]:
        return {"intent": self.intent, "language": self.language,
                "reading": self.understood or None, "notes": self.notes,
                "choices": [c.label for c in self.choices]}


@dataclass(frozen=True)
class InterpreterContext:
    schema: Schema
    has_current_segment: bool = False
    rfm_segment_names: tuple[str, ...] = DEFAULT_RFM_SEGMENTS
    lifecycle_stages: tuple[str, ...] = DEFAULT_STAGES
    saved_segments: tuple[str, ...] = ()
    currency: str | None = None
    as_of: date | None = None
    # The day after the latest date in a customer table's date columns: what 'in the last
    # year' counts back from when the data has no purchase log (and so no as_of).
    data_end: date | None = None
    # The current segment's condition: "what about men?" swaps the part about the same
    # column, "change that to 45 days" edits its last number, "add Spain too" extends it.
    current_condition: Condition | None = None
    dictionary: DataDictionary = field(default_factory=DataDictionary)
    # Readings offered last turn: "2" or "the second one" picks one.
    pending: tuple[Choice, ...] = ()
    # Meanings chosen earlier in this session for vague words and units.
    chosen: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The last clustering's number of groups ("tell me more about group 2").
    clusters: int | None = None
    # The language of the conversation so far: it decides a message whose words tie.
    language: str | None = None
    # Order lines the loader removed as cancelled, of the rows read: "what share of orders
    # were cancelled?" is told so, not asked about.
    cancelled_lines: tuple[int, int] = (0, 0)
    # The column that names the customers as loaded ("listener_uuid"): its words are what
    # this data calls them ("listeners").
    customer_key: str | None = None
    # The data writes its dates day first: "03/04/2021" in a request is 3 April too.
    day_first: bool = False
    # The last question about the data: "and for Lakeview?" asks it for another group.
    last_question: str | None = None
