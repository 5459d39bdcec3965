"""Words no reader claimed: a content word left over means the request says something the
data cannot answer, so the interpreter asks, naming the nearest real columns or values,
instead of presenting a guessed segment."""

from __future__ import annotations

from assistant.interpreter.columns import (
    ColumnProfile,
    by_role,
    match_columns,
    name_words,
    word_match,
)
from assistant.interpreter.matching import nearest_names
from assistant.interpreter.measures import SUBJECTS
from assistant.interpreter.state import Parse, Part, Problem, condition_nodes
from assistant.interpreter.text import Kind
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.definitions import In
from tools.engine.schema import ColumnInfo, Role, Schema

_LEFTOVER_NEGATIONS = frozenset({"not", "never", "no", "without", "except", "excluding",
                                 "outside", "non"})


def check_leftovers(parse: Parse, schema: Schema) -> None:
    leftover: list[str] = []
    after_place = False
    used = _used_columns(parse)
    for i, tok in enumerate(parse.tokens):
        if not parse.free(i):
            continue
        if tok.kind == Kind.WORD and tok.low not in _LEFTOVER_NEGATIONS and any(
                word_match(tok.low, p, parse.vocab) for p in used):
            continue  # "frequent buyers with 10+ orders", "whose country is Germany"
        if tok.kind == Kind.WORD and _misspelt_subject(tok.low):
            continue
        if "product" in parse.vocab.concepts_of(tok.low) and i > 0 and not parse.free(i - 1) \
                and parse.tokens[i - 1].kind == Kind.WORD:
            continue  # "fresh products", "wine products": the product line already read
        if tok.low in parse.vocab.measure_units and i > 0 and (
                parse.tokens[i - 1].kind == Kind.NUMBER and not parse.free(i - 1)):
            continue  # "more than 20 km from the warehouse": the unit of a read number
        if tok.low in parse.vocab.intensifiers and parse.parts and any(
                word_match(parse.low(k), p, parse.vocab) for p in used
                for k in (i + 1, i + 2)):
            continue  # "big spenders who spent over 5000": the number says how big
        if _vague_age(parse, i):
            leftover.append(tok.surface or tok.low)  # "young customers": how young?
        elif tok.kind == Kind.NUMBER:
            leftover.append(tok.surface or tok.low)
        elif tok.kind == Kind.DATE:
            leftover.append(tok.low)
        elif tok.kind == Kind.WORD and (tok.low in _LEFTOVER_NEGATIONS or (
                tok.low not in parse.vocab.fillers and not _harmless(tok.low))):
            if not leftover and parse.low(i - 1) in parse.vocab.place_prepositions:
                after_place = True
            leftover.append(tok.surface if tok.concept is None else " ".join(tok.parts))
    if not leftover:
        return
    said = " ".join(leftover)
    if leftover and all(w in _LEFTOVER_NEGATIONS for w in leftover) and parse.parts:
        parse.problems.append(Problem(
            f"I could not tell what '{said}' applies to; please say it again with the column "
            "or value.", []))
        return
    values = _category_values(schema)
    content = [w for w in leftover if w.lower() not in _LEFTOVER_NEGATIONS] or leftover
    places = _place_values(schema, parse.vocab)
    unlisted = _place_columns(schema, parse.vocab)
    if after_place and (not places or unlisted):
        columns = [p.name for p in parse.profiles]
        if len(unlisted) == 1 and len(content) <= 3 and all(w[:1].isupper() for w in content):
            # A place column with too many values to list: the engine checks the name
            # against the data and answers with the nearest real values if it is not there.
            place = " ".join(content)
            parse.parts.append(Part(start=len(parse.tokens), end=len(parse.tokens),
                                    condition=In(column=unlisted[0], values=[place]),
                                    text=f"{unlisted[0]} in [{place}]"))
            return
        if unlisted and not places:
            parse.problems.append(Problem(
                f"'{' '.join(content)}' may be in {unlisted[0]}, but that column has too many "
                "values for me to match by name; filter on another column or map it.",
                unlisted + columns[:8]))
            return
        if not places:
            parse.problems.append(Problem(
                f"'{' '.join(content)}' looks like a place, but this data has no location "
                f"column (country, region, city). It has: {', '.join(columns[:12])}.",
                columns[:10]))
            return
    if after_place:
        near = nearest_names(content[0], places, n=3)
        near += [p for p in places if p not in near][:8 - len(near)]
        where = " or ".join(_place_column_names(schema, parse.vocab)) or "this data"
        parse.problems.append(Problem(
            f"'{' '.join(content)}' is not a value of {where}. Values there include: "
            f"{', '.join(near[:8])}.", near[:8]))
        return
    columns = [p.name for p in parse.profiles]
    numeric = [p for p in parse.profiles if p.numeric]
    telling = [(i, t.low) for i, t in enumerate(parse.tokens)
               if parse.free(i) and t.kind == Kind.WORD and t.low not in parse.vocab.intensifiers
               and (t.low not in parse.vocab.fillers or parse.vocab.concepts_of(t.low))]
    relative = [i for i, w in telling if w in parse.vocab.average_words]
    if relative:
        telling = [(i, w) for i, w in telling if w not in parse.vocab.average_words
                   and w not in _RELATIVE_LINKS]
    named = match_columns(telling, numeric, parse.vocab)
    if relative and named is not None and named.column is not None:
        # "below average": a segment definition holds fixed numbers, and the interpreter
        # sees only the schema, so it offers the median split rather than guessing a mean.
        column = named.column.name
        low = any(t.low in _BELOW_WORDS for t in parse.tokens)
        half, op = ("bottom", "under") if low else ("top", "over")
        parse.problems.append(Problem(
            f"A segment needs a fixed number, not the {parse.low(relative[0])} of {column}: "
            f"say '{column} {op} ...' with a number, or '{half} 50% by {column}' for that half.",
            [f"{half} 50% by {column}", column]))
        return
    if named is not None and named.column is not None and len(named.matched_words) == len(
            telling):
        # "many web purchases", "high income": the column is clear, the amount is not.
        parse.problems.append(Problem(
            f"How much is that for {named.column.name}? Give a number, for example "
            f"'{named.column.name} over ...' or 'top 10% by {named.column.name}'.",
            [named.column.name]))
        return
    if not telling and all(w.lower() in parse.vocab.intensifiers for w in content):
        # "best customers", "VIPs": a judgement with no measure; offer ranks to pick from.
        measure = by_role(parse.profiles, Role.MONETARY)
        ranks = [f"top 10% by {measure.name}", f"top 100 by {measure.name}"] if measure else []
        example = f" For example '{ranks[0]}'." if ranks else ""
        parse.problems.append(Problem(
            f"'{said}' is a judgement I cannot measure by itself: by which column and how "
            f"many?{example}", ranks + [p.name for p in numeric][:8]))
        return
    options: list[str] = []
    for word in content[:3]:
        for name in nearest_names(word, columns + values, n=3):
            if name not in options:
                options.append(name)
    listing = ", ".join(columns[:12])
    options += [c for c in columns if c not in options]
    parse.problems.append(Problem(
        f"I could not match '{said}' to this data. It has these columns: {listing}.",
        options[:10]))


# Words that join a measure to 'average' ("above the average", "higher than average").
_RELATIVE_LINKS = frozenset({"below", "above", "under", "over", "than", "the", "less", "more",
                             "greater", "smaller", "higher", "lower", "is", "are", "of"})

def _vague_age(parse: Parse, i: int) -> bool:
    """'young customers' on a table with an age column: an age without a number."""
    people = parse.low(i + 1) in SUBJECTS or parse.low(i + 1) in parse.value_words
    return "age" in parse.vocab.concepts_of(parse.low(i)) and people \
        and any(p.numeric and "age" in p.name_concepts for p in parse.profiles)


_BELOW_WORDS = frozenset({"below", "under", "less", "lower", "smaller", "beneath"})


def _used_columns(parse: Parse) -> list[ColumnProfile]:
    names = {node["column"] for part in parse.parts for node in condition_nodes(part.condition)
             if isinstance(node.get("column"), str)}
    return [p for p in parse.profiles if p.name in names]


_SUBJECT_NOUNS = ("customers", "customer", "clients", "client", "shoppers", "buyers",
                  "people", "members", "users", "purchased", "ordered", "spent")


def _misspelt_subject(word: str) -> bool:
    """'custmers', 'cusotmers': a typo of the people being asked about, not a condition."""
    import difflib

    return len(word) >= 5 and bool(difflib.get_close_matches(word, _SUBJECT_NOUNS, n=1,
                                                              cutoff=0.8))


def _harmless(word: str) -> bool:
    return not any(c.isalnum() for c in word)


def _category_values(schema: Schema) -> list[str]:
    out: list[str] = []
    for c in schema.columns:
        if c.role in (Role.CATEGORY, Role.FLAG, Role.STATUS):
            out.extend(v for v in c.values if not v.replace(".", "").isdigit())
    return out


def _place_columns(schema: Schema, vocab: Vocabulary) -> list[str]:
    """Place-named columns whose values are not listed (too many to match)."""
    place_words: set[str] = set()
    for concept in vocab.place_concepts:
        place_words |= vocab.concepts.get(concept, frozenset())
    return [c.name for c in schema.columns if not c.values and c.role != Role.PERSONAL
            and set(name_words(c.name)) & place_words]


def _place_columns_listed(schema: Schema, vocab: Vocabulary) -> list[ColumnInfo]:
    place_words: set[str] = set()
    for concept in vocab.place_concepts:
        place_words |= vocab.concepts.get(concept, frozenset())
    return [c for c in schema.columns if c.values and set(name_words(c.name)) & place_words]


def _place_column_names(schema: Schema, vocab: Vocabulary) -> list[str]:
    return [c.name for c in _place_columns_listed(schema, vocab)]


def _place_values(schema: Schema, vocab: Vocabulary) -> list[str]:
    return [v for c in _place_columns_listed(schema, vocab) for v in c.values]
