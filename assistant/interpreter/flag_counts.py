"""How many of several flags hold: "accepted 2 or more campaigns" over AcceptedCmp1..5.

A definition holds no sum over columns, so "at least k of n flags" is written with the
existing nodes: any of the k-sized sets of flags all true. "Exactly k" also fixes the
others false; "fewer than k" negates "at least k". Past a few hundred sets it asks.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

from assistant.interpreter.columns import ColumnProfile, match_columns, word_match
from assistant.interpreter.flags import flag_values, is_flag
from assistant.interpreter.found import Found
from assistant.interpreter.state import Parse, Problem, compare
from tools.engine.definitions import And, Condition, Not, Or

_MAX_SETS = 252  # C(10, 5): beyond this the condition is too large to read back


def read_flag_count(parse: Parse, f: Found, words: list[int]) -> bool:
    """A comparison whose measure names several flag columns at once; True when handled."""
    flags = [p for p in parse.profiles if is_flag(p)]
    named = [(i, parse.low(i)) for i in words if parse.low(i) not in parse.vocab.count_words
             and not parse.is_filler(i)]
    if len(flags) < 2 or not named or f.low.days is not None or f.low.percent or (
            f.low.currency or not f.low.value.is_integer()):
        return False
    match = match_columns(named, flags, parse.vocab)
    if match is None or len(match.best) < 2 or len(match.matched_words) < len(named):
        # "responded to at least one campaign": the noun after the number names the flags,
        # the verb before it only has to fit flags too.
        after = [(i, w) for i, w in named if i > f.start]
        match = match_columns(after, flags, parse.vocab) if after else None
        if match is None or len(match.best) < 2 or len(match.matched_words) < len(after) or (
                not all(any(word_match(w, p, parse.vocab) for p in flags)
                        for i, w in named if i < f.start)):
            return False
        match = type(match)(best=match.best, score=match.score,
                            matched_words=frozenset(i for i, _ in named))
    best = match.best
    low = int(f.low.value)
    high = int(f.high.value) if f.high is not None and f.high.value.is_integer() else None
    condition = _count_condition(best, f.op, low, high)
    start = min([f.start, *match.matched_words])
    end = max([f.end, *(i + 1 for i in match.matched_words)])
    if condition is None:
        parse.claim(start, end)
        parse.problems.append(Problem(
            f"Counting how many of {len(best)} columns hold is too large a condition for "
            f"'{f.op} {low}'; pick the columns, e.g. '{best[0].name} and {best[1].name}'.",
            [p.name for p in best]))
        return True
    names = ", ".join(p.name for p in best)
    said = f"{f.op} {low}" if high is None else f"{low} to {high}"
    parse.add(start, end, condition, f"how many of {names} hold: {said}")
    for i in words:
        if parse.is_filler(i) or parse.low(i) in parse.vocab.count_words:
            parse.claim(i, i + 1)
    return True


def _count_condition(flags: list[ColumnProfile], op: str, low: int,
                     high: int | None) -> Condition | None:
    n = len(flags)
    if op == "between" and high is not None:
        lo, hi = sorted((low, high))
        lower = _at_least(flags, lo) if lo > 0 else None
        upper = _fewer_than(flags, hi + 1) if hi < n else None
        parts = [c for c in (lower, upper) if c is not None]
        return None if not parts else _all_of(parts)
    at_least = {">=": low, ">": low + 1}.get(op)
    if at_least is not None:
        return _at_least(flags, at_least) if at_least <= n else None
    below = {"<": low, "<=": low + 1}.get(op)
    if below is not None:
        return _fewer_than(flags, below)
    if op == "==" and 0 <= low <= n and comb(n, low) <= _MAX_SETS:
        return _any_of([And(all=[_holds(p, p in chosen) for p in flags])
                        for chosen in combinations(flags, low)])
    return None


def _at_least(flags: list[ColumnProfile], k: int) -> Condition | None:
    if k <= 0 or k > len(flags) or comb(len(flags), k) > _MAX_SETS:
        return None
    return _any_of([_all_of([_holds(p, True) for p in chosen])
                    for chosen in combinations(flags, k)])


def _fewer_than(flags: list[ColumnProfile], k: int) -> Condition | None:
    at_least = _at_least(flags, k)
    return Not(condition=at_least) if at_least is not None else None


def _holds(p: ColumnProfile, true: bool) -> Condition:
    yes, no = flag_values(p)
    return compare(p, "==", yes if true else no)  # type: ignore[arg-type]


def _all_of(conditions: list[Condition]) -> Condition:
    return conditions[0] if len(conditions) == 1 else And(all=conditions)


def _any_of(conditions: list[Condition]) -> Condition:
    return conditions[0] if len(conditions) == 1 else Or(any=conditions)
