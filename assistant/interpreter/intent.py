"""Intent first: what kind of message is this, before anything changes.

Every message is a segment request (or a change to the current segment), a
question about the data, a knowledge question, a command, or conversation.
Only a segment request may change the segment. The decision reads the
lexicons' intent and command words and the reading's segment signals (a
number compared, a rank, a time window, a value of the data, a named
segment), so "no thanks" or "can you explain it again?" never becomes a
segment, and "what is RFM?" is answered rather than run.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.interpreter.grammar import Reading
from assistant.interpreter.lexicon import Lexicon, Sense
from assistant.interpreter.tagging import Item
from assistant.interpreter.text import is_chinese
from tools.engine.definitions import RfmSegment

# Signals that a message describes customers of this data.
DATA_SIGNALS = frozenset({"value", "qty", "flag", "fixed", "rank", "named", "vague"})
_CHAT = frozenset({"greeting", "farewell", "thanks", "ack", "yes", "no", "product"})
# Commands about a segment, which may be asked as a question ("why do they matter?").
_ABOUT = ("explain_segment", "suggest_campaign", "compare_segments", "overlap_segments",
          "profile_segment")


@dataclass(frozen=True)
class Intent:
    kind: str  # segment, data_question, knowledge, command, conversation
    detail: str = ""  # the command's tool, the conversation's kind, the question's kind


def content(items: list[Item]) -> list[Item]:
    return [i for i in items if not i.only_function and not i.has("punct")]


def classify(items: list[Item], reading: Reading, lexicon: Lexicon) -> Intent:
    words = content(items)
    if not words:
        return Intent("conversation", "empty")
    bound = bool(reading.signals & (DATA_SIGNALS - {"named", "vague"}))
    chat = _conversation(words)
    # "нет" alone is an answer, even where the data has a value "нет".
    only_chat = all(any(a in _CHAT for a in i.args("intent")) for i in words)
    if chat is not None and (only_chat or not reading.signals & DATA_SIGNALS):
        return Intent("conversation", chat)
    if any("correlation" in i.args("intent") for i in words):
        return Intent("conversation", "correlation")  # "is watch time correlated with churn?"
    # A word neither the data nor the lexicons know, and only values named beside it:
    unknown = any(p.key == "unplaced" for p in reading.problems) and \
        not reading.signals & (DATA_SIGNALS - {"value", "named"})
    if unknown and any("advice" in i.args("intent") for i in words[:2]):
        return Intent("knowledge", "question")  # "how do I increase direct bookings?"
    if bound and unknown and _off_topic(items, words, lexicon) or _about_the_world(words):
        return Intent("conversation", "off_topic")
    command = command_of(items, lexicon)
    asked = _question_kind(words)
    relative = any(p.key == "relative" for p in reading.problems)  # "above average spend"
    if asked in ("share", "average") and not relative and (reading.condition is not None or any(
            i.has("rfm", "subject") for i in words)):
        return Intent("data_question", asked)  # "what is the average spend of champions?"
    unplaced = " ".join(str(p.values.get("words", "")) for p in reading.problems)
    if unknown and any(i.has("average") for i in words) and not any(
            i.has("knowledge") for i in words) and all(
            i.has("concept") for i in words if f"'{i.text}'" in unplaced):
        # "what's the avg delivery time?" where nothing records it: said, not answered from
        # the knowledge base
        return Intent("data_question", "average")
    # "how many are there?" asks for a figure, not for knowledge
    counting = any("count" in i.args("intent") for i in words[:1])
    asking = not counting and (_asks(words, lexicon) or _asks_late(items, words, reading))
    about_words = any(i.has("knowledge") and not i.has("rfm", "command") for i in words)
    if asking and command == "select_cluster":
        return Intent("command", command)  # "tell me about group 2", "介绍一下第2组"
    if asking and (not bound or command in _ABOUT):
        # A question about a segment ("why do they matter?", "how should we win them back?")
        # is a command; about anything else ("what is churn?", "how to win back lapsed
        # customers?") it is a knowledge question.
        about_segment = (_names_a_segment(words, lexicon) and not about_words) or any(
            "explain_segment" in i.args("command") and len(i.tokens) > 1 for i in words)
        if command in _ABOUT and (about_segment or command in ("compare_segments",
                                                               "overlap_segments")):
            return Intent("command", command)
        if about_segment and _why_it_matters(words, lexicon):
            return Intent("command", "explain_segment")
        return Intent("knowledge", "question")
    if _asks_about_terms(words, reading) or command is None and _asks_advice(items, words,
                                                                             reading):
        return Intent("knowledge", "question")
    if command == "run_rfm" and isinstance(reading.condition, RfmSegment) and \
            not reading.problems:
        return Intent("segment")  # "RFM champions", "RFM冠军客户": the group, not the table
    if command is not None:
        return Intent("command", command)
    if _why_it_matters(words, lexicon):
        return Intent("command", "explain_segment")
    if asked in ("share", "average") and not relative:
        return Intent("data_question", asked)
    if not bound and reading.condition is None and any(i.has("knowledge") for i in words) and \
            not any(i.has("rfm", "stage", "people") for i in words):
        return Intent("knowledge", "terms")
    if asked == "count" and reading.condition is None and not reading.problems:
        return Intent("data_question", "count")
    if chat is not None and reading.condition is None:
        return Intent("conversation", chat)
    return Intent("segment")


def _conversation(words: list[Item]) -> str | None:
    """Greetings, thanks, yes/no, questions about the product: nothing but such words."""
    # "that's great": a pointing word ("that", "это", "这") says nothing of its own here
    words = [i for i in words if not all(s.kind in ("func", "break", "subject")
                                         for s in i.senses)] or words
    kinds = [next((str(a) for a in i.args("intent") if a in _CHAT), None) for i in words]
    if all(k is not None for k in kinds):  # "great, thank you" thanks
        return "thanks" if "thanks" in kinds else next(k for k in kinds if k is not None)
    if any(k == "product" for k in kinds):
        return "product"
    return None


def _off_topic(items: list[Item], words: list[Item], lexicon: Lexicon) -> bool:
    """"What's the capital of Portugal?", "какая погода в Германии?": a question (with a word
    nothing knows, the caller checks) about nobody: no customers, no "them", no segment
    name, no figure asked for."""
    asked = _marked(items) or _asks(words, lexicon)
    return asked and not _about_customers(words)


def _about_customers(words: list[Item]) -> bool:
    """Customers, "them", a segment's name, a command or a figure asked for."""
    figures = {"count", "share", "average", "breakdown"}
    return any(i.has("people", "subject", "rfm", "stage", "command") or
               figures & set(map(str, i.args("intent"))) or
               set(map(str, i.args("figure"))) - {"which"} for i in words)


def _about_the_world(words: list[Item]) -> bool:
    """"what's the weather today?", "北京天气怎么样", "какой курс доллара": a word of the world
    outside the data (not a column's), and nothing about the customers ("today" is no
    condition here)."""
    return any("world" in i.args("intent") and not i.has("column", "value") for i in words) \
        and not _about_customers(words)


def _asks(words: list[Item], lexicon: Lexicon) -> bool:
    """A question opener at the start ("what is", "why", "什么是", "что такое"), also as the
    first word of a longer phrase ("как вернуть")."""
    first = lexicon.index.get((words[0].tokens[0].norm,), ()) if words[0].tokens else ()
    return any({"question", "why"} & set(map(str, i.args("intent"))) for i in words[:2]) or \
        any(s.kind == "intent" and s.arg in ("question", "why") for s in first)


def _asks_late(items: list[Item], words: list[Item], reading: Reading) -> bool:
    """A question word later in a question ("K-means聚类是怎么把客户分组的？", "客户从认知到
    忠诚要经历哪些阶段？"): Chinese puts it where the answer goes. Only with a question mark
    and nothing of the data asked for (no value, number, window or vague word), so "高价值
    客户有哪些？" and "最近90天没买的客户有哪些？" stay requests."""
    marked = _marked(items)
    late = any({"question", "why"} & set(map(str, i.args("intent"))) or
               "which" in i.args("figure") for i in words[2:])
    return marked and late and not reading.signals & (DATA_SIGNALS - {"named"})


def _asks_about_terms(words: list[Item], reading: Reading) -> bool:
    """"Which KPIs show it works?", "哪些因素会影响购买行为？", "Какие трудности бывают при
    сегментации?", "客户细分有哪些难点？": a question word anywhere ("which", or a
    Chinese question word placed late) about a term only the knowledge base knows (no
    column concept, no segment name) and no figure of the data."""
    pure = any(i.has("knowledge") and all(s.kind in ("knowledge", "func") for s in i.senses)
               for i in words)
    if not pure or any(i.has("rfm", "stage") for i in words) or \
            reading.signals & (DATA_SIGNALS - {"named", "vague"}):
        return False
    return any("which" in i.args("figure") or {"question", "why"} & set(map(str, i.args("intent")))
               for i in words)


def _asks_advice(items: list[Item], words: list[Item], reading: Reading) -> bool:
    """"what should I do with churned users?", "что делать с ушедшими клиентами?",
    "流失用户应该怎么处理？": advice asked (at the start, or where Chinese puts the question)
    about customers named by a word, with no number, rank or window of a request."""
    advice = [k for k, i in enumerate(words) if "advice" in i.args("intent")]
    chinese_late = _marked(items) and any(
        k >= len(words) - 2 and is_chinese(words[k].text) for k in advice)
    return (any(k < 2 for k in advice) or chinese_late) and \
        not reading.signals & {"qty", "rank", "fixed", "vague"}


def _marked(items: list[Item]) -> bool:
    """The message ends with a question mark."""
    return bool(items) and items[-1].text in ("?", "？")


def _question_kind(words: list[Item]) -> str | None:
    for item in words[:4]:
        for kind in ("count", "share", "average"):
            if kind in item.args("intent"):
                return kind
    return None


def _names_a_segment(words: list[Item], lexicon: Lexicon) -> bool:
    """The message is about a segment: "them", an RFM name, a stage (also inside a command's
    own phrase: "win them back")."""
    return any(i.has("rfm") or "current" in i.args("subject") for i in words) or any(
        Sense("subject", "current") in lexicon.index.get((t.norm,), ())
        for i in words if i.has("command") for t in i.tokens)


def _why_it_matters(words: list[Item], lexicon: Lexicon) -> bool:
    """"why are champions important?", "почему этот сегмент важен?"."""
    why = any("why" in i.args("intent") for i in words[:2])
    important = any("importance" in i.args("command") for i in words)
    return why and important and _names_a_segment(words, lexicon)


def command_of(items: list[Item], lexicon: Lexicon | None = None) -> str | None:
    """The command a message gives: by its opening words, or by a phrase only commands use."""
    words = content(items)
    tools = [t for i in words for t in _commands(i)]
    near = [i for i in items if not i.has("punct")  # "第2个聚类": past the measure word
            and not (i.has("count_unit") and i.value is None)]
    numbered = [a for a, b in zip(near, near[1:], strict=False)
                if b.value is not None and _names_a_group(set(map(str, a.args("command"))))]
    if lexicon is not None:  # "第2组": the ordinal prefix, the number, the group word
        numbered += [c for a, b, c in zip(near, near[1:], near[2:], strict=False)
                     if lexicon.is_ordinal_prefix(a.text) and b.value is not None
                     and _names_a_group(set(map(str, c.args("command"))))]
    numbered += [b for a, b in zip(near, near[1:], strict=False)  # "第二组", "second group"
                 if a.has("ordinal") and _names_a_group(set(map(str, b.args("command"))))]
    if numbered and not any("cluster_verb" in i.args("command") for i in words
                            if i is not numbered[0]):
        return "select_cluster"  # "customers in cluster 2", "exclude group 3"
    # Whom it is for, first: "为法国客户推荐…", "для клиентов из Казани предложи…".
    if items and lexicon is not None and lexicon.is_beneficiary(items[0].text):
        later = next((t for i in words for t in map(str, i.args("command")) if t in _ABOUT), None)
        if later is not None:
            return later
    if "run_rfm" in tools and {"cluster_verb", "cluster_noun", "cluster"} & set(tools):
        return "run_rfm"  # "按RFM分组", "split them into RFM groups": the RFM segments
    if "cluster_verb" in tools and "cluster_noun" in tools or "cluster" in tools:
        return "cluster"
    if "save_segment" in tools and "export_segment" in tools:
        return "export_segment"  # "save it to a csv file"
    # The opening word, past a mode ("now only") and the people addressed ("为他们推荐",
    # "для них предложи").
    opening = next((i for i in words if (not i.has("mode") or i.has("command"))
                    and not _addressed(i)), None)
    if opening is not None:
        for tool in _commands(opening):
            if tool not in ("cluster_verb", "cluster_noun", "importance"):
                return tool
    for item in words:
        for tool in _commands(item):
            if tool in _ANYWHERE and (_long(item) or tool in _ONE_WORD_ANYWHERE or (
                    tool == "compare_segments" and any(i.has("subject") for i in words))):
                return tool  # "和所有会员比较": compare, said last, with whom
    return None


def _commands(item: Item) -> list[str]:
    """The commands a word names; a word read as a typo never writes or deletes a file
    ("excl" is no "excel")."""
    corrected = any(token.corrected for token in item.tokens)
    return [str(t) for t in item.args("command") if not (corrected and t in _WRITES)]


def _names_a_group(commands: set[str]) -> bool:
    """A word that names a group by its number ("cluster 2", "группа 3"); a verb of
    splitting before a number ("分成3组", "split into 3") counts groups instead."""
    return "select_cluster" in commands or (bool({"cluster", "cluster_noun"} & commands)
                                            and "cluster_verb" not in commands)


def _addressed(item: Item) -> bool:
    return item.has("subject") and all(s.kind in ("subject", "func") for s in item.senses)


def _long(item: Item) -> bool:
    """A phrase of several words (or Chinese characters): only a command says it. One
    Russian word is one word, as in English ("кампанию" in "не откликнулись на кампанию"
    names a column, not a request for a campaign)."""
    return len(item.tokens) > 1 or (len(item.text) > 2 and is_chinese(item.text))


# Commands whose trigger may stand anywhere in the message; the others open it.
_ANYWHERE = frozenset({"explain_segment", "suggest_campaign", "compare_segments",
                       "overlap_segments", "export_segment", "run_rfm", "describe_data",
                       "list_segments", "profile_segment"})
_WRITES = frozenset({"export_segment", "save_segment", "delete_segment"})
_ONE_WORD_ANYWHERE = frozenset({"run_rfm", "export_segment", "overlap_segments"})
