"""Columns named without a number: yes/no flags ("churned", "renewed No", "не из
программы"), a date filled in or not ("cancelled members"), a count above zero ("with kids"),
a column's own yes and no values, and several flags at once ("accepted any campaign").
"""

from __future__ import annotations

from assistant.interpreter.datalex import ColumnWords
from assistant.interpreter.linking import (
    has_evidence,
    in_counting_order,
    link,
)
from assistant.interpreter.quantities import Qty
from assistant.interpreter.reader import Reader
from assistant.interpreter.tagging import Item
from tools.engine.definitions import (
    And,
    Compare,
    Condition,
    In,
    Missing,
    NotIn,
    Or,
    Present,
    Scalar,
)
from tools.engine.schema import DType, Role


def mentions(r: Reader) -> None:
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
    # "没买理财": a verb of not buying, with no time said, negates what it names
    timed = any(isinstance(p, Qty) and (p.unit == "time" or p.window) for p in r.parts)
    negated = r.negated(run[0][0], ("neg",) if timed else ("neg", "inactivity")) or any(
        i.has("neg") for _, i in run)  # "never purchased"
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
    if all(i.has("activity") and not i.has("column", "concept") and "monetary" not in i.args(
            "role") for i in supporting) and not column.is_flag:
        return  # "bought" alone is no condition ("付费", paying, is: some money paid)
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
        negated = negated or r.negated(run[0][0], ("inactivity",)) or r.negated_after(
            run[-1][0])  # "没有买私教", "push disabled"
        # the value is written after the column's words, before the people ("为0的会员")
        named = [k for k, i in run if not i.has("people")] or [run[-1][0]]
        negated = negated != _stated_no(r, named[-1], column)
    if _no_value_said(r, column):
        if _asked_which(r, run[0][0]):
            return  # "which referral source has the most users": the groups asked for
        if any(r.free(i) and has_evidence(i, r.data) for _, i in run):
            # "не продлил полис": the policy is what was renewed, and the negation the verb's
            r.out.used.difference_update(id(p) for p in r.parts[:run[0][0]]
                                         if isinstance(p, Item) and p.has("neg"))
            return
    _column_condition(r, column, negated, items)


def _stated_no(r: Reader, k: int, column: ColumnWords) -> bool:
    """"renewed No", "renewed为否", "renewed = yes": the value written after a yes/no column
    (True for its no); nothing written is its yes."""
    between: list[Item] = []
    for j, item in enumerate(r.parts):
        if j <= k:
            continue
        if isinstance(item, Qty):  # "wechat_bound为1", "is_member = 0": the 0/1 written
            if id(item) in r.out.used or not item.zero_or_one:
                return False
            r.out.used.add(id(item))
            r.use(*between)
            return item.value == 0
        if not r.free(item):
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


def _asked_which(r: Reader, k: int) -> bool:
    """A "which", "by" or "each" right before position k, past glue."""
    before = next((p for p in reversed(r.parts[:k]) if not (isinstance(p, Item) and p.filler)),
                  None)
    return isinstance(before, Item) and ("which" in before.args("figure") or
                                         "breakdown" in before.args("intent"))


def _no_value_said(r: Reader, column: ColumnWords) -> bool:
    """A column of categories every customer has a value of, named with no value, sign or
    strength: it says what a sentence is about, not whom."""
    return column.is_category and not column.is_flag and column.info.n_missing == 0 and not (
        r.data.group_values_of("yes", column.name) or r.data.group_values_of("no", column.name)
        or r.find("sign") or r.find("intensifier"))


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
    elif negated and column.numeric and column.info.n_missing > 0 and \
            column.info.role not in (Role.FREQUENCY, Role.MONETARY):
        r.add(Missing(column=column.name), "flag", column.name)  # "no NPS score": not given
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
        return NotIn(column=column.name, values=[typed_value(column, column.yes or "")])
    if column.info.dtype == DType.TEXT:
        return In(column=column.name, values=[value or ""])
    return Compare(column=column.name, op="==", value=typed_value(column, value or ""))


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


def typed_value(column: ColumnWords, value: str) -> Scalar:
    if column.info.dtype == DType.BOOL:
        return value.strip().lower() in ("true", "1", "yes", "y", "t")
    if column.info.dtype in (DType.INTEGER, DType.NUMBER):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value
