"""Quantities in a clause -> comparisons, ranks and RFM scores (time: times.py).

A quantity takes the column named right before it ("income over 75000",
"收入超过8万", "траты от 1000") or right after it ("more than 5 orders",
"3 и более заказами"); failing that, its unit decides (money is spend, "times"
are orders, a number after a people word is an age). A time quantity with a
verb of buying is recency, with joining words tenure, converted to the
column's unit; a year or a month said of a date column is a period.
"""

from __future__ import annotations

from assistant.interpreter.ages import age_as_birth_year, age_column, no_age_column, on_birth_year
from assistant.interpreter.datalex import ColumnWords
from assistant.interpreter.linking import has_evidence, link, names_a_flag
from assistant.interpreter.quantities import Qty
from assistant.interpreter.reader import Reader, leaves
from assistant.interpreter.tagging import Item
from assistant.interpreter.times import (
    compare,
    date_condition,
    generation,
    time_window,
    typed_number,
    year_of_date,
)
from tools.engine.definitions import (
    And,
    ColumnSum,
    Condition,
    In,
    Not,
    Rank,
    RfmScore,
    Scalar,
)


def quantities(r: Reader) -> None:
    positions = [k for k, p in enumerate(r.parts) if isinstance(p, Qty)]
    lefts = {k: r.run(k, -1) for k in positions}
    for n, k in enumerate(positions):
        qty = r.parts[k]
        assert isinstance(qty, Qty)
        if id(qty) in r.out.used or _score(r, k, qty) or _ranked(r, k, qty):
            continue
        after = r.parts[positions[n + 1]] if n + 1 < len(positions) else None
        # the words before the next number are its own, unless it is a time ("more than two
        # ORDERS in the last 6 months": a window needs no column)
        timed = isinstance(after, Qty) and (after.unit == "time" or after.window or after.ago)
        taken = set(map(id, lefts[positions[n + 1]])) if after is not None and not timed \
            else set()
        right = [i for i in r.run(k, +1) if id(i) not in taken]
        _postfix(r, qty, k + len(right) + 1)
        words = [*lefts[k], *right, *(i for i in qty.source if i.has("measure_unit"))]
        if not words and qty.unit == "time" and not qty.window and not qty.ago and not any(
                i.has("activity", "inactivity", "neg") for _, i in r.items()):
            # "гости с более чем 10 ночами": the unit is the column's own word
            words = [i for i in qty.source if not i.has("num") and has_evidence(i, r.data)]
        if qty.unit == "generation":
            generation(r, qty)
            continue
        age = age_column(r, qty, words)
        if age is None and (on_birth_year(r, k, qty) or no_age_column(r, k, qty)):
            continue
        if age is not None:  # "older than 60 years", "старше 60 лет", "30到40岁"
            r.use(*(i for i in words if "age" in i.args("concept")))
            compare(r, age, Qty(qty.first, qty.last, qty.text, value=qty.value, op=qty.op,
                                low=qty.low, high=qty.high))
        elif qty.unit == "time" or qty.window or qty.ago:
            time_window(r, k, qty, words)
        elif qty.date is not None or year_of_date(r, qty, words):
            date_condition(r, qty, words, negated=r.negated(k) or _not_after(r, k))
        else:
            _number(r, k, qty, words)


def _article(qty: Qty, words: list[Item]) -> bool:
    """A lone "one" written as a word, with nothing it counts: an article, not a number."""
    return (qty.value == 1 and qty.op is None and not qty.is_range and not words
            and qty.unit in (None, "count") and not any(c.isdigit() for c in qty.text))


def _postfix(r: Reader, qty: Qty, k: int) -> None:
    """"5 orders or fewer": a comparator after the measure's name."""
    part = r.parts[k] if k < len(r.parts) else None
    if qty.op is None and isinstance(part, Item) and part.has("cmp_post") and r.free(part):
        qty.op = str(part.args("cmp_post")[0])
        r.use(part)


def _not_after(r: Reader, k: int) -> bool:
    """"2011年9月以来没有购买": a verb of not buying right after the date negates it."""
    after = r.parts[k + 1] if k + 1 < len(r.parts) else None
    if isinstance(after, Item) and after.has("inactivity") and r.free(after):
        r.use(after)
        return True
    return False


def _ranked(r: Reader, k: int, qty: Qty) -> bool:
    """"top 10%", "the 50 biggest": the rank next to it takes the number; a compared number
    ("young customers under 25") is no rank's size."""
    if qty.op is not None:
        return False
    near = [r.parts[j] for j in (k - 1, k + 1, k - 2) if 0 <= j < len(r.parts)]
    return any(isinstance(p, Item) and (p.has("rank") or "best" in p.args("vague")) and
               r.free(p) for p in near) or (
        (qty.unit == "percent" or _counts_people(r, k)) and r.find("rank") is not None)


def _counts_people(r: Reader, k: int) -> bool:
    """"the 20 customers who spent the most": a number of people, for a rank said later."""
    after = r.parts[k + 1] if k + 1 < len(r.parts) else None
    return isinstance(after, Item) and after.has("people")


def _number(r: Reader, k: int, qty: Qty, words: list[Item]) -> None:
    totals = r.find("quantifier")
    if totals is not None and "sum" in totals.args("quantifier") and \
            _summed(r, k, qty, words, []):
        return  # "on wine and meat combined", "in total"
    found = link(words, r.data, accept=lambda w: (w.numeric or bool(w.bands)) and not w.is_date
                 and not w.is_flag and _plausible(w, qty) and not _times_of_money(w, qty))
    if found.column is None and not found.tied:
        # "spent over 1.5 million" where nobody did: named by its role, it is still spend
        named = link(words, r.data, accept=lambda w: w.numeric and not w.is_date
                     and not w.is_flag and not _times_of_money(w, qty))
        if named.score >= 1.5:
            found = named
    banded = [c for c in found.tied if _a_band(r.data.columns[c], qty)]
    if found.column is None and len(banded) == 1:  # "收入在$60K - $80K": the band's column
        found = link(words, r.data, accept=lambda w: w.name == banded[0])
    column = r.data.columns.get(found.column or "")
    if column is not None:
        r.use(*(words[i] for i in found.supporting))
    elif _summed(r, k, qty, words, list(found.tied)):
        return
    elif found.tied:
        r.use(*words)
        r.problem("which_column", list(found.tied), words=" ".join(w.text for w in words),
                  options=", ".join(found.tied))
        return
    else:
        column = _implied(r, k, qty)
    if column is None and r.out.conditions and r.out.columns[-1:] and any(
            "birth" in r.data.columns[c].concepts for c in r.out.columns[-1:]):
        return  # an age read on the birth year
    if column is None and r.last_measure in r.data.columns and qty.op is not None:
        column = r.data.columns[r.last_measure]  # "more than 1000 and less than 5000"
    if column is None and _article(qty, words):
        return  # "推荐一个营销活动", "suggest a campaign": "one" as an article
    spend = _money_words(r)
    if column is None and r.data.role_column("monetary") is None and (
            spend or qty.unit == "currency"):
        r.use(*words, *spend)  # "spent over 1000" on a log of customers and dates only
        r.problem("no_money", phrase=qty.text)
        return
    unknown = [p for p in r.parts[max(0, k - 2):k + 3] if isinstance(p, Item) and r.free(p)
               and p.is_word_like and (not p.senses or p.has("concept") and not p.has(
                   "people", "activity", "role") and not has_evidence(p, r.data))]
    if column is None and unknown:  # "more than 2 pets": no pets here, whatever the number
        r.unplaced(unknown, qty)
        return
    if column is None and _a_flags_value(r, k, qty):
        return  # "wechat_bound为1", "is_member = 0": the yes/no column's own value
    if column is None:
        numeric = [w.name for w in r.data.columns.values() if w.numeric and not w.is_date
                   and not w.is_flag][:8]
        r.problem("which_number_column", numeric, phrase=qty.text, options=", ".join(numeric))
        return
    before = len(r.out.conditions)
    if qty.values:
        values: list[Scalar] = [typed_number(column, v) for v in qty.values]
        r.add(In(column=column.name, values=values), "qty", column.name)  # "1 or 2 kids"
    elif column.bands:
        _bands(r, column, qty)
    else:
        compare(r, column, qty)
    if len(r.out.conditions) > before and r.negated(k - len(words)):
        r.out.conditions[-1] = Not(condition=r.out.conditions[-1])  # "did not spend over 1000"


def _money_words(r: Reader) -> list[Item]:
    """Free words that name spend or order value ("revenue", "average order value")."""
    return [i for _, i in r.items() if r.free(i) and
            {"monetary", "avg_order_value"} & set(map(str, i.args("role")))]


def _summed(r: Reader, k: int, qty: Qty, words: list[Item], tied: list[str]) -> bool:
    """Several columns said as one: "accepted 2 or more campaigns" counts yes/no columns,
    "spent over 1000 in total" adds amounts. A transparent sum, shown in the definition."""
    quantifier = r.find("quantifier")
    if quantifier is not None and "sum" in quantifier.args("quantifier"):
        named = _each_named(r)
        # "on wine and meat combined": the columns named one by one; "total spend across
        # all product lines": every column the money words name.
        money = [i for i in words if i.has("role", "concept") and not i.has("column")]
        tied = named or list(link(money, r.data, accept=lambda w: w.numeric and
                                  not w.is_flag).tied or tied)
    elif not tied:  # "accepted 2 or more campaigns": yes/no columns, counted
        tied = list(link(words, r.data, accept=lambda w: w.is_flag).tied)
    columns = [r.data.columns[c] for c in tied]
    if len(columns) < 2:
        return False
    counting = all(c.is_flag for c in columns) and qty.unit in (None, "count")
    adding = quantifier is not None and "sum" in quantifier.args("quantifier") and all(
        c.numeric and not c.is_flag for c in columns)
    if not (counting or adding) or qty.value is None and not qty.is_range:
        return False
    r.use(*words, *([quantifier] if quantifier is not None else []))
    names = [c.name for c in columns]
    if qty.is_range:
        r.add(And(all=[ColumnSum(columns=names, op=">=", value=qty.low or 0),
                       ColumnSum(columns=names, op="<=", value=qty.high or 0)]), "qty", names[0])
    else:
        r.add(ColumnSum(columns=names, op=qty.op or "==",  # type: ignore[arg-type]
                        value=typed_number(columns[0], qty.value or 0)), "qty", names[0])
    return True


def _each_named(r: Reader) -> list[str]:
    """Columns each named by a word of its own in the clause ("wine", "meat")."""
    found: list[str] = []
    for _, item in r.items():
        if item.has("role", "activity", "quantifier") or not r.free(item):
            continue
        one = link([item], r.data, accept=lambda w: w.numeric and not w.is_flag)
        if one.column is not None and one.column not in found:
            found.append(one.column)
            r.use(item)
    return found if len(found) > 1 else []


def _plausible(column: ColumnWords, qty: Qty) -> bool:
    """A number far above everything in the column ("over 1000" on a 1-100 score) is not
    about it, whatever the words."""
    high = column.info.maximum
    asked = qty.low if qty.is_range else qty.value
    if high is None or asked is None or qty.op in ("<", "<=") or column.scale != 1:
        return True
    return asked <= max(10 * high, high + 100)


def _bands(r: Reader, column: ColumnWords, qty: Qty) -> None:
    """"earning less than $40k" on bands ("Less than $40K", "$40K - $60K"): the bands inside."""
    low, high = (qty.low, qty.high) if qty.is_range else {
        "<": (None, qty.value), "<=": (None, qty.value), ">": (qty.value, None),
        ">=": (qty.value, None)}.get(qty.op or "", (qty.value, qty.value))
    scale = _band_scale(column, qty)
    inside = [v for v, (a, b) in column.bands.items()
              if (low is None or a >= low / scale) and (high is None or b <= high / scale)]
    if not inside:
        values = list(column.bands)
        r.problem("no_band", values, column=column.name, phrase=qty.text,
                  options=", ".join(values))
        return
    chosen: list[Scalar] = list(inside)
    r.add(In(column=column.name, values=chosen), "qty", column.name)


def _times_of_money(column: ColumnWords, qty: Qty) -> bool:
    """"paid at least 3 times", "stayed with us 3+ times": a count of times is never an
    amount of money, nor days since the first or last purchase."""
    return qty.unit == "count" and (column.info.role.value in ("monetary", "tenure", "recency")
                                    or bool(column.concepts & {"monetary", "avg_order_value"})
                                    and "count" not in column.concepts)


def _a_band(column: ColumnWords, qty: Qty) -> bool:
    """The range is one of the column's bands as written ("$60K - $80K")."""
    scale = _band_scale(column, qty)
    return qty.is_range and any(a == (qty.low or 0) / scale and b == (qty.high or 0) / scale
                                for a, b in column.bands.values())


def _band_scale(column: ColumnWords, qty: Qty) -> float:
    """Bands written in thousands ("(k$)") against a number said in full ("60000")."""
    return column.scale if (qty.value or qty.high or 0) >= 1000 and column.scale != 1 else 1


def _implied(r: Reader, k: int, qty: Qty) -> ColumnWords | None:
    """A number no column word names: by its unit, or an age after a people word."""
    for unit, role in (("currency", "monetary"), ("count", "frequency")):
        if qty.unit == unit:
            found = r.data.role_column(role)
            candidates = [w for w in r.data.numeric_with(role)
                          if not w.is_flag and not w.is_date]
            if found is None and len(candidates) > 1:
                r.problem("which_column", [c.name for c in candidates], words=qty.text,
                          options=", ".join(c.name for c in candidates))
            return found or (candidates[0] if len(candidates) == 1 else None)
    before = next((p for p in reversed(r.parts[:k]) if not (isinstance(p, Item) and p.filler)),
                  None)
    plausible = qty.is_range or (
        qty.value is not None and 0 < qty.value < 120 and qty.op in (">", "<", ">=", "<="))
    buying = any(i.has("activity") for _, i in r.items())
    person = isinstance(before, Item) and (before.has("people") or any(
        g in ("female", "male") for g in before.args("value_group")) or (
        before.has("value") and not buying))
    if qty.unit == "decade" or (plausible and person):
        ages = [w for w in r.data.columns.values() if "age" in w.concepts and (
            w.numeric or w.bands) and "birth" not in w.concepts]
        if len(ages) == 1:
            return ages[0]
        births = r.data.numeric_with("birth")
        if len(births) == 1 and age_as_birth_year(r, births[0], qty):
            return None
    return None


def ranks(r: Reader) -> None:
    for k, item in r.items():
        best = not item.has("rank") and "best" in item.args("vague")
        if not (item.has("rank") or best) or not r.free(item):
            continue
        direction = "top" if best else str(item.args("rank")[0])
        size = _rank_size(r, k)
        measure = _rank_measure(r, item)
        if best and (size is None or measure is None):
            continue  # "our best customers" alone: choices, not a rank
        if size is None:
            if measure is not None:
                r.use(item)
                r.out.vague.append(("rank_" + direction, measure.name))
                r.out.signals.add("vague")
            continue
        r.use(item)
        money = _money_words(r)
        if measure is None and money and r.data.role_column("monetary") is None:
            r.use(*money)  # "top 10% by revenue" on a log of customers and dates only
            r.problem("no_money", phrase=" ".join(i.text for i in [item, *money]))
            continue
        if measure is None:  # "换成前20%": the current rank's measure
            ranked = {leaf.column for leaf in leaves(r.env.context.current_condition)
                      if isinstance(leaf, Rank)}
            measure = r.data.columns.get(ranked.pop()) if len(ranked) == 1 else None
        if measure is None:  # the measures a rank could be by, spend and orders first
            numeric = [w.name for w in sorted(
                (w for w in r.data.columns.values() if w.numeric and not w.is_flag
                 and not w.is_date), key=lambda w: w.info.role.value not in (
                    "monetary", "frequency"))][:8]
            r.problem("which_column", numeric, words=item.text, options=", ".join(numeric))
            continue
        n, percent = size
        rank: Condition = Rank(column=measure.name, direction=direction,  # type: ignore[arg-type]
                               n=n, percent=percent)
        r.add(Not(condition=rank) if r.negated(k) else rank, "rank", measure.name)


def _rank_size(r: Reader, k: int) -> tuple[int | None, float | None] | None:
    for j in (k + 1, k - 1, k + 2, k - 2):
        part = r.parts[j] if 0 <= j < len(r.parts) else None
        if isinstance(part, Item) and part.has("share") and r.free(part):
            r.use(part)
            return None, float(part.args("share")[0])  # type: ignore[arg-type]
    for j in (k + 1, k - 1, k + 2, k - 2, *range(len(r.parts))):
        part = r.parts[j] if 0 <= j < len(r.parts) else None
        if isinstance(part, Qty) and part.value is not None and part.value >= 1 and \
                not (part.unit == "percent" and part.value > 100) and \
                part.op is None and not part.is_range and id(part) not in r.out.used and (
                abs(j - k) <= 2 or part.unit == "percent" or _counts_people(r, j)):
            r.out.used.add(id(part))
            return (None, part.value) if part.unit == "percent" else (int(part.value), None)
    return None


def _rank_measure(r: Reader, rank: Item) -> ColumnWords | None:
    if rank.has("rank_measure"):  # "the biggest spenders", "the oldest"
        own = link([rank], r.data, accept=lambda w: w.numeric and not w.is_flag)
        if own.column is not None:
            return r.data.columns[own.column]
    # Not a glue verb ("what share of revenue COMES from the top 10%")
    words = [i for _, i in r.items() if r.free(i) and i is not rank and not (
        i.has("func") and not i.has("role", "concept", "column")) and link([i], r.data).score]
    found = link(words, r.data, accept=lambda w: w.numeric and not w.is_date and not w.is_flag)
    if found.column is not None:
        r.use(*(words[i] for i in found.supporting))
        return r.data.columns[found.column]
    if any("revenue_share" in i.args("figure") for _, i in r.items()):
        return r.data.role_column("monetary")  # the customers who bring the most revenue
    return None


def _score(r: Reader, k: int, qty: Qty) -> bool:
    """"R score of 5", "recency score at least 4", "RFM cell 555"."""
    near = [p for p in r.parts[max(0, k - 3):k] if isinstance(p, Item)]
    item = next((i for i in near if i.has("rfm_score") and r.free(i)), None)
    if item is None or qty.value is None and not qty.is_range:
        return False
    score = str(item.args("rfm_score")[0])
    r.use(item)
    r.out.used.add(id(qty))
    if score == "cell":
        digits = [int(d) for d in str(int(qty.value or 0))]
        if len(digits) != 3 or not all(1 <= d <= 5 for d in digits):
            r.problem("unplaced", words=f"'{qty.text}'")
            return True
        for letter, digit in zip("rfm", digits, strict=True):
            r.add(RfmScore(score=letter, low=digit, high=digit), "named")  # type: ignore[arg-type]
        return True
    low, high = _score_range(qty)
    r.add(RfmScore(score=score, low=low, high=high), "named")  # type: ignore[arg-type]
    return True


def _score_range(qty: Qty) -> tuple[int, int]:
    if qty.is_range:
        return int(qty.low or 1), int(qty.high or 5)
    value = int(qty.value or 1)
    return {">": (value + 1, 5), ">=": (value, 5), "<": (1, value - 1),
            "<=": (1, value)}.get(qty.op or "", (value, value))


def _a_flags_value(r: Reader, k: int, qty: Qty) -> bool:
    """A 0 or 1 written right after a yes/no column's name (glue and "=" between)."""
    if not qty.zero_or_one:
        return False
    for part in reversed(r.parts[:k]):
        if isinstance(part, Qty) or not (part.only_function or "==" in part.args("cmp")):
            return isinstance(part, Item) and names_a_flag(part, r.data)
    return False
