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
    if remembered is not None:
        call = ToolCall("define_segment", {"condition": remembered, "mode": "new"})
        return Interpretation(calls=[call], intent="segment", understood=f"{key} (as chosen)")
    choices = []
    for template in readings_table().get(kind, []):
        condition = _filled(template, column, env)
        if condition is None:
            continue
        label = describe(SegmentDefinition.model_validate({"condition": condition}).condition,
                         language=env.language)
        call = ToolCall("define_segment", {"condition": condition, "mode": "new"})
        choices.append(Choice(label=label, calls=(call,), key=key,
                              remember={"meaning": key, "condition": condition}))
    if not choices:
        words = ", ".join(f"'{i.text}'" for i in reading.items if i.has("vague", "intensifier"))
        return Interpretation(calls=[], intent="segment", clarification=env.lexicon.message(
            env.language, "unplaced", words=words or "that", hint=""))
    choices = choices[:MAX_CHOICES]
    phrase = " ".join(i.text for i in reading.items if i.has("vague", "intensifier", "rank"))
    return Interpretation(calls=[], intent="segment", choices=choices,
                          options=[c.label for c in choices],
                          clarification=env.lexicon.message(env.language, "vague",
                                                            word=phrase or key))


def _filled(template: dict[str, Any], column: str | None, env: Env) -> dict[str, Any] | None:
    """The template with the data's columns put in; None when the data lacks one."""
    data = env.data
    if template.get("type") == "rfm_segment" and (
            data.role_column("recency") is None or data.role_column("frequency") is None):
        return None
    out: dict[str, Any] = {}
    flag = None
    for key, value in template.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            slot = value[1:-1]
            if slot == "column":
                value = column
            elif slot.startswith("flag:"):
                flags = [w for w in data.columns.values()
                         if w.is_flag and slot[5:] in w.concepts]
                flag = flags[0] if len(flags) == 1 else None
                value = flag.name if flag else None
            elif slot == "yes":
                value = _typed_yes(flag)
            else:
                found = data.role_column(slot)
                value = found.name if found else None
            if value is None:
                return None
        out[key] = value
    return out


def _typed_yes(flag: Any) -> Any:
    if flag is None or flag.yes is None:
        return None
    try:
        number = float(flag.yes)
    except ValueError:
        return flag.yes
    return int(number) if number.is_integer() else number
