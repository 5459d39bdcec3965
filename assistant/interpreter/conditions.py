"""A request's words -> one segment condition over the data's real columns, or a question.

Extractors run from the most specific reading to the most general (fixed
phrases, multi-word values, time windows, ranks, comparisons, flags, single
values, counts, bare numbers). Words none of them understood are reported, so
the interpreter asks instead of presenting a guessed segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from assistant.interpreter.ages import read_generations
from assistant.interpreter.columns import (
    build_profiles,
)
from assistant.interpreter.comparisons import (
    read_bare_numbers,
    read_comparisons,
    read_decades,
    read_signs,
)
from assistant.interpreter.counts import read_counts
from assistant.interpreter.flags import read_flags
from assistant.interpreter.leftovers import check_leftovers
from assistant.interpreter.phrases import read_role_phrases, read_segment_names
from assistant.interpreter.ranking import read_ranks
from assistant.interpreter.scores import read_rfm_scores
from assistant.interpreter.state import Parse, Part, Problem
from assistant.interpreter.text import Token
from assistant.interpreter.time_windows import read_time_windows
from assistant.interpreter.values import (
    common_words,
    read_no_values,
    read_values,
    value_index,
    value_words,
)
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.definitions import (
    And,
    Condition,
    In,
    Not,
    NotIn,
    Or,
    RfmScore,
    RfmSegment,
    conjunction,
)
from tools.engine.schema import Role, Schema


@dataclass
class Reading:
    condition: Condition | None
    understood: str = ""
    problems: list[Problem] = field(default_factory=list)


def read_condition(tokens: list[Token], schema: Schema, vocab: Vocabulary, *,
                   rfm_names: tuple[str, ...], stages: tuple[str, ...],
                   as_of: date | None, claimed: Sequence[int] = (),
                   data_end: date | None = None) -> Reading:
    """The condition the tokens describe; `claimed` tokens (a follow-up's opener) are skipped."""
    profiles = build_profiles(schema, vocab)
    index = value_index(profiles, vocab, common_words(vocab))
    parse = Parse(tokens=tokens, vocab=vocab, profiles=profiles,
                  value_words=value_words(index, vocab), values=index)
    for i in claimed:
        parse.claim(i, i + 1)
    read_role_phrases(parse)
    read_generations(parse)
    read_segment_names(parse, rfm_names, stages)
    read_rfm_scores(parse)
    read_no_values(parse)  # "no internet service" is InternetService == No, before the
    read_values(parse, min_words=2)  # value "No internet service" of its add-on columns
    read_time_windows(parse, as_of or data_end)
    read_ranks(parse)
    read_decades(parse, as_of)
    read_comparisons(parse, as_of)
    read_signs(parse)
    read_flags(parse)
    read_values(parse, min_words=1)
    read_counts(parse)
    read_bare_numbers(parse, as_of)
    if not parse.parts and not parse.problems:
        read_values(parse, min_words=1, lenient=True)
    _apply_exclusions(parse)
    _check_rfm(parse, schema)
    check_leftovers(parse, schema)
    if parse.problems:
        return Reading(condition=None, problems=parse.problems)
    if not parse.parts:
        return Reading(condition=None)
    condition, understood = _combine(parse)
    return Reading(condition=condition, understood=understood)


def _combine(parse: Parse) -> tuple[Condition, str]:
    # A customer has one value per column: "electronics and computers" can only mean either.
    parts = _merge_same_column(sorted(parse.parts, key=lambda p: p.start))
    groups: list[list[Part]] = [[parts[0]]]
    for prev, part in zip(parts, parts[1:], strict=False):
        between = [t.low for t in parse.tokens[prev.end:part.start]]
        if "or" in between and "and" not in between:
            groups[-1].append(part)
        else:
            groups.append([part])
    conditions: list[Condition] = []
    texts: list[str] = []
    for group in groups:
        if len(group) == 1:
            conditions.append(group[0].condition)
            texts.append(group[0].text)
        else:
            conditions.append(Or(any=[p.condition for p in group]))
            texts.append("(" + " or ".join(p.text for p in group) + ")")
    return conjunction(conditions), " and ".join(texts)


def _merge_same_column(group: list[Part]) -> list[Part]:
    """'electronics or computers': one list of values for one column."""
    merged: list[Part] = []
    for part in group:
        same = next((m for m in merged if isinstance(m.condition, In) and isinstance(
            part.condition, In) and m.condition.column == part.condition.column), None)
        if same is None:
            merged.append(part)
            continue
        assert isinstance(same.condition, In) and isinstance(part.condition, In)
        values = list(dict.fromkeys([*same.condition.values, *part.condition.values]))
        same.condition = In(column=same.condition.column, values=values)
        same.start, same.end = min(same.start, part.start), max(same.end, part.end)
        same.text = f"{same.condition.column} in [{', '.join(map(str, values))}]"
    return merged


def _check_rfm(parse: Parse, schema: Schema) -> None:
    if not any(isinstance(p.condition, RfmSegment | RfmScore) or (
            isinstance(p.condition, And) and any(isinstance(c, RfmScore)
                                                 for c in p.condition.all))
               for p in parse.parts):
        return
    missing = [r.value for r in (Role.RECENCY, Role.FREQUENCY, Role.MONETARY)
               if not schema.by_role(r)]
    if missing:
        parse.problems.append(Problem(
            "RFM segments need recency, frequency and monetary columns; this data has no "
            f"{', '.join(missing)} column (map one with --map {missing[0]}=COLUMN).",
            [c.name for c in schema.columns][:8]))


_EXCLUDERS = frozenset({"except", "excluding", "exclude", "but", "not", "non", "minus", "without",
                        "besides", "other"})


def _apply_exclusions(parse: Parse) -> None:
    """'UK customers excluding those who spent under 100': an exclusion word left before a
    condition (values and flags take theirs themselves) negates that condition."""
    for part in parse.parts:
        i = part.start - 1
        while i >= 0 and parse.is_filler(i) and parse.low(i) not in (
                _EXCLUDERS | {"and", "or", "with"}) and not any(
                p.start <= i < p.end for p in parse.parts):
            i -= 1
        if not (parse.free(i) and parse.low(i) in _EXCLUDERS - {"but", "other"}):
            continue
        parse.claim(i, part.start)
        if parse.free(i - 1) and parse.low(i - 1) == "but":
            parse.claim(i - 1, i)
        part.condition = negate(part.condition)
        part.text = f"not ({part.text})"


def negate(condition: Condition) -> Condition:
    if isinstance(condition, In):
        return NotIn(column=condition.column, values=condition.values)
    if isinstance(condition, NotIn):
        return In(column=condition.column, values=condition.values)
    if isinstance(condition, Not):
        return condition.condition
    return Not(condition=condition)
