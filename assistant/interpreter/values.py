"""The data's own values in a request: categories ("from Germany", "married", "SP"),
0/1 and yes/no flags ("churned", "senior citizens", "complained") and counts
("with kids at home" -> Kidhome > 0, "without kids" -> Kidhome == 0).

Values match case-insensitively, through plurals and demonyms ("German
customers" -> Germany, "women" -> Female); short codes ("SP") only when written
as codes, so "in" or "us" in a sentence never becomes a state or country.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.interpreter.columns import ColumnProfile, match_columns, root, word_match
from assistant.interpreter.state import Parse, Problem, compare
from assistant.interpreter.text import Kind, stem, words_of
from assistant.interpreter.vocabulary import Phrase, Vocabulary
from tools.engine.definitions import And, Condition, In, NotIn, Or
from tools.engine.schema import DType, Role

# Values that are ordinary words: matched only through a flag or a named column.
_STOP_VALUES = frozenset({"yes", "no", "true", "false", "none", "other",
                          "others", "unknown", "na", "n a", "nan", "null", "missing", "0", "1",
                          "all", "any", "not available"})
_SUBJECT_WORDS = frozenset({"customer", "customers", "client", "clients", "user", "users",
                            "member", "members", "account", "accounts"})
_YES = frozenset({"yes", "y", "true", "t", "1", "1.0"})
_NO = frozenset({"no", "n", "false", "f", "0", "0.0"})
_VALUE_ROLES = frozenset({Role.CATEGORY, Role.FLAG, Role.STATUS, Role.MEASURE})


@dataclass(frozen=True)
class _Entry:
    column: ColumnProfile
    value: str
    short: bool  # a code: must be written in capitals (or be long enough to be unambiguous)


def value_index(profiles: Sequence[ColumnProfile], vocab: Vocabulary,
                common: frozenset[str]) -> dict[Phrase, list[_Entry]]:
    index: dict[Phrase, list[_Entry]] = {}

    def put(key: Phrase, entry: _Entry) -> None:
        if key and entry not in index.setdefault(key, []):
            index[key].append(entry)

    for p in profiles:
        if p.role not in _VALUE_ROLES or p.info.dtype != DType.TEXT or is_flag(p):
            continue
        for value in p.info.values:
            key = tuple(words_of(value))
            text = " ".join(key)
            if not key or text in _STOP_VALUES or all(w.replace(".", "").isdigit() for w in key):
                continue
            short = len(text) <= 2 or text in common
            put(key, _Entry(p, value, short))
            core = tuple(words_of(value.split("(")[0]))
            put(core, _Entry(p, value, short or len(" ".join(core)) <= 2))
            put(key[:-1] + (stem(key[-1]),), _Entry(p, value, short))
            bare = tuple(w for w in key if w not in ("and", "&"))
            if len(bare) > 1:
                put(bare, _Entry(p, value, short))  # "health_beauty" for "health and beauty"
            # "Attrited Customer" is found as "attrited" too.
            trimmed = tuple(w for w in key if w not in _SUBJECT_WORDS)
            if trimmed and trimmed != key:
                put(trimmed, _Entry(p, value, short or len(" ".join(trimmed)) <= 2))
            group = vocab.group_of(key) or vocab.group_of(core) or vocab.group_of(trimmed)
            for alias in group or ():
                alias_short = len(" ".join(alias)) <= 2 or " ".join(alias) in common
                put(alias, _Entry(p, value, alias_short))
    return index


def common_words(vocab: Vocabulary) -> frozenset[str]:
    """Words too ordinary to be taken for a short value unless written as a code."""
    return vocab.fillers | vocab.negations | frozenset(vocab.time_units)


def value_words(index: dict[Phrase, list[_Entry]], vocab: Vocabulary) -> frozenset[str]:
    return frozenset(w for key in index for w in key if w not in vocab.fillers)


def is_flag(p: ColumnProfile) -> bool:
    if p.role == Role.FLAG or p.info.dtype == DType.BOOL:
        return True
    values = {v.strip().lower() for v in p.info.values}
    return len(values) == 2 and values <= (_YES | _NO) and bool(values & _YES)


def flag_values(p: ColumnProfile) -> tuple[object, object]:
    """(true, false) as the column stores them."""
    if p.info.dtype == DType.BOOL:
        return True, False
    if p.numeric:
        return 1, 0
    yes = next((v for v in p.info.values if v.strip().lower() in _YES), "Yes")
    no = next((v for v in p.info.values if v.strip().lower() in _NO), "No")
    return yes, no


def read_values(parse: Parse, min_words: int = 1, lenient: bool = False) -> None:
    """Category values in the text; `lenient` also takes common words that are values
    ("consumer") when nothing else in the request named a condition."""
    index = parse.values
    found: dict[tuple[str, bool], tuple[ColumnProfile, list[str], int, int]] = {}
    for n in (5, 4, 3, 2, 1):
        if n < min_words:
            break
        for i in range(len(parse.tokens) - n + 1):
            if not all(parse.free(i + k) and parse.tokens[i + k].kind in (
                    Kind.WORD, Kind.NUMBER) for k in range(n)):
                continue
            key = tuple(t.low for t in parse.tokens[i:i + n])
            if key[0] in ("and", "&") or key[-1] in ("and", "&"):
                continue
            entries = index.get(key) or index.get(key[:-1] + (stem(key[-1]),), [])
            if not entries and "and" in key:
                bare = tuple(w for w in key if w != "and")
                entries = index.get(bare) or index.get(bare[:-1] + (stem(bare[-1]),), [])
            entries = [e for e in entries if not e.short or lenient and len(e.value) > 2
                       or _written_as_code(parse, i, n)
                       or _column_word_beside(parse, i, i + n, e.column)
                       or _capitalised(parse, i, n, e)]
            if any(w in parse.vocab.time_units for w in key) and n < 3:
                # "two year" is a contract only beside its column ("two year contract").
                entries = [e for e in entries if _column_word_beside(parse, i, i + n, e.column)]
            if not entries:
                continue
            chosen = _choose(parse, i, n, entries)
            if chosen is None:
                continue
            negated = parse.negated_before(i) or _continues_negated(parse, i, found,
                                                                     chosen.column.name)
            start = _claim_context(parse, i, i + n, chosen.column)
            slot = found.setdefault((chosen.column.name, negated), (chosen.column, [], start,
                                                                     i + n))
            if chosen.value not in slot[1]:
                slot[1].append(chosen.value)
            found[(chosen.column.name, negated)] = (slot[0], slot[1], min(slot[2], start),
                                                    max(slot[3], i + n))
    for (name, negated), (_column, values, start, end) in found.items():
        condition: Condition = (NotIn if negated else In)(column=name, values=list(values))
        shown = ", ".join(values)
        parse.add(start, end, condition, f"{name} {'not in' if negated else 'in'} [{shown}]")


def _continues_negated(parse: Parse, i: int, found: dict[tuple[str, bool], Any],
                       column: str) -> bool:
    """'outside Germany and France': a value listed after a negated one is negated too."""
    slot = found.get((column, True))
    if slot is None:
        return False
    between = [parse.low(k) for k in range(slot[3], i)]
    return all(w in ("and", "or", "nor", ",", "the") for w in between)


def _column_word_beside(parse: Parse, start: int, end: int, column: ColumnProfile) -> bool:
    return any(parse.free(k) and word_match(parse.low(k), column, parse.vocab) > 0
               for k in (start - 1, end, end + 1))


def _capitalised(parse: Parse, i: int, n: int, entry: _Entry) -> bool:
    """'Consumer customers': a common word written like a name, as the data writes it."""
    text = " ".join(t.surface for t in parse.tokens[i:i + n])
    return len(text) > 2 and text[:1].isupper() and text.lower() == entry.value.lower() and (
        i > 0)


def _written_as_code(parse: Parse, i: int, n: int) -> bool:
    toks = parse.tokens[i:i + n]
    if all(t.upper for t in toks if t.kind == Kind.WORD):
        return True
    text = " ".join(t.low for t in toks)
    # Lower-case 'uk', 'usa', 'sp' are fine unless they are also common English words.
    common = parse.vocab.fillers | parse.vocab.negations
    return len(text) >= 2 and text not in common and all(
        len(t.low) >= 2 for t in toks) and n == 1 and len(text) <= 3 and not text.isdigit()


def _choose(parse: Parse, i: int, n: int, entries: list[_Entry]) -> _Entry | None:
    columns = {e.column.name for e in entries}
    if len(columns) == 1:
        return entries[0]
    near = [parse.low(k) for k in range(max(0, i - 3), min(len(parse.tokens), i + n + 3))]
    named = [e for e in entries if any(word_match(w, e.column, parse.vocab) for w in near)]
    if len({e.column.name for e in named}) == 1:
        return named[0]
    if parse.low(i - 1) in parse.vocab.place_prepositions:
        places = [e for e in entries if e.column.stems & _place_words(parse.vocab)]
        if len({e.column.name for e in places}) == 1:
            return places[0]
    parse.claim(i, i + n)
    parse.problems.append(Problem(
        f"'{' '.join(t.low for t in parse.tokens[i:i + n])}' is a value of several columns: "
        "which one do you mean?", sorted({f"{e.column.name} = {e.value}" for e in entries})))
    return None


def _place_words(vocab: Vocabulary) -> frozenset[str]:
    words: set[str] = set()
    for concept in vocab.place_concepts:
        words |= vocab.concepts.get(concept, frozenset())
    return frozenset(words)


# Nouns that only name what a category value is ("health and beauty products").
_GENERIC_NOUNS = frozenset({"products", "product", "items", "item", "goods", "category",
                            "categories", "stuff", "things", "articles", "lines", "range"})


def _claim_context(parse: Parse, start: int, end: int, column: ColumnProfile) -> int:
    """Claim words naming the column ('education', 'contract') and a place preposition."""
    k = end
    while parse.free(k) and parse.tokens[k].kind == Kind.WORD and (word_match(
            parse.low(k), column, parse.vocab) > 0 or parse.low(k) in _GENERIC_NOUNS):
        parse.claim(k, k + 1)
        k += 1
    j = start - 1
    while parse.free(j) and (word_match(parse.low(j), column, parse.vocab) > 0 or parse.low(
            j) in parse.vocab.place_prepositions):
        parse.claim(j, j + 1)
        j -= 1
    return j + 1


# Concepts too general to name a flag on their own ("pay" is not "PaperlessBilling").
_GENERIC = frozenset({"money", "orders", "recency", "tenure"})


def _flag_hit(word: str, p: ColumnProfile, vocab: Vocabulary) -> float:
    score = word_match(word, p, vocab)
    if score and stem(word) not in p.stems and word not in p.stems and not (
            (vocab.concepts_of(word) - _GENERIC) & p.name_concepts) and root(word) not in {
            root(x) for x in p.stems}:
        return 0.0
    return score


def read_flags(parse: Parse) -> None:
    """'churned', 'senior citizens', 'complained', 'did not respond' -> flag == 1 / 0;
    'inactive' -> active == 0; 'accepted any campaign' -> any of the campaign flags."""
    flags = [p for p in parse.profiles if is_flag(p)]
    if not flags:
        return
    vocab = parse.vocab
    i = 0
    while i < len(parse.tokens):
        word = parse.low(i)
        if not (parse.free(i) and parse.tokens[i].kind == Kind.WORD):
            i += 1
            continue
        opposite, root = False, word
        if not any(_flag_hit(word, p, vocab) for p in flags):
            if word in vocab.opposites:  # "stayed" -> churn, "retained" -> churn
                root = vocab.opposites[word]
                hit = any(_flag_hit(root, p, vocab) for p in flags)
            else:  # "inactive", "unsubscribed", "non-smoker"
                root = word[2:] if word[:2] in ("in", "un") else (
                    word[3:] if word[:3] == "non" else "")
                hit = bool(root) and any(root in p.stems for p in flags)
            if not hit:
                i += 1
                continue
            opposite = True
        window = [i]
        k = i + 1
        while k < len(parse.tokens) and len(window) < 4 and parse.free(k) and (
                not parse.is_boundary(k)) and (
                parse.tokens[k].kind in (Kind.WORD, Kind.NUMBER)) and (
                any(_flag_hit(parse.low(k), p, vocab) for p in flags)
                or parse.low(k) in vocab.ordinal_words or parse.is_filler(k)):
            window.append(k)
            k += 1
        while window and window[-1] != i and not any(
                _flag_hit(_as_digit(parse, window[-1]), p, vocab) for p in flags):
            window.pop()
        words = [(w, _as_digit(parse, w)) for w in window]
        if opposite:
            words[0] = (i, root)
        match = match_columns(words, flags, vocab)
        if match is None:
            i += 1
            continue
        negated = parse.negated_before(window[0]) != opposite
        if match.column is None:
            _several_flags(parse, window, match.best, negated)
            i = window[-1] + 1
            continue
        column = match.column
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
    if near & {"any", "either", "one", "a", "an"} and not negated:
        parse.add(start, end, Or(any=conditions), f"any of {names}")
        _claim_words(parse, window[0] - 2, window[0], {"any", "either", "at", "least", "one"})
    elif near & {"all", "every", "each", "both"} or (negated and near & {"any"}):
        parse.add(start, end, And(all=conditions), f"all of {names}")
        _claim_words(parse, window[0] - 2, window[0], {"all", "every", "each", "both", "any"})
    else:
        parse.claim(start, end)
        parse.problems.append(Problem(
            f"'{' '.join(parse.low(w) for w in window)}' fits several columns: which one?",
            [p.name for p in best]))


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


def read_no_values(parse: Parse) -> None:
    """'no internet service' -> InternetService == No; 'with internet service' -> != No."""
    for p in parse.profiles:
        if is_flag(p) or p.info.dtype != DType.TEXT:
            continue
        no = next((v for v in p.info.values if v.strip().lower() in ("no", "none")), None)
        if no is None:
            continue
        for i in range(len(parse.tokens)):
            if not parse.free(i) or parse.low(i) not in ("no", "without", "with", "has", "have",
                                                          "having"):
                continue
            k = i + 1
            while parse.free(k) and parse.low(k) in ("a", "an", "any", "the"):
                k += 1
            hits = []
            while parse.free(k) and word_match(parse.low(k), p, parse.vocab) == 1.0:
                hits.append(k)
                k += 1
            if not hits:
                continue
            empty = parse.low(i) in ("no", "without") or parse.negated_before(i)
            condition: Condition = (In if empty else NotIn)(column=p.name, values=[no])
            parse.add(i, k, condition, f"{p.name} {'==' if empty else '!='} {no}")


_COUNT_WORDS = frozenset({"num", "number", "count", "cnt", "qty", "quantity", "kid", "teen",
                          "child", "dependent", "product", "purchase", "order", "visit",
                          "children", "item", "unit", "line", "member", "pet", "car"})
_COUNT_SKIP = frozenset({"a", "an", "any", "some", "the", "their", "young", "little", "small",
                         "older", "teenage", "grown"})
_HAVE = frozenset({"with", "have", "has", "having", "got", "own", "owns"})
_EMPTY = frozenset({"without", "no", "zero", "none"})


def is_count(p: ColumnProfile) -> bool:
    """A whole-number column counting things (kids, purchases), where 'with X' means X > 0."""
    if not p.numeric or is_flag(p) or p.info.dtype != DType.INTEGER:
        return False
    if p.info.minimum is not None and p.info.minimum < 0:
        return False
    return bool(p.stems & _COUNT_WORDS) or (p.info.maximum is not None and p.info.maximum <= 10)


def read_counts(parse: Parse) -> None:
    """'with kids' -> Kidhome > 0, 'without kids' / 'no kids' -> Kidhome == 0,
    'bought wine' -> MntWines > 0."""
    counts = [p for p in parse.profiles if is_count(p)]
    # "bought wine": product lines, not the behaviour columns (recency, tenure, ...).
    amounts = [p for p in parse.profiles if p.numeric and not is_flag(p) and p.role in (
        Role.MEASURE, Role.CATEGORY) and not p.name_concepts & {"recency", "tenure", "age"}]
    carried, carried_end = "", -1  # "bought wine and meat": the verb carries over "and"
    i = 0
    while i < len(parse.tokens):
        if not (parse.free(i) and parse.tokens[i].is_word) or parse.is_filler(i) or parse.low(
                i) in parse.vocab.negations:
            i += 1
            continue
        j = i - 1
        while parse.free(j) and parse.low(j) in _COUNT_SKIP:
            j -= 1
        opener = parse.low(j) if parse.free(j) else ""
        start = j
        if not opener and parse.low(j) in parse.vocab.activity_words:
            opener, start = parse.low(j), i  # "bought wine in the last 30 days": verb shared
        if opener in ("and", "or") and j == carried_end:
            opener, start = carried, i
        verb = opener in parse.vocab.activity_words
        if opener not in _HAVE | _EMPTY and not verb:
            i += 1
            continue
        pool = amounts if verb else counts
        window = [i]
        k = i + 1
        while parse.free(k) and len(window) < 4 and parse.tokens[k].is_word and (
                any(word_match(parse.low(k), p, parse.vocab) for p in pool)
                or parse.low(k) in ("at", "in")):
            window.append(k)
            k += 1
        match = match_columns([(w, parse.low(w)) for w in window], pool, parse.vocab)
        if match is None or match.column is None or any(
                w not in match.matched_words and not parse.is_filler(w) for w in window):
            i += 1
            continue
        if verb and (not (match.column.name_concepts - {"money", "orders"}) or word_match(
                opener, match.column, parse.vocab)):
            i += 1  # "bought" + a product line, not "bought" + spend or "spending score"
            continue
        column = match.column
        empty = opener in _EMPTY or parse.negated_before(j, claim=True)
        if opener == "no" and parse.low(j - 1) in _HAVE and parse.free(j - 1):
            j -= 1
        op, value = ("==", 0) if empty else (">", 0)
        last = max(match.matched_words)
        parse.add(start, last + 1, compare(column, op, value), f"{column.name} {op} {value}")
        carried, carried_end = opener, last + 1
        i = last + 1
