"""A question about the data as the `compute_figures` tool takes it, and how the conditions
read from the message become its groups, its rate's target and whom it counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.engine.definitions import And, Compare, Condition, In, Or, conjunction


@dataclass
class Question:
    statistic: str = "customers"
    column: str | None = None
    by: str | None = None
    groups: list[str] | None = None
    target: Condition | None = None
    condition: Condition | None = None
    segment: str | None = None
    compare_with_base: bool = False
    used: set[int] = field(default_factory=set)  # ids of the items read as the question's
    by_items: set[int] = field(default_factory=set)  # ids of the breakdown's words
    # A money figure asked for in data without a spend column ("spend per customer"): read
    # as a mean of a column it may name, else asked of the tool, which says there is none.
    money_figure: str | None = None
    top: int | None = None  # the first groups only ("top 3 regions")

    def args(self) -> dict[str, object]:
        out: dict[str, object] = {"statistic": self.statistic}
        for name in ("column", "by", "groups", "segment", "top"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        for name in ("target", "condition"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value.model_dump(mode="json")
        if self.compare_with_base:
            out["compare_with_base"] = True
        return out


def conjuncts(condition: Condition | None) -> list[Condition]:
    if condition is None:
        return []
    return list(condition.all) if isinstance(condition, And) else [condition]


def place_conditions(question: Question, conditions: list[Condition]) -> None:
    """Values of one column become the groups shown; a rate's last condition its target;
    the rest whom to count."""
    rest: list[Condition] = []
    sides = _both_sides(conditions)
    if sides is not None and question.by is None:
        # "churned vs non-churned", "流失和未流失": the column's groups side by side
        question.by, conditions = sides, [c for c in conditions
                                          if getattr(c, "column", None) != sides]
    for condition in conditions:
        listed = _listed_values(condition)
        if listed is not None and (question.by in (None, listed[0])) and \
                question.groups is None and (len(listed[1]) > 1 or question.by):
            question.by, question.groups = listed[0], [str(v) for v in listed[1]]
            continue
        rest.append(condition)
    if question.statistic == "rate" and rest and question.target is None:
        question.target = rest.pop()
    question.condition = conjunction(rest) if rest else None


def _both_sides(conditions: list[Condition]) -> str | None:
    """The column two "==" conditions give different values ("churned is yes" and "churned
    is no"): no one is both, so the two are groups to compare."""
    seen: dict[str, object] = {}
    for condition in conditions:
        if isinstance(condition, Compare) and condition.op == "==":
            if condition.column in seen and seen[condition.column] != condition.value:
                return condition.column
            seen[condition.column] = condition.value
    return None


def _listed_values(condition: Condition) -> tuple[str, list[object]] | None:
    if isinstance(condition, In):
        return condition.column, list(condition.values)
    if isinstance(condition, Or) and all(isinstance(c, Compare) and c.op == "==" for c in
                                         condition.any):
        columns = {c.column for c in condition.any if isinstance(c, Compare)}
        if len(columns) == 1:
            return columns.pop(), [c.value for c in condition.any if isinstance(c, Compare)]
    return None


def echo(question: Question) -> str:
    parts = [question.statistic + (f" of {question.column}" if question.column else "")]
    if question.by:
        parts.append(f"by {question.by}" + (f" ({', '.join(question.groups)})"
                                            if question.groups else ""))
    if question.segment:
        parts.append("of the current segment")
    if question.target is not None:
        parts.append("target set")
    if question.condition is not None:
        parts.append("within a condition")
    if question.compare_with_base:
        parts.append("against the base")
    return "figures: " + "; ".join(parts)
