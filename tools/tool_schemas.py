"""The tools as a model is sent them: OpenAI function specs from the argument models.

Derived from `tool_specs` (one source of truth), then made compact: the
condition union is defined once under `$defs` and referenced wherever a
condition goes (LangChain's own conversion inlines it level after level,
half a megabyte for the recursive union), `type` is required in every
condition so the model has to name it, titles are dropped and each condition
keeps the first paragraph of its description.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

CONDITION_REF = "#/$defs/condition"


def tool_schemas(specs: Mapping[str, type[BaseModel]]) -> list[dict[str, Any]]:
    """One `{"type": "function", "function": {...}}` per tool, in the registry's order."""
    return [{"type": "function",
             "function": {"name": name, "description": tool_description(spec),
                          "parameters": parameters_schema(spec)}}
            for name, spec in specs.items()]


def tool_description(spec: type[BaseModel]) -> str:
    return " ".join(inspect.cleandoc(spec.__doc__ or "").split())


def parameters_schema(spec: type[BaseModel]) -> dict[str, Any]:
    raw = spec.model_json_schema()
    definitions: dict[str, Any] = raw.pop("$defs", {})
    union: list[str] = []
    schema = _compact(raw, union)
    if not union:
        return schema
    nodes = {name: _node(body, union) for name, body in definitions.items()}
    # anyOf, not oneOf: what OpenAI (strict or not) and local grammar engines all accept;
    # the required `type` const keeps the alternatives apart anyway.
    schema["$defs"] = {"condition": {"anyOf": [{"$ref": ref} for ref in union]}, **nodes}
    return schema


def _compact(value: Any, union: list[str]) -> Any:
    """`value` without titles, each condition union replaced by a reference to one copy."""
    if isinstance(value, list):
        return [_compact(item, union) for item in value]
    if not isinstance(value, dict):
        return value
    if "discriminator" in value and "oneOf" in value:
        for option in value["oneOf"]:
            if option["$ref"] not in union:
                union.append(option["$ref"])
        kept = {k: v for k, v in value.items()
                if k not in ("oneOf", "discriminator", "title")}  # e.g. the field's description
        return {"$ref": CONDITION_REF, **kept}
    return {key: _compact(inner, union) for key, inner in value.items()
            if not (key == "title" and isinstance(inner, str))}


def _node(body: dict[str, Any], union: list[str]) -> dict[str, Any]:
    node: dict[str, Any] = _compact(copy.deepcopy(body), union)
    kind = node.get("properties", {}).get("type")
    if isinstance(kind, dict) and "const" in kind:
        kind.pop("default", None)  # the model names the type: it is what tells them apart
        node["required"] = ["type", *[k for k in node.get("required", []) if k != "type"]]
    if "description" in node:
        node["description"] = " ".join(node["description"].split("\n\n")[0].split())
    return node
