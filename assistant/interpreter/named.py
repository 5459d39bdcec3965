"""Customers named by a name, not by a column: RFM segments ("champions"), lifecycle
stages ("lapsed"), predicted traits ("likely to buy again"), fixed phrases ("one-time
buyers", "detractors") and vague words ("best customers"), which become choices.

The first reader of a clause (clauses.py), so a column never takes these words.
"""

from __future__ import annotations

from assistant.interpreter.lexicon import Sense
from assistant.interpreter.linking import evidence, names_a_flag, values_of
from assistant.interpreter.quantities import Qty
from assistant.interpreter.reader import Reader
from assistant.interpreter.tagging import Item
from tools.engine.definitions import Between, Compare, Lifecycle, Not, RfmSegment
from tools.predicted import meaning


def _behaviour_log(r: Reader) -> bool:
    return r.data.role_column("recency") is not None and \
        r.data.role_column("frequency") is not None


def named(r: Reader) -> None:
    """RFM segments, lifecycle stages, fixed phrases ("one-time buyers"), vague words."""
    context = r.env.context
    rfm: list[str] = []
    negated_rfm = False
    timed = any(isinstance(p, Qty) and (p.unit == "time" or p.window) for p in r.parts)
    lifecycle_said = any("lifecycle" in i.args("command") for _, i in r.items())
    for k, item in r.items():
        if item.has("predicted") and r.free(item):
            _predicted(r, k, item)
            continue
        if item.has("fixed") and _fixed(r, item):
            continue
        counted = _counted(r, k) if item.has("vague") else None
        # "the 10 top", "the 10 best customers by spend": a rank (measures.py)
        ranked = counted is not None and (item.has("rank") or _a_measure_named(r, item))
        if item.has("vague") and r.free(item) and not values_of(item, r.data) and \
                not names_a_flag(item, r.data) and not ranked and not _a_name_part(r, k, item):
            r.use(item)
            r.out.vague.append((str(item.args("vague")[0]), None))
            r.out.signals.add("vague")
            if counted is not None:  # "the 10 best customers": its readings rank 10
                r.out.used.add(id(counted))
                r.out.signals.add(f"count:{int(counted.value or 0)}")
            continue
        after = r.parts[k + 1] if k + 1 < len(r.parts) else None
        if timed and "newness" in item.args("concept") and isinstance(after, Item) and \
                after.has("people") and not values_of(item, r.data):
            r.use(item)  # "注册不足一百天的新玩家", "new players who joined in the last month"
            r.joined = True
            continue
        names = [str(a) for a in item.args("rfm") if a in context.rfm_segment_names and
                 not names_a_flag(item, r.data)]
        if names == ["New Customers"] and timed:
            r.use(item)  # "new customers in the last 30 days": recent joiners
            r.joined = True
            continue
        if names and not item.has("value") and not (lifecycle_said and item.has("stage")):
            r.use(item)
            if not _behaviour_log(r):
                r.problem("no_rfm", r.data.shown_columns(), word=item.text)
            negated_rfm = negated_rfm or r.negated(k)
            rfm.extend(n for n in names if n not in rfm)
            continue
        stages = [str(a) for a in item.args("stage") if a in context.lifecycle_stages]
        if stages and not values_of(item, r.data) and _behaviour_log(r) and not (
                timed and item.has("inactivity")) and not names_a_flag(item, r.data):
            r.use(item)
            r.add(Lifecycle(stages=stages), "named")
    if rfm and _behaviour_log(r):
        segments = RfmSegment(segments=rfm)
        r.add(Not(condition=segments) if negated_rfm else segments, "named")


def _a_name_part(r: Reader, k: int, vague: Item) -> bool:
    """"VIP等级为钻石": the vague word and the next one name a column together (vip_level)."""
    following = r.parts[k + 1] if k + 1 < len(r.parts) else None
    return isinstance(following, Item) and any(
        evidence(vague, w) > 0 and evidence(following, w) > 0 for w in r.data.columns.values())


def _a_measure_named(r: Reader, vague: Item) -> bool:
    """A number column named beside a vague word ("best customers BY SPEND")."""
    return any(i is not vague and r.free(i) and any(
        evidence(i, w) > 0 for w in r.data.columns.values()
        if w.numeric and not w.is_flag and not w.is_date) for _, i in r.items())


def _predicted(r: Reader, k: int, item: Item) -> None:
    """"likely to buy again (in the next 90 days)", "probably lapsed": a predicted trait,
    whose condition is data (tools/predicted_meanings.yaml); the horizon said with it
    becomes a signal "horizon:DAYS" (the interpreter asks for that prediction first)."""
    r.use(item)
    if not _behaviour_log(r):
        r.problem("no_prediction", r.data.shown_columns(), word=item.text)
        return
    condition = meaning(str(item.args("predicted")[0]))
    r.add(Not(condition=condition) if r.negated(k) else condition, "fixed")
    for j, part in enumerate(r.parts):
        if not (isinstance(part, Qty) and part.unit == "time" and part.value and
                id(part) not in r.out.used and not part.window and not part.ago):
            continue
        ahead = [p for p in r.parts[max(0, j - 3):j]
                 if isinstance(p, Item) and p.has("ahead") and r.free(p)]
        if ahead:
            r.use(*ahead)
            r.out.used.add(id(part))
            r.out.signals.add(f"horizon:{round(part.value * part.days)}")
            return


def _fixed(r: Reader, item: Item) -> bool:
    role, op, value = str(item.args("fixed")[0]).split()
    column = r.data.role_column(role)
    if column is None and _scored(r, item, role, op, value):
        return True
    others = [p for p in r.parts if p is not item and (isinstance(p, Qty) or not (
        p.only_function or p.has("people", "punct")))]
    if column is None and role == "frequency" and value == "0" and not others:
        # "never made a purchase" where the spend is kept and no count: spent nothing
        counts = [w for w in r.data.numeric_with("frequency") if not w.is_flag]
        spend = [w for w in r.data.numeric_with("monetary") if not w.is_flag and w not in counts]
        column = r.data.role_column("monetary") or (spend[0] if len(spend) == 1 else None) or (
            counts[0] if len(counts) == 1 else None)  # or no purchase counted
    if column is None:
        # "never purchased online" on a table with no order count: a negated verb.
        if value == "0":
            item.senses = (*item.senses, Sense("neg"), Sense("activity"))
        return False
    if value == "0" and others:
        # "no orders in the last 2 weeks", "never bought in store": a negated verb here.
        item.senses = (*item.senses, Sense("neg"), Sense("activity"))
        return False
    r.use(item)
    r.add(Compare(column=column.name, op=op, value=int(value)),  # type: ignore[arg-type]
          "fixed", column.name)
    return True


def _scored(r: Reader, item: Item, concept: str, op: str, value: str) -> bool:
    """"detractors", "promoters": a fixed band of a 0-10 score the data names ("nps_score")."""
    scores = [w for w in r.data.numeric_with(concept)
              if not w.is_flag and (w.info.maximum or 0) <= 10]
    if len(scores) != 1:
        return False
    name = scores[0].name
    r.use(item)
    if op == "between":
        low, high = (int(v) for v in value.split(".."))
        r.add(Between(column=name, low=low, high=high), "fixed", name)
    else:
        r.add(Compare(column=name, op=op, value=int(value)),  # type: ignore[arg-type]
              "fixed", name)
    return True


def _counted(r: Reader, k: int) -> Qty | None:
    """A bare whole number right before or after ("the 10 best customers", "前10名")."""
    near = [r.parts[j] for j in (k - 1, k + 1, k - 2) if 0 <= j < len(r.parts)]
    return next((p for p in near if isinstance(p, Qty) and p.op is None and p.unit is None
                 and p.value is not None and p.value >= 1 and float(p.value).is_integer()
                 and not p.is_range and id(p) not in r.out.used), None)
