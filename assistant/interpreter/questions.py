"""Questions about the data: a message -> one `compute_figures` call; the segment stays.

    figure words ("average", "median", "total", "rate", "share of revenue", "客单价",
    "средний чек")                                  -> the statistic
    the words next to them naming a number column   -> the measure
    "by X", "per X", "which X", "按X", "по X"        -> the breakdown
    two values of one column ("married versus single", "男女") -> the groups shown
    "of them", "these"                              -> the current segment
    "than the rest", "compared with everyone"       -> set against the whole base
    every other word, read by the grammar           -> whom to count; for a rate, its last
                                                       condition is whom the rate counts
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.interpreter.calls import Interpretation, ToolCall
from assistant.interpreter.datalex import ColumnWords
from assistant.interpreter.grammar import Reading, read
from assistant.interpreter.intent import command_of, content
from assistant.interpreter.linking import evidence, has_evidence, link
from assistant.interpreter.mentions import flag_condition
from assistant.interpreter.question_parts import Question, conjuncts, echo, place_conditions
from assistant.interpreter.question_words import (
    STATISTIC_ORDER,
    about_them,
    against_base,
    agrees,
    among,
    breakdown_of,
    compared_after,
    compared_before,
    flag_among,
    groupable,
    names_column,
    no_one_named,
    rate_of_nothing,
    rate_term,
    statistic_at,
    superlative_groups,
    top_groups,
)
from assistant.interpreter.reader import Env, Problem, leaves
from assistant.interpreter.tagging import Item
from tools.engine.definitions import Rank
from tools.engine.schema import Role

_NEEDS_COLUMN = ("sum", "mean", "median", "min", "max")
# Figures of the data's money, named by one word ("average spend", "客单价").
_MONEY_FIGURES = frozenset({"spend_per_customer", "order_value", "revenue_share"})
_MONEY_ROLES = ("monetary", "frequency")


def is_figure_question(items: list[Item], reading: Reading, env: Env) -> bool:
    """A figure is asked for ("average income", "churn rate by plan", "客单价"), not a
    condition on one ("customers whose average order value is above 500", "above average
    income", "top 10 by revenue")."""
    superlative_groups(items, env)
    if top_groups(items, env) is not None or _named_figure(items, env) is not None:
        return True  # "top 3 regions by revenue": groups, not customers
    if any(isinstance(leaf, Rank) for leaf in leaves(reading.condition)) or any(
            "criterion" in i.args("mode") for i in items):
        return False  # "客单价最高的前20名客户": the 20 customers; "убери условие по сумме"
    words = [i for i in items if not i.has("punct")]
    for k, item in enumerate(words):
        statistic = statistic_at(words, k)
        if statistic is None or item.has("value") and id(item) in reading.used:
            continue  # "the Max plan": a value of the data, read as one
        run = _measure_run(words, k, env)
        if statistic in _NEEDS_COLUMN and not run:
            continue  # "over 1000 in total", "一共有多少客户": no number to measure
        places = [k, *[words.index(i) for i in run]]
        if not compared_after(words, max(places)) and not compared_before(words, min(places),
                                                                           env):
            return True
    if flag_among(words, env):
        return True  # "отток среди активных": churn among the active, a rate
    breakdown = breakdown_of(words, env)
    if breakdown is not None and ("rank" not in reading.signals or any(
            "which" in i.args("figure") for i in breakdown[1])):
        return True
    return against_base(words) and any(names_column(i, env) for i in words)


def about_this_data(items: list[Item], env: Env) -> bool:
    """A question with a definition's words asks about this data when it names its columns or
    values together with "our", "the", "by X" or the customers ("what is OUR churn rate?",
    "what's the total revenue by country?"), not a term alone ("what is churn rate?")."""
    words = [i for i in items if not i.has("punct")]
    named = any(i.has("column", "value", "place", "role") or names_column(i, env) or
                _MONEY_FIGURES & set(map(str, i.args("figure"))) for i in words)
    ours = any(env.lexicon.is_ours(t.text) for i in words for t in i.tokens) or any(
        i.has("people", "subject") or "breakdown" in i.args("intent") or
        {"most", "least"} & set(map(str, i.args("figure"))) for i in words)
    return named and ours  # "what's the most popular cuisine?": the data's


def defines_a_term(items: list[Item], env: Env) -> bool:
    """"what is churn rate?", "что такое средний чек?": a term to define, not this data's
    figure (which "the", "our" or the customers would ask for)."""
    words = [i for i in items if not i.has("punct")]
    opens = bool(words) and "question" in words[0].args("intent")
    term = any(i.has("knowledge") for i in words) and \
        command_of(items, env.lexicon) != "select_cluster"  # "介绍一下第2个聚类": that group
    ours = any(env.lexicon.is_ours(t.text) for i in words for t in i.tokens) or any(
        i.has("people", "subject", "value", "place") or "breakdown" in i.args("intent")
        for i in words)
    return opens and term and not ours


def figure_call(items: list[Item], env: Env, problem: Callable[[Problem], Interpretation]
                ) -> Interpretation:
    words = [i for i in items if not i.has("punct")]
    question = Question()
    found = _statistic(words, env, question)
    top = top_groups(words, env)
    breakdown = breakdown_of(words, env) if top is None else (top[1], top[2])
    if breakdown is not None:
        question.by, run = breakdown
        question.by_items = {id(i) for i in run}
        question.used.update(question.by_items)
        question.top = top[0] if top is not None else None
    which = any("which" in i.args("figure") for i in words) and question.by is not None or \
        top is not None
    question.used.update(id(i) for i in words if which and i.has("figure") and
                         {"most", "least"} & set(i.args("figure")))
    question.statistic = found or ("rate" if flag_among(words, env) else "customers")
    if (question.statistic in _NEEDS_COLUMN or found is None and question.statistic != "rate") \
            and question.column is None:  # not "avg rating" of avg_rating, named already
        _measure(words, env, question, which=which)
    _no_money(words, env, question)
    if question.statistic in _MONEY_FIGURES:
        # Other words for the money measured ("what share of revenue does each plan BRING IN").
        question.used.update(id(i) for k, i in enumerate(words) if "monetary" in i.args("role")
                             and not i.has("value", "place", "cmp", "people") and
                             not compared_after(words, k))
    if question.statistic in _NEEDS_COLUMN and question.column is None:
        options = [w.name for w in env.data.columns.values()
                   if w.numeric and w.info.role is not Role.PERSONAL][:8]
        asked = env.lexicon.message(env.language, "figure_which_number",
                                    options=", ".join(options))
        unknown = [i.text for i in words if not i.senses and id(i) not in question.used]
        if unknown:  # "average xyzzy by plan": say which word is not in the data
            asked = env.lexicon.message(env.language, "unplaced", hint=asked, words=", ".join(
                f"'{w}'" for w in unknown))
        return Interpretation(calls=[], intent="data_question", options=options,
                              clarification=asked)
    if question.statistic == "rate" and question.target is None:
        _share_of_revenue(words, env, question)
    plain_share = question.statistic == "rate" and question.target is None and not (
        flag_among(words, env) or rate_term(words, env))
    if question.by is None and (question.statistic != "rate" or plain_share):
        _named_category(words, env, question)  # "男女比例": the share of each gender
        if plain_share and question.by is not None:
            question.statistic = "customers"
    question.compare_with_base = against_base(words)
    if question.compare_with_base and not any(i.value is not None for i in words):
        # "bigger spenders than the rest", "тратят больше, чем остальные": the comparison is
        # what is asked, not a condition.
        question.used.update(id(i) for i in words if i.has("cmp", "cmp_post", "intensifier")
                             and not i.has("value", "place", "column", "concept", "role"))
    rest = [i for i in items if id(i) not in question.used and not _question_word(i, env)]
    split = among(rest, env) if question.statistic == "rate" else None
    if split is not None and question.target is None:  # "отток среди активных клиентов"
        counted = read([split[0]], env)
        if counted.problems:
            return problem(counted.problems[0])
        question.target, rest = counted.condition, split[1]
    elif split is not None:  # "churn rate among active clients": the rate word says whom
        rest = split[0] + split[1]
    reading = read([rest], env) if content(rest) else Reading(condition=None)
    if reading.problems:
        return problem(reading.problems[0])
    if question.statistic == "rate" and question.target is None:
        question.target = rate_term(words, env)
        missing = rate_of_nothing(words, env) if question.target is None else None
        if missing is not None:  # "churn rate" where nothing records churn: asked, not guessed
            return problem(Problem("unplaced", {"words": f"'{missing}'"}))
    # In a conversation a figure about no one named is the current segment's ("breakdown by
    # club", "how many visits on avg", "what share pay by card"); a group named ("share of
    # revenue from Spain"), "our customers" or "everyone" asks about the base.
    unnamed = no_one_named(words, env) and (question.statistic == "rate" or
                                            reading.condition is None)
    question.segment = "current" if env.context.has_current_segment and (
        about_them(words) or unnamed) else None
    place_conditions(question, conjuncts(reading.condition))
    if plain_share and question.by is not None and question.target is None:
        question.statistic = "customers"  # "соотношение мужчин и женщин": each group's share
    if question.statistic == "rate" and question.target is None and question.by is None and \
            about_them(words) and env.context.current_condition is not None:
        # "what share of all customers are they?": the current segment's share of the base
        question.target, question.segment = env.context.current_condition, None
        question.compare_with_base = False  # the base is what it is a share of
    if question.statistic == "rate" and question.target is None:
        # yes/no columns, else values to take a share of ("channel = agency")
        options = [w.name for w in env.data.columns.values() if w.is_flag][:8] or [
            f"{w.name} = {v}" for w in env.data.columns.values()
            if w.is_category and not w.is_flag for v in w.info.values[:2]][:6]
        return Interpretation(calls=[], intent="data_question", options=options,
                              clarification=env.lexicon.message(
                                  env.language, "figure_rate_of", options=", ".join(options)))
    return Interpretation(calls=[ToolCall("compute_figures", question.args())],
                          intent="data_question", understood=echo(question),
                          notes=reading.notes)


# -- the statistic and the measure ----------------------------------------------------


def _named_figure(words: list[Item], env: Env) -> tuple[str, str] | None:
    """A number column whose own name says a figure ("avg rating" of avg_rating, "avg
    utilization ratio"), named with no number to compare it with: that figure of it."""
    if any(i.value is not None or i.has("cmp", "cmp_post", "rank") for i in words):
        return None
    for item in words:
        column = next((str(a) for a in item.args("column")), None)
        if column is None or not env.data.columns[column].numeric:
            continue
        said = {s for t in item.tokens for s in env.lexicon.index.get((t.norm,), ())}
        if any(s.kind == "average" for s in said):
            return "mean", column
    return None


def _of_people(words: list[Item], item: Item) -> bool:
    """"share of paying USERS": the word says which people, not which money."""
    later = [i for i in words[words.index(item) + 1:] if not i.only_function]
    return bool(later) and later[0].has("people")


def _statistic(words: list[Item], env: Env, question: Question) -> str | None:
    found = [(k, s) for k in range(len(words)) if (s := statistic_at(words, k)) is not None]
    named = _named_figure(words, env)
    if not found and named is not None:
        question.column = named[1]
        question.used.update(id(i) for i in words if named[1] in i.args("column"))
        return named[0]
    if len(found) > 1:  # "max total_spent": "total" is a word of the measure's name
        found = [(k, s) for k, s in found if not (s == "sum" and any(
            names_column(i, env) for i in words[k:k + 2]))] or found
    if not found:
        return None
    for n, (k, s) in enumerate(found):
        # the next word past glue: "多少比例的收入", "share of the revenue"
        after = next((i for i in words[k + 1:] if not i.only_function), None)
        if s == "rate" and after is not None and "monetary" in after.args("role") and \
                not after.has("activity") and not compared_after(words, k + 1) and \
                not _of_people(words, after):  # ("доля платящих по СБП": of the payers)
            found[n] = (k, "revenue_share")  # "какая доля | выручки": a share of the money
            question.used.add(id(after))
    statistic = min((s for _, s in found), key=STATISTIC_ORDER.index)
    for k, s in found:
        if s in ("mean", "rate", "median", statistic) or s in ("min", "max"):
            question.used.add(id(words[k]))
    money = env.data.role_column("monetary")
    if statistic == "spend_per_customer":
        counted = any("frequency" in i.args("role") or i.has("count_unit") for i in words) and \
            not any("monetary" in i.args("role") for i in words)
        if counted:  # "average number of orders per customer": the mean of the orders
            if orders := env.data.role_column("frequency"):
                question.column = orders.name  # "median number of bookings per client"
                question.used.update(id(i) for i in words if i.has("count_unit") or
                                     "frequency" in i.args("role"))
            return "median" if any(s == "median" for _, s in found) else "mean"
        if money is not None and any(s == "median" for _, s in found):
            question.column = money.name  # "median spend per customer"
            return "median"
    orders = env.data.role_column("frequency")
    if statistic in ("mean", "order_value") and any(
            "avg_order_value" in i.args("role") for i in words) and money and orders:
        statistic = "order_value"  # revenue per order, not the mean of customers' averages
        question.used.update(id(i) for i in words if "avg_order_value" in i.args("role"))
    if statistic in ("order_value", "spend_per_customer") and money is None:
        question.money_figure, statistic = statistic, "mean"
    return statistic


def _measure_run(words: list[Item], k: int, env: Env) -> list[Item]:
    """The words naming a column right after the figure word (or before it: "年收入的平均值",
    "income on average"), the figure word itself when it names one ("total spend")."""
    own = [words[k]] if names_column(words[k], env) else []
    for step in (1, -1):
        run: list[Item] = []
        j = k + step
        while 0 <= j < len(words):
            item = words[j]
            if names_column(item, env) and not item.has("value", "place", "rfm"):
                if not agrees([*run, item], env):
                    break  # "average monthly fee of CHURNED customers": whom, not the measure
                run.append(item)
            elif step == -1 and item.has("people") or not (
                    item.filler or item.only_function or
                    item.has("people", "intensifier", "subject")
                    or run == [] and item.has("figure", "intent", "average")):
                break  # "用过优惠券的客户的总消费": before the customers is whom, not what
            j += step
        if run:
            return own + (run if step == 1 else run[::-1])
    return own


def _measure(words: list[Item], env: Env, question: Question, *, which: bool) -> None:
    anchors = [k for k, i in enumerate(words) if statistic_at(words, k) is not None or
               "which" in i.args("figure")]
    candidates = [k for k, i in enumerate(words) if names_column(i, env) and
                  id(i) not in question.used]
    starts = anchors or candidates[:1]
    asked = question.statistic
    counting = any("count" in i.args("intent") for i in words)
    for k in starts:
        run = [i for i in _measure_run(words, k, env) if id(i) not in question.by_items]
        if which and not run and candidates:
            run = [words[candidates[0]]]
        found = link(run, env.data, accept=_number_column) if run else None
        if found is not None and found.column is not None and len(run) > 1 and \
                run[0] is words[k] and (set(found.supporting) == {0} or
                                        words[k].has("average")):
            # "сумма обращений", "sum of tenure": the figure word names money on its own;
            # the words after it name what is summed.
            alone = link(run[1:], env.data, accept=_number_column)
            if alone.column is not None:
                run, found = run[1:], alone
        if found is not None and found.column is not None:
            if asked == "customers" and counting and env.data.columns[found.column].is_flag:
                return  # "how many churned customers per plan": whom to count, not a measure
            question.column = found.column
            question.used.update(id(i) for i in run)
            # Other words for the same measure ("which country brings in the most SALES").
            measure = env.data.columns[found.column]
            question.used.update(
                id(i) for j, i in enumerate(words) if id(i) not in question.by_items and
                evidence(i, measure) > 0 and not i.has("value", "place", "cmp", "people") and
                not compared_after(words, j))
            _money_statistic(question, env, which=which, run=run, counted=counting,
                             compared=against_base(words), said=words)
            if asked == "customers" and measure.is_flag:
                # "churn rate by plan", "отток по тарифам", "which plan has the most churn":
                # a yes/no column with no figure word is the share of its yes.
                question.statistic, question.column = "rate", None
                question.target = flag_condition(measure, negated=False)
            return
    if which and question.statistic not in _NEEDS_COLUMN:
        question.statistic = "customers"


def _money_statistic(question: Question, env: Env, *, which: bool, run: list[Item],
                     counted: bool, compared: bool, said: list[Item]) -> None:
    """"which city brings the most sales" is a total; "average spend" of a log is spend per
    customer; a count-like column asked about "which X" is summed, anything else averaged."""
    words = env.data.columns[question.column] if question.column else None
    if words is None:
        return
    # Money and orders add up ("revenue by plan", "how many orders per city"); other
    # measures are averaged ("age by region").
    added = words.info.role.value in _MONEY_ROLES or any(
        {"monetary", "frequency"} & set(map(str, i.args("role"))) for i in run) or (
        which and any("monetary" in i.args("role") for i in said))  # "which city BRINGS"
    counted = counted or added and not compared
    if question.statistic in ("customers", "max", "min") and which:
        question.statistic = "sum" if added else "mean"
    elif question.statistic == "customers":
        question.statistic = "sum" if counted else "mean"
    if question.statistic == "spend_per_customer":
        question.column = None


def _no_money(words: list[Item], env: Env, question: Question) -> None:
    """Revenue asked about ("which region brings the most revenue?", "average spend") in data
    without a spend column: a money figure, which the tool answers by saying there is none."""
    if env.data.role_column("monetary") is not None or question.column is not None:
        return
    if question.statistic == "revenue_share":
        _spend_column(env, question)
        return
    if question.statistic not in (*_NEEDS_COLUMN, "customers"):
        return
    money = [i for k, i in enumerate(words) if "monetary" in i.args("role") and
             id(i) not in question.used and not compared_after(words, k) and
             not compared_before(words, k, env)]
    if question.money_figure is not None:
        question.statistic = question.money_figure
    elif money:
        question.statistic = "spend_per_customer" if question.statistic in ("mean", "median") \
            else "revenue_share"
    question.used.update(id(i) for i in money)
    # A number column the money words name ("amount_paid" for "revenue") is the spend; else
    # the one number column whose name speaks of money.
    named = link(money, env.data, accept=_number_column) if money else None
    if named is not None and named.column is not None:
        question.column = named.column
    elif question.statistic in ("revenue_share", "spend_per_customer"):
        _spend_column(env, question)


def _spend_column(env: Env, question: Question) -> None:
    """The one number column whose name speaks of money ("amount_paid"), as the spend."""
    spends = [w.name for w in env.data.columns.values()
              if "monetary" in w.concepts and _number_column(w)]
    question.column = spends[0] if len(spends) == 1 else None


def _share_of_revenue(words: list[Item], env: Env, question: Question) -> None:
    """"какова доля выручки …", "what share of sales …": a share of revenue, not a rate."""
    for k, item in enumerate(words):
        if "monetary" in item.args("role") and link(
                [item], env.data, accept=lambda w: w.is_category).column is not None:
            question.used.add(id(item))  # "pay with apple pay": the payment column's word
            continue
        if "monetary" in item.args("role") and id(item) not in question.used and \
                env.data.role_column("monetary") is not None and not compared_after(words, k):
            question.statistic = "revenue_share"
            question.used.add(id(item))
            return


def _named_category(words: list[Item], env: Env, question: Question) -> None:
    """A category column named without a value ("男女客户的平均年收入", "gender split"):
    the figure for each of its values."""
    for item in words:
        if id(item) in question.used or item.has("value", "place", "rfm", "people") or \
                not item.has("column", "concept") or any(  # "family plan": a value's words
                    env.data.group_values.get(str(g)) for g in item.args("value_group")):
            continue
        found = link([item], env.data, accept=lambda w: w.is_category and not w.is_flag
                     and not w.numeric and groupable(w))
        if found.column is not None:
            question.by = found.column
            question.used.add(id(item))
            return


def _number_column(words: ColumnWords) -> bool:
    return words.numeric and words.info.role is not Role.PERSONAL


def _question_word(item: Item, env: Env) -> bool:
    """Words of the question itself: "how many", "what share", "them", "versus" (and
    "количество", the concept of a quantity this data has no column for)."""
    return item.has("intent", "subject", "mode", "figure") and not item.has(
        "value", "place", "rfm", "column", "role", "stage") and not (
        item.has("concept") and has_evidence(item, env.data)) and \
        "versus" not in item.args("figure")  # it keeps "churned | versus | retained" apart
