"""One clause of a request -> conditions over the data.

A clause is what sits between "and", "or", "who", "with", commas and their
equivalents in Chinese and Russian. Inside it word order is free: named
segments and fixed phrases are read first, then category values, quantities
(measures.py), ranks, and columns named without a number (yes/no flags,
counts: "customers who complained", "with kids", "no internet service").
Every content word must be used; what is left over becomes a question, never
a silent drop.
"""

from __future__ import annotations

import re

from assistant.interpreter.cities import is_city
from assistant.interpreter.linking import (
    evidence,
    has_evidence,
    link,
    partial_values,
    values_of,
)
from assistant.interpreter.measures import quantities, ranks
from assistant.interpreter.mentions import mentions, typed_value
from assistant.interpreter.named import named
from assistant.interpreter.purchases import bought_values, windowed_totals
from assistant.interpreter.quantities import Part, Qty
from assistant.interpreter.reader import QUIET, SOFT, ClauseResult, Env, Reader
from assistant.interpreter.tagging import Item
from assistant.interpreter.text import norm_word
from assistant.interpreter.versus import compared_columns
from tools.engine.definitions import (
    Compare,
    Condition,
    In,
    Not,
    NotIn,
)
from tools.engine.matching import nearest
from tools.engine.naming import name_words
from tools.engine.wording import format_number


def read_clause(parts: list[Part], env: Env, last_measure: str | None = None) -> ClauseResult:
    r = Reader(_numbered_names(parts, env), env, last_measure)
    _relative(r)
    named(r)
    compared_columns(r)
    _values(r)
    quantities(r)
    windowed_totals(r)
    ranks(r)
    mentions(r)
    _leftovers(r)
    # "opted in to neither email nor SMS": "opted in" asked which column, and the clause has
    # a condition on each
    r.out.problems = [p for p in r.out.problems if not (
        p.key == "which_column" and p.options and set(p.options) <= set(r.out.columns))]
    return r.out


def _numbered_names(parts: list[Part], env: Env) -> list[Part]:
    """"campaign 3" names AcceptedCmp3: a bare number that is a word of a column's name."""
    out: list[Part] = []
    for k, part in enumerate(parts):
        if isinstance(part, Qty) and part.op is None and part.unit is None and \
                not part.is_range and part.value is not None and part.value.is_integer():
            near = [p for p in (parts[k - 1] if k else None, parts[k + 1] if k + 1 < len(parts)
                                else None) if isinstance(p, Item) and has_evidence(p, env.data)]
            found = link([*near, *part.source], env.data)
            if near and found.column and str(int(part.value)) in env.data.columns[
                    found.column].norms:
                out.extend(part.source)
                continue
        out.append(part)
    return out


def _relative(r: Reader) -> None:
    """"spent more than average", "below-average income": there is no number to compare."""
    average, cmp = r.find("average"), r.find("cmp")
    if average is None or cmp is None:
        return
    below = any(str(op).startswith("<") for op in cmp.args("cmp"))
    words = [i for _, i in r.items() if i is not average and has_evidence(i, r.data)]
    found = link(words, r.data, accept=lambda w: w.numeric and not w.is_flag)
    column = found.column or (found.tied[0] if found.tied else None)
    r.use(*(i for _, i in r.items() if i.has("average", "cmp", "activity", "role") or i in words))
    if column is None:
        r.problem("unplaced", words=f"'{average.text}'")
        return
    mean = r.data.columns[column].info.mean
    if mean is not None and "median" not in average.args("average"):  # the loader's mean
        r.add(Compare(column=column, op="<" if below else ">", value=round(mean, 6)), "qty",
              column)
        shown = format_number(round(mean, 2), r.env.language)
        r.out.notes.append(r.env.lexicon.message(r.env.language, "average_is", column=column,
                                                 value=shown))
        return
    r.problem("relative", chooser=column, column=column,
              phrase=" ".join(i.text for _, i in r.items() if not i.only_function))


def _a_flag_by_its_name(item: Item, r: Reader) -> bool:
    """"the app" where has_app is a column: its yes/no, not the channel "Mobile App" a word
    group reaches. A value typed as the data writes it stays that value."""
    norms = {t.norm for t in item.tokens}
    return not item.has("value") and any(
        w.is_flag and w.norms and w.norms <= norms for w in r.data.columns.values())


def _values(r: Reader) -> None:
    chosen: dict[tuple[str, bool], list[str]] = {}
    for k, item in r.items():
        if not r.free(item):
            continue
        pairs = values_of(item, r.data)
        if not pairs and item.has("place"):
            _missing_place(r, item)
            continue
        if not pairs and item.has("value_group") and (_missing_value(r, item) or
                                                      _a_missing_city(r, item)):
            continue  # "广州的会员" where the cities are Beijing, Shanghai, ...
        after_location = k > 0 and isinstance(r.parts[k - 1], Item) and \
            r.parts[k - 1].has("loc")  # type: ignore[union-attr]
        if not pairs and after_location and not item.senses and item.is_word_like and \
                not has_evidence(item, r.data) and r.data.place_columns() and \
                not partial_values(item, r.data):  # "из Татарстана": Республика Татарстан
            _missing_place(r, item)
            continue
        pairs = pairs or partial_values(item, r.data)
        if not pairs or _names_a_measure(r, k, item) or _a_flag_by_its_name(item, r) or \
                _names_another_column(r, item, pairs) or _names_its_column(r, item, pairs) or \
                _a_word_of_the_measure(r, k, item, pairs):
            continue
        columns = list(dict.fromkeys(c for c, _ in pairs))
        if len(columns) > 1:
            named = [c for c in columns if any(
                evidence(i, r.data.columns[c]) > 0 for _, i in r.items() if i is not item)]
            columns = named if len(named) == 1 else columns
        r.use(item)
        if len(columns) > 1:
            r.problem("ambiguous_value", columns, word=item.text, options=", ".join(columns))
            continue
        column = columns[0]
        before, after = r.negated(k), r.negated_after(k)  # "除了北京以外": one negation
        previous = r.parts[k - 1] if k else None  # "без тарифа Базовый", "not plan Basic"
        if not before and isinstance(previous, Item) and r.free(previous) and \
                evidence(previous, r.data.columns[column]) > 0:
            before = r.negated(k - 1)
        negated = before or after
        for _, other in r.items():
            # "Contract is Two year", "paying by electronic check": the column's own words.
            if r.free(other) and not values_of(other, r.data) and \
                    evidence(other, r.data.columns[column]) > 0:
                r.use(other)
        values = chosen.setdefault((column, negated), [])
        values.extend(v for c, v in pairs if c == column and v not in values)
    for (column, negated), values in list(chosen.items()):
        if not negated and (column, True) in chosen:  # "not Germany or France": neither
            chosen[(column, True)].extend(v for v in values if v not in chosen[(column, True)])
            del chosen[(column, False)]
    for (column, negated), values in chosen.items():
        typed = [typed_value(r.data.columns[column], v) for v in values]
        bought = bought_values(r, column, typed)
        condition: Condition = NotIn(column=column, values=typed) if negated else \
            In(column=column, values=typed)
        if bought is not None:
            condition = Not(condition=bought) if negated else bought
        r.add(condition, "value", column)


def _names_another_column(r: Reader, item: Item, pairs: list[tuple[str, str]]) -> bool:
    """"without internet" where InternetService is a column and "No internet service" a value
    of six others: the word names that column (read by mentions.py), not those values."""
    if any(v.lower() == item.text.lower() for _, v in pairs):
        return False  # typed as the data writes a value
    named = link([item], r.data, accept=lambda w: w.is_category or w.is_flag).column
    return named is not None and named not in {c for c, _ in pairs}


def _names_its_column(r: Reader, item: Item, pairs: list[tuple[str, str]]) -> bool:
    """"express shipping" where Shipping Type holds Express and Free Shipping: "shipping" is
    a word of the column's name, said beside a value typed as the data writes it."""
    columns = {c for c, _ in pairs}
    said = {t.norm for t in item.tokens}
    # the word every value it brings shares with more ("Free Shipping", "2-Day Shipping")
    theme = all(said < {norm_word(w) for w in name_words(str(v))} for _, v in pairs)
    if item.has("value") or len(columns) != 1 or not theme:
        return False
    column = r.data.columns[next(iter(columns))]
    return evidence(item, column) > 0 and any(
        other is not item and any(isinstance(a, tuple) and a[0] == column.name
                                  for a in other.args("value")) for _, other in r.items())


def _a_word_of_the_measure(r: Reader, k: int, item: Item, pairs: list[tuple[str, str]]
                           ) -> bool:
    """"opens under 20% of our emails" (email_open_rate; Email a channel), "brought in at
    least one referral" (referred_friends; Referral a channel): beside a number, a word of a
    number column's name is that column's when another word names it too or the number
    counts it, and nothing names the value's column. A value typed as written stays."""
    previous = r.parts[k - 1] if k else None
    some = isinstance(previous, Item) and previous.has("quantifier")  # "at least one"
    counted = some or isinstance(previous, Qty) and previous.unit is None and \
        not previous.is_range
    if any(v == item.text for _, v in pairs) or not some and not any(
            isinstance(p, Qty) and p.value is not None for p in r.parts):
        return False
    others = [i for _, i in r.items() if i is not item and r.free(i)]
    if any(evidence(i, r.data.columns[c]) >= 1 for i in others for c, _ in pairs):
        return False  # a word of the value's column's own name ("from the Email channel")
    measures = [w.name for w in r.data.columns.values() if w.numeric and not w.is_flag and
                evidence(item, w) > 0 and (counted or any(evidence(i, w) > 0 for i in others))]
    if len(measures) != 1:
        return False
    r.use(item)
    if some:  # "at least one referral": more than none
        r.use(previous)  # type: ignore[arg-type]
        r.add(Compare(column=measures[0], op=">", value=0), "qty", measures[0])
    return True


def _names_a_measure(r: Reader, k: int, item: Item) -> bool:
    """"每月费用" names monthly_charge with the word after it, not the contract value
    "month-to-month": a word that, with the next, links a number column carrying its
    concept is that column's word."""
    concepts = {str(a) for a in item.args("concept")}
    after = r.parts[k + 1] if k + 1 < len(r.parts) else None
    if not concepts or not isinstance(after, Item) or not has_evidence(after, r.data):
        return False
    found = link([item, after], r.data, accept=lambda w: w.numeric and not w.is_flag)
    column = r.data.columns.get(found.column or "")
    # the next word must name that column too ("contract" in "monthly contract" does not)
    return column is not None and bool(concepts & column.concepts) and \
        evidence(after, column) > 0


def _missing_value(r: Reader, item: Item) -> bool:
    """"the Platinum tier" where the tiers are Bronze, Silver and Gold: say so, with them.
    The column is the one the clause names, else the one holding the group's kin (the
    other tiers)."""
    named = [c for c, w in r.data.columns.items() if w.is_category and any(
        evidence(i, w) > 0 for _, i in r.items() if i is not item and r.free(i))]
    kin = {str(g).rsplit("_", 1)[-1] for g in item.args("value_group") if "_" in str(g)}
    related = sorted({c for g, pairs in r.data.group_values.items()
                      if kin and g.rsplit("_", 1)[-1] in kin for c, _ in pairs})
    # only where the group's kin are there ("Gold" beside "Platinum"): "ушедших" (churned)
    # next to a plan column is a yes/no column's word, not a missing plan
    columns = [c for c in named if c in related] or related
    if len(columns) != 1:
        return False
    r.use(item)
    _not_a_value(r, item.text, columns[0])
    return True


def _not_a_value(r: Reader, word: str, column: str) -> None:
    """'word' is not a value of `column`: its values, the nearest to the word first."""
    values = list(r.data.columns[column].info.values)
    close = nearest(word, values, n=3)
    options = close + [v for v in values if v not in close][:8 - len(close)]
    r.problem("not_a_value", options, word=word, column=column, options=", ".join(options))


def _missing_place(r: Reader, item: Item) -> None:
    """"from Atlantis", "from Japan" where the data has no Japan: name the real values
    (of the data's cities for a city: "in Tokyo")."""
    if _a_missing_city(r, item):
        return
    r.use(item)
    word, end = item.text, item.tokens[-1].end if item.tokens else -1
    for _, after in r.items():  # "火星", not "火": the unknown characters written with it
        if after.tokens and after.tokens[0].start == end and not after.senses and \
                re.fullmatch("[\u3400-\u9fff]+", after.text) and r.free(after):
            word, end = word + after.text, after.tokens[-1].end
            r.use(after)
    columns = r.data.place_columns()
    if not columns:
        names = r.data.shown_columns()
        r.problem("no_place_column", names, word=word, options=", ".join(names))
        return
    _not_a_value(r, word, columns[0])


def _a_missing_city(r: Reader, item: Item) -> bool:
    """A city GeoNames knows that no value of the data's one column of cities names: said,
    with that column's values."""
    if any(s.kind not in ("value_group", "place") for s in item.senses) or not (
            is_city(item.text) or not item.text.isascii() and
            is_city(" ".join(t.norm for t in item.tokens))):  # "Лондона": its dictionary form
        return False
    cities = [n for n, w in r.data.columns.items() if w.is_category and (
        "city" in w.concepts or w.holds_cities)]
    if len(cities) != 1:
        return False
    r.use(item)
    _not_a_value(r, item.text, cities[0])
    return True


def _leftovers(r: Reader) -> None:
    words: list[str] = []
    last_end = -1
    for k, item in r.items():
        if not r.free(item) or item.only_function or item.has("num") or item.has("people"):
            continue
        if item.has("between") and not isinstance(r.parts[k + 1] if k + 1 < len(r.parts)
                                                  else None, Qty):
            continue  # "доля выручки от клиентов": "from", with no number after it
        after = r.parts[k + 1] if k + 1 < len(r.parts) else None
        if item.args("cmp") == ["=="] and isinstance(after, Item) and not r.free(after) and \
                after.has("value", "value_group", "place"):
            continue  # "referral source = friend": the value it points at is placed
        if item.has("conj"):
            continue  # "Leeds + York": a joining sign (also "3+"), never a condition's word
        if item.has("mode") and k == 0:
            continue  # "верни Пекин": the follow-up's verb, whatever else it can mean (refund)
        if _a_missing_city(r, item):
            continue  # "in London" where the cities are Leeds, Bristol...: those are named
        if item.senses and all(s.kind in QUIET for s in item.senses) and \
                "world" not in item.args("intent"):  # "weather" is no word of a request
            continue
        if item.senses and any(s.kind in SOFT for s in item.senses) and not item.corrected:
            r.out.soft.append(item.text)  # a corrected typo that nothing uses was not meant
            continue
        if words and item.tokens and item.tokens[0].start == last_end and not item.text.isascii():
            words[-1] += item.text  # "仓库", not "仓", "库"
        else:
            words.append(item.text)
        last_end = item.tokens[-1].end if item.tokens else -1
    if words:
        r.problem("unplaced", words=", ".join(f"'{w}'" for w in words))
