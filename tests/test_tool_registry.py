"""The one registry of tools: every tool registered once with its typed argument model and
the function that runs it, so the CLI, the interpreter and a model all reach the engine
through the same typed call, and a model is sent exactly the registered tools."""

from __future__ import annotations

import inspect

from pydantic import BaseModel

from tools.tool_registry import LIBRARY_CHANGES, TOOL_ARGS, TOOLS, TOOLS_BY_NAME
from tools.tool_schemas import tool_schemas
from tools.toolkit import Toolkit


def test_every_tool_is_registered_once_with_a_function_taking_its_argument_model() -> None:
    names = [tool.name for tool in TOOLS]
    assert len(names) == len(set(names)), names
    assert len({tool.run for tool in TOOLS}) == len(TOOLS)  # one function per tool
    assert list(TOOLS_BY_NAME) == names == list(TOOL_ARGS)
    for tool in TOOLS:
        assert issubclass(tool.args, BaseModel), tool.name
        parameters = list(inspect.signature(tool.run).parameters.values())
        assert [p.name for p in parameters] == ["ctx", "args"], tool.name
        # annotations are strings (postponed evaluation): the context and this tool's model
        assert parameters[0].annotation == "Toolkit", tool.name
        assert parameters[1].annotation == tool.args.__name__, tool.name
        assert tool.run.__name__ == tool.name, tool.name
    assert not any(name.startswith("_tool_") for name in dir(Toolkit))  # no second way in


def test_the_tools_that_change_the_library_say_what_they_change() -> None:
    assert {"export_segment", "delete_segment", "save_segment"} == LIBRARY_CHANGES
    for tool in TOOLS:
        assert tool.changes_library == (tool.name in LIBRARY_CHANGES)
        assert bool(tool.change) == tool.changes_library


def test_the_model_is_sent_every_registered_tool_with_its_description() -> None:
    sent = tool_schemas(TOOL_ARGS)
    assert [s["function"]["name"] for s in sent] == [tool.name for tool in TOOLS]
    assert all(len(s["function"]["description"]) > 20 for s in sent)
    assert all(s["function"]["parameters"]["type"] == "object" for s in sent)
