"""0/1, yes/no and true/false flags in requests: "churned", "senior citizens",
"complained", "did not respond", "inactive" (-> active false), "stayed" (-> churn
false), "accepted any campaign" (any of several flags)."""

from __future__ import annotations

from assistant.interpreter.columns import (
    ColumnProfile,
    match_columns,
    root,
    verb_base,
    word_match,
)
from assistant.interpreter.state import Parse, Problem, compare
from assistant.interpreter.text import Kind, stem
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.definitions import And, Condition, In, NotIn, Or
from tools.engine.schema import DType, Role

_YES = frozenset({"yes", "y", "true", "t", "1", "1.0"})
_NO = frozenset({"no", "n", "false", "f", "0", "0.0"})


def is_flag(p: ColumnProfile) -> bool:
    if p.role == Role.FLAG or p.info.dtype == DType.BOOL:
        return True
    values = {v.strip().lower() for v in p.info.values}
    return len(values) == 2 and values <= (_YES | _NO) and bool(values & _YES)


def service_yes(p: ColumnProfile) -> str | None:
    """The 'Yes' of a Yes / No / 'No internet service' column: a flag with a third 'no' value."""
    if p.info.dtype != DType.TEXT or len(p.info.values) < 3:
        return None
    lows = {v.strip().lower(): v for v in p.info.values}
    if not ({"yes", "no"} <= set(lows) and all(
            v in ("yes", "no") or v.startswith("no ") for v in lows)):
        return None
    return lows["yes"]


def flag_values(p: ColumnProfile) -> tuple[object, object]:
    """(true, false) as the column stores them."""
    if p.info.dtype == DType.BOOL:
        return True, False
    if p.numeric:
        return 1, 0
    yes = next((v for v in p.info.values if v.strip().lower() in _YES), "Yes")
    no = next((v for v in p.info.values if v.strip().lower() in _NO), "No")
    return yes, no


# Concepts too general to name a flag on their own ("pay" is not "PaperlessBilling").
_GENERIC = frozenset({"money", "orders", "recency", "tenure"})


def _flag_hit(word: str, p: ColumnProfile, vocab: Vocabulary) -> float:
    score = word_match(word, p, vocab)
    if score and stem(word) not in p.stems and word not in p.stems and not (
            (vocab.concepts_of(word) - _GENERIC) & p.name_concepts) and root(word) not in {
            root(x) for x in p.stems} and verb_base(word) not in p.stems:
        return 0.0
    return score


def read_flags(parse: Parse) -> None:
    """'churned', 'senior citizens', 'complained', 'did not respond' -> flag == 1 / 0;
    'inactive' -> active == 0; 'accepted any campaign' -> any of the campaign flags."""
    flags = [p for p in parse.profiles if is_flag(p) or service_yes(p)]
    if not flags:
        return
    vocab = parse.vocab
    i = 0
    while i < len(parse.tokens):
        word = parse.low(i)
        if not (parse.free(i) and parse.tokens[i].kind == Kind.WORD):
            i += 1
            continue
        if len(word) <= 3 and word in vocab.fillers and not vocab.concepts_of(word):
            i += 1  # "in", "with": words of a name like email_opt_in, never one on their own
            continue
        opposite, root = False, word
        if not any(_flag_hit(word, p, vocab) for p in flags):
            if word in vocab.opposites:  # "stayed" -> churn, "retained" -> churn
                root = vocab.opposites[word]
                hit = any(_flag_hit(root, p, vocab) for p in flags)
            else:  # "inactive", "unsubscribed", "non-smoker"
                root = word[2:] if word[:2] in ("in", "un") else (
                    word[3:] if word[:3] == "non" else "")
                hit = bool(root) and any(root in p.stems or _flag_hit(root, p, vocab)
                                         for p in flags)  # "unsubscribed" -> Subscription
            if not hit:
                i += 1
                continue
            opposite = True
        window = [i]
        k = i + 1
        inner_none = False  # "accepted none of the campaigns"
        first = {p.name for p in flags if _flag_hit(root if opposite else word, p, vocab)}
        while k < len(parse.tokens) and len(window) < 5 and parse.free(k) and (
                not parse.is_boundary(k)) and (
                parse.tokens[k].kind in (Kind.WORD, Kind.NUMBER)) and (
                any(_flag_hit(parse.low(k), p, vocab) for p in flags)
                or parse.low(k) in vocab.ordinal_words or parse.is_filler(k)
                or parse.low(k) in ("none", "no")):
            hits = {p.name for p in flags if _flag_hit(_as_digit(parse, k), p, vocab)}
            if len(first) == 1 and hits and not hits & first and not _compound(
                    parse, flags, window, k):
                break  # "churned seniors": two flags, each read on its own
            inner_none = inner_none or parse.low(k) in ("none", "no")
            window.append(k)
            k += 1
        while window and window[-1] != i and not any(
                _flag_hit(_as_digit(parse, window[-1]), p, vocab) for p in flags):
            window.pop()
        words = [(w, _as_digit(parse, w)) for w in window]
        if opposite:
            words[0] = (i, root)
        if word in vocab.fillers and not opposite and len(words) > 1:
            # "used a discount": a filler verb that is also a name word ("Promo Code Used")
            # does not choose the column when a real word follows.
            match = match_columns(words[1:], flags, vocab)
        else:
            match = match_columns(words, flags, vocab)
        if match is not None and match.column is not None and len(window) > 1 and (
                i + 1 in window and not parse.is_filler(i + 1)) and not _flag_hit(
                words[0][1], match.column, vocab):
            # "discounted subscribed customers": stacked adjectives, the first not about the
            # column the rest names; read it on its own (and the rest after it). A verb with
            # its object ("accepted the last offer") keeps the object's column.
            window, words = [i], words[:1]
            match = match_columns(words, flags, vocab)
        if match is None:
            i += 1
            continue
        negated = (parse.negated_before(window[0]) or inner_none) != opposite
        if match.column is None:
            _several_flags(parse, window, match.best, negated)
            i = window[-1] + 1
            continue
        column = match.column
        yes = service_yes(column)
        if yes is not None:  # 'without tech support' also covers 'No internet service'
            condition: Condition = (NotIn if negated else In)(column=column.name, values=[yes])
            parse.add(window[0], window[-1] + 1, condition,
                      f"{column.name} {'!=' if negated else '=='} {yes}")
            i = window[-1] + 1
            continue
        true, false = flag_values(column)
        value = false if negated else true
        parse.add(window[0], window[-1] + 1, compare(column, "==", value),  # type: ignore[arg-type]
                  f"{column.name} == {value}")
        i = window[-1] + 1


def _several_flags(parse: Parse, window: list[int], best: list[ColumnProfile],
                   negated: bool) -> None:
    """'accepted any campaign' -> Or over the tied flags; 'all campaigns' -> And; else ask."""
    near = {parse.low(k) for k in range(window[0] - 2, window[-1] + 1)}
    start, end = window[0], window[-1] + 1
    conditions: list[Condition] = []
    for p in best:
        true, false = flag_values(p)
        conditions.append(compare(p, "==", false if negated else true))  # type: ignore[arg-type]
    names = ", ".join(p.name for p in best)
    modifier = _modifier_column(parse, window, best)
    if modifier is not None:
        # "a housing loan" with flag columns housing and loan: a compound's first word says
        # which kind of the second it is, so its own column is meant.
        true, false = flag_values(modifier)
        value = false if negated else true
        parse.add(start, end, compare(modifier, "==", value),  # type: ignore[arg-type]
                  f"{modifier.name} == {value}")
    elif _different_words(parse, window, best):
        # Each word names its own column and no compound says which: ask.
        parse.claim(start, end)
        parse.problems.append(Problem(
            f"'{' '.join(parse.low(w) for w in window)}' fits several columns: which one?",
            [p.name for p in best]))
    elif near & {"any", "either", "one", "a", "an"} and not negated:
        parse.add(start, end, Or(any=conditions), f"any of {names}")
        _claim_words(parse, window[0] - 2, window[0], {"any", "either", "at", "least", "one"})
    elif near & {"all", "every", "each", "both"} or (
            negated and near & {"any", "a", "an", "one", "none", "no", "single"}):
        parse.add(start, end, And(all=conditions), f"all of {names}")
        _claim_words(parse, window[0] - 2, window[0], {"all", "every", "each", "both", "any"})
    else:
        parse.claim(start, end)
        parse.problems.append(Problem(
            f"'{' '.join(parse.low(w) for w in window)}' fits several columns: which one?",
            [p.name for p in best]))


def _compound(parse: Parse, flags: list[ColumnProfile], window: list[int], k: int) -> bool:
    """'housing loan': the word before k and k are exactly the names of two flag columns."""
    words = [w for w in window if not parse.is_filler(w)]
    if not words or words[-1] != k - 1:
        return False
    exact = [[p for p in flags if p.stems == {stem(parse.low(w))}] for w in (k - 1, k)]
    return all(len(e) == 1 for e in exact) and exact[0][0] is not exact[1][0]


def _modifier_column(parse: Parse, window: list[int],
                     best: list[ColumnProfile]) -> ColumnProfile | None:
    """Two adjacent words, each exactly the name of one of two tied flag columns."""
    words = [w for w in window if not parse.is_filler(w)]
    if len(best) != 2 or len(words) != 2 or words[1] != words[0] + 1:
        return None
    named = [[p for p in best if p.stems == {stem(parse.low(w))}] for w in words]
    if all(len(n) == 1 for n in named) and named[0][0] is not named[1][0]:
        return named[0][0]
    return None


def _different_words(parse: Parse, window: list[int], best: list[ColumnProfile]) -> bool:
    """No one word of the window names all the tied columns."""
    return not any(all(_flag_hit(_as_digit(parse, w), p, parse.vocab) for p in best)
                   for w in window)


def _claim_words(parse: Parse, start: int, end: int, words: set[str]) -> None:
    for k in range(max(start, 0), end):
        if parse.free(k) and parse.low(k) in words:
            parse.claim(k, k + 1)


def _as_digit(parse: Parse, i: int) -> str:
    """'third campaign' -> '3' so it meets AcceptedCmp3."""
    word = parse.low(i)
    if word in parse.vocab.ordinal_words:
        return str(parse.vocab.ordinal_words[word])
    tok = parse.tokens[i]
    if tok.kind == Kind.NUMBER and tok.value is not None and tok.value.is_integer():
        return str(int(tok.value))
    return word
