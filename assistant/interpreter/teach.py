"""What a user teaches in conversation, for the data dictionary.

"tenure is in months", "use NumStorePurchases as the order count", "the amount is
Revenue", "in Newsletter, Y means yes", "'kids' means NumChildren" — in any of
the three languages (the lexicons' `teach` words). A message teaches when it names a
column outright and says what it is: a unit, a role, its yes value or another word
for it. What is learned goes to the session and to the dataset's dictionary file.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.interpreter.calls import Interpretation
from assistant.interpreter.reader import Env
from assistant.interpreter.tagging import Item
from tools.engine.schema import Role

_UNITS = {1: "days", 7: "weeks", 30: "months", 365: "years"}
_QUOTED = re.compile(r"[\"'«“‘「]([^\"'»”’」]{1,40})[\"'»”’」]")


def taught(items: list[Item], text: str, env: Env) -> Interpretation | None:
    columns = list(dict.fromkeys(str(s.arg) for i in items for s in i.senses
                                 if s.kind == "column"))
    said = {str(a) for i in items for a in i.args("teach")}
    if len(columns) != 1 or any(i.value is not None or i.has("activity", "cmp", "window") and
                                not i.has("teach") for i in items):  # "USE x as": teaching
        return None
    column = columns[0]
    # "tenure is in months" needs no teaching word: a column and a unit, nothing else.
    fact = _unit(items, column) if len([i for i in items if not i.only_function]) <= 3 else None
    if fact is None and said:
        fact = _role(items, column, said) or _yes(items, column, env) or \
            _synonym(text, column, said)
    if fact is None:
        return None
    message = env.lexicon.message(env.language, "learned", what=_said(fact))
    return Interpretation(calls=[], intent="command", understood="teach", learned=fact,
                          clarification=message)


def _unit(items: list[Item], column: str) -> dict[str, Any] | None:
    units = [int(a) for i in items for a in i.args("time_unit")]  # type: ignore[call-overload]
    if len(set(units)) == 1 and units[0] in _UNITS:
        return {"column": column, "unit": _UNITS[units[0]]}
    return None


def _role(items: list[Item], column: str, said: set[str]) -> dict[str, Any] | None:
    # a column's role ("frequency"), not a figure the data is asked for ("средний чек")
    roles = {str(a) for i in items if not i.has("column") for a in i.args("role")
             if str(a) in {role.value for role in Role}}
    if len(roles) == 1 and said & {"role", "means"}:
        return {"role": roles.pop(), "column": column}
    return None


def _yes(items: list[Item], column: str, env: Env) -> dict[str, Any] | None:
    """"in Newsletter, Y means yes": a value of the column, and a word for yes."""
    words = env.data.columns.get(column)
    if words is None or not any("yes" in i.args("intent") or "yes" in i.args("value_group")
                                for i in items):
        return None
    values = {v.lower(): v for v in words.info.values}
    typed = [values[t.text.lower()] for i in items for t in i.tokens
             if t.text.lower() in values and t.text.lower() not in ("yes",)]
    return {"column": column, "yes": typed[0]} if len(typed) == 1 else None


def _synonym(text: str, column: str, said: set[str]) -> dict[str, Any] | None:
    quoted = _QUOTED.findall(text)
    if "means" in said and len(quoted) == 1 and quoted[0].strip().lower() != column.lower():
        return {"column": column, "synonym": quoted[0].strip()}
    return None


def _said(fact: dict[str, Any]) -> str:
    if "unit" in fact:
        return f"{fact['column']} is counted in {fact['unit']}"
    if "role" in fact:
        return f"the {fact['role']} column is {fact['column']}"
    if "yes" in fact:
        return f"in {fact['column']}, '{fact['yes']}' means yes"
    return f"'{fact['synonym']}' means {fact['column']}"
