"""Backend 1: the built-in deterministic interpreter, offline and keyless."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from assistant.interpreter import InterpreterContext, interpret
from assistant.interpreter.lexicon import load_lexicon
from assistant.memory import ConversationMemory
from assistant.replies import clarification_reply, compose_reply
from assistant.turns import TurnOutcome
from tools.engine.cleaning import CANCELLED_RULE
from tools.engine.definitions import Condition
from tools.engine.errors import EngineError
from tools.engine.lifecycle import STAGES
from tools.engine.schema import Role
from tools.engine.table_recency import day_after_latest
from tools.tool_summaries import customer_count
from tools.toolkit import LIBRARY_CHANGES, Toolkit, ToolResult

BUILTIN_NAME = "built-in interpreter"


# Intents whose answer without a tool call is a question back ("which number?"), not chat.
_ASKS_BACK = ("segment", "command", "data_question")


class BuiltinBackend:
    name = BUILTIN_NAME

    def __init__(self, memory: ConversationMemory | None = None) -> None:
        self.memory = memory or ConversationMemory()

    def run_turn(self, text: str, toolkit: Toolkit,
                 on_text: Callable[[str], None] | None = None,
                 history: Sequence[tuple[str, str]] = ()) -> TurnOutcome:
        """One turn; the interpreter keeps its own memory, so `history` is not read."""
        interpretation = interpret(text, self._context(toolkit))
        interpretation = self._same_either_way(text, interpretation, toolkit) or interpretation
        memory = self.memory
        if interpretation.intent == "data_question" and not interpretation.clarification:
            memory.asked = interpretation.asked or text
        elif interpretation.intent in ("segment", "command"):
            memory.asked = ""
        notes = list(interpretation.notes)
        learned = dict(interpretation.learned)
        if "rerun_with" in learned and memory.request:
            # The answer to "which column?": the question's request, now with the column.
            request, memory.request, memory.pending = memory.request, "", []
            interpretation = interpret(f"{request} {learned['rerun_with']}",
                                       self._context(toolkit))
            learned = dict(interpretation.learned)
        if learned and not interpretation.calls and "meaning" not in learned:
            # Taught in so many words ("tenure is in months"): kept for the team too.
            said = memory.learn(learned, toolkit.language)  # in the request's language
            memory.save_dictionary()
            reply = load_lexicon().message(toolkit.language, "learned", what=said) if said \
                else interpretation.clarification or ""
            return TurnOutcome(results=[], reply=reply, parse=interpretation.parse,
                               learned=learned)
        if learned:
            notes.append(memory.learn(learned, toolkit.language))
            if "unit" in interpretation.learned and memory.request:
                # A unit was chosen: read the request it was asked for again.
                request, memory.request = memory.request, ""
                memory.pending = []
                interpretation = interpret(request, self._context(toolkit))
        if interpretation.clarification is not None or not interpretation.calls:
            memory.pending = _sized(interpretation.choices, toolkit)
            memory.request = text if memory.pending else ""
            reply = interpretation.clarification or ""
            if memory.pending:
                reply += "\n" + "\n".join(f"{k}. {c.label}" for k, c in
                                          enumerate(memory.pending, start=1))
            elif interpretation.intent in _ASKS_BACK:
                reply = clarification_reply(reply, interpretation.options,
                                            language=toolkit.language)
            return TurnOutcome(results=[], reply=_noted(reply, notes),
                               clarification=interpretation.intent in _ASKS_BACK,
                               parse=interpretation.parse)
        memory.pending, memory.request = [], ""
        results: list[ToolResult] = []
        for call in interpretation.calls:
            result = toolkit.call(call.name, call.args)
            results.append(result)
            if not result.ok:
                break
        return TurnOutcome(results=results, parse=interpretation.parse,
                           reply=_noted(compose_reply(results, toolkit.data.n_customers,
                                                      language=toolkit.language), notes))

    def consent(self, text: str, toolkit: Toolkit) -> frozenset[str]:
        """The file and library changes the user's message asks for, read as this
        interpreter reads a command ("export them", "导出", "удали сегмент"); a plain "yes"
        after a change was refused grants that change."""
        reading = interpret(text, self._context(toolkit))
        asked = {call.name for call in reading.calls if call.name in LIBRARY_CHANGES}
        if reading.intent == "conversation" and reading.conversation == "yes" and \
                toolkit.refused is not None:
            asked.add(toolkit.refused)
        return frozenset(asked)

    def _same_either_way(self, text: str, interpretation: Any, toolkit: Toolkit) -> Any:
        """"上海的客户" where both city and province hold 上海 (a municipality): when every
        column offered gives the same customers, there is nothing to ask."""
        options = [c.remember.get("rerun_with") for c in interpretation.choices]
        if interpretation.calls or len(options) < 2 or not all(options):
            return None
        readings = [interpret(f"{text} {option}", self._context(toolkit)) for option in options]
        masks = []
        for reading in readings:
            defines = [c for c in reading.calls if c.name == "define_segment"]
            mask = _members(defines[0], toolkit) if len(defines) == 1 else None
            if reading.clarification is not None or mask is None:
                return None
            masks.append(mask)
        return readings[0] if all(m.equals(masks[0]) for m in masks[1:]) else None

    def _context(self, toolkit: Toolkit) -> Any:
        last = toolkit.last_clustering
        return InterpreterContext(
            schema=toolkit.data.schema,
            has_current_segment=toolkit.state.condition is not None,
            lifecycle_stages=tuple(STAGES),
            saved_segments=tuple(toolkit.library.names()) if toolkit.library else (),
            currency=toolkit.data.source.currency,
            as_of=toolkit.data.source.as_of,
            data_end=_data_end(toolkit),
            current_condition=toolkit.state.condition,
            dictionary=self.memory.dictionary,
            pending=tuple(self.memory.pending),
            chosen=dict(self.memory.chosen),
            clusters=last.k if last is not None else None,
            language=toolkit.language,
            cancelled_lines=(sum(step.rows_removed for step in toolkit.data.source.cleaning
                                 if step.rule == CANCELLED_RULE),
                             toolkit.data.source.rows_read),
            customer_key=_customer_key(toolkit),
            day_first=toolkit.data.source.day_first,
            last_question=self.memory.asked or None,
        )


def _noted(reply: str, notes: list[str]) -> str:
    shown = [n for n in notes if n]
    return f"({'; '.join(shown)})\n{reply}" if shown else reply


def _members(define: Any, toolkit: Toolkit) -> pd.Series | None:
    """Who a define_segment call would select, or None where the data cannot answer it."""
    try:
        condition = TypeAdapter(Condition).validate_python(define.args["condition"])
        return toolkit.mask(condition)
    except (EngineError, ValidationError, KeyError):
        return None


def _sized(choices: list[Any], toolkit: Toolkit) -> list[Any]:
    """Each offered reading with its size on this data; readings the data cannot answer
    are dropped (the toolkit's own validation decides)."""
    sized = []
    total = max(toolkit.data.n_customers, 1)
    for choice in choices:
        define = next((c for c in choice.calls if c.name == "define_segment"), None)
        if define is None:
            sized.append(choice)
            continue
        mask = _members(define, toolkit)
        if mask is None:
            continue
        size = int(mask.sum())
        shown = f"{100 * size / total:.1f}%"
        if toolkit.language == "ru":
            shown = shown.replace(".", ",")
        sized.append(replace(choice, label=f"{choice.label}: "
                                           f"{customer_count(size, toolkit.language)} ({shown})"))
    return sized


def _data_end(toolkit: Toolkit) -> date | None:
    """The day after the latest date in the customer table, when there is no as-of date."""
    if toolkit.data.source.as_of is not None:
        return None
    end = day_after_latest(toolkit.data.customers, toolkit.data.schema)
    return end.date() if end is not None else None


def _customer_key(toolkit: Toolkit) -> str | None:
    key = toolkit.data.source.raw_schema.first(Role.CUSTOMER_ID)
    return key.name if key is not None else None
