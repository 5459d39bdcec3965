"""The built-in interpreter: a marketer's request -> tool calls, or a question back.

Deterministic and offline. It reads the loaded data's schema (column names,
roles, category values) so the same code understands a transaction log, a
customer table or a telecom churn file; whatever it cannot map to the data it
asks about, naming the nearest real columns or values, instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.interpreter.calls import Interpretation, InterpreterContext, ToolCall
from assistant.interpreter.columns import build_profiles, match_columns
from assistant.interpreter.commands import (
    EARLY,
    CommandMatch,
    CommandTable,
    clean_name,
    clean_request,
    cluster_k,
    export_args,
    feature_phrases,
    load_commands,
    match_command,
)
from assistant.interpreter.conditions import Reading, negate, read_condition
from assistant.interpreter.dates import merge_dates
from assistant.interpreter.numbers import merge_numbers
from assistant.interpreter.phrases import merge_phrases
from assistant.interpreter.text import Kind, Token, normalise, tokenize, words_of
from assistant.interpreter.vocabulary import Vocabulary, load_vocabulary
from tools.engine.definitions import Condition
from tools.engine.schema import Role

_NON_LATIN = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0900-\u097f\u3040-\u30ff\u3400-\u9fff"
                        r"\uac00-\ud7af]")
_CHUNK_SPLIT = re.compile(
    r"\s*(?:;|(?<!\b[A-Za-z])\.\s+|\?\s+|!\s+|,?\s+and then\s+|,?\s+then\s+|"
    r",\s+(?=(?:and\s+)?(?:profile|save|export|compare|describe|explain|suggest|"
    r"summari[sz]e)\b)|\s+and\s+(?=(?:then\s+)?"
    r"(?:profile|save|export|compare|summari[sz]e|suggest|explain)\b))\s*", re.IGNORECASE)
_LEAD_WORDS = frozenset({"ok", "okay", "so", "please", "then", "alright", "great", "right",
                         "hmm", "well", "cool", "thanks"})
_RESTART = re.compile(r"(?:start over|start again|start afresh|reset|new search|from scratch)"
                      r"[,:;.]?\s+(?:(?:with|and|then|now)\s+)*(?:show me\s+|find\s+)?(?P<rest>.+)",
                      re.IGNORECASE)
_ADD = re.compile(r"(?:add|include|also include|plus add|and add)\s", re.IGNORECASE)
_EXAMPLES = ["customers who spent over 1000", "haven't ordered in 3 months",
             "top 10% by spend", "run an RFM analysis", "split them into 4 groups"]
_HELP = ("I can build segments from your data (e.g. 'customers who spent over 1000', "
         "'haven't ordered in 3 months'), run RFM or clustering, profile, compare, save and "
         "export segments. What would you like?")


@dataclass(frozen=True)
class _Request:
    text: str
    context: InterpreterContext
    vocab: Vocabulary
    table: CommandTable
    has_current: bool


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
        return _question(text)
    chunks = [c for c in _CHUNK_SPLIT.split(text.strip()) if c and c.strip(" ,.?!")]
    calls: list[ToolCall] = []
    understood: list[str] = []
    has_current = context.has_current_segment
    for chunk in chunks[:6] or [text]:
        request = _Request(chunk, context, vocab, table, has_current)
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


def _one(r: _Request) -> Interpretation:
    cleaned = clean_request(r.text, r.table)
    if not cleaned:
        return Interpretation(calls=[], clarification=_HELP)
    restart = _RESTART.fullmatch(cleaned)
    if restart is not None:
        # "start over with customers from Spain": reset, then a fresh request.
        fresh = _one(_Request(restart["rest"], r.context, r.vocab, r.table, False))
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
    if _is_knowledge_question(cleaned, r):
        return _question(r.text)
    late = match_command(cleaned, r.table, exclude=EARLY)
    if late is not None:
        result = _late_call(late, cleaned, r)
        if result is not None:
            return result
    return _define(r)


# --- commands -------------------------------------------------------------------------------

def _call(tool: str, **args: Any) -> Interpretation:
    return Interpretation(calls=[ToolCall(name=tool, args=args)], understood=tool)


def _early_call(m: CommandMatch, r: _Request) -> Interpretation | None:
    saved = {s.lower(): s for s in r.context.saved_segments}
    if m.tool == "help":
        return Interpretation(calls=[], clarification=_HELP, options=_EXAMPLES)
    if m.tool in ("reset", "undo", "list_segments", "describe_data"):
        return _call(m.tool)
    if m.tool == "export_segment":
        return _call("export_segment", **export_args(m.groups.get("rest", "")))
    if m.tool == "save_segment":
        name = clean_name(m.groups.get("name", ""))
        if not name:
            return Interpretation(calls=[], clarification="Under what name should I save it? "
                                  "For example: save this as winback_uk")
        return _call("save_segment", name=name[:80])
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


def _late_call(m: CommandMatch, cleaned: str, r: _Request) -> Interpretation | None:
    if m.tool == "run_rfm":
        if _names_rfm_segment(cleaned, r) or re.search(
                r"\b(?:cell|code|score)s?\s+(?:of\s+|is\s+)?[1-5]{3}\b", cleaned, re.IGNORECASE):
            return None
        return _call("run_rfm")
    if m.tool == "lifecycle":
        return _call("lifecycle")
    if m.tool == "cluster":
        return _cluster(m, cleaned, r)
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
            defined = _define(_Request(raw, r.context, r.vocab, r.table, False))
            if defined.calls:
                calls = [*defined.calls, ToolCall(name="profile_segment", args={"name": None})]
                return Interpretation(calls=calls, understood=defined.understood)
            return None
        return _call(m.tool, name=None if name == "current" else name)
    return None


def _segment_name(raw: str, r: _Request, default: str | None) -> str | None:
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
    for stage in r.context.lifecycle_stages:
        if low == " ".join(normalise(stage).split()):
            return stage
    return None


def _names_rfm_segment(cleaned: str, r: _Request) -> bool:
    words = tuple(words_of(cleaned))
    for phrase, name in r.vocab.rfm_names:
        if name not in r.context.rfm_segment_names or len(phrase) == 1 and phrase[0] in (
                "loyal", "promising"):
            continue
        n = len(phrase)
        if any(words[i:i + n] == phrase for i in range(len(words) - n + 1)):
            return True
    return False


def _cluster(m: CommandMatch, cleaned: str, r: _Request) -> Interpretation:
    k = cluster_k(m.groups, r.vocab.number_words, cleaned)
    if k is not None and not 2 <= k <= 12:
        return Interpretation(calls=[], clarification="Clustering works with 2 to 12 groups: "
                              "how many would you like?", options=["3", "4", "5"])
    features: list[str] = []
    profiles = [p for p in build_profiles(r.context.schema, r.vocab) if p.numeric]
    for phrase in feature_phrases(m.groups.get("rest", "")):
        words = [w for w in words_of(phrase) if w not in ("groups", "clusters", "segments")]
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
    call = ToolCall(name="cluster", args={"features": features or None, "k": k})
    shown = f"cluster k={k or 'auto'}" + (f" on {', '.join(features)}" if features else "")
    return Interpretation(calls=[call], understood=shown)


# --- questions ------------------------------------------------------------------------------

def _question(text: str) -> Interpretation:
    question = " ".join(text.split())[:1000]
    return Interpretation(calls=[ToolCall(name="answer_question", args={"question": question})],
                          understood="a general question")


def _is_knowledge_question(cleaned: str, r: _Request) -> bool:
    words = tuple(words_of(cleaned))
    if not any(words[:len(s)] == s for s in r.vocab.question_starts):
        return False
    text = " ".join(words)
    if any(f" {w} " in f" {text} " for w in ("them", "they", "this segment", "these customers",
                                               "those customers", "my data", "our data")):
        return False
    return any(" ".join(t) in text for t in r.vocab.knowledge_terms)


# --- segments -------------------------------------------------------------------------------

def _tokens(text: str, vocab: Vocabulary) -> list[Token]:
    return merge_dates(merge_numbers(merge_phrases(tokenize(text), vocab), vocab), vocab)


def _mode(tokens: list[Token], vocab: Vocabulary) -> tuple[str, int, list[int]]:
    """('new' | 'refine' | 'exclude', tokens of the opener to skip, marker positions)."""
    k = 0
    while k < len(tokens) and (tokens[k].low in _LEAD_WORDS or tokens[k].kind == Kind.PUNCT):
        k += 1
    for start in (k, k + 1):
        if start > k and (start - 1 >= len(tokens) or tokens[start - 1].low not in (
                "and", "now", "also", "but", "then")):
            continue
        for phrase in vocab.exclude_openers:
            if tuple(t.low for t in tokens[start:start + len(phrase)]) == phrase:
                return "exclude", start + len(phrase), []
    lows = [t.low for t in tokens]
    for j in (k, k + 1):
        if tuple(lows[j:j + 2]) in (("what", "about"), ("how", "about")) and (
                j == k or lows[k] in ("and", "so", "then")):
            return "new", j + 2, []  # "what about France?": the same question, another group
    for phrase in vocab.refine_markers:
        n = len(phrase)
        for i in range(len(lows) - n + 1):
            if tuple(lows[i:i + n]) == phrase:
                return "refine", k, list(range(i, i + n))
    if k < len(tokens) and tokens[k].low in vocab.refine_openers:
        return "refine", k + 1, []
    return "new", k, []


def _define(r: _Request) -> Interpretation:
    tokens = _tokens(r.text, r.vocab)
    mode, skip, markers = _mode(tokens, r.vocab)
    reading = _read(tokens, skip, markers, r)
    if reading.condition is None:
        return _clarify(reading, r)
    condition: Condition = reading.condition
    understood = reading.understood
    if not r.has_current and mode == "refine":
        mode = "new"
    if not r.has_current and mode == "exclude":
        mode, condition = "new", negate(condition)
        understood = f"not ({understood})"
    args = {"condition": condition.model_dump(mode="json"), "mode": mode}
    prefix = {"new": "", "refine": "current segment and ", "exclude": "current segment minus "}
    return Interpretation(calls=[ToolCall(name="define_segment", args=args)],
                          understood=prefix[mode] + understood)


def _read(tokens: list[Token], skip: int, markers: list[int], r: _Request) -> Reading:
    return read_condition(
        tokens, r.context.schema, r.vocab, claimed=[*range(skip), *markers],
        rfm_names=r.context.rfm_segment_names, stages=_stages(r.context),
        as_of=r.context.as_of)


def _stages(context: InterpreterContext) -> tuple[str, ...]:
    """The lifecycle stages the data can have: the context's, else the engine's defaults
    when the data has the recency, frequency and tenure the stages are computed from."""
    if context.lifecycle_stages:
        return context.lifecycle_stages
    schema = context.schema
    if not all(schema.by_role(role) for role in (Role.RECENCY, Role.FREQUENCY, Role.TENURE)):
        return ()
    try:
        from tools.engine.lifecycle import STAGES
    except ImportError:
        return ()
    return tuple(STAGES)


def _clarify(reading: Reading, r: _Request) -> Interpretation:
    if _looks_like_question(r.text):
        return _question(r.text)
    if not reading.problems:
        return Interpretation(calls=[], clarification=(
            "What should the segment contain? For example: customers who spent over 1000, "
            "or who haven't ordered in 3 months."), options=[c.name for c in
                                                             r.context.schema.columns][:8])
    options: list[str] = []
    for p in reading.problems:
        options.extend(o for o in p.options if o not in options)
    message = " ".join(p.message for p in reading.problems[:3])
    return Interpretation(calls=[], clarification=message, options=options[:10])


def _looks_like_question(text: str) -> bool:
    low = normalise(text).strip()
    return bool(re.match(r"(?:what|why|how|when|should|is|are|can|does|do|explain|define)\b",
                         low)) and not re.match(r"how many\b", low)

