"""The dev eval cases through the real ChatOpenAI path.

A scripted OpenAI-compatible server plays a good model: for each turn it issues
the tool calls in tests/eval/dev_model_script.jsonl (written by hand from each
case's intended meaning), then a short reply. The engine, toolkit, agent loop
and HTTP round trips are all real.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scripted_server import Reply, scripted_server

from assistant.agent import LlmBackend
from assistant.backends import ModelSettings, make_chat_model
from assistant.core import Assistant
from assistant.evaluation import ids_hash
from tools.engine.loading import load_customer_data

EVAL_DIR = Path(__file__).parent / "eval"
CASES = {c["id"]: c for c in map(json.loads, (EVAL_DIR / "dev.jsonl").read_text().splitlines())}
SCRIPTS = [json.loads(line) for line in (EVAL_DIR / "dev_model_script.jsonl").read_text()
           .splitlines()]


@pytest.fixture(scope="module")
def loaded(datasets_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cache = tmp_path_factory.mktemp("cache")
    names = {c["data"] for c in CASES.values()}
    return {n: load_customer_data(datasets_dir / n, cache_dir=cache) for n in names}


def test_every_dev_case_has_a_script() -> None:
    assert {s["id"] for s in SCRIPTS} == set(CASES)


@pytest.mark.parametrize("script", SCRIPTS, ids=[s["id"] for s in SCRIPTS])
def test_dev_case_through_the_model_path(script: dict[str, Any], loaded: dict[str, Any],
                                         tmp_path: Path) -> None:
    case = CASES[script["id"]]
    steps: list[Reply] = []
    for calls in script["turn_tool_calls"]:
        steps.append(Reply(tool_calls=[(name, args) for name, args in calls]))
        steps.append(Reply(content="Here is what the tools found."))
    data = loaded[case["data"]]
    with scripted_server(steps) as server:
        model = make_chat_model(ModelSettings(base_url=server.base_url, model="scripted",
                                              timeout=10))
        bot = Assistant(data, workspace=tmp_path, backend=LlmBackend(model, "scripted"))
        for text in case["turns"]:
            turn = bot.ask(text)
            assert turn.notice is None, turn.notice
    expect = case["expect"]
    current = bot.segment_json()
    if expect.get("clarify"):
        assert current is None
        return
    assert current is not None and current["size"] == expect["size"]
    assert ids_hash(bot.member_ids()) == expect["ids_sha256"]
