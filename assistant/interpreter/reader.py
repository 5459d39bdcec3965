"""The state of reading one clause: its parts, what is used, what it yields."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.interpreter.calls import InterpreterContext
from assistant.interpreter.datalex import DataLexicon
from assistant.interpreter.lexicon import Lexicon
from assistant.interpreter.linking import has_evidence, names_a_flag
from assistant.interpreter.quantities import Part, Qty
from assistant.interpreter.tagging import Item
from tools.engine.definitions import And, Condition, Not, Or


@dataclass
class Problem:
    key: str  # a message in the lexicons
    values: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    # A column whose unit or meaning the user can choose ("unit_unknown", "relative").
    column: str | None = None


@dataclass
class Env:
    data: DataLexicon
    lexicon: Lexicon
    context: InterpreterContext
    language: str
    text: str = ""  # the request as typed


@dataclass
class ClauseResult:
    conditions: list[Condition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)
    used: set[int] = field(default_factory=set)  # ids of items used
    vague: list[tuple[str, str | None]] = field(default_factory=list)  # (kind, column)
    columns: list[str] = field(default_factory=list)  # columns the conditions use
    # Words with a meaning but no place in this clause ("bought", "recently"): a problem
    # only when the whole request yields nothing.
    soft: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # assumptions the reply states


# Senses that never need a condition of their own.
QUIET = frozenset({"func", "people", "punct", "conj", "break", "loc", "intensifier",
                   "knowledge", "subject", "average", "intent", "between", "range", "mode",
                   "quantifier", "command", "teach", "temporal", "figure", "comparative",
                   "than"})
# Senses that carry meaning a clause may leave unused when others use it.
SOFT = frozenset({"activity", "window", "role", "ago", "neg", "time_unit", "count_unit", "rank",
                  "share", "currency", "percent", "mult", "inactivity", "stage"})


class Reader:
    def __init__(self, parts: list[Part], env: Env, last_measure: str | None = None) -> None:
        self.parts, self.env, self.out = parts, env, ClauseResult()
        self.data = env.data
        # The column of the request's previous comparison: "more than 1000 and less than 5000".
        self.last_measure = last_measure
        # "new customers in the last 30 days": the window is about joining.
        self.joined = False

    def items(self) -> list[tuple[int, Item]]:
        return [(k, p) for k, p in enumerate(self.parts) if isinstance(p, Item)]

    def free(self, item: Item) -> bool:
        return id(item) not in self.out.used

    def use(self, *items: Item) -> None:
        self.out.used.update(id(i) for i in items)

    def add(self, condition: Condition, signal: str, column: str | None = None) -> None:
        self.out.conditions.append(condition)
        self.out.signals.add(signal)
        if column:
            self.out.columns.append(column)

    def problem(self, key: str, listed: list[str] | None = None, *, chooser: str | None = None,
                **values: str) -> None:
        """A question for the user: the message `key` filled with `values`; `listed` are the
        real options it names; `chooser` a column whose unit or meaning can be chosen."""
        self.out.problems.append(Problem(key, values, listed or [], chooser))

    def unplaced(self, items: list[Item], qty: Qty | None = None) -> None:
        """Words that name something the data does not have: asked about, with the number
        they went with, never read as another column."""
        self.use(*items)
        if qty is not None:
            self.out.used.add(id(qty))
        self.problem("unplaced", words=", ".join(f"'{i.text}'" for i in items))

    def negated(self, k: int, kinds: tuple[str, ...] = ("neg",)) -> bool:
        """A free negation right before position k ("not", "never", "non-", "без", "没有"),
        with only glue words ("from", "in the") and verbs ("did not BUY anything") between;
        `kinds` ("inactivity" too: "没有买私教", not bought a yes/no column's thing)."""
        for j in range(k - 1, -1, -1):
            part = self.parts[j]
            if isinstance(part, Qty):
                return False
            if part.has(*kinds) and self.free(part):
                self.use(part)
                return True
            if self.names_a_flag(part):
                return False  # "non-MEMBERS in Shenzhen": the negation is the members'
            if not (part.filler or part.has("people") or _glue_or_verb(part)):
                return False
        return False

    def names_a_flag(self, item: Item) -> bool:
        """A people word that is a yes/no column's ("members" beside is_member)."""
        return item.has("people") and item.has("concept", "value_group") and \
            names_a_flag(item, self.data)

    def negated_after(self, k: int) -> bool:
        """A negation written after the word it negates ("英国以外"), past glue and verbs
        ("除了用银行卡付款的以外")."""
        for part in self.parts[k + 1:]:
            if isinstance(part, Item) and part.has("neg_after") and self.free(part):
                self.use(part)
                return True
            if isinstance(part, Qty) or not _glue_or_verb(part):
                return False
        return False

    def find(self, kind: str) -> Item | None:
        """A free item with a sense of this kind."""
        return next((i for _, i in self.items() if i.has(kind) and self.free(i)), None)

    def run(self, k: int, step: int) -> list[Item]:
        """The words naming a column right before (step -1) or after (+1) position k."""
        found: list[Item] = []
        j = k + step
        while 0 <= j < len(self.parts):
            part = self.parts[j]
            if isinstance(part, Qty) or not self.free(part):
                break
            if has_evidence(part, self.data):
                found.append(part)
            elif not (part.filler or part.has("intensifier", "count_unit", "people")):
                break
            j += step
        return found[::-1] if step < 0 else found


def _glue_or_verb(part: Item) -> bool:
    """What a negation reaches across: glue, and verbs ("did not BUY", "用银行卡付款的以外")."""
    return part.only_function or part.has("activity") or part.has("role") and \
        not part.has("column") or part.has("func") and part.has("break")  # 未持有: not having


def leaves(condition: Condition | None) -> list[Condition]:
    """The leaf conditions of a tree, in order."""
    if condition is None:
        return []
    if isinstance(condition, And):
        return [leaf for c in condition.all for leaf in leaves(c)]
    if isinstance(condition, Or):
        return [leaf for c in condition.any for leaf in leaves(c)]
    if isinstance(condition, Not):
        return leaves(condition.condition)
    return [condition]
