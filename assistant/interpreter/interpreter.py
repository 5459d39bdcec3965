"""The built-in interpreter: a marketer's request -> tool calls, or a question back.

Deterministic and offline. It reads the loaded data's schema (column names,
roles, category values) so the same code understands a transaction log, a
customer table or a telecom churn file; whatever it cannot map to the data it
asks about, naming the nearest real columns or values, instead of guessing.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.interpreter.calls import Interpretation, InterpreterContext, ToolCall
from assistant.interpreter.columns import build_profiles, by_role, match_columns
from assistant.interpreter.commands import (
    EARLY,
    CommandMatch,
    clean_name,
    clean_request,
    cluster_k,
    clusters_within_segment,
    export_args,
    export_subject,
    feature_phrases,
    load_commands,
    match_command,
)
from assistant.interpreter.segments import Request, define, is_knowledge_question, question
from assistant.interpreter.text import normalise, words_of
from assistant.interpreter.vocabulary import load_vocabulary
from tools.engine.schema import Role

_NON_LATIN = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0900-\u097f\u3040-\u30ff\u3400-\u9fff"
                        r"\uac00-\ud7af]")
_CHUNK_SPLIT = re.compile(
    r"\s*(?:;|(?<!\b[A-Za-z])\.\s+|\?\s+|!\s+|,?\s+and then\s+|,?\s+then\s+|"
    r",\s+(?=(?:and\s+)?(?:profile|save|export|compare|describe|explain|suggest|"
    r"summari[sz]e)\b)|\s+and\s+(?=(?:then\s+)?"
    r"(?:profile|save|export|compare|summari[sz]e|suggest|explain)\b))\s*", re.IGNORECASE)
_RESTART = re.compile(r"(?:start over|start again|start afresh|reset|new search|from scratch)"
                      r"[,:;.]?\s+(?:(?:with|and|then|now)\s+)*(?:show me\s+|find\s+)?(?P<rest>.+)",
                      re.IGNORECASE)
_ADD = re.compile(r"(?:add|include|also include|plus add|and add)\s", re.IGNORECASE)
_EXAMPLES = ["customers who spent over 1000", "haven't ordered in 3 months",
             "top 10% by spend", "run an RFM analysis", "split them into 4 groups"]
_HELP = ("I can build segments from your data (e.g. 'customers who spent over 1000', "
         "'haven't ordered in 3 months'), run RFM or clustering, profile, compare, save and "
         "export segments. What would you like?")


def interpret(text: str, context: InterpreterContext) -> Interpretation:
    """Turn one request into tool calls (possibly several) or a clarifying question."""
    try:
        return _interpret(text if isinstance(text, str) else str(text), context)
    except Exception as error:  # noqa: BLE001 - a turn must never crash the conversation
        return Interpretation(calls=[], clarification=(
            f"Sorry, I could not work that request out ({type(error).__name__}). "
            "Could you rephrase it?"))


def _interpret(text: str, context: InterpreterContext) -> Interpretation:
    vocab, table = load_vocabulary(), load_commands()
    if not text.strip() or not any(c.isalnum() for c in text):
        return Interpretation(calls=[], clarification=_HELP)
    if len(_NON_LATIN.findall(text)) * 2 >= len([c for c in text if c.isalpha()]) > 0:
        return question(text)
    chunks = [c for c in _CHUNK_SPLIT.split(text.strip()) if c and c.strip(" ,.?!")]
    calls: list[ToolCall] = []
    understood: list[str] = []
    has_current = context.has_current_segment
    for chunk in chunks[:6] or [text]:
        request = Request(chunk, context, vocab, table, has_current)
        result = _one(request)
        if result.clarification is not None:
            return result
        calls.extend(result.calls)
        if result.understood:
            understood.append(result.understood)
        if any(c.name in ("define_segment", "load_segment") for c in result.calls):
            has_current = True
        if any(c.name == "reset" for c in result.calls):
            has_current = False
    return Interpretation(calls=calls, understood="; ".join(understood))


def _one(r: Request) -> Interpretation:
    cleaned = clean_request(r.text, r.table)
    if not cleaned:
        return Interpretation(calls=[], clarification=_HELP)
    restart = _RESTART.fullmatch(cleaned)
    if restart is not None and restart["rest"].lower().strip(" .!") not in (
            "please", "pls", "now", "thanks", "thank you", "again"):
        # "start over with customers from Spain": reset, then a fresh request.
        fresh = _one(Request(restart["rest"], r.context, r.vocab, r.table, False))
        if fresh.clarification is not None:
            return fresh
        return Interpretation(calls=[ToolCall(name="reset", args={}), *fresh.calls],
                              understood=f"start over; {fresh.understood}")
    if r.has_current and _ADD.match(cleaned):
        return Interpretation(calls=[], clarification=(
            "I can narrow the current segment or exclude part of it, but not add to it. "
            "Describe the whole group instead, e.g. 'customers from Germany or France'."))
    early = match_command(cleaned, r.table, tools=EARLY)
    if early is not None:
        result = _early_call(early, r)
        if result is not None:
            return result
    paired = match_command(cleaned, r.table, tools=("overlap_segments", "compare_segments",
                                                    "profile_question"))
    if paired is not None:
        result = _late_call(paired, cleaned, r)
        if result is not None:
            return result
    about = match_command(cleaned, r.table, tools=("explain_segment", "suggest_campaign"))
    if about is not None and _segment_name(about.groups.get("name", "them"), r, None):
        # "why are champions important?": about a segment of this data, not general advice.
        result = _late_call(about, cleaned, r)
        if result is not None:
            return result
    if is_knowledge_question(cleaned, r):
        # "what are the champions from Germany?" asks for customers, "what are champions?"
        # asks what the word means.
        defined = define(r)
        condition = defined.calls[0].args.get("condition", {}) if defined.calls else {}
        if condition.get("type") not in (None, "rfm_segment", "lifecycle"):
            return defined
        return question(r.text)
    late = match_command(cleaned, r.table, exclude=EARLY)
    if late is not None:
        result = _late_call(late, cleaned, r)
        if result is not None:
            return result
    return define(r)


# --- commands -------------------------------------------------------------------------------

def _call(tool: str, **args: Any) -> Interpretation:
    return Interpretation(calls=[ToolCall(name=tool, args=args)], understood=tool)


def _early_call(m: CommandMatch, r: Request) -> Interpretation | None:
    saved = {s.lower(): s for s in r.context.saved_segments}
    if m.tool == "help":
        return Interpretation(calls=[], clarification=_HELP, options=_EXAMPLES)
    if m.tool in ("reset", "undo", "list_segments", "describe_data"):
        return _call(m.tool)
    if m.tool == "export_segment":
        rest = m.groups.get("rest", "")
        export = ToolCall(name="export_segment", args=export_args(rest))
        subject = export_subject(rest)
        if subject:
            # "export the champions to a csv": that segment first, then the file.
            defined = define(Request(subject, r.context, r.vocab, r.table, False))
            if not defined.calls or defined.calls[0].name != "define_segment":
                return defined if defined.clarification else None
            return Interpretation(calls=[*defined.calls, export],
                                  understood=f"{defined.understood}; export")
        return Interpretation(calls=[export], understood="export")
    if m.tool == "save_segment":
        name = clean_name(m.groups.get("name", ""))
        if not name:
            return Interpretation(calls=[], clarification="Under what name should I save it? "
                                  "For example: save this as winback_uk")
        save = ToolCall(name="save_segment", args={"name": name[:80]})
        subject = m.groups.get("subject", "")
        if subject:
            # "save customers from Germany as german": that segment first, then save it.
            defined = define(Request(subject, r.context, r.vocab, r.table, False))
            if not defined.calls or defined.calls[0].name != "define_segment":
                return defined if defined.clarification else None
            return Interpretation(calls=[*defined.calls, save],
                                  understood=f"{defined.understood}; save as {name}")
        return Interpretation(calls=[save], understood=f"save as {name}")
    if m.tool in ("load_segment", "delete_segment"):
        if "saved" in m.groups:
            name = clean_name(m.groups["saved"])
            if name.lower() not in saved:
                return None
        else:
            name = clean_name(m.groups.get("name", ""))
        if not name:
            return None
        return _call(m.tool, name=saved.get(name.lower(), name))
    return None


def _late_call(m: CommandMatch, cleaned: str, r: Request) -> Interpretation | None:
    if m.tool == "run_rfm":
        if _names_rfm_segment(cleaned, r) or re.search(
                r"\b(?:cell|code|score)s?\s+(?:of\s+|is\s+)?[1-5]{3}\b", cleaned, re.IGNORECASE):
            return None
        return _call("run_rfm")
    if m.tool == "lifecycle":
        return _call("lifecycle")
    if m.tool == "cluster":
        return _cluster(m, cleaned, r)
    if m.tool == "select_cluster":
        mode = "exclude" if m.groups.get("exclude") and r.has_current else "new"
        return _call("select_cluster", cluster=int(m.groups["k"]), mode=mode)
    if m.tool in ("compare_segments", "overlap_segments"):
        a = _segment_name(m.groups.get("a", ""), r, default="current")
        b = _segment_name(m.groups.get("b", "all"), r, default="all")
        if a is None or b is None:
            # Named outright ("compare X and Y"): pass the names on, the toolkit lists the
            # segments that exist; otherwise this was not a comparison after all.
            if not re.match(r"(?:compare|overlap|intersection|what(?:'s| is) the overlap)",
                            cleaned, re.IGNORECASE):
                return None
            a = a or clean_name(m.groups.get("a", ""))
            b = b or clean_name(m.groups.get("b", ""))
        return _call(m.tool, a=a, b=b)
    if m.tool == "profile_question":
        m = CommandMatch(tool="profile_segment", groups=m.groups)
    if m.tool in ("explain_segment", "suggest_campaign", "profile_segment"):
        raw = m.groups.get("name", "")
        name = _segment_name(raw, r, default=None) if raw else None
        if raw and name is None:
            if m.tool != "profile_segment":
                return _call(m.tool, name=clean_name(raw))
            defined = define(Request(raw, r.context, r.vocab, r.table, False))
            if defined.calls:
                calls = [*defined.calls, ToolCall(name="profile_segment", args={"name": None})]
                return Interpretation(calls=calls, understood=defined.understood)
            return None
        return _call(m.tool, name=None if name == "current" else name)
    return None


def _segment_name(raw: str, r: Request, default: str | None) -> str | None:
    """'them' -> 'current', 'everyone' -> 'all', 'champions' -> 'Champions', saved names."""
    key = " ".join(normalise(raw).split())
    if not key:
        return default
    if key in r.table.current_words:
        return "current"
    if key in r.table.all_words:
        return "all"
    name = clean_name(raw)
    low = " ".join(normalise(name).split())
    for saved in r.context.saved_segments:
        if " ".join(normalise(saved).split()) == low:
            return saved
    phrase = tuple(words_of(name))
    for words, rfm in r.vocab.rfm_names:
        if phrase == words and rfm in r.context.rfm_segment_names:
            return rfm
    for rfm in r.context.rfm_segment_names:
        if low == " ".join(normalise(rfm).split()):
            return rfm
    for stage in r.context.lifecycle_stages:
        if low == " ".join(normalise(stage).split()):
            return stage
    return None


def _names_rfm_segment(cleaned: str, r: Request) -> bool:
    words = tuple(words_of(cleaned))
    for phrase, name in r.vocab.rfm_names:
        if name not in r.context.rfm_segment_names or len(phrase) == 1 and phrase[0] in (
                "loyal", "promising"):
            continue
        n = len(phrase)
        if any(words[i:i + n] == phrase for i in range(len(words) - n + 1)):
            return True
    return False


def _cluster(m: CommandMatch, cleaned: str, r: Request) -> Interpretation:
    k = cluster_k(m.groups, r.vocab.number_words, cleaned)
    if k is not None and not 2 <= k <= 12:
        return Interpretation(calls=[], clarification="Clustering works with 2 to 12 groups: "
                              "how many would you like?", options=["3", "4", "5"])
    features: list[str] = []
    profiles = [p for p in build_profiles(r.context.schema, r.vocab) if p.numeric]
    for phrase in feature_phrases(m.groups.get("rest", "")):
        words = [w for w in words_of(phrase) if w not in ("groups", "clusters", "segments")]
        if words in (["rfm"], ["rfm", "scores"], ["rfm", "values"]):
            # "cluster using RFM": the recency, frequency and monetary columns.
            features += [p.name for p in (by_role(profiles, role) for role in (
                Role.RECENCY, Role.FREQUENCY, Role.MONETARY)) if p and p.name not in features]
            continue
        if not words or all(w in r.vocab.fillers and not r.vocab.concepts_of(w) for w in words):
            continue
        match = match_columns(list(enumerate(words)), profiles, r.vocab)
        if match is None or match.column is None:
            options = [p.name for p in (match.best if match else profiles)][:8]
            return Interpretation(calls=[], clarification=(
                f"Which numeric column is '{phrase}'? Clustering can use: {', '.join(options)}."),
                options=options)
        if match.column.name not in features:
            features.append(match.column.name)
    args: dict[str, Any] = {"features": features or None, "k": k}
    if r.has_current and clusters_within_segment(cleaned, r.table):
        args["within_segment"] = True
    call = ToolCall(name="cluster", args=args)
    shown = f"cluster k={k or 'auto'}" + (f" on {', '.join(features)}" if features else "")
    if args.get("within_segment"):
        shown += " within the current segment"
    return Interpretation(calls=[call], understood=shown)
