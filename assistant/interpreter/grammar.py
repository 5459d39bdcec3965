"""A request -> one condition tree, read clause by clause, best reading first.

    request := clause (joiner clause)*      joiner: and | or | but | except | who | with | ","
    clause  := quantities, values, flags, ranks, named segments   (clauses.py)

"or" binds tighter than "and" ("from Germany with kids or teens" is Germany and
(kids or teens)); a clause that only names more values of a column already
named ("Germany or France", "чемпионы и лояльные") joins that list. "except" /
"but not" puts the clauses after it outside the segment. Each way the tagger
cut the request is read, and the reading that places the most words with the
fewest problems wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.interpreter.clauses import read_clause
from assistant.interpreter.linking import has_evidence, values_of
from assistant.interpreter.quantities import Part, Qty, quantities
from assistant.interpreter.reader import ClauseResult, Env, Problem, leaves
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
    RfmSegment,
    conjunction,
)


@dataclass
class Reading:
    condition: Condition | None
    problems: list[Problem] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)
    vague: list[tuple[str, str | None]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    score: float = 0.0
    items: list[Item] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # ids of the items placed


@dataclass
class _Clause:
    joiner: str  # how it joins the clause before it: "and", "or", "except"
    parts: list[Part]


def read(readings: list[list[Item]], env: Env) -> Reading:
    """The best reading of the request's alternative cuttings."""
    scored = [_read_one(items, env) for items in readings]
    best = max(scored, key=lambda r: r.score)
    # "premium customers" where Premium is a plan: the data's own value, not a vague word
    exact = [r for r in scored if r.condition is not None and not (r.problems or r.vague)]
    if best.vague and exact:
        return max(exact, key=lambda r: r.score)
    return best


def _read_one(items: list[Item], env: Env) -> Reading:
    parts = quantities(items)
    results: list[tuple[str, ClauseResult]] = []
    # A bare number in a follow-up ("under 3000" after "spent over 1000") is about the
    # current segment's last number.
    last: str | None = next((leaf.column for leaf in reversed(leaves(
        env.context.current_condition)) if isinstance(leaf, Compare | Between)), None)
    for clause in _clauses(parts, env):
        result = read_clause(clause.parts, env, last)
        # only a number column: "корпоративные, с больше чем 1000 минут" is no tariff > 1000
        numbers = [c for c in result.columns if c in env.data.columns and
                   env.data.columns[c].numeric]
        last = numbers[-1] if numbers else last
        results.append((clause.joiner, result))
    # "members who | paid | with alipay": a verb alone is no spend condition beside a value
    if len(results) > 1:
        for _, result in results:
            if "verb_only" in result.signals and len(result.conditions) == 1:
                result.conditions, result.columns = [], []
    reading = Reading(condition=_combine(results), items=items)
    used: set[int] = set()
    soft: list[str] = []
    for _, result in results:
        reading.problems.extend(result.problems)
        reading.signals |= result.signals
        reading.vague.extend(result.vague)
        reading.columns.extend(result.columns)
        soft.extend(result.soft)
        reading.notes.extend(n for n in result.notes if n not in reading.notes)
        used |= result.used
    reading.used = used
    if reading.condition is not None:
        # "кто купил полис онлайн": a column named with no value (every customer has one)
        # says what was bought beside a condition, and is asked about only alone.
        reading.problems = [p for p in reading.problems if p.key != "which_value"]
    # "big spenders who spent over 5000": the adjective only stresses a stated number.
    reading.vague = [v for v in reading.vague if v[1] is None or v[1] not in reading.columns]
    label = _label(parts)
    if label and reading.condition is not None:
        # "уходящие клиенты: больше 4 заказов ...": a name, then what it means
        reading.vague, reading.used = [], reading.used | {id(p) for p in label}
    if soft and reading.condition is None and not reading.vague and not reading.problems:
        reading.problems.append(Problem("unplaced", {"words": ", ".join(f"'{w}'" for w in soft)}))
    # Words placed count, problems cost, and of two cuts the one in fewer pieces wins.
    content = [p for p in parts if isinstance(p, Qty) or not p.only_function]
    placed = sum(_size(p) for p in content if id(p) in used)
    unplaced = sum(_size(p) for p in content) - placed
    reading.score = placed - 3 * len(reading.problems) - 0.5 * unplaced - 0.2 * len(content)
    return reading


def _label(parts: list[Part]) -> list[Item]:
    """The vague name before a colon that the words after it define, or []."""
    colon = next((k for k, p in enumerate(parts) if isinstance(p, Item) and p.text == ":"), 0)
    named = parts[:colon]
    if not named or not all(isinstance(p, Item) and (p.has("vague", "people") or
                                                     p.only_function) for p in named):
        return []
    return [p for p in named if isinstance(p, Item)]


def _size(part: Part) -> int:
    return sum(_size(i) for i in part.source) if isinstance(part, Qty) else len(part.tokens)


def _clauses(parts: list[Part], env: Env) -> list[_Clause]:
    clauses = [_Clause("and", [])]
    excluding = False
    for k, part in enumerate(parts):
        joiner = _joiner(part)
        said = any(isinstance(p, Qty) or not (p.only_function or p.has("mode", "punct") or
                                              _interjection(p)) for p in parts[:k])
        if joiner == "except" and not said:
            joiner = None  # "(nah,) also exclude Germany": the request's mode, not a part of it
        if joiner is None or _in_list(parts, k, env) or _ahead(parts, k) or _than_next(parts, k) \
                or _a_range_next(parts, k) or _negated_verb(parts, k):
            clauses[-1].parts.append(part)
            continue
        if joiner == "except":
            excluding = True
        elif excluding and _starts_a_condition(parts, k) and _said_something(
                next((c for c in reversed(clauses) if c.parts), clauses[-1]), env):
            excluding = False  # "но не активные, с балансом до 200 тыс": the balance is kept
            clauses = [c for c in clauses if c.parts]
        if clauses[-1].joiner == "or" and not clauses[-1].parts:
            continue  # "KASKO or WITH over 2 claims": the "or" holds
        if joiner == "or" and k and isinstance(parts[k - 1], Item) and \
                parts[k - 1].text in (",", "，") and not excluding:
            joiner = "top_or"  # ", or": everything said before, or what follows
        clauses.append(_Clause("except" if excluding and joiner != "or" else joiner, []))
    clauses = [c for c in clauses if c.parts]
    # "the 20 customers | who spent the most", "20% of customers | with the lowest spend": a
    # bare number (or share) of people is the size of a rank said in the next clause, so the
    # two are read as one.
    for k in range(len(clauses) - 1, 0, -1):
        if clauses[k].joiner == "and" and (_people_counted(clauses[k - 1].parts) or (
                _bare_comparison(clauses[k].parts) and _closes_on_people(clauses[k - 1].parts))):
            # also "customers | who are over 50": a bare comparison said of the people
            clauses[k - 1].parts.extend(clauses.pop(k).parts)
    # "not opted in to email | or SMS": a bare column after "or" shares the negation, and
    # neither holds (not email and not SMS)
    for k in range(1, len(clauses)):
        negation = next((p for p in clauses[k - 1].parts if isinstance(p, Item) and
                         p.has("neg")), None)
        bare = all(isinstance(p, Item) and not p.has("neg", "value", "place", "num", "cmp")
                   for p in clauses[k].parts) and any(
            isinstance(p, Item) and has_evidence(p, env.data) for p in clauses[k].parts)
        if negation is not None and clauses[k].joiner == "or" and bare:
            clauses[k] = _Clause("and", [negation, *clauses[k].parts])
    # "VIPs or anyone | with over 18k points": a clause of nobody in particular passes its
    # "or" to the clause that says who
    for k in range(len(clauses) - 2, 0, -1):
        if clauses[k].joiner == "or" and all(
                isinstance(p, Item) and (p.only_function or p.has("people")) for p in
                clauses[k].parts):
            nobody = clauses.pop(k)
            clauses[k].joiner = "or"
            clauses[k].parts[:0] = nobody.parts
    return clauses


def _starts_a_condition(parts: list[Part], k: int) -> bool:
    """"with ...", "who ...", or a comma before "older than 40" / "over 40" / "no card": a
    clause of its own after an exclusion."""
    part, after = parts[k], parts[k + 1] if k + 1 < len(parts) else None
    return isinstance(part, Item) and part.has("break") or isinstance(after, Qty) or (
        isinstance(after, Item) and after.has("break", "cmp", "neg"))


def _said_something(clause: _Clause, env: Env) -> bool:
    """An exclusion that named whom ("но не активные"), not only "the ones" it opens."""
    return clause.joiner == "except" and any(
        isinstance(p, Qty) or has_evidence(p, env.data) or
        p.has("value", "value_group", "place", "rfm", "stage")
        for p in clause.parts)


def _interjection(item: Item) -> bool:
    """"nah", "ok", "yes" opening a message: talk, not a condition."""
    return bool({"yes", "no", "ack"} & set(map(str, item.args("intent"))))


def _people_counted(parts: list[Part]) -> bool:
    numbers = [p for p in parts if isinstance(p, Qty)]
    return len(numbers) == 1 and numbers[0].op is None and not numbers[0].is_range and \
        numbers[0].unit in (None, "percent") and all(
            isinstance(p, Qty) or p.only_function or p.has("people") for p in parts) and \
        any(isinstance(p, Item) and p.has("people") for p in parts)


def _bare_comparison(parts: list[Part]) -> bool:
    numbers = [p for p in parts if isinstance(p, Qty)]
    return len(numbers) == 1 and (numbers[0].op is not None or numbers[0].is_range) and \
        numbers[0].unit is None and all(isinstance(p, Qty) or p.only_function for p in parts)


def _closes_on_people(parts: list[Part]) -> bool:
    last = parts[-1] if parts else None
    return isinstance(last, Item) and last.has("people")


def _ahead(parts: list[Part], k: int) -> bool:
    """"in the next 90 days", "接下来90天": "next" before a time is a horizon, no "then"."""
    part = parts[k]
    return isinstance(part, Item) and part.has("ahead") and k + 1 < len(parts) and \
        isinstance(parts[k + 1], Qty) and parts[k + 1].unit == "time"  # type: ignore[union-attr]


def _in_list(parts: list[Part], k: int, env: Env) -> bool:
    """"gold or silver members": a joiner between two values of one column stays inside."""
    if k == 0 or k + 1 >= len(parts) or isinstance(parts[k], Qty):
        return False
    before, joiner, after = parts[k - 1], parts[k], parts[k + 1]
    if not isinstance(before, Item) or not isinstance(after, Item) or \
            isinstance(joiner, Item) and joiner.has("break"):
        return False
    summed = any(isinstance(p, Item) and "sum" in p.args("quantifier") for p in parts[k:])
    if summed and has_evidence(before, env.data) and has_evidence(after, env.data):
        return True  # "wine and meat combined": one total
    columns = {c for c, _ in values_of(before, env.data)}
    return bool(columns & {c for c, _ in values_of(after, env.data)})


def _than_next(parts: list[Part], k: int) -> bool:
    """"тратят больше, чем на мясо": the comma before "than" splits no clause."""
    after = parts[k + 1] if k + 1 < len(parts) else None
    return isinstance(after, Item) and after.has("than")


def _negated_verb(parts: list[Part], k: int) -> bool:
    """"未持有信用卡", "not having a card": a negation before "having" splits no clause."""
    before = parts[k - 1] if k else None
    return isinstance(before, Item) and before.has("neg") and isinstance(parts[k], Item) and \
        parts[k].has("break")  # type: ignore[union-attr]


def _a_range_next(parts: list[Part], k: int) -> bool:
    """"год выпуска с 2018 по 2020": "с" (with, from) before a range splits no clause."""
    after = parts[k + 1] if k + 1 < len(parts) else None
    return isinstance(after, Qty) and after.is_range and isinstance(parts[k], Item) and \
        parts[k].has("since")  # type: ignore[union-attr]


def _joiner(part: Part) -> str | None:
    if isinstance(part, Qty):
        return None
    if part.has("mode") and "exclude" in part.args("mode") and part.start > 0:
        return "except"
    if part.has("conj"):
        kind = str(part.args("conj")[0])
        return "or" if kind == "or" else "and"
    if part.has("break") or (part.has("punct") and part.text in (",", ";", "，", "；", "、")):
        return "and"
    return None


def _combine(results: list[tuple[str, ClauseResult]]) -> Condition | None:
    """AND of OR-groups of clauses; value-only clauses extend the list they continue. An
    "or" after a comma joins everything before it to everything after ("trial accounts with
    3+ tickets, or an nps under 3")."""
    top = next((k for k, (joiner, _) in enumerate(results) if joiner == "top_or" and k), None)
    if top is not None:
        sides = [_combine(results[:top]), _combine([("and", results[top][1]), *results[top + 1:]])]
        if sides[0] is not None and sides[1] is not None:
            return Or(any=[sides[0], sides[1]])
    results = [("or" if joiner == "top_or" else joiner, r) for joiner, r in results]
    groups: list[tuple[str, list[list[Condition]]]] = []
    for joiner, result in results:
        conditions = list(result.conditions)
        if not conditions:
            continue
        if groups and _extends(groups[-1][1][-1], conditions) and \
                (joiner == "except") == (groups[-1][0] == "except"):  # "loyal but not champions"
            groups[-1][1][-1] = _extended(groups[-1][1][-1], conditions)
            continue
        if joiner == "or" and groups:
            groups[-1][1].append(conditions)
        else:
            groups.append((joiner, [conditions]))
    kept: list[Condition] = []
    excluded: list[Condition] = []
    for joiner, alternatives in groups:
        shared, alternatives = _shared(alternatives)
        parts = [conjunction(list({c.model_dump_json(): c for c in a}.values()))
                 for a in alternatives]
        condition = parts[0] if len(parts) == 1 else Or(any=parts)
        if shared:
            condition = conjunction([*shared, condition])
        (excluded if joiner == "except" else kept).append(condition)
    if excluded:
        out = conjunction(excluded)
        # "except those from the UK" reads like "not from the UK"
        kept.append(NotIn(column=out.column, values=out.values) if isinstance(out, In) else
                    Not(condition=out))
    if not kept:
        return None
    flat = conjunction(kept)
    if isinstance(flat, And):  # "parents with young kids": one condition, said twice
        flat = conjunction(list({c.model_dump_json(): c for c in flat.all}.values()))
    return flat


def _shared(alternatives: list[list[Condition]]
            ) -> tuple[list[Condition], list[list[Condition]]]:
    """Conditions said once beside the first alternative or the last, on a column no other
    alternative names, hold for all of them: "women over 60 or under 25" is female and
    (over 60 or under 25); so is "25岁以下或70岁以上的女性", whom Chinese says last.
    "Germans over 60 or French under 25" shares nothing."""
    for pick in (0, -1):
        own = alternatives[pick]
        others = alternatives[1:] if pick == 0 else alternatives[:-1]
        columns = {_column(c) for a in others for c in a}
        shared = [c for c in own if _column(c) not in columns]
        kept = [c for c in own if _column(c) in columns]
        if None not in columns and shared and kept and \
                columns <= {_column(c) for c in kept}:
            return shared, [kept, *others] if pick == 0 else [*others, kept]
    return [], alternatives


def _column(condition: Condition) -> str | None:
    return getattr(condition, "column", None)


def _extends(previous: list[Condition], new: list[Condition]) -> bool:
    """"Germany or France": the new clause only names more values of a listed column; or
    one of its conditions does, said with others that hold for the whole list ("champions
    and loyal customers in France")."""
    if len(new) != 1:
        return len(previous) == 1 and sum(_extends(previous, [c]) for c in new) == 1
    condition = new[0]
    for old in previous:
        if isinstance(condition, In) and isinstance(old, In | NotIn) and \
                old.column == condition.column:
            return True
        if isinstance(condition, RfmSegment) and isinstance(old, RfmSegment):
            return True
    return False


def _extended(previous: list[Condition], new: list[Condition]) -> list[Condition]:
    if len(new) > 1:
        grows = next(c for c in new if _extends(previous, [c]))
        return _extended(previous, [grows]) + [c for c in new if c is not grows]
    condition = new[0]
    out: list[Condition] = []
    for old in previous:
        if isinstance(condition, In) and isinstance(old, In | NotIn) and \
                old.column == condition.column:
            values = old.values + [v for v in condition.values if v not in old.values]
            old = type(old)(column=old.column, values=values)
        elif isinstance(condition, RfmSegment) and isinstance(old, RfmSegment):
            old = RfmSegment(segments=old.segments + [
                s for s in condition.segments if s not in old.segments])
        out.append(old)
    return out

