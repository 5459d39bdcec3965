"""The data's own category values in a request: "from Germany", "married", "SP",
"German customers" -> Germany, "women" -> Female, "no internet service" -> No.

Values match case-insensitively, through plurals and demonyms; short codes ("SP")
only when written as codes, so "in" or "us" in a sentence never becomes a state or
country.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.interpreter.columns import ColumnProfile, word_match
from assistant.interpreter.flags import is_flag, service_yes
from assistant.interpreter.state import Parse, Problem
from assistant.interpreter.text import Kind, stem, words_of
from assistant.interpreter.vocabulary import Phrase, Vocabulary
from tools.engine.definitions import Condition, In, NotIn
from tools.engine.schema import DType, Role

# Values that are ordinary words: matched only through a flag or a named column.
_STOP_VALUES = frozenset({"yes", "no", "true", "false", "none", "other",
                          "others", "unknown", "na", "n a", "nan", "null", "missing", "0", "1",
                          "all", "any", "not available"})
_SUBJECT_WORDS = frozenset({"customer", "customers", "client", "clients", "user", "users",
                            "member", "members", "account", "accounts"})
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
            joined = "&" in value or len(bare) < len(key)
            if len(bare) == 2 and joined and min(map(len, bare)) >= 4:
                for part in bare:  # "laptops" for "Laptop & Accessory"
                    put((part,), _Entry(p, value, part in common))
                    put((stem(part),), _Entry(p, value, part in common))
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
                       or _names_the_people(parse, i, n, e)
                       or _written_as_code(parse, i, n)
                       or _column_word_beside(parse, i, i + n, e.column)
                       or _capitalised(parse, i, n, e)]
            if any(w in parse.vocab.time_units for w in key) and n < 3 and not (
                    _written_as_code(parse, i, n)):
                # "two year" is a contract only beside its column ("two year contract").
                entries = [e for e in entries if _column_word_beside(parse, i, i + n, e.column)
                           or _column_word_after_list(parse, i + n, e.column)]
            if not entries:
                continue
            chosen = _choose(parse, i, n, entries)
            if chosen is None:
                continue
            negated = parse.negated_before(i) or _continues_negated(parse, i, found,
                                                                     chosen.column.name)
            start = _claim_context(parse, i, i + n, chosen.column)
            shared = _shared_tail_value(parse, i, key, chosen.column)
            if shared is not None:  # "one or two year contract": both contracts
                start = min(start, i - 2)
            slot = found.setdefault((chosen.column.name, negated), (chosen.column, [], start,
                                                                     i + n))
            for value in (shared, chosen.value):
                if value is not None and value not in slot[1]:
                    slot[1].append(value)
            found[(chosen.column.name, negated)] = (slot[0], slot[1], min(slot[2], start),
                                                    max(slot[3], i + n))
    _read_demonyms(parse, found)
    for (name, negated), (_column, values, start, end) in found.items():
        condition: Condition = (NotIn if negated else In)(column=name, values=list(values))
        shown = ", ".join(values)
        parse.add(start, end, condition, f"{name} {'not in' if negated else 'in'} [{shown}]")


def _shared_tail_value(parse: Parse, i: int, key: Phrase, column: ColumnProfile) -> str | None:
    """'one or two year': the word before 'or' plus this value's last words is a value too."""
    if len(key) < 2 or parse.low(i - 1) not in ("or", "and", ",") or not (
            parse.free(i - 1) and parse.free(i - 2)):
        return None
    tok = parse.tokens[i - 2]
    for first in dict.fromkeys((tok.low, (tok.surface or tok.low).lower())):
        entry = next((e for e in parse.values.get((first, *key[1:]), [])
                      if e.column.name == column.name), None)
        if entry is not None:
            parse.claim(i - 2, i)
            return entry.value
    return None


_DEMONYM_ENDINGS = ("n", "an", "ian", "vian", "ese", "ish", "i", "er", "ns", "ans", "ians")


def _read_demonyms(parse: Parse, found: dict[tuple[str, bool], Any]) -> None:
    """'Californian' -> California, 'Brazilians' -> Brazil: a place value plus an ending."""
    places = [p for p in parse.profiles if p.stems & _place_words(parse.vocab)
              and p.info.dtype == DType.TEXT]
    for i, tok in enumerate(parse.tokens):
        word = tok.low
        if not parse.free(i) or tok.kind != Kind.WORD or len(word) < 5 or parse.is_filler(i):
            continue
        hits = [(p, v) for p in places for v in p.info.values if _demonym_of(word, v.lower())]
        if len({(p.name, v) for p, v in hits}) != 1:
            continue
        column, value = hits[0]
        negated = parse.negated_before(i)
        slot = found.setdefault((column.name, negated), (column, [], i, i + 1))
        if value not in slot[1]:
            slot[1].append(value)
        parse.claim(i, i + 1)


def _demonym_of(word: str, value: str) -> bool:
    if " " in value or len(value) < 4:
        return False
    for ending in _DEMONYM_ENDINGS:
        if word == value + ending:
            return True
        # "italian" / "italy", "peruvian" / "peru": the value's last letter gives way.
        if value.endswith(("y", "a", "o", "e")) and word == value[:-1] + ending:
            return True
    return False


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


def _column_word_after_list(parse: Parse, end: int, column: ColumnProfile) -> bool:
    """'one-year or two-year contracts': the column's word closes the list of values."""
    return parse.low(end) in ("or", "and", ",") and any(
        word_match(parse.low(k), column, parse.vocab) >= 1.0 for k in range(end + 1, end + 5))


def _names_the_people(parse: Parse, i: int, n: int, entry: _Entry) -> bool:
    """'consumer customers', 'member customers': an ordinary word that is a value, said as
    the kind of customer."""
    return len(entry.value) > 2 and parse.low(i + n) in _SUBJECT_WORDS | {"buyers", "shoppers"}


def _capitalised(parse: Parse, i: int, n: int, entry: _Entry) -> bool:
    """'Consumer customers': a common word written like a name, as the data writes it."""
    text = " ".join(t.surface for t in parse.tokens[i:i + n])
    return len(text) > 2 and text[:1].isupper() and text.lower() == entry.value.lower() and (
        i > 0)


def _shouting(parse: Parse) -> bool:
    """A request typed in capitals: capitals say nothing about codes then."""
    words = [t for t in parse.tokens if t.kind == Kind.WORD and len(t.low) > 2]
    return len(words) >= 2 and all(t.upper for t in words)


def _written_as_code(parse: Parse, i: int, n: int) -> bool:
    toks = parse.tokens[i:i + n]
    if all(t.upper for t in toks if t.kind == Kind.WORD) and not _shouting(parse):
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
    spelt = [e for e in entries if len(e.value) > 2]
    if len({e.column.name for e in spelt}) == 1 and len(spelt) < len(entries):
        return spelt[0]  # "men": Gender Male, not the size code M
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
            while parse.free(k) and word_match(parse.low(k), p, parse.vocab) >= 1.0:
                hits.append(k)
                k += 1
            if not hits or any(q is not p and all(
                    word_match(parse.low(h), q, parse.vocab) >= 1.0 for h in hits)
                    for q in parse.profiles):
                continue  # "with streaming": StreamingTV or StreamingMovies? flags ask
            empty = parse.low(i) in ("no", "without") or parse.negated_before(i)
            yes = service_yes(p)
            if yes is not None:  # 'with tech support' is Yes, not 'anything but No'
                condition: Condition = (NotIn if empty else In)(column=p.name, values=[yes])
                parse.add(i, k, condition, f"{p.name} {'!=' if empty else '=='} {yes}")
                continue
            condition = (In if empty else NotIn)(column=p.name, values=[no])
            parse.add(i, k, condition, f"{p.name} {'==' if empty else '!='} {no}")
