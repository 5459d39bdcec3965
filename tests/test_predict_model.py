"""The model brain asks for predictions: the real ChatOpenAI client talks to the scripted
server on 127.0.0.1, calls predict_traits and then a segment over p_alive; what goes back
to the model holds the fit and the counts, never a customer id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scripted_server import Reply, scripted_server

from assistant.agent import LlmBackend
from assistant.backends import ModelSettings, make_chat_model
from assistant.core import Assistant
from tests.test_predict_command import TEA_MAP, tea_log
from tools.predicted import meanings

LAPSED = {"type": "compare", "column": "p_alive", "op": "<", "value": 0.3}


def test_the_model_predicts_then_segments_on_p_alive(tmp_path: Path) -> None:
    path = tea_log(tmp_path, customers=300, seed=12)

    def route(body: dict[str, Any]) -> Reply:
        tools = [m for m in body["messages"] if m["role"] == "tool"]
        if not tools:
            return Reply(tool_calls=[("predict_traits", {"horizon_days": 30,
                                                         "calibration_end": "2024-10-31"})])
        if len(tools) == 1:
            return Reply(tool_calls=[("define_segment", {"condition": LAPSED})])
        return Reply(content="These customers have probably stopped buying.")

    with scripted_server([route], repeat_last=True) as server:
        model = make_chat_model(ModelSettings(base_url=server.base_url, model="scripted",
                                              timeout=5))
        bot = Assistant.open(path, workspace=tmp_path / "ws", mapping=TEA_MAP,
                             backend=LlmBackend(model, "scripted"))
        turn = bot.ask("who has probably stopped buying?")
        sent = [m["content"] for m in server.requests[-1]["messages"] if m["role"] == "tool"]
    assert turn.backend == "scripted" and turn.notice is None
    assert [r.tool for r in turn.results] == ["predict_traits", "define_segment"]
    text = sent[0]
    assert "bgnbd" in text and "holdout" in text
    assert not any(f'"{cid}"' in text or f"'{cid}'" in text for cid in bot.data.customers.index)
    customers = bot.data.customers
    expected = int((customers["p_alive"] < 0.3).sum())
    assert turn.segment is not None and turn.segment["size"] == expected > 0
    # The threshold the product calls "probably lapsed" is the one the model was shown.
    assert str(meanings()["probably_lapsed"]["value"]) in text
