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

from assistant.interpreter.datalex import ColumnWords
from assistant.interpreter.linking import (
    evidence,
    has_evidence,
    in_counting_order,
    link,
    partial_values,
    values_of,
)
from assistant.interpreter.measures import quantities, ranks
from assistant.interpreter.named import named
from assistant.interpreter.purchases import bought_values, windowed_totals
from assistant.interpreter.quantities import Part, Qty
from assistant.interpreter.reader import QUIET, SOFT, ClauseResult, Env, Reader
from assistant.interpreter.tagging import Item
from tools.engine.definitions import (
    And,
    Compare,
    Condition,
    In,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Scalar,
)
from tools.engine.matching import nearest
from tools.engine.schema import DType


def read_clause(parts: list[Part], env: Env, last_measure: str | None = None) -> ClauseResult:
    r = Reader(_numbered_names(parts, env), env, last_measure)
    _relative(r)
    named(r)
    _values(r)
    quantities(r)
    windowed_totals(r)
    ranks(r)
    _mentions(r)
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
    average = r.find("average")
    if average is None or not (r.find("cmp") or any(
            w in average.text.lower() for w in ("above", "below", "выше", "ниже"))):
        return
    words = [i for _, i in r.items() if i is not average and has_evidence(i, r.data)]
    found = link(words, r.data, accept=lambda w: w.numeric and not w.is_flag)
    column = found.column or (found.tied[0] if found.tied else None)
    r.use(*(i for _, i in r.items() if i.has("average", "cmp", "activity", "role") or i in words))
    if column is None:
        r.problem("unplaced", words=f"'{average.text}'")
        return
    r.problem("relative", chooser=column, column=column,
              phrase=" ".join(i.text for _, i in r.items() if not i.only_function))


def _values(r: Reader) -> None:
    chosen: dict[tuple[str, bool], list[str]] = {}
    for k, item in r.items():
        if not r.free(item):
            continue
        pairs = values_of(item, r.data)
        if not pairs and item.has("place"):
            _missing_place(r, item)
            continue
        if not pairs and item.has("value_group") and _missing_value(r, item):
            continue
        after_location = k > 0 and isinstance(r.parts[k - 1], Item) and \
            r.parts[k - 1].has("loc")  # type: ignore[union-attr]
        if not pairs and after_location and not item.senses and item.is_word_like and \
                not has_evidence(item, r.data) and r.data.place_columns() and \
                not partial_values(item, r.data):  # "из Татарстана": Республика Татарстан
            _missing_place(r, item)
            continue
        pairs = pairs or partial_values(item, r.data)
        if not pairs or _names_a_measure(r, k, item):
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
        typed = [_typed(r.data.columns[column], v) for v in values]
        bought = bought_values(r, column, typed)
        condition: Condition = NotIn(column=column, values=typed) if negated else \
            In(column=column, values=typed)
        if bought is not None:
            condition = Not(condition=bought) if negated else bought
        r.add(condition, "value", column)


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
    """"from Atlantis", "from Japan" where the data has no Japan: name the real values."""
    r.use(item)
    word, end = item.text, item.tokens[-1].end if item.tokens else -1
    for _, after in r.items():  # "火星", not "火": the unknown characters written with it
        if after.tokens and after.tokens[0].start == end and not after.senses and \
                re.fullmatch("[\u3400-\u9fff]+", after.text) and r.free(after):
            word, end = word + after.text, after.tokens[-1].end
            r.use(after)
    columns = r.data.place_columns()
    if not columns:
        names = list(r.data.columns)[:8]
        r.problem("no_place_column", names, word=word, options=", ".join(names))
        return
    _not_a_value(r, word, columns[0])


def _mentions(r: Reader) -> None:
    """Columns named without a number, one run of adjacent words at a time."""
    run: list[tuple[int, Item]] = []
    for k, item in [*r.items(), (len(r.parts), None)]:
        negated_people = item is not None and item.has("people") and k > 0 and isinstance(
            r.parts[k - 1], Item) and r.parts[k - 1].has("neg")  # type: ignore[union-attr]
        if item is not None and r.free(item) and (has_evidence(item, r.data) or (
                item.has("people") and (run or negated_people))):
            run.append((k, item))
        elif item is not None and item.filler and run:
            continue
        else:
            if run:
                _mention_all(r, run)
            run = []


def _mention_all(r: Reader, run: list[tuple[int, Item]]) -> None:
    """A run, then the words its column did not take ("ACTIVE clients exited"), which name
    another; their conditions kept in the order said ("what share of active clients exited":
    the last one is what a rate counts)."""
    before = len(r.out.conditions)
    _mention(r, run)
    rest = [(j, i) for j, i in run if r.free(i) and has_evidence(i, r.data) and
            not i.has("people")]
    if not rest or len(rest) == len(run):
        return
    taken = [j for j, i in run if not r.free(i) and (j, i) not in rest]
    first = len(r.out.conditions)
    _mention(r, rest)
    if first > before and len(r.out.conditions) > first and taken and rest[0][0] < taken[0]:
        r.out.conditions[before:] = r.out.conditions[first:] + r.out.conditions[before:first]


def _mention(r: Reader, run: list[tuple[int, Item]]) -> None:
    items = [i for _, i in run if not (i.has("people") and not i.has("column"))] or [
        i for _, i in run]
    qualified = len(items) < len(run) or any(not i.has("people") for i in items)
    negated = r.negated(run[0][0]) or any(i.has("neg") for _, i in run)  # "never purchased"
    if all(i.has("people") for i in items) and not (negated or qualified) and \
            not any(r.names_a_flag(i) for i in items):
        return
    # "non-members": a people word names a column only when nothing else in the run does.
    alone = not any(has_evidence(i, r.data) for _, i in run if not i.has("people"))
    # a date column is no condition without a date: "renewed accounts" is the yes/no one
    found = link([i for _, i in run], r.data, people=alone and (negated or qualified),
                 accept=lambda w: not w.is_date)
    if found.column is None and len(run) > 1 and _each_its_own(r, run):
        return  # "churned seniors": two yes/no columns, one word each
    if found.column is None and not found.tied and _date_present(r, run, negated):
        return
    if found.column is None:
        if found.tied and _quantified(r, found.tied, negated, items):
            return
        if found.tied and any(not i.has("activity") for i in items):
            r.use(*items)
            tied = in_counting_order(found.tied)
            r.problem("which_column", tied, words=" ".join(i.text for i in items),
                      options=", ".join(tied))
        return
    if found.score < 0.9:
        return  # only a verb of buying points at it ("customers who shop ..."): no condition
    column = r.data.columns[found.column]
    supporting = [[i for _, i in run][j] for j in found.supporting]
    if column.name in r.out.columns and not negated and not column.is_flag:
        r.use(*supporting)  # "NPS detractors": the name of a column already conditioned
        return
    if all(i.has("activity") and not i.has("column", "concept") for i in supporting) \
            and not column.is_flag:
        return  # "bought" alone is no condition
    r.use(*supporting)
    if all(i.has("role", "activity") and not i.has("column") for i in supporting) and \
            column.numeric and not column.is_flag:
        if r.out.conditions:
            return  # "paid with alipay", "registered via YouTube": the verb of a value said
        r.out.signals.add("verb_only")  # grammar.py drops it beside another clause's value
    # "customers who stayed": not churned; but "renew" in renew_offer_accepted is the
    # column's own word, not the opposite of a churn it does not record
    if any({str(a) for a in i.args("opposite")} & column.concepts and
           not (len(i.tokens) == 1 and i.tokens[0].norm in column.norms) for i in supporting):
        negated = not negated
    if column.is_flag:
        negated = negated != _stated_no(r, run[-1][0], column)
    _column_condition(r, column, negated, items)


def _stated_no(r: Reader, k: int, column: ColumnWords) -> bool:
    """"renewed No", "renewed为否", "renewed = yes": the value written after a yes/no column
    (True for its no); nothing written is its yes."""
    between: list[Item] = []
    for j, item in r.items():
        if j <= k or not r.free(item):
            continue
        words = {v.lower() for v in (column.yes, column.no) if v}
        said = {t.text.lower() for t in item.tokens}
        answers = {str(a) for a in (*item.args("value_group"), *item.args("intent"))}
        if {"yes", "no"} & answers or said & words:
            r.use(item, *between)
            return "no" in answers or bool(column.no and column.no.lower() in said)
        if not (item.only_function or "==" in item.args("cmp")):
            return False
        between.append(item)
    return False


def _date_present(r: Reader, run: list[tuple[int, Item]], negated: bool) -> bool:
    """"cancelled members", "no cancellation date": a date column with empty cells, named
    without a date, is whether it is filled in."""
    words = [i for _, i in run if not i.has("people", "activity", "role")]
    found = link(words, r.data, accept=lambda w: w.is_date and w.info.n_missing > 0) \
        if words else None
    if found is None or found.column is None or found.score < 0.9:
        return False
    column = found.column
    # its own word ("cancelled" for cancelled_on), not a concept ("renewed" is no cancel date)
    if not any(t.norm in r.data.columns[column].norms for i in words for t in i.tokens):
        return False
    r.use(*(i for _, i in run))
    r.add(Missing(column=column) if negated else Present(column=column), "flag", column)
    return True


def _each_its_own(r: Reader, run: list[tuple[int, Item]]) -> bool:
    """"churned seniors", "оттока среди активных клиентов": a column for each word (the
    people noun aside)."""
    own = [(k, i) for k, i in run if not i.only_function and not (
        i.has("people") and not has_evidence(i, r.data))]
    columns = [link([i], r.data, people=True).column for _, i in own]
    if len(own) < 2 or None in columns or len(set(columns)) != len(columns):
        return False
    for k, item in own:
        _mention(r, [(k, item)])
    return True


def _column_condition(r: Reader, column: ColumnWords, negated: bool, items: list[Item]) -> None:
    strength = r.find("intensifier") or next((i for i in items if i.has("intensifier") and
                                              "age" in i.args("concept")), None)
    sign = r.find("sign")
    if sign is not None and column.numeric and not column.is_flag:
        r.use(sign)
        r.add(Compare(column=column.name, op=str(sign.args("sign")[0]), value=0),  # type: ignore[arg-type]
              "flag", column.name)
    elif strength is not None and column.numeric and not column.is_flag:
        r.use(strength)
        r.out.vague.append((str(strength.args("intensifier")[0]), column.name))
        r.out.signals.add("vague")
    elif column.is_flag:
        r.add(flag_condition(column, negated), "flag", column.name)
    elif column.numeric and not column.is_date and (column.info.minimum or 0) >= 0:
        r.add(Compare(column=column.name, op="==" if negated else ">", value=0), "presence",
              column.name)
    elif column.is_category:
        yes: list[Scalar] = [v for v in column.info.values
                             if v in r.data.group_values_of("yes", column.name)]
        no: list[Scalar] = [v for v in column.info.values
                            if v in r.data.group_values_of("no", column.name)]
        if yes or no:  # "with tech support": Yes; "no online security": anything but Yes
            if yes:
                condition: Condition = NotIn(column=column.name, values=yes) if negated \
                    else In(column=column.name, values=yes)
            else:
                condition = In(column=column.name, values=no) if negated else \
                    NotIn(column=column.name, values=no)
            r.add(condition, "flag", column.name)
            return
        if column.info.n_missing > 0:
            # "used a promo code", "no coupon": whether it is filled in, when many are not
            r.add(Missing(column=column.name) if negated else Present(column=column.name),
                  "flag", column.name)
            return
        values = list(column.info.values[:8])
        r.problem("which_value", values, column=column.name, options=", ".join(values))


def flag_condition(column: ColumnWords, negated: bool) -> Condition:
    """The column's yes (or, negated, its no)."""
    value = column.no if negated and column.no is not None else column.yes
    if negated and column.no is None:
        return NotIn(column=column.name, values=[_typed(column, column.yes or "")])
    if column.info.dtype == DType.TEXT:
        return In(column=column.name, values=[value or ""])
    return Compare(column=column.name, op="==", value=_typed(column, value or ""))


def _quantified(r: Reader, tied: tuple[str, ...], negated: bool, items: list[Item]) -> bool:
    """"accepted any campaign": every tied yes/no column, joined by or (any) / and (all)."""
    quantifier = r.find("quantifier")
    columns = [r.data.columns[c] for c in tied]
    if not all(c.is_flag for c in columns) or (quantifier is None and not negated):
        return False
    # "never accepted a campaign", "accepted none of the campaigns": no to every one.
    said = str(quantifier.args("quantifier")[0]) if quantifier is not None else "any"
    if said == "none":
        negated = not negated
    r.use(*([quantifier] if quantifier is not None else []), *items)
    flags = [flag_condition(c, negated) for c in columns]
    every = said in ("all", "both") or negated
    r.add(And(all=flags) if every else Or(any=flags), "flag", columns[0].name)
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


def _typed(column: ColumnWords, value: str) -> Scalar:
    if column.info.dtype == DType.BOOL:
        return value.strip().lower() in ("true", "1", "yes", "y", "t")
    if column.info.dtype in (DType.INTEGER, DType.NUMBER):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value
