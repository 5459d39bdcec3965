"""What customers bought, read from a log's lines (the engine's `purchased` condition).

A log's other columns are customer attributes by their most frequent value (SEMANTICS.md),
which answers "customers from Germany" but not "customers who bought vitamins" (a customer
who mostly buys medicine bought vitamins too), nor "spent over 5000 in the last month"
(all-time spend and a recent purchase are not spend within the month).
"""

from __future__ import annotations

from typing import Literal

from assistant.interpreter.lexicon import Sense
from assistant.interpreter.reader import Reader
from tools.engine.dataset import FREQUENCY, MONETARY, RECENCY
from tools.engine.definitions import And, Between, Compare, Condition, Purchased, Scalar
from tools.engine.schema import DataKind

_MEASURES: dict[str, Literal["orders", "spend"]] = {MONETARY: "spend", FREQUENCY: "orders"}


def _on_a_log(r: Reader) -> bool:
    return r.env.context.schema.kind is DataKind.TRANSACTIONS


def bought_values(r: Reader, column: str, values: list[Scalar]) -> Condition | None:
    """"ever bought vitamins", "хоть раз покупали витамины", "曾经买过维生素": any kept line
    with one of the values. Without "ever" a value is the customer's usual one (SEMANTICS.md),
    and a place ("ever bought in Germany") stays the customer's country."""
    ever = [i for _, i in r.items() if "ever" in i.args("quantifier") or i.has("neg") and any(
        Sense("quantifier", "ever") in r.env.lexicon.index.get((t.norm,), ()) for t in i.tokens)]
    if not ever or not _on_a_log(r) or not r.data.columns[column].is_category or \
            column in r.data.place_columns():
        return None
    r.use(*ever)
    return Purchased(column=column, values=values)


def windowed_totals(r: Reader) -> None:
    """"spent over 5000 in the last month", "больше 5 раз за последний месяц": one clause
    with a total and a window is the total within the window."""
    if not _on_a_log(r):
        return
    windows = [c for c in r.out.conditions if isinstance(c, Compare) and c.column == RECENCY
               and c.op in ("<", "<=") and isinstance(c.value, int | float)]
    totals = [c for c in r.out.conditions if isinstance(c, Compare | Between) and
              c.column in _MEASURES]
    if len(windows) != 1 or not totals:
        return
    window = windows[0]
    days = int(float(window.value)) - (window.op == "<")
    out: list[Condition] = []
    for condition in r.out.conditions:
        if condition is window:
            continue
        if any(condition is total for total in totals):
            condition = _within(condition, days)  # type: ignore[arg-type]
        out.append(condition)
    r.out.conditions = out


def _within(total: Compare | Between, days: int) -> Condition:
    measure = _MEASURES[total.column]
    if isinstance(total, Between):
        return And(all=[
            Purchased(within_days=days, measure=measure, op=">=", value=float(total.low)),
            Purchased(within_days=days, measure=measure, op="<=", value=float(total.high))])
    return Purchased(within_days=days, measure=measure, op=total.op, value=float(total.value))
