"""Definitions are shown and saved in the data's own spelling."""

from __future__ import annotations

from typing import Any

from tools.engine.canonical import canonical
from tools.engine.definitions import And, Compare, In, Not, NotIn
from tools.engine.evaluate import evaluate


def test_columns_and_values_take_the_datas_spelling(mall: Any) -> None:
    typed = And(all=[In(column="genre", values=["FEMALE"]),
                     Not(condition=Compare(column="age", op=">", value=40)),
                     NotIn(column="Genre", values=[" male "])])
    fixed = canonical(typed, mall)
    assert fixed == And(all=[In(column="Genre", values=["Female"]),
                             Not(condition=Compare(column="Age", op=">", value=40)),
                             NotIn(column="Genre", values=["Male"])])
    assert evaluate(fixed, mall).equals(evaluate(typed, mall))


def test_unknown_names_are_left_for_validation_to_report(mall: Any) -> None:
    typed = In(column="Gender", values=["female"])
    assert canonical(typed, mall) == typed
