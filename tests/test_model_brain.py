"""What a model sees and how a conversation continues (issue 16): typed tool schemas, errors
that name what is valid, every category value reachable, the data dictionary, history from
the saved session, sessions saved after chat commands and checked against the data file.

The model path is the real ChatOpenAI client against the scripted server on 127.0.0.1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from scripted_server import Reply, scripted_server
from typer.testing import CliRunner

from assistant.chat import ChatLoop
from assistant.cli import app
from assistant.core import Assistant
from tools.tool_registry import TOOL_ARGS
from tools.tool_schemas import tool_schemas
from tools.toolkit import Toolkit

# An invented kennel's customers: 48 breeds (more than a summary lists), a size, spend.
BREEDS = [f"Breed{chr(65 + i // 26)}{chr(97 + i % 26)}" for i in range(48)]


@pytest.fixture(scope="module")
def kennel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = ["owner_ref,breed,coat,visits,fees_paid"]
    for i in range(240):
        breed = BREEDS[i % 48]
        rows.append(f"K{5000 + i},{breed},{'long' if i % 3 else 'short'},{1 + i % 9},"
                    f"{20 + (i * 13) % 400}")
    path = tmp_path_factory.mktemp("kennel") / "kennel.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _schema(name: str) -> dict[str, Any]:
    spec = next(s for s in tool_schemas(TOOL_ARGS) if s["function"]["name"] == name)
    parameters: dict[str, Any] = spec["function"]["parameters"]
    return parameters


def test_the_condition_schema_is_typed_and_names_every_type() -> None:
    parameters = _schema("define_segment")
    assert parameters["properties"]["condition"] == {"$ref": "#/$defs/condition",
                                                     "description": parameters["properties"]
                                                     ["condition"]["description"]}
    union = parameters["$defs"]["condition"]["anyOf"]
    nodes = [parameters["$defs"][ref["$ref"].rsplit("/", 1)[1]] for ref in union]
    types = {node["properties"]["type"]["const"] for node in nodes}
    assert {"compare", "in", "between", "and", "or", "not", "sum"} <= types
    assert all(node["required"][0] == "type" for node in nodes)
    combined = next(n for n in nodes if n["properties"]["type"]["const"] == "and")
    assert combined["properties"]["all"]["items"] == {"$ref": "#/$defs/condition"}
    assert len(json.dumps(tool_schemas(TOOL_ARGS))) < 40_000  # not inlined level after level


def test_a_malformed_condition_names_the_valid_types_and_keys(kennel_file: Path,
                                                              tmp_path: Path) -> None:
    toolkit = Assistant.open(kennel_file, workspace=tmp_path / "ws").toolkit
    no_type = toolkit.call("define_segment", {"condition": {"column": "visits", "op": ">",
                                                            "value": 3}})
    assert not no_type.ok and "discriminator" not in no_type.message
    assert "needs a 'type'" in no_type.message and "compare, between" in no_type.message
    assert "compare" in no_type.options
    missing = toolkit.call("define_segment", {"condition": {"type": "and", "all": [
        {"type": "between", "column": "visits", "low": 2}]}})
    assert not missing.ok and "'between' condition takes: type, column, low, high" in \
        missing.message


def test_every_category_value_is_listed_or_reachable(kennel_file: Path, tmp_path: Path) -> None:
    bot = Assistant.open(kennel_file, workspace=tmp_path / "ws")
    breed = next(c for c in json.loads(json.dumps(
        bot.toolkit.call("describe_data").summary))["columns"] if c["name"] == "breed")
    assert len(breed["values"]) < 48 and "of 48 values" in breed["more_values"]
    unlisted = next(b for b in BREEDS if b not in breed["values"])
    found = bot.toolkit.call("column_values", {"column": "BREED", "contains": unlisted[-3:]})
    assert found.ok and unlisted in found.summary["values"]
    assert found.summary["distinct"] == 48
    personal = bot.toolkit.call("column_values", {"column": "fees_paid"})
    assert not personal.ok and "breed" in personal.options


def _run(args: list[str], workspace: Path) -> Any:
    from assistant import cli_assistant

    cli_assistant.register(app)
    return CliRunner().invoke(app, args, env={"COLUMNS": "120", "OPENAI_API_KEY": None,
                                              "OPENAI_BASE_URL": None, "SEGMENT_MODEL": None,
                                              "SEGMENT_WORKSPACE": str(workspace)})


def test_ask_session_sends_the_earlier_turn_and_the_typed_tools(kennel_file: Path,
                                                                tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    dictionary = workspace / "dictionaries" / "kennel.csv.yaml"
    dictionary.parent.mkdir(parents=True)
    dictionary.write_text("columns:\n  coat:\n    description: fur length at the last "
                          "grooming\n", encoding="utf-8")
    script: list[Any] = [Reply(tool_calls=[("define_segment", {"condition": {
                  "type": "compare", "column": "visits", "op": ">=", "value": 5}})]),
              Reply(content="Frequent visitors noted."),
              Reply(content="Still the frequent visitors.")]
    with scripted_server(script) as server:
        common = ["--data", str(kennel_file), "--session", "walkies", "--model", "scripted",
                  "--base-url", server.base_url, "--workspace", str(workspace)]
        first = _run(["ask", "owners who came five times or more", *common], workspace)
        second = _run(["ask", "and how many is that again?", *common], workspace)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    last = server.requests[-1]
    said = [m.get("content") for m in last["messages"] if m["role"] in ("user", "assistant")]
    assert said[:2] == ["owners who came five times or more", "Frequent visitors noted."]
    assert said[-1] == "and how many is that again?"
    assert last["parallel_tool_calls"] is False
    sent = {t["function"]["name"]: t["function"]["parameters"] for t in last["tools"]}
    assert "$defs" in sent["define_segment"] and "column_values" in sent
    system = last["messages"][0]["content"]
    assert "fur length at the last grooming" in system  # the data dictionary
    assert '"column": "visits"' in system  # the current segment, from the first turn


def test_several_calls_in_one_message_run_in_order_one_per_step(kennel_file: Path,
                                                                tmp_path: Path) -> None:
    from assistant.agent import LlmBackend
    from assistant.backends import ModelSettings, make_chat_model

    script: list[Any] = [Reply(tool_calls=[("define_segment", {"condition": {
                  "type": "in", "column": "coat", "values": ["long"]}}),
                  ("define_segment", {"condition": {"type": "compare", "column": "visits",
                                                    "op": ">", "value": 4}, "mode": "refine"})]),
              Reply(content="Long coats with many visits.")]
    with scripted_server(script) as server:
        model = make_chat_model(ModelSettings(base_url=server.base_url, model="m", timeout=5))
        bot = Assistant.open(kennel_file, workspace=tmp_path / "ws",
                             backend=LlmBackend(model, "scripted"))
        turn = bot.ask("long-coated dogs that visit often")
    assert [r.tool for r in turn.results] == ["define_segment", "define_segment"]
    frame = bot.data.customers
    assert turn.segment is not None
    assert turn.segment["size"] == ((frame["coat"] == "long") & (frame["visits"] > 4)).sum()
    assert len(server.requests) == 2  # the second call ran without asking the model again
    calls = [m for m in server.requests[1]["messages"] if m.get("tool_calls")]
    assert [len(m["tool_calls"]) for m in calls] == [1, 1]


def test_chat_undo_survives_a_restart(kennel_file: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    bot = Assistant.open(kennel_file, workspace=workspace, session="grooming")
    bot.toolkit.call("define_segment", {"condition": {"type": "in", "column": "coat",
                                                      "values": ["short"]}})
    bot.ask("hello")  # a turn saves the session with the short-coat segment
    loop = ChatLoop(bot, Console(file=open(tmp_path / "out.txt", "w")))  # noqa: SIM115
    assert loop.handle("/undo")
    reopened = Assistant.open(kennel_file, workspace=workspace, session="grooming")
    assert reopened.toolkit.state.condition is None
    assert reopened.conversation == [("hello", bot.conversation[0][1])]


def test_a_changed_data_file_is_said_and_the_segment_evaluated_again(tmp_path: Path) -> None:
    data = tmp_path / "litters.csv"
    rows = ["ref,pups,paid"] + [f"L{i},{1 + i % 6},{10 * i}" for i in range(30)]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    bot = Assistant.open(data, workspace=tmp_path / "ws", session="s")
    assert bot.toolkit.call("define_segment", {"condition": {
        "type": "compare", "column": "pups", "op": ">=", "value": 5}}).ok
    bot.ask("hello")
    data.write_text("\n".join(rows + [f"M{i},6,5" for i in range(10)]) + "\n",
                    encoding="utf-8")
    again = Assistant.open(data, workspace=tmp_path / "ws", session="s")
    turn = again.ask("hello")
    assert turn.notice is not None and "changed" in turn.notice and "\n" not in turn.notice
    mask = again.toolkit.current_mask()
    assert mask is not None and int(mask.sum()) == 10 + sum(1 for i in range(30)
                                                             if 1 + i % 6 >= 5)


def test_the_toolkit_sends_no_dictionary_entry_about_a_personal_column(tmp_path: Path) -> None:
    from assistant.agent import dictionary_text
    from tools.dictionary import ColumnEntry, DataDictionary

    data = tmp_path / "owners.csv"
    data.write_text("ref,email,visits\n" + "".join(f"R{i},o{i}@example.org,{i}\n"
                                                   for i in range(20)), encoding="utf-8")
    toolkit: Toolkit = Assistant.open(data, workspace=tmp_path / "ws").toolkit
    toolkit.dictionary = DataDictionary(columns={
        "email": ColumnEntry(description="o7@example.org is the vet"),
        "visits": ColumnEntry(description="times seen this year")})
    text = dictionary_text(toolkit)
    assert "times seen this year" in text and "example.org" not in text


def test_a_model_writes_explanations_from_the_passages_and_figures_it_is_sent(
        kennel_file: Path, tmp_path: Path) -> None:
    """Issue 15: with a model, the explanation is the model's words over what the knowledge
    tools return: numbered passages with their sources, and the segment's own figures."""
    from assistant.agent import LlmBackend
    from assistant.backends import ModelSettings, make_chat_model

    script: list[Any] = [
        Reply(tool_calls=[("define_segment", {"condition": {
            "type": "compare", "column": "visits", "op": ">", "value": 6}})]),
        Reply(content="Frequent visitors."),
        Reply(tool_calls=[("explain_segment", {"name": None})]),
        Reply(content="They matter because they come back often [1].")]
    with scripted_server(script) as server:
        model = make_chat_model(ModelSettings(base_url=server.base_url, model="m", timeout=5))
        bot = Assistant.open(kennel_file, workspace=tmp_path / "ws",
                             backend=LlmBackend(model, "scripted"))
        bot.ask("dogs that visit more than 6 times")
        turn = bot.ask("why does this segment matter?")
    assert turn.reply.endswith("They matter because they come back often [1].")
    system = server.requests[-1]["messages"][0]["content"]
    assert "only from the" in system and "cite each passage" in system
    sent = [m["content"] for m in server.requests[-1]["messages"] if m["role"] == "tool"][-1]
    size = int((bot.data.customers["visits"] > 6).sum())
    assert "[1]" in sent and ".md" in sent  # numbered passages, with the files they are from
    assert f"{size}" in sent  # the segment's own figures
