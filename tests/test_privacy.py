"""Private data stays home: no id, email, name or phone reaches a model, whatever the data,
and the API key never appears in what is printed, stored or raised."""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from scripted_server import Fault, Reply, ScriptedServer, scripted_server

from assistant.agent import LlmBackend
from assistant.backends import ModelSettings, make_chat_model, resolve_settings
from assistant.core import Assistant

REPO = Path(__file__).resolve().parent.parent
SECRET = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0"

LOWER = st.text(string.ascii_lowercase, min_size=3, max_size=8)
NAME = st.builds(lambda a, b: f"{a.title()} {b.title()}", LOWER, LOWER)
PHONE = st.builds(lambda a, b: f"+44 7{a:03d} {b:06d}", st.integers(0, 999),
                  st.integers(0, 999_999))
EMAIL = st.builds(lambda a, b: f"{a}.{b}@{b}mail.test", LOWER, LOWER)
CUSTOMER_ID = st.builds(lambda n: f"CU-{n:07d}", st.integers(0, 9_999_999))


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(12, 40))
    ids = draw(st.lists(CUSTOMER_ID, min_size=n, max_size=n, unique=True))
    emails = draw(st.lists(EMAIL, min_size=n, max_size=n, unique=True))
    rows = []
    for i, (cid, email) in enumerate(zip(ids, emails, strict=True)):
        rows.append({
            "customer_id": cid, "full_name": draw(NAME), "email": email, "phone": draw(PHONE),
            "gender": draw(st.sampled_from(["Female", "Male"])),
            "age": draw(st.integers(18, 90)),
            "Recency": draw(st.integers(0, 400)), "Frequency": 1 + i % 7,
            "Monetary": draw(st.integers(5, 5000)),
        })
    return rows


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(str(r[h]) for h in header) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# The scripted model: one tool per request text, then a short answer. It also probes with
# guesses (a made-up name and email) that the engine could "correct" with real values.
TURNS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "describe the data": [("describe_data", {})],
    "women over 30": [("define_segment", {"condition": {"type": "and", "all": [
        {"type": "in", "column": "gender", "values": ["Female"]},
        {"type": "compare", "column": "age", "op": ">", "value": 30}]}})],
    "profile them": [("profile_segment", {}), ("compare_segments", {"a": "current",
                                                                     "b": "all"})],
    "run rfm": [("run_rfm", {}), ("lifecycle", {})],
    "cluster them": [("cluster", {"k": 3}), ("cluster", {"features": ["email", "age"]})],
    "find a person": [
        ("define_segment", {"condition": {"type": "in", "column": "full_name",
                                          "values": ["Zed Unknown"]}}),
        ("define_segment", {"condition": {"type": "compare", "column": "email", "op": "==",
                                          "value": "nobody@nowhere.invalid"}}),
        ("define_segment", {"condition": {"type": "in", "column": "customer_id",
                                          "values": ["CU-"]}}),
        ("define_segment", {"condition": {"type": "rank", "column": "phone",
                                          "direction": "top", "n": 3}}),
        ("profile_segment", {"name": "nobody"})],
}


def scripted_model(body: dict[str, Any]) -> Reply:
    messages = body["messages"]
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    if any(m["role"] == "tool" for m in messages[last_user:]):
        return Reply(content="Done.")
    return Reply(tool_calls=TURNS.get(str(messages[last_user]["content"]), []))


@pytest.fixture(scope="module")
def server() -> Any:
    with scripted_server([scripted_model], repeat_last=True) as running:
        yield running


@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=people())
def test_no_personal_value_reaches_the_model(server: ScriptedServer,
                                             rows: list[dict[str, Any]]) -> None:
    server.raw_requests.clear()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        write_csv(rows, path)
        model = make_chat_model(ModelSettings(base_url=server.base_url, model="scripted",
                                              timeout=10, api_key=SecretStr(SECRET)))
        bot = Assistant.open(path, workspace=Path(folder) / "ws", session="privacy",
                             backend=LlmBackend(model, "scripted"))
        for text in TURNS:
            turn = bot.ask(text)
            assert turn.backend == "scripted", turn.notice
        stored = (Path(folder) / "ws" / "sessions.db").read_bytes()
    sent = server.sent_text()
    assert ("Female" in sent or "Male" in sent) and "Monetary" in sent  # the schema went
    for row in rows:
        for key in ("customer_id", "full_name", "email", "phone"):
            assert str(row[key]) not in sent, (key, row[key])
        assert str(row["phone"]).replace(" ", "") not in sent.replace(" ", "")
    assert SECRET.encode() not in stored


# The API key -----------------------------------------------------------------------------


def echoing_401(body: dict[str, Any]) -> Fault:
    # Some servers echo the key they rejected; it must not come back out of the product.
    message = f"Incorrect API key provided: {SECRET}. You can find your key at ..."
    return Fault(status=401, body=json.dumps({"error": {
        "message": message, "type": "invalid_request_error", "code": "invalid_api_key"}}))


def test_a_rejected_key_echoed_by_the_server_never_surfaces(tmp_path: Path) -> None:
    pytest.importorskip("assistant.interpreter")
    people_file = tmp_path / "people.csv"
    write_csv([{"customer_id": i, "gender": "Female" if i % 2 else "Male", "age": 20 + i,
                "Monetary": 10 * i} for i in range(1, 30)], people_file)
    with scripted_server([echoing_401], repeat_last=True) as server:
        model = make_chat_model(ModelSettings(base_url=server.base_url, model="scripted",
                                              timeout=5, api_key=SecretStr(SECRET)))
        bot = Assistant.open(people_file, workspace=tmp_path / "ws", session="keys",
                             backend=LlmBackend(model, "scripted"))
        turn = bot.ask("women over 30")
        second = bot.ask("customers over 40")
    assert SECRET in server.sent_text()  # it was sent, as a Bearer header
    for shown in (turn, second):
        assert shown.notice is not None and "API key" in shown.notice
        assert SECRET not in str(shown.to_json())
    assert SECRET.encode() not in (tmp_path / "ws" / "sessions.db").read_bytes()
    for wal in (tmp_path / "ws").glob("sessions.db*"):
        assert SECRET.encode() not in wal.read_bytes()
    from_env = resolve_settings(env={"OPENAI_API_KEY": SECRET})
    assert SECRET not in repr(from_env) + str(from_env) + from_env.model_dump_json()


def run_ask(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    entry = Path(sys.executable).parent / "segment"
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "assistant.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def test_the_cli_never_prints_the_key(tmp_path: Path) -> None:
    pytest.importorskip("assistant.interpreter")
    people_file = tmp_path / "people.csv"
    write_csv([{"customer_id": i, "gender": "Female" if i % 2 else "Male", "age": 20 + i,
                "Monetary": 10 * i} for i in range(1, 30)], people_file)
    with scripted_server([echoing_401], repeat_last=True) as server:
        env = {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": SECRET,
               "OPENAI_BASE_URL": server.base_url, "SEGMENT_WORKSPACE": str(tmp_path / "ws")}
        env.pop("SEGMENT_DEBUG", None)
        answered = run_ask("ask", "women over 30", "--data", str(people_file), env=env,
                           cwd=tmp_path)
        as_json = run_ask("ask", "women over 30", "--data", str(people_file), "--json",
                          env=env, cwd=tmp_path)
        broken = run_ask("ask", "women over 30", "--data", str(tmp_path / "missing.csv"),
                         env=env, cwd=tmp_path)
    for result in (answered, as_json, broken):
        assert SECRET not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert answered.returncode == 0 and "API key" in answered.stdout + answered.stderr
    assert broken.returncode == 1
    for stored in (tmp_path / "ws").rglob("*"):
        if stored.is_file():
            assert SECRET.encode() not in stored.read_bytes(), stored
