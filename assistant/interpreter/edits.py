"""Edits of the current segment's numbers and lists: "change that to 45 days", "改成90天",
"make it 60 days instead of 6 months", "make that growth or enterprise".

One number is replaced: that of the column the message names, the one it quotes, else the
last one the new number could be (a number of days edits a window, a count a count).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from assistant.interpreter.linking import has_evidence, link
from assistant.interpreter.quantities import Qty, quantities
from assistant.interpreter.reader import Env, leaves
from assistant.interpreter.tagging import Item
from tools.engine.definitions import (
    And,
    Between,
    Compare,
    Condition,
    In,
    Not,
    NotIn,
    Or,
    Rank,
)
from tools.engine.schema import DType, Role


def edit_last(items: list[Item], env: Env) -> Condition | None:
    """"change that to 45 days": the current segment with one number replaced: that of the
    column the message names ("change tickets to 5"), or the one it quotes ("change 50 to
    80", "поменяй 3 на 4", "把5改成6"), else the last one."""
    current = env.context.current_condition
    numbers = [p for p in quantities(items) if isinstance(p, Qty)]
    unit = next((int(str(a)) for i in items for a in i.args("time_unit")), None)
    if not numbers and unit is not None:  # "make it a year": one of the unit
        numbers = [Qty(0, 0, "1", value=1, unit="time", days=unit)]
    if current is None or not numbers:
        return None
    numeric = [leaf for leaf in leaves(current) if isinstance(leaf, Compare | Between | Rank)
               and not isinstance(getattr(leaf, "value", 0), str | bool) and not _flag(leaf, env)]
    qty = numbers[-1]
    if qty.unit is None and not qty.is_range and unit is not None:  # "把天数改成30": days
        qty = Qty(qty.first, qty.last, qty.text, value=qty.value, unit="time", days=unit)
    was, now = (qty.low, qty.high) if qty.is_range else (
        numbers[0].value if len(numbers) > 1 else None, qty.value)
    ends = {getattr(leaf, end, None) for leaf in numeric
            for end in ("value", "low", "high", "percent", "n")}
    # "change 2 months to 3 months" after "no order in 60 days": the old number in days
    said_days = qty.days if qty.unit == "time" and qty.days else 1
    if qty.is_range and was is not None and said_days != 1 and was * said_days in ends:
        was = was * said_days
    if qty.is_range and was in ends and now not in ends:
        # "change 50 to 60": a number of the segment and its new value, not a range
        qty = Qty(qty.first, qty.last, qty.text, value=now, unit=qty.unit, days=qty.days)
    if len(numbers) > 1 and any("instead" in items[k].args("mode") or items[k].has("neg")
                                for k in range(numbers[0].last + 1, numbers[-1].first)):
        was, now = numbers[-1].value, numbers[0].value  # "800 instead of 500", "150 not 200"
        qty = numbers[0]
    window = _window_edit(current, qty, numeric, env)
    if window is not None:
        return window
    if not numeric:
        return None
    named = link([i for i in items if has_evidence(i, env.data)], env.data).column
    quoted = [leaf for leaf in numeric if was is not None and getattr(leaf, "value", None) == was]
    for scale in (1000, 1_000_000):  # "поменяй 80 на 150" after "доход больше 80 тыс"
        if was is not None and now is not None and not quoted and any(
                getattr(leaf, "value", None) == was * scale for leaf in numeric):
            was, now = was * scale, now * scale
            quoted = [leaf for leaf in numeric if getattr(leaf, "value", None) == was]
    # Else the last number the new one could be: "make it 25 to 45" is the age range, not
    # a 1-10 score said after it.
    fitting = [leaf for leaf in numeric if _fits(leaf, qty, env)]
    if qty.unit == "count":  # "改成4次": a count, never a money or age threshold
        fitting = [leaf for leaf in fitting if _counts(leaf, env)]
        if not fitting and not quoted:
            return None
    if qty.unit == "time":  # "改成90天": a number of days, never the spend beside it
        fitting = [leaf for leaf in fitting if _timed(leaf, env)] or fitting
    fitting = fitting or numeric
    old = next((leaf for leaf in numeric if getattr(leaf, "column", None) == named),
               quoted[-1] if quoted else fitting[-1])
    if old in quoted:  # the quoted number becomes the new one
        qty = Qty(qty.first, qty.last, qty.text, value=now, unit=qty.unit, days=qty.days)
    new = _renumbered(old, qty, env, was)
    return replace_leaf(current, old, new) if new is not None else None


def _counts(leaf: Condition, env: Env) -> bool:
    """A column of counts: orders, calls, visits (whole numbers, not money or days)."""
    column = env.data.columns.get(getattr(leaf, "column", ""))
    return column is not None and column.unit_days is None and \
        column.info.dtype is DType.INTEGER and column.info.role is not Role.MONETARY


def _fits(leaf: Condition, qty: Qty, env: Env) -> bool:
    """The new number (or range) lies within the column's values, as the old one's shape."""
    column = env.data.columns.get(getattr(leaf, "column", ""))
    if isinstance(leaf, Rank) or column is None or column.unit_days is not None:
        return not qty.is_range
    low, high = column.info.minimum, column.info.maximum
    said = [v for v in (qty.low, qty.high, qty.value) if v is not None]
    if low is None or high is None or not said or qty.unit == "percent":
        return True
    return (isinstance(leaf, Between) or not qty.is_range) and \
        all(low <= v <= high for v in said)


def changed_values(current: Condition, new: Condition, either: bool = False
                   ) -> Condition | None:
    """"make it Europe instead", "change North America to Europe": the list on the column
    the message names takes its new values (those the segment does not already have);
    `either`: the message lists them with "or" ("make that growth or enterprise"), all."""
    for part in leaves(new):
        if not isinstance(part, In):
            continue
        for leaf in leaves(current):
            if isinstance(leaf, In | NotIn) and leaf.column == part.column:
                had = lowered(leaf.values)
                fresh = part.values if either else [
                    v for v in part.values if str(v).lower() not in had] or part.values
                # "把杭州换成武汉" on 杭州 or 成都: the value quoted goes, the others stay
                quoted = lowered([v for v in part.values if str(v).lower() in had])
                kept = [v for v in leaf.values if str(v).lower() not in quoted] \
                    if quoted and fresh != part.values and not either else []
                return replace_leaf(current, leaf, type(leaf)(
                    column=leaf.column, values=[*kept, *(v for v in fresh if v not in kept)]))
    return None


def _window_edit(current: Condition, qty: Qty, numeric: list[Compare | Between | Rank], env: Env
                 ) -> Condition | None:
    """"改成60天" after "最近三个月注册的": a window on a date column moves its start to N
    days before the as-of date, when no number of days is in the segment to change."""
    end = env.context.as_of or env.context.data_end
    timed = [leaf for leaf in numeric if _timed(leaf, env)]
    # Either side of the day: "in the last 3 months" (on or after it) or "not in 3 months"
    # (before it) moves to the new number of days the same way.
    dated = [leaf for leaf in leaves(current) if isinstance(leaf, Compare) and isinstance(
        leaf.value, str) and (column := env.data.columns.get(leaf.column)) is not None
        and column.is_date]
    if qty.unit != "time" or qty.value is None or end is None or timed or not dated:
        return None
    start = (end - timedelta(days=round(qty.value * qty.days))).isoformat()
    return replace_leaf(current, dated[-1], dated[-1].model_copy(update={"value": start}))


def _timed(leaf: Condition, env: Env) -> bool:
    """A column of days, weeks or months (recency, tenure)."""
    column = env.data.columns.get(getattr(leaf, "column", ""))
    return column is not None and column.unit_days is not None


def _flag(leaf: Condition, env: Env) -> bool:
    column = env.data.columns.get(getattr(leaf, "column", ""))
    return column is not None and column.is_flag


def _renumbered(old: Condition, qty: Qty, env: Env, was: float | None = None
                ) -> Condition | None:
    column = env.data.columns.get(getattr(old, "column", ""))
    value = qty.value
    if value is None and not qty.is_range:
        return None
    if qty.unit == "time" and column is not None and column.unit_days:
        value = (value or 0) * qty.days / column.unit_days
    if isinstance(old, Rank):
        if qty.unit == "percent":
            return Rank(column=old.column, direction=old.direction, percent=value)
        return Rank(column=old.column, direction=old.direction, n=int(value or 1))
    if qty.is_range:
        return Between(column=old.column, low=_int(qty.low), high=_int(qty.high))  # type: ignore[union-attr,arg-type]
    if isinstance(old, Between) and isinstance(old.low, int | float) and \
            isinstance(old.high, int | float) and value is not None:
        # "把50改成60" of 50-80: the end quoted, else the nearer one
        low_end = was == old.low if was in (old.low, old.high) else \
            abs(value - old.low) <= abs(value - old.high)
        low, high = sorted((value, old.high) if low_end else (old.low, value))
        return Between(column=old.column, low=_int(low), high=_int(high))
    assert isinstance(old, Compare)
    return Compare(column=old.column, op=qty.op or old.op,  # type: ignore[arg-type]
                   value=_int(value))


def _int(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def lowered(values: list[Any]) -> set[str]:
    return {str(v).lower() for v in values}


def replace_leaf(tree: Condition, old: Condition, new: Condition) -> Condition:
    if tree is old:
        return new
    if isinstance(tree, And):
        return And(all=[replace_leaf(c, old, new) for c in tree.all])
    if isinstance(tree, Or):
        return Or(any=[replace_leaf(c, old, new) for c in tree.any])
    if isinstance(tree, Not):
        return Not(condition=replace_leaf(tree.condition, old, new))
    return tree
