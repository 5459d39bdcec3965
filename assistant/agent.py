"""Backends 2 and 3: a LangChain agent whose model calls the same tools as the interpreter.

The model sees the system prompt (schema, role tags, non-personal category
values), the conversation's text and the tools' compact JSON results; never a
customer row, id, email, name or phone number. The loop is bounded; a failing
model raises BackendFailure so the turn falls back to the built-in interpreter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from assistant.core import BackendFailure, TurnOutcome
from assistant.replies import compose_reply
from assistant.terminal_text import harmless
from tools.tool_specs import TOOL_ARGS
from tools.tool_summaries import data_summary
from tools.toolkit import Toolkit, ToolResult

MAX_MODEL_CALLS = 8
MAX_TOOL_CALLS = 12
HISTORY_TURNS = 6
# A failing model hands the turn to the built-in interpreter within this many seconds: a
# retry (after a timeout, a 5xx or a 429) is made only when it fits in what is left.
TURN_SECONDS = 30.0
_RETRY_WAIT = 1.0  # seconds before a retry the server did not time with Retry-After


def system_prompt(toolkit: Toolkit) -> str:
    template = resources.files("prompts").joinpath("system.md").read_text(encoding="utf-8")
    current = toolkit.current_definition()
    current_text = (json.dumps(current.condition.model_dump(mode="json")) if current
                    else "none")
    return template.replace("{data_summary}", json.dumps(data_summary(toolkit.data), indent=1)
                            ).replace("{current_segment}", current_text)


class LlmBackend:
    """Runs one turn through `langchain.agents.create_agent` over the toolkit."""

    def __init__(self, chat_model: Any, name: str, *, turn_seconds: float = TURN_SECONDS
                 ) -> None:
        self.chat_model = chat_model
        self.name = name
        self.turn_seconds = turn_seconds
        self.history: list[tuple[str, str]] = []  # (user text, assistant reply)
        self.last_model_input: list[dict[str, Any]] = []  # what was sent, for /debug

    def run_turn(self, text: str, toolkit: Toolkit,
                 on_text: Callable[[str], None] | None = None) -> TurnOutcome:
        from langchain.agents import create_agent
        from langchain.agents.middleware import ModelCallLimitMiddleware, ToolCallLimitMiddleware

        results: list[ToolResult] = []
        agent: Any = create_agent(
            self.chat_model,
            tools=self._tools(toolkit, results),
            system_prompt=system_prompt(toolkit),
            # "error" rather than a canned limit message as the reply: the turn falls back.
            middleware=[ModelCallLimitMiddleware(run_limit=MAX_MODEL_CALLS, exit_behavior="error"),
                        ToolCallLimitMiddleware(run_limit=MAX_TOOL_CALLS),
                        self._recorder(), _retry_within(self.turn_seconds, self.chat_model),
                        _one_at_a_time()],
        )
        messages: list[dict[str, str]] = []
        for user, reply in self.history[-HISTORY_TURNS:]:
            messages += [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
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
        reply = harmless(_final_text(state)) or compose_reply(results, toolkit.data.n_customers,
                                                    language=toolkit.language)
        self.history.append((text, reply))
        return TurnOutcome(results=results, reply=reply)

    def _tools(self, toolkit: Toolkit, results: list[ToolResult]) -> list[Any]:
        from langchain_core.tools import StructuredTool

        def runner(name: str) -> Any:
            def run(**kwargs: Any) -> str:
                result = toolkit.call(name, kwargs)  # the toolkit checks consent
                results.append(result)
                return json.dumps(result.to_dict(), default=str)
            return run

        return [StructuredTool.from_function(func=runner(name), name=name,
                                             description=(spec.__doc__ or name).strip(),
                                             args_schema=spec,
                                             handle_validation_error=_argument_error)
                for name, spec in TOOL_ARGS.items()]

    def _recorder(self) -> Any:
        from langchain.agents.middleware import wrap_model_call

        @wrap_model_call
        def record(request: Any, handler: Any) -> Any:
            sent = [{"role": "system", "content": str(request.system_message.content)}
                    if request.system_message else {}]
            sent += [{"role": m.type, "content": m.content,
                      **({"tool_calls": m.tool_calls} if getattr(m, "tool_calls", None) else {})}
                     for m in request.messages]
            self.last_model_input = [m for m in sent if m]
            return handler(request)

        return record


def _retry_within(seconds: float, chat_model: Any) -> Any:
    """Retry a failed model call once, when the wait and another call fit in the turn.

    The openai client's own retries (`max_retries=0` in `make_chat_model`) would honour a
    Retry-After of up to two minutes, and a hanging server twice over: past `seconds` the
    turn goes to the built-in interpreter at once, and the notice says why.
    """
    import time

    from langchain.agents.middleware import wrap_model_call

    start = time.monotonic()
    per_call = float(getattr(chat_model, "request_timeout", None) or 0.0)

    @wrap_model_call
    def retry(request: Any, handler: Any) -> Any:
        try:
            return handler(request)
        except Exception as exc:  # noqa: BLE001 - only transient faults are retried
            wait = _retry_wait(exc)
            left = seconds - (time.monotonic() - start)
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


def _one_at_a_time() -> Any:
    """Run the tool calls of one model message in their order, one after the other.

    LangChain runs them in parallel threads, but "define, then export" must not race on the
    toolkit's current segment.
    """
    import threading

    from langchain.agents.middleware import wrap_tool_call

    turn = threading.Condition()
    running = threading.Lock()
    finished: set[tuple[int, str]] = set()

    @wrap_tool_call
    def in_order(request: Any, handler: Any) -> Any:
        state = request.state
        history = state.get("messages", []) if isinstance(state, dict) else []
        calls = (getattr(history[-1], "tool_calls", None) or []) if history else []
        order = [(len(history), str(c.get("id"))) for c in calls]
        key = (len(history), str(request.tool_call.get("id")))
        earlier = order[:order.index(key)] if key in order else []
        with turn:  # bounded: a call that never comes must not stall the turn
            turn.wait_for(lambda: all(k in finished for k in earlier), timeout=30)
        try:
            with running:
                return handler(request)
        finally:
            with turn:
                finished.add(key)
                turn.notify_all()

    return in_order


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


def _argument_error(exc: Exception) -> str:
    """What was wrong with a tool call's arguments, for the model to correct (no values)."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return "Invalid arguments; check the tool's parameters and call it again."
    problems = ["{}: {}".format(".".join(str(p) for p in e.get("loc", ())) or "arguments",
                                e.get("msg", "invalid")) for e in errors()[:5]]
    return f"Invalid arguments ({'; '.join(problems)}); fix them and call the tool again."


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
