"""Segment requests: the follow-up mode, the condition, and what to ask when it fails.

A follow-up that narrows ("now only those in France") refines the current
segment, one that removes ("exclude the UK") excludes from it; anything else is
a new segment. Without a current segment both become a new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.interpreter.calls import Interpretation, InterpreterContext, ToolCall
from assistant.interpreter.commands import CommandTable
from assistant.interpreter.conditions import Reading, negate, read_condition
from assistant.interpreter.dates import merge_dates
from assistant.interpreter.numbers import merge_numbers
from assistant.interpreter.phrases import merge_phrases
from assistant.interpreter.state import condition_nodes
from assistant.interpreter.text import Kind, Token, normalise, tokenize, words_of
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.definitions import And, Condition, conjunction
from tools.engine.schema import Role

_LEAD_WORDS = frozenset({"ok", "okay", "so", "please", "then", "alright", "great", "right",
                         "hmm", "well", "cool", "thanks"})


_DISCOURSE = frozenset({"now", "only", "just", "and", "also", "then", "of", "among", "amongst",
                        "keep", "narrow", "filter", "limit", "restrict", "plus", "but"})


_KEEP = frozenset({"with", "without", "from", "in", "within", "outside", "over", "under",
                   "who", "whose", "that", "which", "at"})


@dataclass(frozen=True)
class Request:
    """One request (or one part of a request that asked for several things)."""

    text: str
    context: InterpreterContext
    vocab: Vocabulary
    table: CommandTable
    has_current: bool


def question(text: str) -> Interpretation:
    question = " ".join(text.split())[:1000]
    return Interpretation(calls=[ToolCall(name="answer_question", args={"question": question})],
                          understood="a general question")


def is_knowledge_question(cleaned: str, r: Request) -> bool:
    words = tuple(words_of(cleaned))
    if not any(words[:len(s)] == s for s in r.vocab.question_starts):
        return False
    text = " ".join(words)
    if any(f" {w} " in f" {text} " for w in ("them", "they", "this segment", "these customers",
                                               "those customers", "my data", "our data")):
        return False
    return any(" ".join(t) in text for t in r.vocab.knowledge_terms)


def request_tokens(text: str, vocab: Vocabulary) -> list[Token]:
    return merge_dates(merge_numbers(merge_phrases(tokenize(text), vocab), vocab), vocab)


def _mode(tokens: list[Token], vocab: Vocabulary) -> tuple[str, int, list[int]]:
    """('new' | 'refine' | 'exclude', tokens of the opener to skip, marker positions)."""
    k = 0
    while k < len(tokens) and (tokens[k].low in _LEAD_WORDS or tokens[k].kind == Kind.PUNCT):
        k += 1
    for start in (k, k + 1):
        if start > k and (start - 1 >= len(tokens) or tokens[start - 1].low not in (
                "and", "now", "also", "but", "then")):
            continue
        for phrase in vocab.exclude_openers:
            if tuple(t.low for t in tokens[start:start + len(phrase)]) == phrase:
                return "exclude", start + len(phrase), []
    lows = [t.low for t in tokens]
    for phrase in vocab.new_markers:
        n = len(phrase)
        for i in range(len(lows) - n + 1):
            if tuple(lows[i:i + n]) == phrase:
                return "new!", k, list(range(i, i + n))  # "France instead", "switch to France"
    for j in (k, k + 1):
        if tuple(lows[j:j + 2]) in (("what", "about"), ("how", "about")) and (
                j == k or lows[k] in ("and", "so", "then")):
            return "new!", j + 2, []  # "what about France?": the same question, another group
    for phrase in vocab.refine_markers:
        n = len(phrase)
        for i in range(len(lows) - n + 1):
            if tuple(lows[i:i + n]) == phrase:
                # Claim "those", "of them"; keep "with", "from", "in": they belong to the
                # condition ("those with kids at home").
                return "refine", k, [j for j in range(i, i + n) if lows[j] not in _KEEP]
    if k < len(tokens) and tokens[k].low in vocab.refine_openers:
        # "now ...", "only ...": pure follow-up words are skipped; "with kids", "over 50",
        # "from France" keep their word, which is part of the condition.
        return "refine", k + 1 if tokens[k].low in _DISCOURSE else k, []
    return "new", k, []


def define(r: Request) -> Interpretation:
    tokens = request_tokens(r.text, r.vocab)
    mode, skip, markers = _mode(tokens, r.vocab)
    explicit_new = mode == "new!"  # "what about ...", "... instead": never a refinement
    mode = "new" if explicit_new else mode
    reading = _read(tokens, skip, markers, r)
    if reading.condition is None:
        return _clarify(reading, r)
    condition: Condition = reading.condition
    understood = reading.understood
    if not r.has_current and mode == "refine":
        mode = "new"
    if r.has_current and mode == "new" and not explicit_new and _is_fragment(
            tokens, skip, condition):
        mode = "refine"  # "aged under 40" after "women": a fragment narrows the segment
    if not r.has_current and mode == "exclude":
        mode, condition = "new", negate(condition)
        understood = f"not ({understood})"
    current = r.context.current_condition
    if explicit_new and r.has_current and current is not None:
        swapped = swap_parts(current, condition)
        if swapped is not None:  # "what about men?": the same question for another group
            condition, understood = swapped, f"the same with {understood}"
    args = {"condition": condition.model_dump(mode="json"), "mode": mode}
    prefix = {"new": "", "refine": "current segment and ", "exclude": "current segment minus "}
    return Interpretation(calls=[ToolCall(name="define_segment", args=args)],
                          understood=prefix[mode] + understood)


# Nouns for people: a request naming them describes a whole new group.
_PEOPLE = frozenset({"customers", "customer", "clients", "client", "people", "persons",
                     "shoppers", "buyers", "users", "members", "accounts", "consumers",
                     "subscribers", "households", "everyone", "anyone", "women", "men",
                     "ladies", "females", "males", "guys", "seniors", "spenders", "segment",
                     "group", "list", "show", "find", "give", "get", "all", "champions"})


def _is_fragment(tokens: list[Token], skip: int, condition: Condition) -> bool:
    """A follow-up that names no people and no named segment ('aged under 40')."""
    if any(t.low in _PEOPLE for t in tokens[skip:]):
        return False
    dumped = str(condition.model_dump())
    return "rfm_segment" not in dumped and "lifecycle" not in dumped


def _read(tokens: list[Token], skip: int, markers: list[int], r: Request) -> Reading:
    return read_condition(
        tokens, r.context.schema, r.vocab, claimed=[*range(skip), *markers],
        rfm_names=r.context.rfm_segment_names, stages=_stages(r.context),
        as_of=r.context.as_of, data_end=r.context.data_end)


def _stages(context: InterpreterContext) -> tuple[str, ...]:
    """The lifecycle stages the data can have: the context's, else the engine's defaults
    when the data has the recency, frequency and tenure the stages are computed from."""
    if context.lifecycle_stages:
        return context.lifecycle_stages
    schema = context.schema
    if not all(schema.by_role(role) for role in (Role.RECENCY, Role.FREQUENCY, Role.TENURE)):
        return ()
    try:
        from tools.engine.lifecycle import STAGES
    except ImportError:
        return ()
    return tuple(STAGES)


def _clarify(reading: Reading, r: Request) -> Interpretation:
    if _looks_like_question(r.text):
        return question(r.text)
    if not reading.problems:
        return Interpretation(calls=[], clarification=(
            "What should the segment contain? For example: customers who spent over 1000, "
            "or who haven't ordered in 3 months."), options=[c.name for c in
                                                             r.context.schema.columns][:8])
    options: list[str] = []
    for p in reading.problems:
        options.extend(o for o in p.options if o not in options)
    message = " ".join(p.message for p in reading.problems[:3])
    return Interpretation(calls=[], clarification=message, options=options[:10])


def _looks_like_question(text: str) -> bool:
    low = normalise(text).strip()
    return bool(re.match(r"(?:what|why|how|when|should|is|are|can|does|do|explain|define)\b",
                         low)) and not re.match(r"how many\b", low)



def swap_parts(current: Condition, new: Condition) -> Condition | None:
    """The current condition with its parts about the new condition's columns replaced by
    the new condition; None when nothing of the current one would be kept or replaced."""
    old_parts = list(current.all) if isinstance(current, And) else [current]
    new_parts = list(new.all) if isinstance(new, And) else [new]
    asked = set().union(*(_subjects(p) for p in new_parts))
    kept = [p for p in old_parts if not _subjects(p) <= asked]
    if len(kept) == len(old_parts) or not kept:
        return None
    return conjunction([*kept, *new_parts])


def _subjects(condition: Condition) -> set[str]:
    """The columns a condition is about; named segments and stages count as their kind."""
    found: set[str] = set()
    for node in condition_nodes(condition):
        if isinstance(node.get("column"), str):
            found.add(node["column"])
        elif node.get("type") in ("rfm_segment", "rfm_score", "lifecycle", "cluster", "segment"):
            found.add(f"<{node['type']}>")
    return found
