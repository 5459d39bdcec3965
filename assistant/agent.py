"""Backends 2 and 3: a LangChain agent whose model calls the same tools as the interpreter.

The model sees the system prompt (schema, role tags, non-personal category
values), the conversation's text and the tools' compact JSON results; never a
customer row, id, email, name or phone number. The loop is bounded; a failing
model raises BackendFailure so the turn falls back to the built-in interpreter.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from assistant.replies import compose_reply
from assistant.terminal_text import harmless
from assistant.turns import BackendFailure, TurnOutcome
from tools.engine.schema import Role
from tools.tool_registry import TOOL_ARGS
from tools.tool_schemas import tool_schemas
from tools.tool_summaries import data_summary
from tools.toolkit import Toolkit, ToolResult

MAX_MODEL_CALLS = 8
MAX_TOOL_CALLS = 12
HISTORY_TURNS = 6  # earlier turns sent in full; older ones only as their requests
EARLIER_REQUESTS = 10  # older requests named in the system prompt, newest last
MESSAGE_CHARS = 2000  # a long earlier reply is cut: the figures that matter are recent
# A failing model hands the turn to the built-in interpreter within this many seconds: a
# retry (after a timeout, a 5xx or a 429) is made only when it fits in what is left.
TURN_SECONDS = 30.0
_RETRY_WAIT = 1.0  # seconds before a retry the server did not time with Retry-After


def system_prompt(toolkit: Toolkit, history: Sequence[tuple[str, str]] = ()) -> str:
    """The system prompt of one turn: the data, its dictionary, the segment, older turns."""
    template = resources.files("prompts").joinpath("system.md").read_text(encoding="utf-8")
    current = toolkit.current_definition()
    current_text = (json.dumps(current.condition.model_dump(mode="json")) if current
                    else "none")
    return (template.replace("{data_summary}", json.dumps(data_summary(toolkit.data), indent=1))
            .replace("{data_dictionary}", dictionary_text(toolkit))
            .replace("{earlier_turns}", _earlier(history))
            .replace("{current_segment}", current_text))


def dictionary_text(toolkit: Toolkit) -> str:
    """The team's data dictionary as YAML, without entries about personal columns."""
    dictionary = toolkit.dictionary
    if dictionary is None:
        return "none"
    personal = {c.name for c in toolkit.data.schema.columns if c.role is Role.PERSONAL}
    shown = dictionary.model_copy(update={"columns": {
        name: entry for name, entry in dictionary.columns.items() if name not in personal}})
    text = shown.to_yaml().strip()
    return text if text and text != "{}" else "none"


def _earlier(history: Sequence[tuple[str, str]]) -> str:
    older = list(history[:-HISTORY_TURNS]) if len(history) > HISTORY_TURNS else []
    if not older:
        return "none"
    named = older[-EARLIER_REQUESTS:]
    lines = [f"- {' '.join(user.split())[:120]}" for user, _reply in named]
    dropped = len(older) - len(named)
    head = f"{len(older)} earlier turns are not shown in full" + (
        f" ({dropped} not listed)" if dropped else "") + "; their requests were:"
    return "\n".join([head, *lines])


class LlmBackend:
    """Runs one turn through a LangChain agent (`create_agent`) over the toolkit.

    The agent is built once per toolkit (one per session) and reused every turn; what
    changes between turns (the system prompt, the typed tool schemas, no parallel tool
    calls) is set by its model-call middleware. The conversation so far comes in with
    each turn (`history`, from the saved session), so a resumed session continues it.
    """

    def __init__(self, chat_model: Any, name: str, *, turn_seconds: float = TURN_SECONDS,
                 prices: tuple[float | None, float | None] = (None, None)) -> None:
        self.chat_model = chat_model
        self.prices = prices  # per million input and output tokens, when configured
        self.name = name
        self.turn_seconds = turn_seconds
        self.last_model_input: list[dict[str, Any]] = []  # what was sent, for /debug
        # Tokens of the last turn (input_tokens, output_tokens), as the server counted them.
        self.usage: dict[str, int] = {}
        self._agent: Any = None
        self._toolkit: Toolkit | None = None
        self._turn: _TurnClock = _TurnClock(turn_seconds)
        self._history: Sequence[tuple[str, str]] = ()
        self._queued: list[Any] = []  # tool calls of the last model message not yet run

    def run_turn(self, text: str, toolkit: Toolkit,
                 on_text: Callable[[str], None] | None = None,
                 history: Sequence[tuple[str, str]] = ()) -> TurnOutcome:
        agent = self._agent_for(toolkit)
        self._turn.start()
        self._history = history
        self._queued = []
        self.usage = {}
        messages: list[dict[str, str]] = []
        for user, reply in history[-HISTORY_TURNS:]:
            messages += [{"role": "user", "content": user[:MESSAGE_CHARS]},
                         {"role": "assistant", "content": reply[:MESSAGE_CHARS]}]
        messages.append({"role": "user", "content": text})
        try:
            if on_text is None:
                state = agent.invoke({"messages": messages})
            else:
                state = _stream(agent, messages, on_text)
        except Exception as exc:  # any model/transport fault: explained, then fallback
            raise BackendFailure(describe_failure(exc)) from None
        if on_text is not None and _cut_off(state):
            raise BackendFailure("The model's answer was cut off mid-way")
        results = _turn_results(state)
        reply = harmless(_final_text(state)) or compose_reply(results, toolkit.data.n_customers,
                                                              language=toolkit.language)
        return TurnOutcome(results=results, reply=reply)

    def _agent_for(self, toolkit: Toolkit) -> Any:
        if self._agent is None or self._toolkit is not toolkit:
            from langchain.agents import create_agent
            from langchain.agents.middleware import (
                ModelCallLimitMiddleware,
                ToolCallLimitMiddleware,
            )

            self._toolkit = toolkit
            self._agent = create_agent(
                self.chat_model,
                tools=_tools(toolkit),
                # "error" rather than a canned limit message as the reply: the turn falls back.
                middleware=[ModelCallLimitMiddleware(run_limit=MAX_MODEL_CALLS,
                                                     exit_behavior="error"),
                            ToolCallLimitMiddleware(run_limit=MAX_TOOL_CALLS),
                            self._prepare(toolkit),
                            _retry_within(self._turn, self.chat_model)],
            )
        return self._agent

    def _prepare(self, toolkit: Toolkit) -> Any:
        """Each model call: this turn's system prompt, the typed tool schemas, one tool call
        at a time; what is sent is recorded for /debug and the tokens counted."""
        from langchain.agents.middleware import ModelResponse, wrap_model_call
        from langchain_core.messages import AIMessage, SystemMessage

        schemas = tool_schemas(TOOL_ARGS)

        @wrap_model_call
        def prepare(request: Any, handler: Any) -> Any:
            request = request.override(
                system_message=SystemMessage(content=system_prompt(toolkit, self._history)),
                tools=schemas,
                # "Define, then export" must not race on the current segment: one call per
                # step, asked of the server. A server that sends several anyway (some local
                # ones ignore the setting) has them run one per step, in its order: the
                # first now, each next one as the following step (`_queued`), no threads.
                model_settings={**request.model_settings, "parallel_tool_calls": False})
            sent = [{"role": "system", "content": str(request.system_message.content)}]
            sent += [{"role": m.type, "content": m.content,
                      **({"tool_calls": m.tool_calls} if getattr(m, "tool_calls", None) else {})}
                     for m in request.messages]
            self.last_model_input = sent
            if self._queued:
                return ModelResponse(result=[AIMessage(content="",
                                                       tool_calls=[self._queued.pop(0)])])
            response = handler(request)
            self._queued = _later_calls(response)
            _add_usage(self.usage, response)
            return response

        return prepare


def _tools(toolkit: Toolkit) -> list[Any]:
    """The registry's tools for LangChain: each runs `toolkit.call`, which validates the
    arguments (one error naming what is valid) and checks consent; the ToolResult travels
    back as the message's artifact."""
    from langchain_core.tools import StructuredTool

    def runner(name: str) -> Any:
        def run(**kwargs: Any) -> tuple[str, ToolResult]:
            result = toolkit.call(name, kwargs)
            return json.dumps(result.to_dict(), default=str), result
        return run

    return [StructuredTool.from_function(
        func=runner(spec["function"]["name"]), name=spec["function"]["name"],
        description=spec["function"]["description"],
        args_schema=spec["function"]["parameters"], response_format="content_and_artifact")
        for spec in tool_schemas(TOOL_ARGS)]


def _turn_results(state: dict[str, Any]) -> list[ToolResult]:
    """The tool results of this turn (after its user message), in the order they ran."""
    messages = state.get("messages", [])
    last_user = max((i for i, m in enumerate(messages) if getattr(m, "type", "") == "human"),
                    default=-1)
    return [m.artifact for m in messages[last_user + 1:]
            if getattr(m, "type", "") == "tool" and isinstance(getattr(m, "artifact", None),
                                                                 ToolResult)]


def _later_calls(response: Any) -> list[Any]:
    """Take all but the first tool call off the response's message; returns those taken."""
    messages = getattr(response, "result", None) or []
    for index, message in enumerate(messages):
        calls = getattr(message, "tool_calls", None) or []
        if len(calls) > 1:
            messages[index] = message.model_copy(update={"tool_calls": calls[:1]})
            return list(calls[1:])
    return []


def _add_usage(usage: dict[str, int], response: Any) -> None:
    for message in getattr(response, "result", None) or [response]:
        counted = getattr(message, "usage_metadata", None) or {}
        for key in ("input_tokens", "output_tokens"):
            usage[key] = usage.get(key, 0) + int(counted.get(key, 0) or 0)


class _TurnClock:
    """When the current turn started: the retry rule measures what is left of it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = 0.0

    def start(self) -> None:
        self.started = time.monotonic()

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.started)


def _retry_within(clock: _TurnClock, chat_model: Any) -> Any:
    """Retry a failed model call once, when the wait and another call fit in the turn.

    The openai client's own retries (`max_retries=0` in `make_chat_model`) would honour a
    Retry-After of up to two minutes, and a hanging server twice over: past `seconds` the
    turn goes to the built-in interpreter at once, and the notice says why.
    """
    from langchain.agents.middleware import wrap_model_call

    per_call = float(getattr(chat_model, "request_timeout", None) or 0.0)

    @wrap_model_call
    def retry(request: Any, handler: Any) -> Any:
        try:
            return handler(request)
        except Exception as exc:  # noqa: BLE001 - only transient faults are retried
            wait = _retry_wait(exc)
            left = clock.left()
            if wait is None or wait + per_call > left:
                raise
            time.sleep(wait)
            return handler(request)

    return retry


def _retry_wait(exc: BaseException) -> float | None:
    """Seconds to wait before retrying `exc`, or None when it is not worth a retry."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if status == 429 or (isinstance(status, int) and status >= 500):
        return _retry_after(exc) or _RETRY_WAIT
    if "Timeout" in name or "Connection" in name:
        return _RETRY_WAIT
    return None


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:  # an HTTP date: not worth parsing for a 30-second turn
        return None


def _stream(agent: Any, messages: list[dict[str, str]],
            on_text: Callable[[str], None]) -> dict[str, Any]:
    """Run the agent, passing the model's reply text on as it arrives."""
    state: dict[str, Any] = {}
    for mode, chunk in agent.stream({"messages": messages}, stream_mode=["messages", "values"]):
        if mode == "values":
            state = chunk
            continue
        message, _meta = chunk
        content = getattr(message, "content", "")
        if getattr(message, "type", "") == "AIMessageChunk" and isinstance(content, str) \
                and content:
            on_text(content)
    return state


def _cut_off(state: dict[str, Any]) -> bool:
    """A streamed answer that ended without a finish reason: the connection dropped."""
    for message in reversed(state.get("messages", [])):
        if getattr(message, "type", "") == "ai":
            metadata = getattr(message, "response_metadata", None) or {}
            return "finish_reason" not in metadata
    return False


def _final_text(state: dict[str, Any]) -> str:
    for message in reversed(state.get("messages", [])):
        if getattr(message, "type", "") == "ai" and not getattr(message, "tool_calls", None):
            content = message.content
            if isinstance(content, list):
                content = " ".join(str(p.get("text", "")) if isinstance(p, dict) else str(p)
                                   for p in content)
            return str(content).strip()
    return ""


def describe_failure(exc: BaseException) -> str:
    """One line naming the fault, never the key or a traceback."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if "LimitExceeded" in name:
        return "The model kept calling tools without answering"
    if "Timeout" in name:
        return "The model did not answer in time"
    if status == 401 or "Authentication" in name:
        return "The model server rejected the API key (check OPENAI_API_KEY)"
    if status == 429 or "RateLimit" in name:
        wait = _retry_after(exc)
        asked = f" and asked to wait {wait:.0f} s" if wait else ""
        return f"The model server is rate-limiting requests (429){asked}"
    if "Connection" in name:
        return "Cannot reach the model server (check --base-url / OPENAI_BASE_URL)"
    if isinstance(status, int):
        return f"The model server returned an error ({status})"
    return f"The model failed ({name})"
