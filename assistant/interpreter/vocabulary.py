"""The interpreter's vocabulary, loaded from `vocabulary.yaml` (package data).

Synonyms, comparators, time units and value aliases are data so they can be
read, reviewed and extended without touching the parsing code. Every phrase is
normalised exactly like a request (`text.words_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from assistant.interpreter.text import stem, words_of

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class RolePhrase:
    words: tuple[Phrase, ...]
    role: str
    op: str
    value: float
    ends_clause: bool = False  # applies only when its clause ends after it


@dataclass(frozen=True)
class Generation:
    name: str
    first: int  # first birth year, inclusive
    last: int  # last birth year, inclusive
    words: tuple[Phrase, ...]


@dataclass(frozen=True)
class Vocabulary:
    fillers: frozenset[str]
    activity_words: frozenset[str]
    inactivity_words: frozenset[str]
    negations: frozenset[str]
    exclusion_words: frozenset[str]
    refine_openers: frozenset[str]
    refine_markers: tuple[Phrase, ...]
    exclude_openers: tuple[Phrase, ...]
    new_markers: tuple[Phrase, ...]
    comparators: tuple[tuple[Phrase, str], ...]  # longest first
    postfix_comparators: tuple[tuple[Phrase, str], ...]
    between_words: frozenset[str]
    range_joiners: frozenset[str]
    time_units: dict[str, int]
    time_window_openers: frozenset[str]
    time_window_words: frozenset[str]
    number_words: dict[str, int]
    ordinal_words: dict[str, int]
    decade_words: dict[str, int]
    month_names: dict[str, int]
    multipliers: dict[str, float]
    currency_words: frozenset[str]
    percent_words: tuple[Phrase, ...]
    share_words: dict[str, float]
    abbreviations: dict[str, tuple[str, ...]]
    concepts: dict[str, frozenset[str]]  # concept -> member stems
    word_concepts: dict[str, frozenset[str]]  # stem -> concepts
    role_concepts: dict[str, tuple[str, ...]]
    opposites: dict[str, str]  # word -> the concept it negates
    intensifiers: frozenset[str]
    average_words: frozenset[str]  # 'below average': relative to the column, not a number
    count_words: frozenset[str]  # 'times': a count of whatever the column counts
    stage_aliases: dict[str, tuple[Phrase, ...]]  # lifecycle stage -> other names
    phrases: tuple[tuple[Phrase, str], ...]  # longest first
    role_phrases: tuple[RolePhrase, ...]
    rank_top: frozenset[str]
    rank_bottom: frozenset[str]
    rank_measures: dict[str, str]
    rank_word_measures: dict[str, tuple[str, ...]]  # 'oldest' -> (age,), in order
    rfm_names: tuple[tuple[Phrase, str], ...]  # longest first
    value_groups: tuple[frozenset[Phrase], ...]
    place_concepts: frozenset[str]
    place_prepositions: frozenset[str]
    question_starts: tuple[Phrase, ...]
    knowledge_terms: tuple[Phrase, ...]
    generations: tuple[Generation, ...] = ()  # 'millennials': fixed birth-year ranges
    measure_units: frozenset[str] = frozenset()  # 'km', 'miles', 'hours' after a number

    def concepts_of(self, word: str) -> frozenset[str]:
        return self.word_concepts.get(stem(word), frozenset()) | self.word_concepts.get(
            word, frozenset())

    def group_of(self, phrase: Phrase) -> frozenset[Phrase] | None:
        for group in self.value_groups:
            if phrase in group:
                return group
        return None


def _phrase(text: Any) -> Phrase:
    return tuple(words_of(str(text)))


def _longest_first(pairs: list[tuple[Phrase, str]]) -> tuple[tuple[Phrase, str], ...]:
    return tuple(sorted((p for p in pairs if p[0]), key=lambda p: -len(p[0])))


def read_yaml(text: str) -> Any:
    """YAML where only 'true'/'false' are booleans: 'on', 'no', 'yes', 'y' stay words."""

    class WordLoader(yaml.SafeLoader):
        pass

    WordLoader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return yaml.load(text, Loader=WordLoader)  # noqa: S506 - a SafeLoader subclass


@cache
def load_vocabulary() -> Vocabulary:
    """Parse the shipped vocabulary once per process (it is immutable)."""
    text = resources.files("assistant.interpreter").joinpath("vocabulary.yaml").read_text("utf-8")
    raw: dict[str, Any] = read_yaml(text)
    return build_vocabulary(raw)


def build_vocabulary(raw: dict[str, Any]) -> Vocabulary:
    def words(key: str) -> frozenset[str]:
        return frozenset(" ".join(_phrase(w)) for w in raw.get(key, []))

    concepts: dict[str, frozenset[str]] = {}
    word_concepts: dict[str, set[str]] = {}
    for concept, members in raw["concepts"].items():
        stems = frozenset(stem(w.replace(" ", "_").lower()) for w in members or [])
        concepts[concept] = stems | {concept}
        for s in concepts[concept]:
            word_concepts.setdefault(s, set()).add(concept)
    comparators = [(_phrase(p), op) for op, ps in raw["comparators"].items() for p in ps]
    postfix = [(_phrase(p), op) for op, ps in raw["postfix_comparators"].items() for p in ps]
    rfm = [(_phrase(p), name) for name, ps in raw["rfm_names"].items() for p in ps]
    rfm += [(_phrase(name), name) for name in raw["rfm_names"]]
    return Vocabulary(
        fillers=words("fillers"),
        activity_words=words("activity_words"),
        inactivity_words=words("inactivity_words"),
        negations=words("negations"),
        exclusion_words=words("exclusion_words"),
        refine_openers=words("refine_openers"),
        refine_markers=tuple(_phrase(p) for p in raw["refine_markers"]),
        exclude_openers=tuple(sorted((_phrase(p) for p in raw["exclude_openers"]),
                                     key=lambda p: -len(p))),
        new_markers=tuple(_phrase(p) for p in raw["new_markers"]),
        comparators=_longest_first(comparators),
        postfix_comparators=_longest_first(postfix),
        between_words=words("between_words"),
        range_joiners=words("range_joiners"),
        time_units={str(k): int(v) for k, v in raw["time_units"].items()},
        time_window_openers=words("time_window_openers"),
        time_window_words=words("time_window_words"),
        number_words={str(k): int(v) for k, v in raw["number_words"].items()},
        ordinal_words={str(k): int(v) for k, v in raw["ordinal_words"].items()},
        decade_words={str(k): int(v) for k, v in raw["decade_words"].items()},
        month_names={str(k): int(v) for k, v in raw["month_names"].items()},
        multipliers={str(k): float(v) for k, v in raw["multipliers"].items()},
        currency_words=words("currency_words"),
        percent_words=tuple(_phrase(p) for p in raw["percent_words"]),
        share_words={str(k): float(v) for k, v in raw["share_words"].items()},
        abbreviations={str(k).lower(): tuple(v) for k, v in raw["abbreviations"].items()},
        concepts=concepts,
        word_concepts={k: frozenset(v) for k, v in word_concepts.items()},
        role_concepts={k: tuple(v) for k, v in raw["role_concepts"].items()},
        opposites={str(w): str(c) for c, ws in raw["opposites"].items() for w in ws},
        intensifiers=words("intensifiers"),
        count_words=words("count_words"),
        stage_aliases={str(k): tuple(_phrase(p) for p in v)
                       for k, v in raw.get("stage_aliases", {}).items()},
        average_words=words("average_words"),
        phrases=_longest_first([(_phrase(p), str(c)) for p, c in raw["phrases"].items()]),
        role_phrases=tuple(
            RolePhrase(words=tuple(_phrase(w) for w in item["words"]), role=item["role"],
                       op=item["op"], value=float(item["value"]),
                       ends_clause=bool(item.get("ends_clause", False)))
            for item in raw["role_phrases"]),
        rank_top=words("rank_top"),
        rank_bottom=words("rank_bottom"),
        rank_measures={str(k): str(v) for k, v in raw["rank_measures"].items()},
        rank_word_measures={str(k): tuple(str(c) for c in v)
                            for k, v in raw.get("rank_word_measures", {}).items()},
        rfm_names=_longest_first(rfm),
        value_groups=tuple(frozenset(_phrase(w) for w in group) for group in raw["value_groups"]),
        place_concepts=words("place_concepts"),
        place_prepositions=words("place_prepositions"),
        question_starts=tuple(_phrase(p) for p in raw["question_starts"]),
        knowledge_terms=tuple(_phrase(p) for p in raw["knowledge_terms"]),
        generations=tuple(
            Generation(name=str(item["name"]), first=int(item["first"]), last=int(item["last"]),
                       words=tuple(sorted((_phrase(w) for w in item["words"]),
                                          key=lambda p: -len(p))))
            for item in raw.get("generations", [])),
        measure_units=words("measure_units"),
    )
