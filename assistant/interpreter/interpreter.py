"""The built-in interpreter: a marketer's message -> tool calls, or a question back.

    text -> tokens and items (text.py, tagging.py) -> intent (intent.py)
         -> command (commands.py) | reading (grammar.py, clauses.py) -> follow-up mode
         -> ToolCalls for the toolkit, a clarification, or choices to pick from

Deterministic and offline; it reads only the data's schema and dictionary, so
the same code serves a transaction log, a customer table or a telecom churn
file, in English, Chinese or Russian.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from assistant.interpreter.calls import Choice, Interpretation, InterpreterContext, ToolCall
from assistant.interpreter.commands import (
    CommandInput,
    no_correlation,
    run_command,
    saved_named,
)
from assistant.interpreter.datalex import DataLexicon, build
from assistant.interpreter.edits import changed_values, edit_last
from assistant.interpreter.followups import define_args, dropped, mode_of, swapped_in
from assistant.interpreter.grammar import Reading, read
from assistant.interpreter.intent import Intent, classify, content
from assistant.interpreter.lexicon import load_lexicon
from assistant.interpreter.linking import values_of
from assistant.interpreter.quantities import band
from assistant.interpreter.questions import (
    about_this_data,
    defines_a_term,
    figure_call,
    is_figure_question,
)
from assistant.interpreter.reader import Env, Problem
from assistant.interpreter.tagging import Item, tag
from assistant.interpreter.teach import taught
from assistant.interpreter.text import (
    clean,
    known_forms,
    language_of,
    norm_word,
    script_of,
    tokenize,
)
from assistant.interpreter.vague import choices_for
from tools.dictionary import DataDictionary
from tools.engine.cancellation import cancelled_status_pattern
from tools.engine.definitions import (
    Condition,
    In,
    Lifecycle,
    RfmSegment,
    SegmentDefinition,
)
from tools.engine.describe import describe
from tools.engine.matching import nearest
from tools.engine.naming import name_words
from tools.engine.schema import Role, Schema
from tools.engine.wording import format_number, percent_digits

MAX_CHUNKS = 4
# Commands whose words also open a breakdown ("breakdown of members by age").
_FIGURE_COMMANDS = ("profile_segment", "describe_data")


def interpret(text: str, context: InterpreterContext) -> Interpretation:
    """Turn one message into tool calls (possibly several) or a clarifying question."""
    language = script_of(str(text), context.language)
    try:
        return _interpret(str(text), context, language)
    except Exception as error:  # noqa: BLE001 - a turn must never crash the conversation
        return Interpretation(calls=[], language=language, intent="segment", clarification=(
            f"Sorry, I could not work that request out ({type(error).__name__}). "
            "Could you rephrase it?"))


@lru_cache(maxsize=8)
def _data_lexicon(schema: Schema, dictionary_json: str, customer_key: str | None = None,
                  day_first: bool = False) -> DataLexicon:
    lexicon = load_lexicon()
    data = build(schema, lexicon, DataDictionary.model_validate_json(dictionary_json),
                 customer_key)
    data.day_first = day_first
    for words in data.columns.values():
        if words.is_category and not words.is_flag:
            found = {v: band(v, lexicon) for v in words.info.values}
            bands = {v: b for v, b in found.items() if b is not None}
            if len(bands) >= 2 and len(bands) >= len(found) // 2:
                words.bands = bands
    known_forms().save()
    return data


def _interpret(text: str, context: InterpreterContext, language: str | None = None
               ) -> Interpretation:
    language = language or language_of(text, context.language, context.saved_segments,
                                       context.schema)
    lexicon = load_lexicon()
    data = _data_lexicon(context.schema, context.dictionary.model_dump_json(),
                         context.customer_key, context.day_first)
    env = Env(data=data, lexicon=lexicon, context=context, language=language, text=text)
    picked = _picked_choice(text, context)
    if picked is not None:  # "1", "city": answered in the language the question was asked in
        return _with(picked, language=context.language or language)
    cleaned = clean(text)
    tagged = tag(text, lexicon, data)
    items = tagged.readings[0]
    notes = {typed: lexicon.message(language, "typo", typed=typed, meant=meant)
             for typed, meant in tagged.typos}
    lesson = taught(items, cleaned, env)
    if lesson is not None:
        return _with(lesson, language=language, notes=list(notes.values()))
    restart = _restart(items, cleaned, env) or saved_named(cleaned, env)
    if restart is not None:
        return _with(restart, language=language)
    chunks = _chunks(items)
    if len(chunks) > 1:
        return _with(_chained(chunks, cleaned, env), language=language)
    reading = read(tagged.readings, env)
    intent = classify(items, reading, lexicon)
    if defines_a_term(items, env) and intent.detail != "correlation":
        intent = Intent("knowledge", "question")
    elif (intent.kind in ("segment", "data_question") or intent.kind == "knowledge" and
            about_this_data(items, env) or intent.detail in _FIGURE_COMMANDS or
            _split_or_breakdown(intent, items) or _values_compared(intent, items, env)) and \
            is_figure_question(items, reading, env):
        intent = Intent("data_question", "figure")
    result = _dispatch(intent, items, reading, cleaned, env)
    # A correction the reading did not use is not news ("reading 'match' as march", then
    # "could not place 'match'").
    said = [note for typed, note in notes.items()
            if f"'{typed}'" not in (result.clarification or "")]
    return _with(result, language=language, notes=said + result.notes)


def _values_compared(intent: Intent, items: list[Item], env: Env) -> bool:
    """"compare North vs South average spend": two values of one column, no saved segment
    named, are groups of a figure."""
    if intent.detail != "compare_segments" or any(
            name.lower() in env.text.lower() for name in env.context.saved_segments):
        return False
    columns = [column for i in items for column, _ in values_of(i, env.data)]
    return any(columns.count(c) >= 2 for c in columns)


def _asked_again(condition: Condition, env: Env) -> Interpretation | None:
    """"and for Lakeview?", "那Downtown呢？" after "average spend of Northgate clients": the
    last question about the data again, for the group now named."""
    asked = str(env.context.last_question)
    before = _interpret(asked, replace(env.context, last_question=None), env.language)
    call = next((c for c in before.calls if c.name == "compute_figures"), None)
    if call is None:
        return None
    args = dict(call.args)
    if "groups" in args:  # "average order value at the Harbor View store": its one group
        if not isinstance(condition, In) or args.get("by") != condition.column:
            return None
        args["groups"] = list(condition.values)
    else:
        old = SegmentDefinition.model_validate(
            {"condition": args["condition"]}).condition if "condition" in args else None
        args["condition"] = swapped_in(old, condition).model_dump(mode="json")
    return Interpretation(calls=[ToolCall("compute_figures", args)], intent="data_question",
                          understood=f"{before.understood}; again for another group",
                          asked=asked)


def _split_or_breakdown(intent: Intent, items: list[Item]) -> bool:
    """Clustering read from a word that is also a breakdown ("разбивка этого сегмента по
    странам"): with a column to break down by, it is the breakdown."""
    return intent.detail == "cluster" and any(
        "breakdown_after" in i.args("intent") and "cluster_verb" in i.args("command")
        for i in items)


def _dispatch(intent: Intent, items: list[Item], reading: Reading, cleaned: str, env: Env
              ) -> Interpretation:
    language = env.language
    if intent.detail == "off_topic":  # a question about the world, not about the customers
        worldly = ", ".join(f"'{i.text}'" for i in items if "world" in i.args("intent"))
        unplaced = worldly or next(p.values["words"] for p in reading.problems
                                   if p.key == "unplaced")
        return Interpretation(calls=[], intent="conversation", conversation="off_topic",
                              clarification=env.lexicon.message(
                                  language, "off_topic", words=unplaced,
                                  example=env.lexicon.examples(language)[0]),
                              options=env.lexicon.examples(language))
    if intent.detail == "correlation":
        return no_correlation(items, env)
    if intent.kind == "conversation":
        key = {"greeting": "greeting", "farewell": "farewell", "thanks": "conversation",
               "ack": "acknowledged", "yes": "acknowledged", "no": "no_answer",
               "empty": "help"}.get(intent.detail, "help")
        return Interpretation(calls=[], intent="conversation", conversation=intent.detail,
                              clarification=env.lexicon.message(language, key),
                              options=env.lexicon.examples(language))
    if intent.kind == "command":
        if intent.detail == "explain_segment" and not env.context.has_current_segment and \
                not reading.signals:
            return _dispatch(Intent("conversation", "product"), items, reading, cleaned, env)
        if intent.detail in ("undo", "reset"):
            return Interpretation(calls=[ToolCall(intent.detail, {})], intent="command",
                                  understood=intent.detail)
        return run_command(CommandInput(cleaned, items, env, intent.detail,
                                        lambda words: _segment_text(words, env)))
    if intent.kind == "knowledge":
        question = cleaned if env.language == "en" else env.text
        return Interpretation(calls=[ToolCall("answer_question", {"question": question})],
                              intent="knowledge", understood="knowledge question")
    removed = _cancelled_removed([i.text for i in items if not i.has("value", "column")], env) \
        if intent.kind == "data_question" else None
    if removed is not None:
        return removed
    if intent.detail == "figure":
        # the cut of the words the grammar read best ("family | plan", not "family plan")
        return figure_call(reading.items or items, env, lambda problem: _with(
            _problem(problem, env), intent="data_question"))
    if intent.kind == "data_question":
        return _data_question(items, reading, cleaned, env)
    return _segment(items, reading, env)


def _segment(items: list[Item], reading: Reading, env: Env) -> Interpretation:
    language = env.language
    mode = mode_of(items, reading)
    if mode == "undo":
        return Interpretation(calls=[ToolCall("undo", {})], intent="command", understood="undo")
    if mode == "replace" and env.context.last_question and reading.condition is not None and \
            not reading.problems:
        again = _asked_again(reading.condition, env)
        if again is not None:
            return again
    if mode == "edit" and env.context.current_condition is not None:
        edited = edit_last(items, env)
        if edited is None and reading.condition is not None and not reading.problems:
            edited = changed_values(env.context.current_condition, reading.condition,
                                    either=any("or" in i.args("conj") for i in items))
        if edited is None:
            return Interpretation(calls=[], intent="segment", clarification=env.lexicon.message(
                language, "edit_nothing"))
        return _define({"condition": edited.model_dump(mode="json"), "mode": "new"}, edited,
                       "edit")
    kept = dropped(items, reading, env) if mode == "exclude" else None
    if kept is not None:
        return _define({"condition": kept.model_dump(mode="json"), "mode": "new"}, kept,
                       "dropped a condition, kept")
    if reading.problems:
        return _problem(reading.problems[0], env)
    if reading.vague:
        return choices_for(reading, env)
    if reading.condition is None:
        return _unplaced(items, env)
    try:
        args, how = define_args(reading.condition, reading, items, env)
    except LookupError:
        return Interpretation(calls=[], intent="segment", clarification=env.lexicon.message(
            language, "add_nothing", word=" ".join(i.text for i in content(items)[1:])))
    shown = SegmentDefinition.from_data({"condition": args["condition"]}).condition
    defined = _define(args, shown, how)
    if mode in ("refine", "exclude") and not env.context.has_current_segment:
        # "of them, married ones" with nothing before: said, not silently over everyone
        defined = _with(defined, notes=[env.lexicon.message(language, "no_current")])
    horizons = sorted(int(s.split(":")[1]) for s in reading.signals if s.startswith("horizon:"))
    if horizons:  # "likely to buy again in the next 30 days": that prediction first
        defined = _with(defined, calls=[ToolCall("predict_traits", {"horizon_days": horizons[0]}),
                                        *defined.calls])
    return _with(defined, notes=defined.notes + reading.notes)


def _define(args: dict[str, object], condition: object, how: str) -> Interpretation:
    echo = describe(condition)  # type: ignore[arg-type]  # the reading, for /debug (English)
    return Interpretation(calls=[ToolCall("define_segment", args)], intent="segment",
                          understood=f"{how}: {echo}")


def _segment_text(text: str, env: Env) -> Interpretation:
    """A segment description inside a command ("save customers from Spain as spain")."""
    tagged = tag(text, env.lexicon, env.data)
    reading = read(tagged.readings, env)
    no_current = InterpreterContext(**{**env.context.__dict__, "has_current_segment": False,
                                      "current_condition": None})
    return _segment(tagged.readings[0], reading, Env(env.data, env.lexicon, no_current,
                                                     env.language))


def _cancelled_removed(words: list[str], env: Env) -> Interpretation | None:
    """"what share of orders were cancelled?", "доля отменённых заказов": the loader removed
    the cancelled lines, and says how many; None when no word asks about them."""
    cancelled, read = env.context.cancelled_lines
    if not cancelled or not any(re.search(cancelled_status_pattern(), w.lower()) for w in words):
        return None
    return Interpretation(calls=[], intent="data_question", clarification=env.lexicon.message(
        env.language, "cancelled_removed", lines=format_number(cancelled, env.language),
        rows=format_number(read, env.language),
        share=format_number(float(percent_digits(cancelled / read)), env.language)))


def _problem(problem: Problem, env: Env) -> Interpretation:
    removed = _cancelled_removed([problem.values.get("words", "")], env) \
        if problem.key == "unplaced" else None
    if removed is not None:
        return removed
    personal = _personal(problem, env)
    if personal is not None:  # "customer_email ending in gmail": held back, said why
        return Interpretation(calls=[], intent="segment", clarification=env.lexicon.message(
            env.language, "personal_column", column=personal))
    if problem.key == "unplaced" and "hint" not in problem.values:
        words = [w.strip("'") for w in problem.values.get("words", "").split(", ")]
        names = env.data.shown_columns(len(env.data.columns))
        close = [n for w in words for n in nearest(w, names, n=3)]
        problem.options = list(dict.fromkeys(close + names))[:12]
        problem.values["hint"] = env.lexicon.message(env.language, "unplaced_hint",
                                                     options=", ".join(problem.options))
    message = env.lexicon.message(env.language, problem.key, **problem.values)
    choices: list[Choice] = []
    if problem.key == "relative" and problem.column:
        problem.options = [problem.column]
    if problem.key == "unit_unknown" and problem.column:
        choices = [Choice(label=unit, calls=(), key=f"unit:{problem.column}",
                          remember={"column": problem.column, "unit": unit})
                   for unit in problem.options]
    if problem.key == "relative" and problem.column:
        choices = [_rank_choice(problem.column, "top"), _rank_choice(problem.column, "bottom")]
    if problem.key in ("which_column", "which_number_column", "ambiguous_value"):
        # Answered with a column's name or number: the request is read again with it.
        choices = [Choice(label=option, calls=(), remember={"rerun_with": option})
                   for option in problem.options]
    return Interpretation(calls=[], clarification=message, options=problem.options,
                          intent="segment", choices=choices)


def _personal(problem: Problem, env: Env) -> str | None:
    """The personal-data column an unplaced word names: its data never reaches a request."""
    if problem.key != "unplaced":
        return None
    said = {t.norm for t in tokenize(env.text) if t.kind == "word"}
    for column in env.context.schema.columns:
        words = {norm_word(w) for w in (
            name_words(column.name) if column.name.isascii() else [column.name])}
        # "customer" in customer_email names everyone, not the email
        own = {w for w in words if not any(s.kind == "people" for s in env.lexicon.index.get(
            (w,), ()))}
        if column.role is Role.PERSONAL and said & own:
            return column.name
    return None


def _rank_choice(column: str, direction: str) -> Choice:
    condition = {"type": "rank", "column": column, "direction": direction, "percent": 50}
    return Choice(label=f"{direction} 50% by {column}", calls=(ToolCall(
        "define_segment", {"condition": condition, "mode": "new"}),))


def _unplaced(items: list[Item], env: Env) -> Interpretation:
    # a word nothing knows, or a value no column of this data has ("men" with no gender)
    words = [i.text for i in content(items) if not i.senses or i.has("value_group", "place")
             and not i.has("value", "column")]
    names = env.data.shown_columns(len(env.data.columns))
    options = [n for w in words for n in nearest(w, names, n=3)] or names[:12]
    if not words:
        return Interpretation(calls=[], intent="segment", clarification=env.lexicon.message(
            env.language, "help"))
    return Interpretation(calls=[], intent="segment", options=options[:12],
                          clarification=env.lexicon.message(
                              env.language, "unplaced",
                              words=", ".join(f"'{w}'" for w in words),
                              hint=env.lexicon.message(env.language, "unplaced_hint",
                                                       options=", ".join(options[:12]))))


def _data_question(items: list[Item], reading: Reading, cleaned: str, env: Env
                   ) -> Interpretation:
    """Averages, shares, breakdowns: answered by a profile of the segment asked about."""
    named = reading.condition
    if isinstance(named, RfmSegment | Lifecycle) and len(getattr(
            named, "segments", getattr(named, "stages", []))) == 1:
        name = (named.segments if isinstance(named, RfmSegment) else named.stages)[0]
        return Interpretation(calls=[ToolCall("profile_segment", {"name": name})],
                              intent="data_question", understood=f"profile of {name}")
    if reading.condition is not None and not reading.problems:
        args, _ = define_args(reading.condition, reading, items, env)
        return Interpretation(calls=[ToolCall("define_segment", args),
                                     ToolCall("profile_segment", {"name": None})],
                              intent="data_question", understood=describe(reading.condition))
    if any(p.key == "unplaced" for p in reading.problems):
        # "customers who rated us 5 stars" with no rating column: said, not a summary
        return _problem(next(p for p in reading.problems if p.key == "unplaced"), env)
    about_them = any(i.has("mode") or "current" in i.args("subject") for i in items)
    if env.context.has_current_segment and (about_them or not _counts_everyone(items)):
        return Interpretation(calls=[ToolCall("profile_segment", {"name": None})],
                              intent="data_question", understood="profile of the segment")
    return Interpretation(calls=[ToolCall("describe_data", {})], intent="data_question",
                          understood="describe the data")


def _counts_everyone(items: list[Item]) -> bool:
    """"how many customers do we have?", "сколько всего клиентов в базе?": the whole base."""
    about_data = ("average", "concept", "column", "value", "value_group", "place", "rfm",
                  "stage", "role", "cmp", "num")
    return any("count" in i.args("intent") for i in items) and any(
        i.has("people") or "all" in i.args("subject") for i in items) and not any(
        i.has(*about_data) or {"share", "average"} & set(map(str, i.args("intent")))
        for i in items)


def _picked_choice(text: str, context: InterpreterContext) -> Interpretation | None:
    """"2", "the second", or a choice's own words answer the choices offered last turn."""
    if not context.pending:
        return None
    words = text.strip().lower().strip(" .!?。！？")
    number = re.fullmatch(r"(?:#|no\.?\s*|option\s*|вариант\s*|第)?(\d{1,2})(?:个|号)?", words)
    index = int(number.group(1)) - 1 if number else None
    lexicon = load_lexicon()
    said = [t.norm for t in tokenize(words, lexicon.chinese_words) if t.kind != "punct"]
    # "the second one", "第二个", "первый вариант": one ordinal in a short answer
    ordinals = [int(str(s.arg)) for norm in said for s in lexicon.index.get((norm,), ())
                if s.kind == "ordinal"]
    if len(ordinals) == 1 and len(said) <= 3:
        index = ordinals[0] - 1
    if index is None:
        index = next((k for k, c in enumerate(context.pending) if c.label.lower() == words), None)
    if index is None or not 0 <= index < len(context.pending):
        return None
    choice = context.pending[index]
    return Interpretation(calls=list(choice.calls), intent="segment", choices=[choice],
                          understood=f"choice: {choice.label}", learned=choice.remember)


def _restart(items: list[Item], cleaned: str, env: Env) -> Interpretation | None:
    """"start over", or "start over: customers from Spain" (reset, then a new request)."""
    # "start over", "no, start over", "不要了，重新来"
    opener = next((w for w in content(items)[:2] if "restart" in w.args("mode")), None)
    if opener is None:
        return None
    rest = cleaned[opener.tokens[-1].end:].strip(" ,.:;!-—")
    if not content(tag(rest, env.lexicon, env.data).readings[0]):
        return Interpretation(calls=[ToolCall("reset", {})], intent="command", understood="reset")
    fresh = _segment_text(rest, env)
    if fresh.clarification is not None:
        return fresh
    # One step: the new segment replaces the current one ("undo" goes back to it).
    return Interpretation(calls=list(fresh.calls), intent="segment",
                          understood=f"start over; {fresh.understood}")


def _chunks(items: list[Item]) -> list[list[Item]]:
    chunks: list[list[Item]] = [[]]
    for k, item in enumerate(items):
        # "in the next 90 days": a horizon ahead, not "then".
        ahead = item.has("ahead") and k + 1 < len(items) and items[k + 1].has("num")
        if "then" in item.args("conj") and chunks[-1] and not ahead:
            chunks.append([])
        else:
            chunks[-1].append(item)
    return [c for c in chunks if content(c)][:MAX_CHUNKS]


def _chained(chunks: list[list[Item]], cleaned: str, env: Env) -> Interpretation:
    """"customers in France, then profile them": each part in turn, as one turn."""
    calls: list[ToolCall] = []
    understood: list[str] = []
    context = env.context
    for chunk in chunks:
        text = cleaned[chunk[0].tokens[0].start:chunk[-1].tokens[-1].end]
        result = _interpret(text, context, env.language)
        if result.clarification is not None:
            return result
        calls.extend(result.calls)
        understood.append(result.understood)
        if any(c.name in ("define_segment", "load_segment", "select_cluster") for c in calls):
            context = InterpreterContext(**{**context.__dict__, "has_current_segment": True})
    return Interpretation(calls=calls, understood="; ".join(understood), intent="segment")


def _with(result: Interpretation, **changes: object) -> Interpretation:
    return replace(result, **changes)  # type: ignore[arg-type]
