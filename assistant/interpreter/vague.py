"""Vague words get choices, not a refusal.

"best customers", "slipping away", "high income", "the biggest spenders":
two or three concrete readings from this data (vague.yaml), each a segment
the user can pick with one number. A choice made once holds for the session
(and can be kept in the data dictionary), so the same words mean the same
segment next time.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from assistant.interpreter.calls import Choice, Interpretation, ToolCall
from assistant.interpreter.grammar import Reading
from assistant.interpreter.mentions import flag_condition
from assistant.interpreter.reader import Env
from tools.engine.definitions import SegmentDefinition
from tools.engine.describe import describe

MAX_CHOICES = 3


@cache
def readings_table() -> dict[str, list[dict[str, Any]]]:
    folder = resources.files("assistant.interpreter")
    text = folder.joinpath("vague.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def choices_for(reading: Reading, env: Env) -> Interpretation:
    kind, column = reading.vague[0]
    key = f"{kind}:{column}" if column else kind
    remembered = env.context.chosen.get(key) or env.context.dictionary.meanings.get(key)
    count = next((int(s.split(":")[1]) for s in reading.signals if s.startswith("count:")), None)
    if count is not None:  # "the 10 best customers": only readings that rank, 10 of them
        remembered = _counted(remembered, count) if remembered is not None else None
    # "半年没来买过的老客": the other conditions said hold in every reading
    said = reading.condition.model_dump(mode="json") if reading.condition is not None else None

    def joined(condition: dict[str, Any]) -> dict[str, Any]:
        return condition if said is None else {"type": "and", "all": [said, condition]}

    if remembered is not None:
        call = ToolCall("define_segment", {"condition": joined(remembered), "mode": "new"})
        return Interpretation(calls=[call], intent="segment", understood=f"{key} (as chosen)")
    phrase = " ".join(i.text for i in reading.items if i.has("vague", "intensifier", "rank"))
    choices = []
    for template in readings_table().get(kind, []):
        condition = _filled(template, column, env)
        if condition is not None and count is not None:
            condition = _counted(condition, count)
        if condition is None:
            continue
        label = describe(SegmentDefinition.model_validate({"condition": joined(condition)})
                         .condition, language=env.language)
        call = ToolCall("define_segment", {"condition": joined(condition), "mode": "new"})
        choices.append(Choice(label=label, calls=(call,), key=key,
                              remember={"meaning": key, "condition": condition,
                                        "words": phrase or key}))
    if not choices:
        words = ", ".join(f"'{i.text}'" for i in reading.items if i.has("vague", "intensifier"))
        options = [w.name for w in env.data.columns.values() if w.numeric and not w.is_flag
                   and not w.is_date][:8]
        hint = env.lexicon.message(env.language, "unplaced_hint", options=", ".join(options))
        return Interpretation(calls=[], intent="segment", options=options,
                              clarification=env.lexicon.message(
                                  env.language, "unplaced", words=words or "that", hint=hint))
    choices = choices[:MAX_CHOICES]
    return Interpretation(calls=[], intent="segment", choices=choices,
                          options=[c.label for c in choices],
                          clarification=env.lexicon.message(
                              env.language, "vague" if len(choices) > 1 else "vague_one",
                              word=phrase or key))


def _counted(condition: dict[str, Any], count: int) -> dict[str, Any] | None:
    """A rank reading for a number of customers said with the vague word; None otherwise."""
    if condition.get("type") != "rank":
        return None
    return {k: v for k, v in condition.items() if k != "percent"} | {"n": count}


def _filled(template: dict[str, Any], column: str | None, env: Env) -> dict[str, Any] | None:
    """The template with the data's columns put in; None when the data lacks one."""
    data = env.data
    if "flag" in template:
        flags = [w for w in data.columns.values() if w.is_flag and template["flag"] in w.concepts]
        return flag_condition(flags[0], False).model_dump() if len(flags) == 1 else None
    if template.get("type") == "rfm_segment" and (
            data.role_column("recency") is None or data.role_column("frequency") is None):
        return None
    out: dict[str, Any] = {}
    for key, value in template.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            slot = value[1:-1]
            found = None
            for name in slot.split("|") if slot != "column" else ():  # the first the data has
                found = data.role_column(name)
                if found is None:
                    named = [w for w in data.numeric_with(name) if not w.is_flag]
                    found = named[0] if len(named) == 1 else None
                if found is not None:
                    break
            value = column if slot == "column" else found.name if found else None
            if value is None:
                return None
        out[key] = value
    return out
