"""What customers bought, read from a log's lines (the engine's `purchased` condition).

A log's other columns are customer attributes by their most frequent value (SEMANTICS.md),
which answers "customers from Germany" but not "customers who bought vitamins" (a customer
who mostly buys medicine bought vitamins too), nor "spent over 5000 in the last month"
(all-time spend and a recent purchase are not spend within the month).
"""

from __future__ import annotations

from typing import Literal

from assistant.interpreter.lexicon import Sense
from assistant.interpreter.linking import values_of
from assistant.interpreter.reader import Reader
from assistant.interpreter.tagging import Item
from tools.engine.dataset import FREQUENCY, MONETARY, RECENCY
from tools.engine.definitions import And, Between, Compare, Condition, In, Purchased, Scalar
from tools.engine.schema import DataKind

_MEASURES: dict[str, Literal["orders", "spend"]] = {MONETARY: "spend", FREQUENCY: "orders"}


def _on_a_log(r: Reader) -> bool:
    return r.env.context.schema.kind is DataKind.TRANSACTIONS


def bought_values(r: Reader, column: str, values: list[Scalar]) -> Condition | None:
    """"ever bought vitamins", "хоть раз покупали витамины", "曾经买过维生素": any kept line
    with one of the values; "bought both X and Y", "既买过X又买过Y": a line of each. Without
    "ever" a value is the customer's usual one (SEMANTICS.md), and a place ("ever bought in
    Germany") stays the customer's country."""
    ever = [i for _, i in r.items() if {"ever", "both"} & set(i.args("quantifier")) or
            i.has("neg") and any(Sense("quantifier", "ever") in r.env.lexicon.index.get(
                (t.norm,), ()) for t in i.tokens)]
    if not ever or not _on_a_log(r) or not r.data.columns[column].is_category or \
            column in r.data.place_columns():
        return None
    r.use(*ever)
    if len(values) > 1 and any("both" in i.args("quantifier") for i in ever):
        # "ordered both sushi and pizza": a line of each, not a line of either
        return And(all=[Purchased(column=column, values=[v]) for v in values])
    return Purchased(column=column, values=values)


def windowed_totals(r: Reader) -> None:
    """One clause with a total, a window or a value bought, read from the same lines:
    "spent over 5000 in the last month", "больше 5 раз за последний месяц" (the total
    within the window), "bought skincare at least 3 times", "spent over 100 on haircare",
    "bought makeup in the last 30 days" (the lines of that value)."""
    if not _on_a_log(r):
        return
    windows = [c for c in r.out.conditions if isinstance(c, Compare) and c.column == RECENCY
               and c.op in ("<", "<=") and isinstance(c.value, int | float)]
    # "one-time buyers from the last 30 days": a fixed phrase is the whole history's
    fixed = {str(a) for _, i in r.items() for a in i.args("fixed")}
    totals = [c for c in r.out.conditions if isinstance(c, Compare | Between) and
              c.column in _MEASURES and not (isinstance(c, Compare) and
                                             f"{c.column} {c.op} {c.value}" in fixed)]
    buying = any(i.has("activity") or i.has("role") for _, i in r.items())
    bought = [c for c in r.out.conditions if isinstance(c, In) and buying and
              r.data.columns[c.column].is_category and c.column not in r.data.place_columns()
              and not _of_people(r, c.column)]
    if len(windows) > 1 or len(bought) > 1 or not (windows or totals) or \
            not bought and not (windows and totals):
        return
    days = int(float(windows[0].value)) - (windows[0].op == "<") if windows else None
    if days is not None and days < 1:
        return  # a window of no days: left as the comparison it was
    of = bought[0] if bought else None
    merged = [_within(total, days, of) for total in totals] or [_within(None, days, of)]
    r.out.conditions = [c for c in r.out.conditions if not any(
        c is used for used in [*windows, *totals, *bought])] + merged


def _of_people(r: Reader, column: str) -> bool:
    """"消费超过一千块的iOS玩家", "iOS players who spent ...": a value said right before the
    people word is whom (their usual value), not what the spend was on."""
    parts = r.parts
    return any(isinstance(part, Item) and column in {c for c, _ in values_of(part, r.data)} and (
        part.has("people") or isinstance(after, Item) and after.has("people"))
        for part, after in zip(parts, [*parts[1:], None], strict=True))


def _within(total: Compare | Between | None, days: int | None, of: In | None) -> Condition:
    lines = {"within_days": days} | ({"column": of.column, "values": of.values} if of else {})
    if total is None:
        return Purchased(**lines)  # type: ignore[arg-type]
    measure = _MEASURES[total.column]
    if isinstance(total, Between):
        return And(all=[
            Purchased(**lines, measure=measure, op=">=", value=float(total.low)),  # type: ignore[arg-type]
            Purchased(**lines, measure=measure, op="<=", value=float(total.high))])  # type: ignore[arg-type]
    return Purchased(**lines, measure=measure, op=total.op, value=float(total.value))  # type: ignore[arg-type]
