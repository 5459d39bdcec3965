"""Tool arguments that failed validation, said so that the caller can fix them.

Whoever called (a model, the interpreter, a CLI command), the one line names
what is valid: the condition `type` values, the keys a condition of that type
takes, the tool's own keys. Pydantic's internal wording ("Unable to extract
tag using discriminator") never reaches the caller.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from tools.engine.definitions import Condition

NESTED_TOO_DEEPLY = ("The condition is nested too deeply; write it with fewer levels of "
                     "and/or/not.")


def condition_nodes() -> dict[str, type[BaseModel]]:
    """Every condition model by its `type` value, in the union's order."""
    union = get_args(Condition)[0]
    return {str(node.model_fields["type"].default): node for node in get_args(union)}


def node_keys(node: type[BaseModel]) -> str:
    """"type, column, op, value" for a compare: required keys first, optional ones marked."""
    required = [name for name, f in node.model_fields.items() if f.is_required()]
    optional = [f"{name} (optional)" for name, f in node.model_fields.items()
                if not f.is_required() and name != "type"]
    return ", ".join(["type", *required, *optional])


def argument_problem(exc: ValidationError, tool_args: type[BaseModel] | None = None) -> str:
    """One line for the problems of `exc` (the first three), naming what would be valid."""
    errors = exc.errors()
    if any(str(e.get("type", "")) in ("recursion_loop", "recursion_depth_exceeded")
           for e in errors):
        # Its location would be thousands of "condition.not" long.
        return NESTED_TOO_DEEPLY
    nodes = condition_nodes()
    problems: list[str] = []
    hint = ""
    for error in errors[:3]:
        loc = [str(part) for part in error.get("loc", ())]
        where = ".".join(loc) or "arguments"
        kind = str(error.get("type", ""))
        if kind in ("union_tag_not_found", "union_tag_invalid"):
            tag = _given_type(error.get("input"))
            problems.append(f"{where}: 'type' is {tag!r}, which is not a condition type"
                            if tag is not None else f"{where}: a condition needs a 'type'")
            hint = hint or (f"Valid types: {', '.join(nodes)}; e.g. "
                            '{"type": "compare", "column": "<a column>", "op": ">", '
                            '"value": 100}.')
            continue
        problems.append(f"{where}: {_plain(error)}")
        node_type = next((part for part in reversed(loc) if part in nodes), None)
        if node_type is not None:
            hint = hint or f"A '{node_type}' condition takes: {node_keys(nodes[node_type])}."
        elif tool_args is not None and len(loc) <= 1:
            hint = hint or ("This tool takes: "
                            f"{', '.join(tool_args.model_fields) or 'no arguments'}.")
    return f"Invalid arguments ({'; '.join(problems)})." + (f" {hint}" if hint else "")


def valid_options(exc: ValidationError, tool_args: type[BaseModel]) -> list[str]:
    """What would be valid where the first problem is: condition types, or the keys of the
    condition type at fault, or the tool's keys."""
    nodes = condition_nodes()
    first = exc.errors()[0]
    if str(first.get("type", "")) in ("union_tag_not_found", "union_tag_invalid"):
        return list(nodes)
    loc = [str(part) for part in first.get("loc", ())]
    node_type = next((part for part in reversed(loc) if part in nodes), None)
    if node_type is not None:
        return ["type", *(k for k in nodes[node_type].model_fields if k != "type")]
    return list(tool_args.model_fields)


def _given_type(value: Any) -> str | None:
    if isinstance(value, dict) and "type" in value:
        return str(value["type"])
    return None


def _plain(error: Any) -> str:
    kind = str(error.get("type", ""))
    if kind == "extra_forbidden":
        return "this key is not allowed"
    if kind == "missing":
        return "this key is required"
    return str(error.get("msg", "invalid"))
