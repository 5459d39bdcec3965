"""The one registry of tools: every tool's argument model matches the handler that runs it,
so the CLI, the interpreter and a model all reach the engine through the same typed call."""

from __future__ import annotations

import inspect

from tools.tool_schemas import tool_schemas
from tools.tool_specs import TOOL_ARGS
from tools.toolkit import Toolkit


def test_every_tool_has_one_handler_taking_exactly_its_arguments() -> None:
    handlers = {name[len("_tool_"):] for name in dir(Toolkit) if name.startswith("_tool_")}
    assert handlers == set(TOOL_ARGS), handlers ^ set(TOOL_ARGS)
    for name, spec in TOOL_ARGS.items():
        parameters = list(inspect.signature(getattr(Toolkit, f"_tool_{name}")).parameters)[1:]
        assert parameters == list(spec.model_fields), name


def test_the_model_is_sent_every_registered_tool_with_its_description() -> None:
    sent = tool_schemas(TOOL_ARGS)
    assert [s["function"]["name"] for s in sent] == list(TOOL_ARGS)
    assert all(len(s["function"]["description"]) > 20 for s in sent)
    assert all(s["function"]["parameters"]["type"] == "object" for s in sent)
