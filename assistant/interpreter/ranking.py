"""Top and bottom N or N%: "top 10% of customers by spend", "the 50 biggest spenders"."""

from __future__ import annotations

from typing import Literal

from assistant.interpreter.columns import ColumnProfile, by_role, match_columns, word_match
from assistant.interpreter.measures import SUBJECTS
from assistant.interpreter.state import Parse, Problem
from assistant.interpreter.text import Kind
from tools.engine.definitions import Rank
from tools.engine.schema import Role

_LINKS = frozenset({"by", "of", "in", "terms", "on", "for", "based", "ranked", "sorted",
                    "ordered", "with", "the", "highest", "largest", "most", "lowest", "our",
                    "all", "according", "to", "when", "measured"})


def read_ranks(parse: Parse) -> None:
    vocab = parse.vocab
    _read_numbered_by(parse)
    for i, tok in enumerate(parse.tokens):
        if not parse.free(i) or tok.low not in vocab.rank_top | vocab.rank_bottom:
            continue
        if tok.low in ("most", "least") and parse.low(i - 1) == "at":
            continue
        direction: Literal["top", "bottom"] = "top" if tok.low in vocab.rank_top else "bottom"
        number = _number_near(parse, i)
        between: list[int] = []
        if number is None and parse.low(i - 1) == "the":
            # "the 10% of customers who spent the most", "20 clients with the highest income"
            number, between = _number_before(parse, i - 1)
        if number is None:
            if tok.low in ("top", "bottom") or parse.low(i - 1) == "the":
                parse.claim(i, i + 1)
                parse.problems.append(Problem(
                    f"How many customers: for example 'top 10%' or 'bottom 100' by "
                    f"{_measure_hint(parse)}?", ["top 10%", "top 100", "bottom 10%"]))
            continue
        value_tok = parse.tokens[number]
        if value_tok.value is None or value_tok.value <= 0:
            continue
        words, noun = _measure(parse, max(i, number) + 1)
        if number == i + 2:
            between = [i + 1]
        words = [w for w in between if parse.tokens[w].kind == Kind.WORD and parse.low(
            w) not in SUBJECTS | _LINKS] + words
        if noun is None and len(words) == 1 and parse.low(words[0]) in vocab.rank_measures:
            noun, words = words[0], []  # "least active 20%": the word names the measure
        own = noun is None and not words and tok.low in vocab.rank_word_measures
        column: ColumnProfile | None = None
        matched: list[int] = []
        if own:
            column = _own_measure(parse, i)  # "the 20 oldest customers": age, not spend
            words = [i] if column is None else []
        else:
            column, matched = _column(parse, words, noun)
        if column is None:
            parse.claim(min(i, number), max(i, number) + 1)
            said = " ".join(parse.low(w) for w in words) or (
                parse.low(noun) if noun is not None else "which measure")
            parse.problems.append(Problem(
                f"Rank by what? I could not match '{said}' to a numeric column.",
                [p.name for p in parse.profiles if p.numeric][:8]))
            continue
        if value_tok.percent:
            if value_tok.value > 100:
                continue
            rank = Rank(column=column.name, direction=direction, percent=value_tok.value)
            text = f"{direction} {value_tok.value:g}% by {column.name}"
        else:
            rank = Rank(column=column.name, direction=direction, n=int(value_tok.value))
            text = f"{direction} {int(value_tok.value)} by {column.name}"
        parse.add(min(i, number), max(i, number) + 1, rank, text)
        for w in matched:
            parse.claim(w, w + 1)
        if noun is not None:
            parse.claim(noun, noun + 1)


def _own_measure(parse: Parse, i: int) -> ColumnProfile | None:
    numeric = [p for p in parse.profiles if p.numeric]
    for concept in parse.vocab.rank_word_measures[parse.low(i)]:
        match = match_columns([(i, concept)], numeric, parse.vocab)
        if match is not None and match.column is not None:
            return match.column
    return None


def _read_numbered_by(parse: Parse) -> None:
    """'the 20 customers by number of orders': a count of customers ranked by a measure."""
    for i, tok in enumerate(parse.tokens):
        if tok.kind != Kind.NUMBER or not parse.free(i) or parse.low(i - 1) != "the" or (
                tok.value is None or tok.value <= 0):
            continue
        if parse.low(i + 1) not in SUBJECTS or parse.low(i + 2) not in ("by", "ranked"):
            continue
        words, noun = _measure(parse, i + 2)
        column, matched = _column(parse, words, noun)
        if column is None or not matched:
            continue
        if tok.percent:
            rank = Rank(column=column.name, direction="top", percent=min(tok.value, 100.0))
        else:
            rank = Rank(column=column.name, direction="top", n=int(tok.value))
        parse.add(i, i + 2, rank, f"top {tok.surface} by {column.name}")
        for w in matched:
            parse.claim(w, w + 1)


def _number_near(parse: Parse, i: int) -> int | None:
    if parse.free(i + 1) and parse.tokens[i + 1].kind == Kind.NUMBER:
        return i + 1
    # "the highest-spending 10%": one measure word between the rank word and the number.
    if parse.free(i + 2) and parse.tokens[i + 2].kind == Kind.NUMBER and parse.tokens[
            i + 2].percent and parse.free(i + 1) and parse.tokens[i + 1].is_word:
        return i + 2
    j = i - 1
    while j >= 0 and i - j <= 4 and parse.free(j):
        if parse.tokens[j].kind == Kind.NUMBER:
            return j
        if parse.low(j) not in SUBJECTS | _LINKS:
            return None
        j -= 1
    return None


def _measure_hint(parse: Parse) -> str:
    money = by_role(parse.profiles, Role.MONETARY)
    if money is not None:
        return money.name
    numeric = [p for p in parse.profiles if p.numeric]
    # "bought the most" on a table without a monetary role: its amount column, not Age.
    amounts = [p.name for p in numeric if word_match("revenue", p, parse.vocab)]
    if len(amounts) == 1:
        return amounts[0]
    return numeric[0].name if numeric else "a numeric column"


def _number_before(parse: Parse, i: int) -> tuple[int | None, list[int]]:
    j = i - 1
    while j >= 0 and i - j <= 8 and parse.free(j):
        tok = parse.tokens[j]
        if tok.kind == Kind.NUMBER:
            return j, list(range(j + 1, i))
        if tok.kind == Kind.PUNCT or tok.low in ("and", "or", "but"):
            break
        j -= 1
    return None, []


def _measure(parse: Parse, start: int) -> tuple[list[int], int | None]:
    """Measure words after 'by' / 'in terms of' / 'with the highest', else before the noun."""
    words: list[int] = []
    noun = None
    after_link = False
    k = start
    while k < len(parse.tokens) and k - start < 10 and parse.free(k):
        tok = parse.tokens[k]
        if tok.kind == Kind.PUNCT or tok.low in ("and", "or", "but", "who", "whose", "that",
                                                 "which", "where"):
            break
        if words and (tok.kind == Kind.NUMBER or tok.low in ("with", "without", "having")):
            break  # "top 10% by spend with more than 5 orders": the next condition
        if tok.low in ("by", "terms", "highest", "lowest", "most", "largest", "biggest",
                       "smallest", "ranked", "sorted", "according", "on"):
            after_link, words = True, []
        elif tok.low in parse.vocab.rank_measures and noun is None:
            noun = k
        elif tok.low in SUBJECTS and not after_link and words:
            break
        elif tok.low not in SUBJECTS and tok.low not in _LINKS and tok.kind == Kind.WORD:
            words.append(k)
        k += 1
    return words, noun


def _column(parse: Parse, words: list[int], noun: int | None
            ) -> tuple[ColumnProfile | None, list[int]]:
    numeric = [p for p in parse.profiles if p.numeric]
    if words:
        match = match_columns([(w, parse.low(w)) for w in words], numeric, parse.vocab)
        if match is None or match.column is None:
            return None, []
        return match.column, sorted(match.matched_words)
    if noun is not None:
        concept = parse.vocab.rank_measures[parse.low(noun)]
        role = {"money": Role.MONETARY, "orders": Role.FREQUENCY}.get(concept)
        if role is not None:
            return by_role(parse.profiles, role), [noun]
        match = match_columns([(noun, concept)], numeric, parse.vocab)
        return (match.column if match else None), [noun]
    return by_role(parse.profiles, Role.MONETARY), []
