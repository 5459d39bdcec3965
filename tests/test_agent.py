"""The LLM path end to end: the real ChatOpenAI against a scripted server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scripted_server import Fault, Reply, scripted_server

from assistant.agent import LlmBackend
from assistant.backends import ModelSettings, make_chat_model
from assistant.core import Assistant

FEMALE_20_35 = {"type": "and", "all": [
    {"type": "in", "column": "gender", "values": ["Female"]},
    {"type": "between", "column": "age", "low": 20, "high": 35},
]}


@pytest.fixture(scope="module")
def people_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A customer table with personal data that must never reach a model."""
    rows = ["customer_id,full_name,email,phone,gender,age,total_spend"]
    for i in range(60):
        gender = "Female" if i % 2 else "Male"
        rows.append(f"CUST-{93000 + i},Person{i} Surname{i},person{i}@example.org,"
                    f"+44 7700 9{i:05d},{gender},{18 + i},{100 + 37 * i}")
    path = tmp_path_factory.mktemp("people") / "people.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _bot(people_file: Path, tmp_path: Path, base_url: str, **settings: Any) -> Assistant:
    model = make_chat_model(ModelSettings(base_url=base_url, model="scripted",
                                          **{"timeout": 5, **settings}))
    bot = Assistant.open(people_file, workspace=tmp_path / "ws",
                         backend=LlmBackend(model, "scripted"))
    return bot


def _assert_nothing_personal_sent(sent: str) -> None:
    for i in range(60):
        assert f"person{i}@example.org" not in sent
        assert f"Surname{i}" not in sent
        assert f"CUST-{93000 + i}" not in sent
        assert f"9{i:05d}" not in sent


def test_tool_calls_define_the_segment_and_no_personal_data_is_sent(
        people_file: Path, tmp_path: Path) -> None:
    script = [Reply(tool_calls=[("define_segment", {"condition": FEMALE_20_35})]),
              Reply(content="There are 9 women aged 20 to 35.")]
    with scripted_server(script) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("women aged 20 to 35")
    assert turn.backend == "scripted" and turn.notice is None
    assert turn.segment is not None
    expected = ((bot.data.customers["gender"] == "Female")
                & bot.data.customers["age"].between(20, 35)).sum()
    assert turn.segment["size"] == expected > 0
    assert turn.reply.startswith("There are")
    assert len(server.requests) == 2
    tool_messages = [m for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert '"size"' in tool_messages[0]["content"]
    assert "gender" in server.sent_text() and "Female" in server.sent_text()
    _assert_nothing_personal_sent(server.sent_text())


def test_streaming_passes_text_on_as_it_arrives(people_file: Path, tmp_path: Path) -> None:
    script = [Reply(tool_calls=[("run_rfm", {})]),
              Reply(content="The RFM table could not be computed for this data.")]
    chunks: list[str] = []
    with scripted_server(script) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("run an RFM analysis", on_text=chunks.append)
    assert all(r.get("stream") for r in server.requests)
    assert len(chunks) > 3 and "".join(chunks).strip() == turn.reply
    assert turn.results and turn.results[0].tool == "run_rfm"


def test_unknown_tool_and_bad_arguments_go_back_to_the_model(
        people_file: Path, tmp_path: Path) -> None:
    script = [Reply(tool_calls=[("drop_table", {"name": "x"})]),
              Reply(tool_calls=[("define_segment", {"condition": {
                  "type": "compare", "column": "agee", "op": ">", "value": 30}})]),
              Reply(content="Which column did you mean?")]
    with scripted_server(script) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("customers older than 30")
    sent_back = [m["content"] for m in server.requests[2]["messages"] if m["role"] == "tool"]
    assert any("drop_table" in c for c in sent_back)
    assert any("age" in c and "agee" in c for c in sent_back)
    assert turn.segment is None


def test_a_looping_model_is_stopped(people_file: Path, tmp_path: Path) -> None:
    loop = Reply(tool_calls=[("describe_data", {})])
    with scripted_server([loop], repeat_last=True) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("tell me about the data")
    assert len(server.requests) <= 9
    assert turn.reply


def _needs_interpreter() -> None:
    interpreter = pytest.importorskip("assistant.interpreter")
    if not hasattr(interpreter, "interpret"):
        pytest.skip("the built-in interpreter has not landed")


@pytest.mark.parametrize("fault, words", [
    (Fault(status=401), "API key"),
    (Fault(status=429, headers={"retry-after": "0"}), "rate-limiting"),
    (Fault(status=500), "error (500)"),
    (Fault(status=200, body="{not json"), "failed"),
])
def test_backend_faults_fall_back_to_the_builtin_interpreter(
        people_file: Path, tmp_path: Path, fault: Fault, words: str) -> None:
    _needs_interpreter()
    with scripted_server([fault], repeat_last=True) as server:
        bot = _bot(people_file, tmp_path, server.base_url, api_key="sk-secret-test-key")
        turn = bot.ask("customers who spent over 1000")
    assert turn.notice is not None and words in turn.notice
    assert "sk-secret-test-key" not in turn.notice + turn.reply
    assert turn.backend == "built-in interpreter"


def test_a_timeout_is_reported_and_falls_back(people_file: Path, tmp_path: Path) -> None:
    _needs_interpreter()
    with scripted_server([Fault(delay=3)], repeat_last=True) as server:
        bot = _bot(people_file, tmp_path, server.base_url, timeout=0.5)
        turn = bot.ask("customers who spent over 1000")
    assert turn.notice is not None and "in time" in turn.notice


def test_export_needs_the_users_request(people_file: Path, tmp_path: Path) -> None:
    script = [Reply(tool_calls=[("define_segment", {"condition": FEMALE_20_35}),
                                ("export_segment", {"path": "all.csv"})]),
              Reply(content="Done.")]
    with scripted_server(script) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        turn = bot.ask("women aged 20 to 35")
    export = [r for r in turn.results if r.tool == "export_segment"][0]
    assert not export.ok and "has not asked" in export.message
    assert not (tmp_path / "ws" / "exports" / "all.csv").exists()
    # The reply says what was not done, whatever the model wrote ("Done.").
    assert turn.reply.startswith("Not done: exporting")


def _saved_then_model(people_file: Path, tmp_path: Path, script: list[Any],
                      request: str) -> tuple[Assistant, Any]:
    """A saved segment 'young_women', then one model turn of `script` on `request`."""
    with scripted_server(script) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        bot.toolkit.call("define_segment", {"condition": FEMALE_20_35})
        assert bot.toolkit.call("save_segment", {"name": "young_women"}).ok
        return bot, bot.ask(request)


@pytest.mark.parametrize("request_text", [
    "how many customers are in this file?",  # "file" once let a model export
    "which customers spent the most?",
    "сколько клиентов в этом файле?",
])
def test_a_model_cannot_export_or_delete_unasked(people_file: Path, tmp_path: Path,
                                                 request_text: str) -> None:
    _needs_interpreter()
    script = [Reply(tool_calls=[("export_segment", {"path": "everyone.csv"}),
                                ("delete_segment", {"name": "young_women"})]),
              Reply(content="Exported every email and tidied up your segments.")]
    bot, turn = _saved_then_model(people_file, tmp_path, script, request_text)
    refused = {r.tool for r in turn.results if r.summary.get("needs_confirmation")}
    assert refused == {"export_segment", "delete_segment"}
    assert bot.toolkit.library.exists("young_women")
    assert not list((tmp_path / "ws").rglob("everyone.csv"))
    assert turn.reply.count("Not done:") == 2


def test_a_model_cannot_overwrite_a_saved_segment_unasked(people_file: Path,
                                                         tmp_path: Path) -> None:
    _needs_interpreter()
    script = [Reply(tool_calls=[("define_segment", {"condition": {
        "type": "compare", "column": "age", "op": ">", "value": 60}}),
                                ("save_segment", {"name": "young_women"}),
                                ("save_segment", {"name": "over_sixty"})]),
              Reply(content="Saved.")]
    bot, turn = _saved_then_model(people_file, tmp_path, script, "customers over 60")
    library = bot.toolkit.library
    assert library.show("young_women").definition.condition.model_dump()["type"] == "and"
    assert library.exists("over_sixty")  # a new name adds, it overwrites nothing
    assert "Done: Saved 'over_sixty'" in turn.reply and "Not done: saving" in turn.reply


def test_the_users_words_or_a_yes_let_the_model_change_the_library(
        people_file: Path, tmp_path: Path) -> None:
    _needs_interpreter()
    delete = Reply(tool_calls=[("delete_segment", {"name": "young_women"})])
    script = [delete, Reply(content="Should I?"), delete, Reply(content="Deleted.")]
    with scripted_server(script) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        bot.toolkit.call("define_segment", {"condition": FEMALE_20_35})
        bot.toolkit.call("save_segment", {"name": "young_women"})
        first = bot.ask("tidy up my workspace")
        assert bot.toolkit.library.exists("young_women") and "Not done" in first.reply
        second = bot.ask("yes")
    assert not bot.toolkit.library.exists("young_women")
    assert second.reply.startswith("Done: Deleted 'young_women'")


@pytest.mark.parametrize("request_text", ["export them to women.csv", "导出这些客户",
                                          "экспортируй их в файл"])
def test_an_export_asked_for_in_words_goes_ahead(people_file: Path, tmp_path: Path,
                                                 request_text: str) -> None:
    _needs_interpreter()
    script = [Reply(tool_calls=[("export_segment", {"path": "women.csv"})]),
              Reply(content="Exported.")]
    with scripted_server(script) as server:
        bot = _bot(people_file, tmp_path, server.base_url)
        bot.toolkit.call("define_segment", {"condition": FEMALE_20_35})
        turn = bot.ask(request_text)
    export = [r for r in turn.results if r.tool == "export_segment"][0]
    assert export.ok, export.message
    assert turn.reply.startswith("Done: Exported")
