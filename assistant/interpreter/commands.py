"""Commands: a tool named by its trigger words, with the arguments the message gives.

"save this as winback_uk", "export them to winback.csv", "split them into 4
groups by income and age", "show me group 2", "profile the champions",
"compare champions with everyone", "why does this segment matter?". Segment
names come from the words for "them" / "everyone", RFM names, lifecycle stages
and the saved segments; a description ("profile customers from Spain")
becomes a segment first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.interpreter.calls import Interpretation, ToolCall
from assistant.interpreter.intent import content
from assistant.interpreter.lexicon import phrase_norms
from assistant.interpreter.linking import has_evidence, link
from assistant.interpreter.reader import Env
from assistant.interpreter.tagging import Item, tag

_FILE = re.compile(r"[\w./\\~-]+\.(csv|parquet|xlsx)\b", re.IGNORECASE)
_FORMATS = {"csv": "csv", "excel": "xlsx", "xlsx": "xlsx", "parquet": "parquet",
            "spreadsheet": "xlsx"}
_NAME_SPLIT = re.compile(
    r"\b(?:as|named|called|under the name)\b|\bкак\b|名为|命名为|存为|保存为|为", re.IGNORECASE)


@dataclass
class CommandInput:
    text: str  # the cleaned request
    items: list[Item]
    env: Env
    tool: str
    # Reads a segment description (the words after a command) into calls, or a question.
    define: Callable[[str], Interpretation]


def run_command(c: CommandInput) -> Interpretation:
    handler = _HANDLERS.get(c.tool, _plain)
    return handler(c)


def _call(tool: str, **args: object) -> Interpretation:
    return Interpretation(calls=[ToolCall(tool, dict(args))], understood=tool, intent="command")


def _plain(c: CommandInput) -> Interpretation:
    if c.tool == "help":
        return Interpretation(calls=[], clarification=c.env.lexicon.message(
            c.env.language, "help"), intent="conversation",
            options=c.env.lexicon.examples(c.env.language))
    if c.tool == "run_rfm" and _of_current(c):
        return _call("run_rfm", segment="current")  # "RFM breakdown of this segment"
    return _call(c.tool)


def _of_current(c: CommandInput) -> bool:
    """The message speaks of the current segment ("them", "this segment") and there is one."""
    return c.env.context.has_current_segment and any(
        i.has("subject") and "current" in i.args("subject") for i in c.items)


def _after_trigger(c: CommandInput) -> list[Item]:
    """The items after the command's trigger phrase."""
    for k, item in enumerate(c.items):
        if c.tool in item.args("command"):
            return c.items[k + 1:]
    return c.items


def _before_trigger(c: CommandInput) -> list[Item]:
    for k, item in enumerate(c.items):
        if c.tool in item.args("command"):
            return c.items[:k]
    return []


def _named(c: CommandInput, items: list[Item]) -> str:
    """The words that name something, without articles, pronouns or "segment"."""
    kept = [i for i in items if not (i.only_function or i.has("punct", "people", "command",
                                                               "between", "conj"))]
    if any(not i.has("subject") for i in kept):  # "the segment vip" -> "vip"
        kept = [i for i in kept if not i.has("subject")]
    return _rest_text(c, kept) if kept else ""


def _rest_text(c: CommandInput, items: list[Item]) -> str:
    if not items:
        return ""
    start, end = items[0].tokens[0].start, items[-1].tokens[-1].end
    return c.text[start:end].strip(" ,.:;!?")


def _clean_name(text: str) -> str:
    return text.strip().strip("\"'«»“”‘’「」").strip(" .!?")


def _save(c: CommandInput) -> Interpretation:
    rest = _rest_text(c, _after_trigger(c))
    parts = _NAME_SPLIT.split(rest)
    name = _clean_name(parts[-1]) if parts else ""
    subject = _clean_name(" ".join(parts[:-1])) if len(parts) > 1 else ""
    if not name or _subject(c.env, name) == "current":
        return Interpretation(calls=[], clarification=c.env.lexicon.message(
            c.env.language, "need_name"), intent="command")
    save = ToolCall("save_segment", {"name": name[:80]})
    if subject and _subject(c.env, subject) != "current":
        defined = c.define(subject)
        if defined.clarification is not None or not defined.calls:
            return defined
        return Interpretation(calls=[*defined.calls, save], intent="command",
                              understood=f"{defined.understood}; save as {name}")
    return Interpretation(calls=[save], understood=f"save as {name}", intent="command")


def _export(c: CommandInput) -> Interpretation:
    rest = _after_trigger(c)
    text = _rest_text(c, rest)
    path = _FILE.search(c.text)
    fmt = next((_FORMATS[w.text.lower()] for w in c.items if w.text.lower() in _FORMATS), None)
    args: dict[str, object] = {"path": path.group(0) if path else None,
                               "format": (path.group(1).lower() if path else fmt)}
    export = ToolCall("export_segment", args)
    subject = _export_subject(c, text)
    if subject:
        defined = c.define(subject)
        if defined.clarification is not None or not defined.calls:
            return defined
        return Interpretation(calls=[*defined.calls, export], intent="command",
                              understood=f"{defined.understood}; export")
    return Interpretation(calls=[export], understood="export", intent="command")


def _export_subject(c: CommandInput, text: str) -> str:
    """"export the champions to a csv" -> "the champions"; "export them" -> ""."""
    text = _FILE.sub("", text)
    text = re.split(r"\b(?:to|into|as|in)\b\s+(?:a\s+|an\s+)?(?:csv|excel|xlsx|parquet|"
                    r"spreadsheet|file)|\bв\s+(?:csv|excel|файл)|到|为", text,
                    flags=re.IGNORECASE)[0]
    words = re.sub(r"\b(?:csv|excel|xlsx|parquet|spreadsheet|file|to|a|the)\b", " ", text,
                   flags=re.IGNORECASE).strip(" ,.")
    if not words or _subject(c.env, words) == "current":
        return ""
    return words


def _load(c: CommandInput) -> Interpretation:
    name = _clean_name(_named(c, _after_trigger(c)))
    saved = _saved(c.env, name) or _saved(c.env, _rest_text(c, _after_trigger(c)))
    if saved is None and c.tool == "delete_segment":
        # A delete never defines a segment: an unknown name gets the library's answer
        # (no such segment, the nearest saved names); no name, the saved list.
        asked = _name_key(name)
        return _call(c.tool, name=asked) if asked else _call("list_segments")
    if saved is None:
        return c.define(c.text)
    return _call(c.tool, name=saved)


def _name_key(name: str) -> str:
    """A name as said, without the word "segment" ("delete segment vip" names "vip")."""
    return " ".join(re.sub(r"\bsegment\b", " ", name, flags=re.IGNORECASE).split())


def _saved(env: Env, name: str) -> str | None:
    key = _name_key(name).lower()
    for saved in env.context.saved_segments:
        if " ".join(saved.lower().split()) in (key, name.lower().strip()):
            return saved
    return None


def _cluster(c: CommandInput) -> Interpretation:
    numbers = [int(i.value) for i in c.items if i.value is not None and
               float(i.value).is_integer() and not i.has("percent")]
    k = numbers[0] if numbers else None
    if k is not None and not 2 <= k <= 12:
        return Interpretation(calls=[], clarification=c.env.lexicon.message(
            c.env.language, "cluster_k"), options=["3", "4", "5"], intent="command")
    features = _features(c)
    args: dict[str, object] = {"features": features or None, "k": k}
    if _of_current(c):
        args["within_segment"] = True
    shown = f"cluster k={k or 'auto'}" + (f" on {', '.join(features)}" if features else "")
    return Interpretation(calls=[ToolCall("cluster", args)], understood=shown, intent="command")


def _features(c: CommandInput) -> list[str]:
    """Columns named after "by" / "using" / "on": each comma- or and-separated phrase."""
    features: list[str] = []
    group: list[Item] = []
    for item in [*_after_trigger(c), None]:
        if item is None or item.has("conj", "punct"):
            found = link(group, c.env.data, accept=lambda w: w.numeric and not w.is_date)
            if found.column and found.column not in features:
                features.append(found.column)
            if any(i.has("role") and "rfm" in i.text.lower() for i in group):
                features.extend(r.name for r in (
                    c.env.data.role_column(x) for x in ("recency", "frequency", "monetary"))
                    if r is not None and r.name not in features)
            group = []
        elif not item.only_function:
            group.append(item)
    return features


def _select_cluster(c: CommandInput) -> Interpretation:
    numbers = [int(i.value) if i.value is not None else int(str(i.args("ordinal")[0]))
               for i in c.items if i.value is not None or i.has("ordinal")]
    if not numbers:
        return c.define(c.text)
    excluding = any("exclude" in i.args("mode") for i in c.items)
    mode = "exclude" if excluding and c.env.context.has_current_segment else "new"
    calls = [ToolCall("select_cluster", {"cluster": numbers[0], "mode": mode})]
    if any("profile_segment" in i.args("command") or "question" in i.args("intent")
           for i in c.items):  # "profile group 2", "tell me about group 2"
        calls.append(ToolCall("profile_segment", {"name": None}))
    return Interpretation(calls=calls, understood=f"group {numbers[0]}", intent="command")


def _about(c: CommandInput) -> Interpretation:
    """profile / explain / campaign: for the current segment, a named one, or a description
    (its goal, "чтобы продать каско", left out)."""
    whom = _after_trigger(c)
    goal = next((k for k, i in enumerate(whom) if i.has("purpose")), len(whom))
    after = [i for i in whom[:goal] if not _object_word(c, i)]
    if not any(not i.only_function for i in after) and c.items and \
            c.env.lexicon.is_beneficiary(c.items[0].text):
        after = _before_trigger(c)[1:]  # "为法国客户推荐一个营销活动": whom it is for
    rest = [i for i in after if not i.only_function]
    groups = [i for i in c.items if i.has("value", "place", "num", "cmp")]
    named = [i for i in c.items if i.has("rfm", "stage", "subject")]
    text = _rest_text(c, after)
    name = _subject(c.env, _named(c, after)) if _named(c, after) else "current"
    if name in (None, "current") and named and not groups:
        # "忠诚客户为什么重要？": the segment is named before the words of the command.
        name = _subject(c.env, _named(c, named)) or name
    if name is None and not groups and rest and c.tool != "profile_segment":
        name = _clean_name(text)
    if name is None and rest:
        defined = c.define(text)
        if defined.clarification is not None or not defined.calls:
            return defined
        return Interpretation(calls=[*defined.calls, ToolCall(c.tool, {"name": None})],
                              understood=defined.understood, intent="command")
    return _call(c.tool, name=None if name in (None, "current") else name)


def _list(c: CommandInput) -> Interpretation:
    """"покажи сегмент At Risk" names one segment: that segment, not the saved list."""
    rest = [i for i in _after_trigger(c) if not (i.only_function or i.has("punct"))]
    if rest:
        return c.define(_rest_text(c, rest))
    return _call("list_segments")


def _object_word(c: CommandInput, item: Item) -> bool:
    """What the command makes, not whom it is for: "a campaign" in "推荐一个营销活动"."""
    article = item.value == 1 and not any(ch.isdigit() for ch in item.text)
    made = c.tool == "suggest_campaign" and "campaign" in item.args("concept")
    return article or made or item.has("count_unit")


def _pair(c: CommandInput) -> Interpretation:
    """compare / overlap A and B (B defaults to everyone)."""
    said = c.text.lower()
    # saved names as written, whatever words they hold ("risky_premium and young_loyal")
    named = sorted((said.find(n.lower()), n) for n in c.env.context.saved_segments
                   if n.lower() in said)
    if len(named) >= 2:
        return _call(c.tool, a=named[0][1], b=named[1][1])
    pieces: list[list[Item]] = [[]]
    for item in _after_trigger(c):
        if item.has("conj", "range", "break") and pieces[-1] or item.has("command"):
            pieces.append([])
        elif not (item.only_function or item.has("between", "punct")):
            pieces[-1].append(item)
    texts = [_rest_text(c, p) for p in pieces if p]
    names = [_subject(c.env, t) or _clean_name(t) for t in texts[:2]]
    a = names[0] if names else "current"
    b = names[1] if len(names) > 1 else "all"
    return _call(c.tool, a=a, b=b)


def _subject(env: Env, text: str) -> str | None:
    """'them' -> 'current', 'everyone' -> 'all', RFM names, stages, saved segments."""
    full = phrase_norms(text.lower().strip(" ?.!,"))
    # "hibernating customers" names the segment "Hibernating".
    key = tuple(n for n in full if not any(
        s.kind == "people" for s in env.lexicon.index.get((n,), ()))) or full
    if not key:
        return None
    saved = _saved(env, text)
    if saved is not None:  # a team's own name first: "спящие" saved, not RFM Hibernating
        return saved
    for sense in env.lexicon.index.get(key, ()):
        if sense.kind == "subject":
            return str(sense.arg)
        if sense.kind == "rfm" and sense.arg in env.context.rfm_segment_names:
            return str(sense.arg)
        if sense.kind == "stage" and sense.arg in env.context.lifecycle_stages:
            return str(sense.arg)
    for name in (*env.context.rfm_segment_names, *env.context.lifecycle_stages):
        if name.lower() == text.lower().strip():
            return name
    return None


_HANDLERS: dict[str, Callable[[CommandInput], Interpretation]] = {
    "save_segment": _save, "export_segment": _export, "load_segment": _load,
    "delete_segment": _load, "cluster": _cluster, "select_cluster": _select_cluster,
    "profile_segment": _about, "explain_segment": _about, "suggest_campaign": _about,
    "list_segments": _list,
    "compare_segments": _pair, "overlap_segments": _pair,
}


def no_correlation(items: list[Item], env: Env) -> Interpretation:
    """Correlation and cause are not measured: a comparison of groups is offered instead,
    of the columns the question names where it names a number and another column."""
    named = list(dict.fromkeys(c for c in (link([i], env.data).column for i in items
                                            if has_evidence(i, env.data)) if c is not None))
    columns = env.data.columns
    numbers = [c for c in named if columns[c].numeric and not columns[c].is_flag] or [
        c for c, w in columns.items() if w.numeric and not w.is_flag]
    others = [c for c in named if c not in numbers[:1]] or [
        c for c, w in columns.items() if w.is_category or w.is_flag]
    example = env.lexicon.message(env.language, "average_by", measure=numbers[0], by=others[0]) \
        if numbers and others else env.lexicon.examples(env.language)[0]
    return Interpretation(calls=[], intent="conversation", conversation="correlation",
                          clarification=env.lexicon.message(env.language, "no_correlation",
                                                            example=example))


def saved_named(text: str, env: Env) -> Interpretation | None:
    """"show me whales again", "go back to recent_big_home", "回到东南高频", "how many are in
    whales?": a saved segment named, with nothing else to read, is that segment loaded."""
    said = text.lower()
    names = [n for n in env.context.saved_segments if re.search(
        (r"(?<!\w)" + re.escape(n.lower()) + r"(?!\w)") if n.isascii() else re.escape(n.lower()),
        said)]
    whole = content(tag(names[0], env.lexicon, env.data).readings[0]) if names else []
    if len(names) != 1 or len(whole) == 1 and whole[0].has("column", "value", "rfm", "stage"):
        return None  # "только vip" where vip is also a column: the data's word
    rest = content(tag(said.replace(names[0].lower(), " "), env.lexicon, env.data).readings[0])
    if any(i.has("command") and not i.has("func") and "load_segment" not in i.args(
            "command") or not (
            i.only_function or i.has("func", "mode", "intent", "subject", "people", "punct",
                                     "command"))
           for i in rest):
        return None
    return _call("load_segment", name=names[0])
