"""Whole phrases with a fixed meaning: multi-word terms, "one-time buyers", RFM segment names."""

from __future__ import annotations

from assistant.interpreter.columns import by_role, word_match
from assistant.interpreter.state import Parse, Problem, compare, fmt
from assistant.interpreter.text import Kind, Token, words_of
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.definitions import Lifecycle, RfmSegment
from tools.engine.schema import Role


def merge_phrases(tokens: list[Token], vocab: Vocabulary) -> list[Token]:
    """Read 'with us', 'years old', 'last campaign' as single concept words."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        for phrase, concept in vocab.phrases:
            n = len(phrase)
            if tuple(t.low for t in tokens[i:i + n]) == phrase:
                out.append(Token(low=concept, kind=Kind.WORD, surface=" ".join(phrase),
                                 concept=concept, parts=list(phrase)))
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def read_role_phrases(parse: Parse) -> None:
    """'one-time buyers' -> frequency == 1, 'repeat customers' -> frequency > 1."""
    role_names = {"frequency": Role.FREQUENCY, "monetary": Role.MONETARY,
                  "recency": Role.RECENCY, "tenure": Role.TENURE}
    surfaces = [t.surface if t.concept else t.low for t in parse.tokens]
    for item in parse.vocab.role_phrases:
        for phrase in sorted(item.words, key=len, reverse=True):
            for i in range(len(parse.tokens) - len(phrase) + 1):
                if not all(parse.free(i + k) for k in range(len(phrase))):
                    continue
                if tuple(surfaces[i:i + len(phrase)]) != phrase:
                    continue
                if item.ends_clause and not _clause_ends(parse, i + len(phrase)):
                    continue
                column = by_role(parse.profiles, role_names[item.role])
                if column is None:
                    parse.problems.append(Problem(
                        f"'{' '.join(phrase)}' needs a {item.role} column, and this data has "
                        "none.", [p.name for p in parse.profiles][:8]))
                    parse.claim(i, i + len(phrase))
                    continue
                value = int(item.value) if item.value.is_integer() else item.value
                parse.add(i, i + len(phrase), compare(column, item.op, value),
                          f"{column.name} {item.op} {fmt(value)}")


_CLAUSE_ENDS = frozenset({"and", "or", "but", "who", "whose", "that", "which", "yet",
                          "anything", "at", "all", "ever", "before", "so", "far"})


def _clause_ends(parse: Parse, k: int) -> bool:
    return k >= len(parse.tokens) or parse.tokens[k].kind == Kind.PUNCT or parse.low(
        k) in _CLAUSE_ENDS


def read_segment_names(parse: Parse, rfm_names: tuple[str, ...],
                       stages: tuple[str, ...]) -> None:
    """RFM segment names ("champions", "at risk") and lifecycle stages, when asked for."""
    lows = [t.low for t in parse.tokens]
    mentions_lifecycle = any(w in ("lifecycle", "stage", "stages", "life") for w in lows)
    if mentions_lifecycle and stages:
        for stage in sorted(stages, key=len, reverse=True):
            phrase = tuple(stage.lower().replace("-", " ").split())
            for i in range(len(lows) - len(phrase) + 1):
                if parse.matches(i, phrase):
                    _claim_stage_words(parse)
                    parse.add(i, i + len(phrase), Lifecycle(stages=[stage]),
                              f"lifecycle stage {stage}")
        return
    known = {n.lower(): n for n in rfm_names}
    # The scheme's own names count too (a team's scheme may call a cell "Sleeping Dogs").
    own = [(tuple(words_of(n)), n) for n in rfm_names]
    for phrase, name in sorted([*parse.vocab.rfm_names, *own], key=lambda p: -len(p[0])):
        if name.lower() not in known or not phrase:
            continue
        for i in range(len(lows) - len(phrase) + 1):
            if not parse.matches(i, phrase):
                continue
            if phrase in (("loyal",), ("promising",)) and _names_a_column(parse, i + 1):
                continue
            if name == "New Customers" and _says_when_they_joined(parse, i + len(phrase)):
                # "new customers who joined this year": the date decides; "new customers in
                # the last 30 days": "new" itself says the window is about joining.
                if any(parse.low(k) in _JOIN_WORDS for k in range(i + 1, len(lows))):
                    parse.claim(i, i + 1)
                continue
            end = i + len(phrase)
            if parse.free(end) and lows[end] in ("segment", "segments", "group", "customers"):
                end += 1
            parse.add(i, end, RfmSegment(segments=[known[name.lower()]]), f"RFM {name}")
    if stages:
        _read_free_stages(parse, stages)
    _merge_named(parse)


def _merge_named(parse: Parse) -> None:
    """'champions and loyal customers' is one segment holding both names (a union)."""
    rfm = sorted((p for p in parse.parts if isinstance(p.condition, RfmSegment)),
                 key=lambda p: p.start)
    if len(rfm) > 1:
        names = [n for p in rfm for n in p.condition.segments]  # type: ignore[union-attr]
        first = rfm[0]
        first.condition = RfmSegment(segments=list(dict.fromkeys(names)))
        first.text = "RFM " + " or ".join(dict.fromkeys(names))
        first.end = max(p.end for p in rfm)
        parse.parts = [p for p in parse.parts if p is first or p not in rfm]
    stages = sorted((p for p in parse.parts if isinstance(p.condition, Lifecycle)),
                    key=lambda p: p.start)
    if len(stages) > 1:
        names = [n for p in stages for n in p.condition.stages]  # type: ignore[union-attr]
        first = stages[0]
        first.condition = Lifecycle(stages=list(dict.fromkeys(names)))
        first.text = "lifecycle stage " + " or ".join(dict.fromkeys(names))
        parse.parts = [p for p in parse.parts if p is first or p not in stages]


_DURATION_FOLLOWERS = frozenset({"for", "in", "since", "within", "over", "during", "the"})


def _read_free_stages(parse: Parse, stages: tuple[str, ...]) -> None:
    """'lapsed customers': a lifecycle stage no RFM name or column claims, used as a noun
    phrase (not 'lapsed 90 days', which is a time window)."""
    rfm_phrases = {phrase for phrase, _ in parse.vocab.rfm_names}
    named = [(stage, tuple(stage.lower().replace("-", " ").split())) for stage in stages]
    if _has_lifecycle_inputs(parse):
        named += [(stage, alias) for stage in stages
                  for alias in parse.vocab.stage_aliases.get(stage, ())
                  if not any(word_match(w, p, parse.vocab) for w in alias
                             for p in parse.profiles)]
    for stage, phrase in named:
        if phrase in rfm_phrases or any(w in p.stems for p in parse.profiles for w in phrase):
            continue
        for i in range(len(parse.tokens) - len(phrase) + 1):
            end = i + len(phrase)
            if not parse.matches(i, phrase):
                continue
            if _inside_a_value(parse, i, end) or phrase in parse.values:
                continue  # "New York" is a place, "Active" a status value, not the stage
            if phrase == ("new",) and _says_when_they_joined(parse, end):
                continue  # "new customers in the last 30 days": a join window
            following = parse.tokens[end] if end < len(parse.tokens) else None
            if following is not None and (following.kind == Kind.NUMBER
                                          or following.low in _DURATION_FOLLOWERS):
                continue
            parse.add(i, end, Lifecycle(stages=[stage]), f"lifecycle stage {stage}")


def _has_lifecycle_inputs(parse: Parse) -> bool:
    roles = {p.role for p in parse.profiles}
    return {Role.RECENCY, Role.FREQUENCY, Role.TENURE} <= roles


def _inside_a_value(parse: Parse, start: int, end: int) -> bool:
    lows = [t.low for t in parse.tokens]
    for key in parse.values:
        n = len(key)
        if n <= end - start:
            continue
        for first in range(max(0, end - n), start + 1):
            if tuple(lows[first:first + n]) == key:
                return True
    return False


def _claim_stage_words(parse: Parse) -> None:
    for i, tok in enumerate(parse.tokens):
        if tok.low in ("lifecycle", "stage", "stages") and parse.free(i):
            parse.claim(i, i + 1)


_JOIN_WORDS = frozenset({"joined", "join", "signup", "registered", "acquired", "first",
                         "onboarded", "enrolled", "with_us", "customer_since", "started"})


def _says_when_they_joined(parse: Parse, start: int) -> bool:
    lows = [parse.low(k) for k in range(start, len(parse.tokens))]
    if any(w in _JOIN_WORDS for w in lows):
        return True
    # "new customers in the last 30 days", "new customers this month"
    return any(w in ("last", "past", "within", "this", "since") for w in lows) and any(
        w in parse.vocab.time_units for w in lows)


def _names_a_column(parse: Parse, i: int) -> bool:
    """'loyal' in 'loyalty score' style phrases belongs to a column, not the RFM segment."""
    return parse.free(i) and any(parse.low(i) in p.stems for p in parse.profiles)
