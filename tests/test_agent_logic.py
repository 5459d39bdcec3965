"""Agent logic with a scripted chat model: follow-ups, tool errors, the system prompt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage
from scripted_chat_model import ScriptedChatModel, tool_call

from assistant.agent import LlmBackend
from assistant.core import Assistant


def _bot(data: Any, tmp_path: Path, script: list[AIMessage]) -> tuple[Assistant, Any]:
    model = ScriptedChatModel(script=script)
    return Assistant(data, workspace=tmp_path, backend=LlmBackend(model, "scripted")), model


def test_a_follow_up_refines_and_the_model_sees_the_conversation(mall: Any,
                                                                  tmp_path: Path) -> None:
    female = {"type": "in", "column": "Genre", "values": ["female"]}
    older = {"type": "compare", "column": "Age", "op": ">", "value": 40}
    bot, model = _bot(mall, tmp_path, [
        tool_call("define_segment", {"condition": female}), AIMessage(content="112 women."),
        tool_call("define_segment", {"condition": older, "mode": "refine"}),
        AIMessage(content="Fewer now."),
    ])
    first = bot.ask("female customers")
    second = bot.ask("only those over 40")
    customers = mall.customers
    assert first.segment is not None and second.segment is not None
    assert first.segment["size"] == (customers["Genre"] == "Female").sum()
    assert second.segment["size"] == ((customers["Genre"] == "Female")
                                      & (customers["Age"] > 40)).sum()
    assert "Female" in second.segment["description"]  # the data's own spelling
    last_input = " ".join(str(m.content) for m in model.seen[-2])
    assert "female customers" in last_input and "112 women." in last_input
    system = str(model.seen[-2][0].content)
    assert "Genre" in system and '"type": "in"' in system  # schema and current segment


def test_a_tool_error_lists_the_valid_options_for_the_model(mall: Any, tmp_path: Path) -> None:
    bad = {"type": "in", "column": "Gender", "values": ["Female"]}
    bot, model = _bot(mall, tmp_path, [tool_call("define_segment", {"condition": bad}),
                                       AIMessage(content="Did you mean Genre?")])
    turn = bot.ask("women")
    tool_message = model.seen[-1][-1]
    assert tool_message.type == "tool"
    assert "Genre" in str(tool_message.content) and '"ok": false' in str(tool_message.content)
    assert turn.segment is None and turn.reply == "Did you mean Genre?"
