"""Schema linking: which column a group of words names, and which values a word means.

A column is scored by the words said near it: its whole name or a dictionary
synonym (3), a word of its name (1), a concept or role its name carries (1;
1.5 when the column *has* that role). Ties are real ambiguity and are asked
about; the share of the name covered breaks ties only between names that
differ in length ("income": Income before Annual Income).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from assistant.interpreter.datalex import ColumnWords, DataLexicon
from assistant.interpreter.tagging import Item
from assistant.interpreter.text import fold


@dataclass(frozen=True)
class Link:
    column: str | None  # the one best column, or None
    tied: tuple[str, ...]  # the best columns when several tie
    supporting: tuple[int, ...]  # indices (into the given items) that support the column
    score: float


def evidence(item: Item, words: ColumnWords, people: bool = False) -> float:
    """How much one item says it is about this column; `people`: let "members" name one."""
    if any(s.kind == "column" and s.arg == words.name for s in item.senses):
        return 3.0
    if item.has("people") and not people and not item.has("concept", "value_group"):
        return 0.0  # "customers" says nothing about Dt_Customer ("subscribers" does)
    score = 0.0
    # A phrase that means a role ("average order value") is that role, not one of its words
    # ("order": DaysSinceLastOrder).
    phrase = item.has("role") and sum(t.kind == "word" for t in item.tokens) > 1
    if not phrase and any(t.norm in words.norms for t in item.tokens
                          if t.kind in ("word", "num")) or any(
            str(int(n)) in words.norms for n in item.args("ordinal")):  # type: ignore[call-overload]
        score = 1.0
    if item.has("activity") and "frequency" in words.concepts and \
            "monetary" not in item.args("role"):
        score = max(score, 0.5)  # "bought online": the purchases column, over the visits one
    shared = 0
    for sense in item.senses:
        if sense.kind in ("concept", "role", "rank_measure", "opposite", "value_group") and \
                str(sense.arg) in words.concepts:
            own_role = sense.kind in ("role", "rank_measure") and \
                words.info.role.value == sense.arg
            shared += 1
            # a word of the name itself ("discount": Discount Applied) says more than a word
            # of the same concept ("discount": Promo Code Used)
            # "地区", "регион": the concept that is the name's own word (Region, not State),
            # said in another language than the name
            named = str(sense.arg) in words.norms and not item.text.isascii()
            score = max(score, 1.5 if own_role else 1.0 if named else 0.9 + 0.05 * (shared - 1))
    return score  # "月费" (charge, monthly): MonthlyCharges over TotalCharges


def names_a_flag(item: Item, data: DataLexicon) -> bool:
    """The item speaks of a yes/no column of the data ("新客" of is_new_buyer)."""
    return any(w.is_flag and evidence(item, w) > 0 for w in data.columns.values())


def has_evidence(item: Item, data: DataLexicon) -> bool:
    if item.has("rfm") and not item.has("value", "place", "cmp", "vague") and \
            names_a_flag(item, data):
        return True  # "新客" where is_new_buyer says it: the data's own yes/no column
    if item.has("value", "place", "rfm", "cmp", "vague") or \
            item.has("neg", "fixed") and not item.has("activity"):
        return item.has("column")
    return any(evidence(item, words) > 0 for words in data.columns.values())


def link(items: list[Item], data: DataLexicon, accept: object = None, people: bool = False
         ) -> Link:
    """The column `items` name together; `accept(words) -> bool` filters candidates."""
    scores: dict[str, float] = defaultdict(float)
    support: dict[str, list[int]] = defaultdict(list)
    for words in data.columns.values():
        if accept is not None and not accept(words):  # type: ignore[operator]
            continue
        for i, item in enumerate(items):
            score = evidence(item, words, people)
            if score > 0:
                scores[words.name] += score
                support[words.name].append(i)
    if not scores:
        return Link(None, (), (), 0.0)
    best = max(scores.values())
    tied = [name for name, score in scores.items() if score == best]
    if len(tied) > 1:
        # Between names that tie on words, the one the words cover most of, when they
        # cover at least half of it ("income": Income, not Annual Income; "web purchases":
        # NumWebPurchases, not NumWebVisitsMonth; "spent": every Mnt* column still ties).
        coverage = {n: len(support[n]) / data.columns[n].size for n in tied}
        top = max(coverage.values())
        if top >= 0.5:
            tied = [n for n in tied if coverage[n] == top]
    if len(tied) > 1:
        # Then the one more of whose concepts the words carry ("月费", a monthly charge:
        # MonthlyFee, not TenureMonths).
        carried = {n: len(_concepts(items) & data.columns[n].concepts) for n in tied}
        most = max(carried.values())
        tied = [n for n in tied if carried[n] == most]
    if len(tied) > 1:
        return Link(None, tuple(tied), (), best)
    return Link(tied[0], (), tuple(support[tied[0]]), best)


def values_of(item: Item, data: DataLexicon) -> list[tuple[str, str]]:
    """The (column, value) pairs an item can mean: its own words, its place, its group."""
    exact: list[tuple[str, str]] = [s.arg for s in item.senses if s.kind == "value"]
    # A value typed as the data writes it is that value: "小程序" is not also "APP" (both
    # apps), though the group joins them when neither is named ("app users").
    named = {column for column, _ in exact}
    if any(fold(str(value)) == fold(item.text) for _, value in exact):
        return list(exact)  # "footwear" where Category holds Footwear: not the shoes too
    pairs = list(exact)
    for sense in item.senses:
        if sense.kind == "place":
            pairs.extend(data.place_values.get(str(sense.arg), []))
        elif sense.kind == "value_group":
            pairs.extend(data.group_values.get(str(sense.arg), []))
    return list(dict.fromkeys(p for p in pairs if p in exact or p[0] not in named))


def partial_values(item: Item, data: DataLexicon) -> list[tuple[str, str]]:
    """A distinctive word of a longer value ("fiber" for "Fiber optic")."""
    if item.senses or len(item.tokens) != 1 or len(item.text) < 4 or has_evidence(item, data):
        return []
    pairs = data.value_norms.get(item.tokens[0].norm, [])
    return pairs if len({c for c, _ in pairs}) == 1 else []


def _concepts(items: list[Item]) -> set[str]:
    return {str(s.arg) for i in items for s in i.senses
            if s.kind in ("concept", "role", "rank_measure")}


def in_counting_order(names: tuple[str, ...]) -> list[str]:
    """Columns offered as a person counts them ("Cmp1, Cmp2, ..., Cmp10"), not as stored."""
    return sorted(names, key=_counting_key)


def _counting_key(name: str) -> list[tuple[int, int | str]]:
    return [(0, int(part)) if part.isdigit() else (1, part.lower())
            for part in re.split(r"(\d+)", name) if part]
