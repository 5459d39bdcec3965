"""Where the parts of a question about the data are: the column it breaks down by, whom
it is about, what it is set against, and whether a figure word is a condition's.

Shared by `questions.py`; every test reads the lexicon's senses and the data's columns,
never a particular word.
"""

from __future__ import annotations

from assistant.interpreter.datalex import ColumnWords
from assistant.interpreter.intent import content
from assistant.interpreter.lexicon import Sense
from assistant.interpreter.linking import evidence, has_evidence, link
from assistant.interpreter.mentions import flag_condition
from assistant.interpreter.reader import Env
from assistant.interpreter.tagging import Item
from assistant.interpreter.text import is_chinese, tokenize
from tools.engine.definitions import Condition, In, Scalar
from tools.engine.schema import Role

# The statistics a figure word names, strongest first: "average order value" is an order
# value before it is an average; "средняя сумма" (average amount) an average before a sum.
STATISTIC_ORDER = ("revenue_share", "order_value", "spend_per_customer", "median", "mean",
                   "sum", "min", "max", "rate")


def statistic_of(item: Item) -> str | None:
    """The statistic a figure word names ("average" -> mean, "share" -> rate)."""
    named = {str(a) for a in item.args("figure")}
    if "average" in item.args("intent") or item.has("average"):
        named.add("mean")
    if "share" in item.args("intent"):
        named.add("rate")
    return next((s for s in STATISTIC_ORDER if s in named), None)


def statistic_at(words: list[Item], k: int) -> str | None:
    """The statistic the k-th word names; a word of counting next to a word of money, and not
    before people, asks for the total ("收入是多少", "贡献了多少收入": how much revenue, where
    "多少客户" counts customers)."""
    named = statistic_of(words[k])
    extreme = {"top": "max", "bottom": "min"}.keys() & set(map(str, words[k].args("rank")))
    if named is None and extreme and not any(i.value is not None for i in words) and any(
            {"how_much", "count"} & set(map(str, i.args("intent"))) for i in words):
        # "how old is the oldest customer?", "最年轻的客户多大": the extreme value, asked
        return "max" if "top" in extreme else "min"
    if named is not None or "count" not in words[k].args("intent"):
        return named
    near = [i for i in words[max(k - 2, 0):k + 3] if i is not words[k]]
    money = any("monetary" in i.args("role") and not i.has("people") for i in near)
    counted = words[k + 1] if k + 1 < len(words) else None
    if counted is not None and "frequency" in counted.args("role") and (any(
            "current" in i.args("subject") for i in words) or not any(
            i.has("people", "cmp", "num") for i in words)):
        return "sum"  # "他们一共下了多少单", "how many orders are there?": orders placed
    return "sum" if money and not (counted is not None and counted.has("people")) else None


def names_column(item: Item, env: Env) -> bool:
    return has_evidence(item, env.data) and not item.has("people") and not (
        item.has("figure") and not item.has("role", "column", "concept"))


def superlative_groups(items: list[Item], env: Env) -> None:
    """"投诉最多的套餐", "流失率最高的省份": a superlative before a category column (not before
    people: "消费最多的客户" are top customers) asks which group has the most."""
    for k, item in enumerate(items):
        after = _next_word(items, k)
        rank = set(map(str, item.args("rank"))) & {"top", "bottom"}
        if rank and after is not None and not after.has("people") and _names_a_category(after, env):
            item.senses = (*item.senses, Sense("figure", "most" if "top" in rank else "least"))


def _a_word_of_its_column(item: Item, env: Env) -> bool:
    """"which REFERRAL source": a value that is also a word of its column's name."""
    return any(all(t.norm in env.data.columns[str(column)].norms for t in item.tokens)
               for s in item.senses if s.kind == "value" for column, _ in [s.arg])


def _next_word(words: list[Item], k: int) -> Item | None:
    """The word after position k, past glue ("投诉最多 的 套餐")."""
    return next((i for i in words[k + 1:] if not i.only_function), None)


def breakdown_of(words: list[Item], env: Env) -> tuple[str, list[Item]] | None:
    """"by country", "per plan", "for each segment", "which city", "按地区", "по странам".
    A "by" wins over a "which" ("какой отток по тарифам": what churn, by plan)."""
    by = [k for k, i in enumerate(words) if "breakdown" in i.args("intent")]
    which = [k for k, i in enumerate(words) if k not in by and (
        "which" in i.args("figure") or {"most", "least"} & set(map(str, i.args("figure")))
        and not i.has("intensifier") and _names_a_category(_next_word(words, k), env))]
    # "the most popular cuisine" (not "high-income": a level, not the most of a column)
    for k in by + which:
        item = words[k]
        if k + 1 >= len(words):
            continue
        run: list[Item] = []
        for following in words[k + 1:]:
            if statistic_of(following) is not None:
                break  # "what is the average ...": no column to break down by
            if not run and ("count" in following.args("intent") or following.has("func") and
                            not names_column(following, env)):
                continue  # "by NUMBER OF kids", "по ТИПУ контракта"
            if (names_column(following, env) and not following.has("value", "place", "rfm")
                    or _a_word_of_its_column(following, env)) and agrees(run + [following], env):
                run.append(following)
            elif run and run[-1].senses and not following.has(
                    "figure", "intent", "cmp", "value", "place", "func", "break", "people",
                    "rfm", "stage") \
                    and not names_column(following, env):
                run.append(following)  # "education LEVEL", "contract TYPE"
            elif not (following.filler or following.only_function or
                      "count" in following.args("intent")) or run:  # "by NUMBER OF kids"
                if run and (following.filler or following.only_function):
                    continue  # "kids AT home"
                break
        named = [i for i in run if names_column(i, env)]
        if not named:
            continue
        found = link(named, env.data, accept=groupable)
        if found.column is not None and k in which and env.data.columns[found.column].is_flag:
            continue  # "какой отток": what the churn is, not which of its two values
        if found.column is not None and _banded(words[:k], found.column, env):
            continue  # "критики по NPS": a band of that score, not a breakdown by it
        if found.column is not None:
            # Words after the column's name that nothing else knows ("education LEVEL",
            # "contract TYPE") belong to it.
            return found.column, [item, *run]
    return _breakdown_before(words, env)


def _banded(words: list[Item], column: str, env: Env) -> bool:
    concepts = env.data.columns[column].concepts
    return any(str(i.args("fixed")[0]).split()[0] in concepts for i in words if i.has("fixed"))


def _names_a_category(item: Item | None, env: Env) -> bool:
    """"the most popular ITEM": a category column named (not "high-income", a level)."""
    if item is None:
        return False
    return item.has("column") or names_column(item, env) and link(
        [item], env.data, accept=lambda w: w.is_category and not w.is_flag).column is not None


def top_groups(words: list[Item], env: Env) -> tuple[int, str, list[Item]] | None:
    """"top 3 regions by revenue", "which 3 regions have the most customers", "топ 3 города
    по выручке": the first groups of a breakdown, not the top customers."""
    for k, item in enumerate(words):
        if not ("top" in item.args("rank") or "which" in item.args("figure")):
            continue
        after = [i for i in words[k + 1:k + 5]  # not "个" ("前3个城市")
                 if not (i.only_function or i.has("count_unit") and i.value is None)]
        if len(after) < 2 or after[0].value is None or not float(after[0].value).is_integer() \
                or not 1 <= after[0].value <= 50:
            continue
        found = link([after[1]], env.data, accept=groupable)
        if found.column is not None and not after[1].has("value", "place"):
            end = next(j for j, i in enumerate(words) if i is after[1])
            return int(after[0].value), found.column, words[k:end + 1]
    return None


def _breakdown_before(words: list[Item], env: Env) -> tuple[str, list[Item]] | None:
    """"地区分布", "распределение по ..." said after the column: "X 分布" breaks down by X."""
    for k, item in enumerate(words):
        if "breakdown_after" not in item.args("intent"):
            continue
        run: list[Item] = []
        for before in reversed(words[:k]):
            if names_column(before, env) and not before.has("value", "place", "rfm"):
                run.insert(0, before)
            elif not (before.only_function and not run):
                break
        found = link(run, env.data, accept=groupable) if run else None
        if found is not None and found.column is not None:
            return found.column, [*run, item]
    return None


def agrees(run: list[Item], env: Env) -> bool:
    """The words still name one column together ("kids at home"), not two ("国家的销售额")."""
    named = [i for i in run if names_column(i, env)]
    if len(named) < 2:
        return True
    common = set.intersection(*({w.name for w in env.data.columns.values()
                                 if evidence(i, w) > 0} for i in named))
    return bool(common)


def groupable(words: ColumnWords) -> bool:
    return words.info.role not in (Role.PERSONAL, Role.CUSTOMER_ID)


def about_them(words: list[Item]) -> bool:
    return any("current" in i.args("subject") or i.has("mode") and "refine" in i.args("mode")
               for i in words)


def against_base(words: list[Item]) -> bool:
    """"compared with everyone", "than the rest", "older than the others": set against the
    base (a comparison word without a number, then everyone)."""
    versus = any("versus" in i.args("figure") for i in words)
    compared = any(i.has("cmp", "cmp_post") for i in words) and not any(
        i.value is not None for i in words)
    everyone = any("all" in i.args("subject") and not i.has("figure", "intent", "average")
                   for i in words)
    return (versus or compared) and everyone


def compared_before(words: list[Item], k: int, env: Env) -> bool:
    """"above average", "below the median", "over 1000 on wine and meat combined": the
    figure word qualifies a comparison before it."""
    for item in reversed(words[:k]):
        if item.has("cmp", "cmp_post") or item.value is not None or \
                "breakdown" in item.args("intent"):  # "top 10% by TOTAL revenue"
            return True
        if not (item.filler or item.only_function or item.has("conj") or
                names_column(item, env) and not item.has("value", "place")):
            return False
    return False


def compared_after(words: list[Item], end: int) -> bool:
    """A comparison or a number follows the measure: a condition, not a question."""
    for k, item in enumerate(words[end + 1:], start=end + 1):
        # "from" compares only before a number ("from 100 to 500", not "from Spain")
        ranged = item.has("between") and k + 1 < len(words) and words[k + 1].value is not None
        if item.has("cmp", "cmp_post") and not item.has("between") or ranged or \
                item.value is not None:
            return True
        if not (item.filler or item.only_function or item.has("break")):
            return False
    return False


def flag_among(words: list[Item], env: Env) -> bool:
    """A yes/no column named, then the group it is counted in ("churn among the active")."""
    split = among(words, env)
    if split is None or any(i.has("people") or _ends_in_people(i, env) for i in split[0]):
        return False  # "活跃客户中的流失用户": the churned users among them, a segment
    if split[0] and split[0][-1].only_function and not any(statistic_of(i) for i in words):
        return False  # "用户中已流失的": those who churned, with no rate asked for
    named = [i for i in split[0] if names_column(i, env)]
    return bool(named) and link(named, env.data, accept=lambda w: w.is_flag).column is not None


def _ends_in_people(item: Item, env: Env) -> bool:
    """A Chinese phrase whose last word is a people noun ("流失用户", "高价值客户")."""
    return any(s.kind == "people" for k in (2, 3) if len(item.text) > k and is_chinese(
        item.text) for s in env.lexicon.index.get((item.text[-k:],), ()))


def among(items: list[Item], env: Env) -> tuple[list[Item], list[Item]] | None:
    """(whom a rate counts, the group it is taken in), split at "among", "среди", "中"."""
    for k, item in enumerate(items):
        side = env.lexicon.among(item.text)
        counted, group = (items[:k], items[k + 1:]) if side == "before" else \
            (items[k + 1:], items[:k])
        if side is not None and content(counted) and content(group):
            return counted, group
    return None


def no_one_named(words: list[Item], env: Env) -> bool:
    """"what share have a card?" in a conversation: no one named, so the current segment
    ("what is THE churn rate", "share of OUR customers" ask about everyone)."""
    return not any(i.has("people", "subject") or any(env.lexicon.is_ours(t.text)
                                                      for t in i.tokens) for i in words)


def rate_term(words: list[Item], env: Env) -> Condition | None:
    """"churn rate", "流失率": a rate word that names a yes/no column is the share of its yes."""
    for item in words:
        if statistic_of(item) == "rate" and item.has("concept", "role", "column"):
            found = link([item], env.data, accept=lambda w: w.is_flag)
            if found.column is not None:
                return flag_condition(env.data.columns[found.column], negated=False)
            marked = _value_of_concept(item, env)
            if marked is not None:
                return marked
    return None


def _value_of_concept(item: Item, env: Env) -> Condition | None:
    """"attrition rate" where Attrition_Flag holds "Existing Customer" / "Attrited Customer":
    the share of the one value whose words carry the rate word's concept."""
    concepts = set(map(str, item.args("concept")))
    found = link([item], env.data, accept=lambda w: w.is_category and len(w.info.values) == 2)
    if found.column is None or not concepts:
        return None
    column = env.data.columns[found.column]
    marked = [v for v in column.info.values if any(
        s.kind == "concept" and str(s.arg) in concepts
        for t in tokenize(v) for s in env.lexicon.index.get((t.norm,), ()))]
    return In(column=column.name, values=list[Scalar](marked)) if len(marked) == 1 else None


def rate_of_nothing(words: list[Item], env: Env) -> str | None:
    """A rate word naming a concept no column of this data carries ("churn rate" without a
    churn column): the word, to ask about."""
    for k, item in enumerate(words):
        concepts = {str(a) for a in item.args("concept")}
        if k and (words[k - 1].has("value", "column") or has_evidence(words[k - 1], env.data)):
            continue  # "opt-in rate", "refund rate": the data's word before it is the target
        if statistic_of(item) == "rate" and concepts and not any(
                concepts & w.concepts for w in env.data.columns.values()):
            return item.text
    return None
