"""Model faults mid-conversation: every turn ends with an answer or a clear notice, and the
session goes on. The real ChatOpenAI client talks to the scripted server on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from scripted_server import Fault, Reply, scripted_server

from assistant.agent import MAX_MODEL_CALLS, LlmBackend
from assistant.backends import ModelSettings, make_chat_model
from assistant.core import Assistant, Turn

pytest.importorskip("assistant.interpreter")

FEMALE_20_35 = {"type": "and", "all": [
    {"type": "in", "column": "gender", "values": ["Female"]},
    {"type": "between", "column": "age", "low": 20, "high": 35},
]}
BUILTIN = "built-in interpreter"


@pytest.fixture(scope="module")
def people_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = ["customer_id,gender,age,total_spend"]
    rows += [f"{1000 + i},{'Female' if i % 2 else 'Male'},{18 + i},{100 + 37 * i}"
             for i in range(60)]
    path = tmp_path_factory.mktemp("faults") / "people.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def open_bot(people_file: Path, tmp_path: Path, base_url: str, **settings: Any) -> Assistant:
    model = make_chat_model(ModelSettings(base_url=base_url, model="scripted",
                                          **{"timeout": 5, **settings}))
    return Assistant.open(people_file, workspace=tmp_path / "ws", session="faults",
                          backend=LlmBackend(model, "scripted"))


def last_user_text(body: dict[str, Any]) -> str:
    users = [m for m in body["messages"] if m["role"] == "user"]
    return str(users[-1]["content"]) if users else ""


def after_tools(body: dict[str, Any]) -> bool:
    """Whether the model has tool results for the latest user message."""
    roles = [m["role"] for m in body["messages"]]
    last_user = max(i for i, r in enumerate(roles) if r == "user")
    return "tool" in roles[last_user:]


def women_turn(body: dict[str, Any]) -> Reply:
    """A well-behaved model answering 'women aged 20 to 35'."""
    if after_tools(body):
        return Reply(content="Here are the women aged 20 to 35.")
    return Reply(tool_calls=[("define_segment", {"condition": FEMALE_20_35})])


def assert_answered(turn: Turn) -> None:
    assert turn.reply.strip()
    assert "Traceback" not in turn.reply + (turn.notice or "")
    if turn.backend == BUILTIN:
        assert turn.notice is not None and turn.notice.endswith("built-in interpreter.")


def assert_women_segment(bot: Assistant, turn: Turn) -> None:
    assert turn.backend == "scripted" and turn.notice is None
    customers = bot.data.customers
    expected = int(((customers["gender"] == "Female") & customers["age"].between(20, 35)).sum())
    assert turn.segment is not None and turn.segment["size"] == expected > 0


def assert_transcript_kept(tmp_path: Path, turns: int) -> None:
    from assistant.sessions import SessionStore

    messages = SessionStore(tmp_path / "ws").transcript("faults")
    assert [m.role for m in messages] == ["user", "assistant"] * turns
    assert all(m.content.strip() for m in messages)


def test_a_stream_cut_midway_falls_back_and_the_next_turn_streams(
        people_file: Path, tmp_path: Path) -> None:
    def route(body: dict[str, Any]) -> Reply | Fault:
        if "older than 30" in last_user_text(body):
            return Fault(cut_stream=True)
        return women_turn(body)

    chunks: list[str] = []
    with scripted_server([route], repeat_last=True) as server:
        bot = open_bot(people_file, tmp_path, server.base_url)
        cut = bot.ask("customers older than 30", on_text=chunks.append)
        assert chunks == ["Partial"]  # what arrived before the cut was shown, then the notice
        assert_answered(cut)
        assert cut.backend == BUILTIN and cut.notice is not None and "cut off" in cut.notice
        assert cut.segment is not None  # the interpreter answered the request itself
        after = bot.ask("women aged 20 to 35", on_text=chunks.append)
    assert_women_segment(bot, after)
    assert after.reply.startswith("Here are")
    assert_transcript_kept(tmp_path, 2)


def test_a_429_retry_after_is_honoured(people_file: Path, tmp_path: Path) -> None:
    script: list[Any] = [Fault(status=429, headers={"retry-after": "1"}),
                         Reply(content="All good now.")]
    with scripted_server(script) as server:
        bot = open_bot(people_file, tmp_path, server.base_url)
        start = time.monotonic()
        turn = bot.ask("what is in the data?")
        elapsed = time.monotonic() - start
    assert len(server.requests) == 2
    assert elapsed >= 0.9  # waited as told
    assert turn.backend == "scripted" and turn.reply == "All good now." and turn.notice is None


def test_a_429_with_a_huge_retry_after_does_not_stall_the_turn(
        people_file: Path, tmp_path: Path) -> None:
    def route(body: dict[str, Any]) -> Reply | Fault:
        if "older than 30" in last_user_text(body):
            return Fault(status=429, headers={"retry-after": "3600"})
        return women_turn(body)

    with scripted_server([route], repeat_last=True) as server:
        bot = open_bot(people_file, tmp_path, server.base_url)
        start = time.monotonic()
        limited = bot.ask("customers older than 30")
        assert time.monotonic() - start < 20
        assert len(server.requests) <= 2  # at most one retry, never an hour's wait
        assert_answered(limited)
        assert limited.notice is not None and "rate-limiting" in limited.notice
        after = bot.ask("women aged 20 to 35")
    assert_women_segment(bot, after)
    assert_transcript_kept(tmp_path, 2)


def test_wrong_argument_types_go_back_to_the_model_and_the_session_goes_on(
        people_file: Path, tmp_path: Path) -> None:
    def route(body: dict[str, Any]) -> Reply | Fault:
        if "women" in last_user_text(body):
            return women_turn(body)
        tools = [m for m in body["messages"] if m["role"] == "tool"]
        if not tools:
            return Reply(tool_calls=[("cluster", {"k": "many", "features": 5}),
                                     ("define_segment", {"condition": "older people",
                                                         "mode": 3})])
        return Reply(content="I could not run that; which columns should I use?")

    with scripted_server([route], repeat_last=True) as server:
        bot = open_bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("split the older people into groups")
        sent_back = [m["content"] for m in server.requests[1]["messages"] if m["role"] == "tool"]
        assert len(sent_back) == 2
        assert "Invalid arguments" in sent_back[0] and "k:" in sent_back[0]
        assert "condition:" in sent_back[1] and "mode:" in sent_back[1]
        assert turn.backend == "scripted" and turn.reply.startswith("I could not")
        assert turn.segment is None
        after = bot.ask("women aged 20 to 35")
    assert_women_segment(bot, after)


def test_repeated_invalid_tool_calls_are_bounded_and_fall_back(
        people_file: Path, tmp_path: Path) -> None:
    bad = Reply(tool_calls=[("define_segment", {"condition": {
        "type": "compare", "column": "agee", "op": ">", "value": 30}})])

    def route(body: dict[str, Any]) -> Reply | Fault:
        return women_turn(body) if "women" in last_user_text(body) else bad

    with scripted_server([route], repeat_last=True) as server:
        bot = open_bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("customers older than 30")
        assert len(server.requests) <= MAX_MODEL_CALLS
        assert_answered(turn)
        assert turn.notice is not None and "kept calling tools" in turn.notice
        assert "limit" not in turn.reply.lower()  # no framework message as the answer
        assert turn.segment is not None and turn.segment["size"] == int(
            (bot.data.customers["age"] > 30).sum())
        after = bot.ask("women aged 20 to 35")
    assert_women_segment(bot, after)
    assert_transcript_kept(tmp_path, 2)


def test_a_server_error_after_a_tool_ran_still_ends_the_turn(
        people_file: Path, tmp_path: Path) -> None:
    script: list[Any] = [Reply(tool_calls=[("run_rfm", {})]), Fault(status=500),
                         Fault(status=500)]
    with scripted_server(script) as server:
        bot = open_bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("customers who spent over 1000")
    assert_answered(turn)
    assert turn.backend == BUILTIN and turn.notice is not None and "500" in turn.notice
    assert turn.segment is not None and turn.segment["size"] == int(
        (bot.data.customers["total_spend"] > 1000).sum())


def test_the_defaults_fall_back_within_thirty_seconds() -> None:
    settings = ModelSettings(base_url="http://127.0.0.1:9/v1")
    model = make_chat_model(settings)
    assert model.max_retries == 0  # the openai client would honour a 2-minute Retry-After
    assert settings.turn_timeout <= 30 and settings.timeout <= settings.turn_timeout
    assert LlmBackend(model, "x").turn_seconds <= 30


def test_a_hanging_server_falls_back_within_the_turn_budget(people_file: Path,
                                                            tmp_path: Path) -> None:
    with scripted_server([Fault(delay=8)], repeat_last=True) as server:
        model = make_chat_model(ModelSettings(base_url=server.base_url, model="scripted",
                                              timeout=1.5))
        bot = Assistant.open(people_file, workspace=tmp_path / "ws",
                             backend=LlmBackend(model, "scripted", turn_seconds=2.5))
        start = time.monotonic()
        turn = bot.ask("customers older than 30")
        elapsed = time.monotonic() - start
    assert elapsed < 5  # one call (1.5 s); a retry would not fit in 2.5 s
    assert len(server.requests) == 1
    assert turn.notice is not None and "in time" in turn.notice
    assert_answered(turn)


def test_a_retry_after_beyond_the_turn_falls_back_at_once(people_file: Path,
                                                          tmp_path: Path) -> None:
    script: list[Any] = [Fault(status=429, headers={"retry-after": "40"})]
    with scripted_server(script, repeat_last=True) as server:
        bot = open_bot(people_file, tmp_path, server.base_url)
        start = time.monotonic()
        turn = bot.ask("customers older than 30")
        elapsed = time.monotonic() - start
    assert elapsed < 5 and len(server.requests) == 1
    assert turn.notice is not None and "asked to wait 40 s" in turn.notice
    assert_answered(turn)
