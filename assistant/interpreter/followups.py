"""What a segment request does with the current segment.

replace (a new full request), refine ("now only those in France"), exclude
("exclude the UK"), swap the part about the same column ("what about
France?"), extend a list of values ("add Spain too"), or edit the last
number ("change that to 45 days"). The markers are the lexicons' `modes`; a
request with no marker refines when it is a fragment (no people noun: "from
France", "spent over 2000") and replaces otherwise.
"""

from __future__ import annotations

from typing import Any

from assistant.interpreter.edits import changed_values, lowered, replace_leaf
from assistant.interpreter.grammar import Reading
from assistant.interpreter.intent import content
from assistant.interpreter.linking import has_evidence, link, values_of
from assistant.interpreter.question_parts import conjuncts
from assistant.interpreter.reader import Env, leaves
from assistant.interpreter.tagging import Item
from tools.engine.definitions import (
    And,
    Between,
    Compare,
    Condition,
    In,
    Lifecycle,
    Not,
    NotIn,
    Or,
    Rank,
    RfmSegment,
    conjunction,
)


def mode_of(items: list[Item], reading: Reading | None = None) -> str | None:
    """The follow-up marker of a message: the opening one, or one of the few that close it.
    An exclusion word the reading placed as a condition's negation ("除了北京的学员") is
    said once, there."""
    if reading is not None and mode_of(items) == "exclude" and all(
            id(i) in reading.used for i in items if "exclude" in i.args("mode")):
        return None
    numbered = [k for k, i in enumerate(items) if i.has("num")]
    if len(numbered) > 1 and any({"edit", "instead", "replace"} & set(map(
            str, items[k].args("mode"))) for k in range(numbered[0] + 1, numbered[-1])):
        return "edit"  # "больше 800 вместо 500", "把一千换成五百": one number for another
    words = [i for i in content(items) if not i.has("conj") and not (
        i.has("intent") and not i.has("mode"))]  # "how many of them ..."
    if len(words) == 2 and words[0].args("mode") == ["replace"] and words[1].has("num"):
        return "edit"  # "换成八百", "make it 800": the segment's number, changed
    if len(words) == 1 and "extend" in words[0].args("mode"):
        return "undo"  # "верни", "加回来" alone: what was just taken away, back
    words = [i for i in words if i.args("mode") not in (["criterion"], ["also"])]
    later = [str(m) for i in words[1:] for m in i.args("mode") if m == "exclude"]
    if any("criterion" in i.args("mode") for i in items) and \
            any("extend" in i.args("mode") for i in words):
        return "refine"  # "add a condition: spend over 5000": and-ed, not either one
    for item in words[:1]:
        for mode in item.args("mode"):
            if mode in ("instead", "also"):
                continue  # a marker of order only ("вместо" is also a replace)
            if mode in ("replace", "refine") and later:
                return later[0]  # "а теперь исключи мужчин", "из них исключи тех, кто ..."
            if mode == "exclude" and any({"replace", "edit"} & set(map(str, i.args("mode")))
                                         for i in words[1:]):
                return "edit"  # "不要北京了，换成上海": one value for another
            return str(mode)
    for item in words:
        for mode in item.args("mode"):
            if mode in ("replace", "extend", "edit"):
                return str(mode)
    if any("count" in i.args("intent") for i in items) and any(
            "current" in i.args("subject") for i in items):
        return "refine"  # "how many Champions are in this segment?": counted among them
    return None


def define_args(condition: Condition, reading: Reading, items: list[Item], env: Env
                ) -> tuple[dict[str, Any], str]:
    """define_segment arguments for a reading, and the mode's name for the echo."""
    current = env.context.current_condition
    mode = mode_of(items, reading)
    if mode == "exclude" and not env.context.has_current_segment:
        return _new(_negated(condition)), "new"  # "exclude the UK" with nothing yet: all but
    if not env.context.has_current_segment or mode == "restart":
        return _new(condition), "new"
    if mode == "exclude" and current is not None and len(conjuncts(current)) > 1 and \
            not isinstance(condition, In) and condition in conjuncts(current):
        # "убери бонусную карту" after "из них с бонусной картой": that condition goes (a
        # value excluded from its own list leaves the others: "exclude Leeds")
        return _new(conjunction([c for c in conjuncts(current) if c != condition])), "exclude"
    if mode == "exclude":
        shrunk = _shrunk(current, condition) if current is not None else None
        if shrunk is not None:  # "drop Belgium" from "France or Belgium": France
            return _new(shrunk), "exclude"
        return {"condition": _dump(condition), "mode": "exclude"}, "exclude"
    if mode == "extend":
        if current is None:
            raise LookupError("nothing to add to")
        return _new(_extend(current, condition)), "extend"
    if mode == "replace":
        # "what about Europe instead of North America": the value changed, not added
        edits = any("edit" in i.args("mode") for i in items) or _from_to(current, condition)
        swapped = None if current is None else (
            edits and changed_values(current, condition) or _swap(current, condition))
        if swapped is None and current is not None and not _names_customers(items):
            swapped = conjunction([current, condition])  # "what about Leeds" after "premium
            # women": the same customers in Leeds, when the segment names no club to swap
        return _new(swapped if swapped is not None else condition), "replace"
    # A fragment ("from France", "spent over 2000", "how many are on enterprise?") narrows;
    # a request that names the customers ("customers ...", "one-time buyers", "champions")
    # replaces.
    subject = _names_customers(items)
    if current is not None and any("also" in i.args("mode") for i in items) and \
            (grown := _grown(current, condition)) is not None:
        return _new(grown), "extend"  # "and also Germany": the list on its column grows
    if mode == "refine" or not subject:
        swapped = _swap(current, condition, only_lists=True) if current is not None else None
        if swapped is None and mode != "refine" and current is not None and \
                _contradicts(current, condition):
            swapped = _swap(current, condition)  # "haven't ordered in half a year" after
            # "ordered in the last 60 days": no one is both, so it replaces that part
        if swapped is not None:
            return _new(swapped), "refine"
        return {"condition": _dump(condition), "mode": "refine"}, "refine"
    return _new(condition), "new"


def _names_customers(items: list[Item]) -> bool:
    words = content(items)
    if words and words[0].has("neg") and all(i.has("value_group", "value") for i in words
                                             if i.has("people")):
        return False  # "без мужчин", "not the men": a fragment that narrows
    return bool({"people", "fixed", "rfm", "stage", "vague"} & {
        s.kind for i in items for s in i.senses}) or any(  # "сколько у нас пенсионеров"
        "all" in i.args("subject") for i in items)


def _negated(condition: Condition) -> Condition:
    if isinstance(condition, In):
        return NotIn(column=condition.column, values=condition.values)
    return Not(condition=condition)


def _from_to(current: Condition | None, new: Condition) -> bool:
    """"把伦敦换成布里斯托尔", "вместо люкса делюкс": the message names a value the segment
    has and one it has not, of the same column: the second replaces the first."""
    for part in leaves(new):
        for leaf in leaves(current):
            if isinstance(part, In) and isinstance(leaf, In) and leaf.column == part.column:
                had = lowered(leaf.values)
                said = lowered(part.values)
                if said & had and said - had:
                    return True
    return False


def _new(condition: Condition) -> dict[str, Any]:
    return {"condition": _dump(condition), "mode": "new"}


def _dump(condition: Condition) -> dict[str, Any]:
    return condition.model_dump(mode="json")


def _key(condition: Condition) -> str | None:
    if isinstance(condition, RfmSegment | Lifecycle):
        return condition.type
    return getattr(condition, "column", None)


def swapped_in(current: Condition | None, new: Condition) -> Condition:
    """`current` with its part about `new`'s column replaced by `new`, else both."""
    if current is None:
        return new
    return _swap(current, new) or conjunction([current, new])


def _swap(current: Condition, new: Condition, only_lists: bool = False) -> Condition | None:
    """The current condition with its parts about the new condition's columns replaced."""
    new_parts = new.all if isinstance(new, And) else [new]
    keys = {_key(p) for p in new_parts if _key(p) is not None and (
        not only_lists or isinstance(p, In | RfmSegment | Lifecycle))}
    if not keys:
        return None
    kept = _conjuncts(current)
    if not any(_key(p) in keys for p in kept if isinstance(p, In | NotIn | Compare | Between |
                                                             Rank | RfmSegment | Lifecycle)):
        return None
    if only_lists and len(new_parts) != 1:
        return None
    remaining = [p for p in kept if _key(p) not in keys]
    return conjunction([*remaining, *new_parts])


def _conjuncts(condition: Condition) -> list[Condition]:
    """The parts of an and, nested ands opened ("(top 10%) and not Guangdong")."""
    if isinstance(condition, And):
        return [part for c in condition.all for part in _conjuncts(c)]
    return [condition]


def _contradicts(current: Condition, new: Condition) -> bool:
    """A part of `new` no customer meeting a part of `current` on the same column can meet:
    values with none in common, or number ranges that do not meet."""
    olds = leaves(current)
    for part in leaves(new):
        for old in olds:
            if _key(old) != _key(part) or _key(part) is None:
                continue
            if isinstance(part, In) and isinstance(old, In) and not lowered(part.values) & \
                    lowered(old.values):
                return True
            a, b = _interval(old), _interval(part)
            if a is not None and b is not None and _apart(a, b):
                return True
    return False


_Interval = tuple[float, bool, float, bool]  # low, low included, high, high included


def _interval(leaf: Condition) -> _Interval | None:
    inf = float("inf")
    if isinstance(leaf, Between) and isinstance(leaf.low, int | float) and \
            isinstance(leaf.high, int | float):
        return float(leaf.low), True, float(leaf.high), True
    if not isinstance(leaf, Compare) or isinstance(leaf.value, bool) or \
            not isinstance(leaf.value, int | float):
        return None
    v = float(leaf.value)
    return {">": (v, False, inf, False), ">=": (v, True, inf, False),
            "<": (-inf, False, v, False), "<=": (-inf, False, v, True),
            "==": (v, True, v, True)}.get(leaf.op)


def _apart(a: _Interval, b: _Interval) -> bool:
    def below(x: _Interval, y: _Interval) -> bool:  # x ends before y starts
        return x[2] < y[0] or (x[2] == y[0] and not (x[3] and y[1]))
    return below(a, b) or below(b, a)


def _shrunk(current: Condition, dropped: Condition) -> Condition | None:
    """The current segment with the values dropped taken out of its list on that column (all
    of them: everyone else, "кроме Москвы" after "из Москвы"); None when there is no such
    list."""
    if not isinstance(dropped, In):
        return None
    for leaf in leaves(current):
        if isinstance(leaf, In) and leaf.column == dropped.column:
            gone = lowered(dropped.values)
            kept = [v for v in leaf.values if str(v).lower() not in gone]
            if len(kept) == len(leaf.values) - len(gone):
                return replace_leaf(current, leaf, In(column=leaf.column, values=kept) if kept
                                    else NotIn(column=leaf.column, values=leaf.values))
    return None


def _extend(current: Condition, new: Condition) -> Condition:
    """"add Spain too": the list on the same column grows; otherwise either one."""
    return _grown(current, new) or Or(any=[current, new])


def _grown(current: Condition, new: Condition) -> Condition | None:
    """The current condition with `new`'s values added to its list on their column (or its
    RFM names), or back from an exclusion ("算了，深圳的也要" after "再排除深圳的"); None when
    it has no such list."""
    taken_back = _taken_back(current, new)
    if taken_back is not None:
        return taken_back
    if isinstance(new, In):
        for leaf in leaves(current):
            if isinstance(leaf, In) and leaf.column == new.column:
                grown = In(column=leaf.column, values=leaf.values + [
                    v for v in new.values if v not in leaf.values])
                return replace_leaf(current, leaf, grown)
    if isinstance(new, RfmSegment):
        for leaf in leaves(current):
            if isinstance(leaf, RfmSegment):
                grown_rfm = RfmSegment(segments=leaf.segments + [
                    s for s in new.segments if s not in leaf.segments])
                return replace_leaf(current, leaf, grown_rfm)
    return None


def _taken_back(current: Condition, new: Condition) -> Condition | None:
    """The current and-ed conditions with `new`'s values no longer excluded, or None when
    none of them was."""
    if not isinstance(new, In):
        return None
    parts = conjuncts(current)
    for n, part in enumerate(parts):
        excluded = part.condition if isinstance(part, Not) else part
        if not isinstance(excluded, In | NotIn) or isinstance(part, In) or \
                excluded.column != new.column or not set(new.values) & set(excluded.values):
            continue
        kept = [v for v in excluded.values if v not in new.values]
        rest = parts[:n] + parts[n + 1:]
        if kept:
            rest.insert(n, NotIn(column=excluded.column, values=kept))
        return conjunction(rest) if rest else None
    return None


def dropped(items: list[Item], reading: Reading, env: Env) -> Condition | None:
    """"remove the spend condition", "去掉消费的条件", "убери фильтр по городу", or a column
    named with no value ("убери город"): the current segment without its conditions on the
    columns named."""
    current = env.context.current_condition
    by_name = reading.condition is None and any(p.key == "which_value" for p in reading.problems)
    if current is None or not (by_name or any("criterion" in i.args("mode") for i in items)):
        return None
    named = {link([i], env.data).column for i in content(items) if has_evidence(i, env.data)}
    # "remove the France condition": the condition on the value's column
    named |= {column for i in content(items) for column, _ in values_of(i, env.data)}
    return _without(current, {c for c in named if c is not None})


def _without(tree: Condition, columns: set[str]) -> Condition | None:
    """The tree without the parts of an and on these columns; None when nothing (or
    everything) would go."""
    if not isinstance(tree, And):
        return None
    kept = [c for c in tree.all if getattr(c, "column", None) not in columns]
    if len(kept) == len(tree.all) or not kept:
        return None
    return kept[0] if len(kept) == 1 else And(all=kept)

