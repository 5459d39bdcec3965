"""Which tool arguments would touch the values of personal columns (emails, names, phones).

A condition that compares, ranks, adds or lists values of such a column, or a clustering over
it, would show real people to whoever asks: its "did you mean" suggestions and group profiles
are the column's values. Only 'missing' and 'present' (do we have an email?) are allowed.
Columns are named by `column`, `left` / `right` (compare_columns), and in the lists
`columns` (sum) and `features` (cluster).
"""

from __future__ import annotations

from typing import Any

from tools.engine.schema import Role, Schema

_VALUE_FREE = ("missing", "present")
_NAMING_KEYS = ("column", "left", "right")  # a column's name as one string
_NAMING_LISTS = ("columns", "features")  # column names in a list


def personal_operands(schema: Schema, args: Any) -> list[str]:
    """Personal columns whose values the (JSON-like) arguments would use, in order found."""
    personal = {c.name.casefold(): c.name for c in schema.columns if c.role is Role.PERSONAL}
    found: list[str] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") not in _VALUE_FREE:
                for key in _NAMING_KEYS:
                    named = value.get(key)
                    if isinstance(named, str) and named.strip().casefold() in personal:
                        found.append(personal[named.strip().casefold()])
            for key, inner in value.items():
                if key in _NAMING_LISTS and isinstance(inner, list):
                    found.extend(personal[f.strip().casefold()] for f in inner
                                 if isinstance(f, str) and f.strip().casefold() in personal)
                else:
                    visit(inner)
        elif isinstance(value, list):
            for inner in value:
                visit(inner)

    visit(args)
    return found
