"""Intent first: a message that is not a segment request never changes the segment.

Conversation, knowledge questions, yes/no and questions about the product, in English,
Chinese and Russian, on data the project has never seen (tests/invented_data.py): zero
segments defined, and the current segment, when there is one, stays as it was and is
still reported by `ask --json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from invented_data import garden_table, load

from assistant.core import Assistant
from assistant.interpreter import InterpreterContext, interpret
from tools.engine.dataset import CustomerData

NON_REQUESTS = [
    # conversation
    "hi", "hello there", "great, thank you", "thanks!", "no thanks", "no", "yes", "ok",
    "hi, I'm new here", "can you explain it again?", "what can you do?", "sorry, what?",
    "你好", "谢谢", "好的", "不用了", "你能做什么？", "再解释一下",
    "привет", "спасибо", "нет, спасибо", "да", "что ты умеешь?", "привет, я тут новенький",
    # knowledge
    "what is churn and why does it matter?", "what is RFM?", "how do I calculate CLV?",
    "what is psychographic segmentation?", "why is retention important?",
    "什么是客户细分？", "如何提高客户留存？", "RFM是什么意思",
    "что такое сегментация клиентов?", "как посчитать ROI кампании?", "зачем нужен CRM?",
    # a Chinese question word placed late, with command or segment words in the question
    "K-means聚类是怎么把客户分组的？", "客户从认知到忠诚要经历哪些阶段？",
]


@pytest.fixture(scope="module")
def garden(tmp_path_factory: pytest.TempPathFactory) -> CustomerData:
    return load(garden_table(tmp_path_factory.mktemp("garden")))


@pytest.mark.parametrize("text", NON_REQUESTS)
def test_non_requests_define_no_segment(text: str, garden: CustomerData) -> None:
    for has_current in (False, True):
        result = interpret(text, InterpreterContext(schema=garden.schema,
                                                    has_current_segment=has_current))
        assert not [c for c in result.calls if c.name in ("define_segment", "load_segment",
                                                           "select_cluster", "reset")], (
            text, result.calls)
        assert result.intent in ("conversation", "knowledge", "command"), (text, result.intent)


def test_a_non_request_leaves_the_current_segment_and_json_still_reports_it(
        garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    first = bot.ask("customers from Germany")
    assert first.segment is not None
    size, condition = first.segment["size"], bot.toolkit.state.condition
    for text in ("no thanks", "great, thank you", "hi, I'm new here", "say that again",
                 "спасибо", "谢谢", "нет"):
        turn = bot.ask(text)
        assert not turn.clarification, text
        assert turn.segment is not None and turn.segment["size"] == size, text
        assert turn.to_json()["parse"]["intent"] == "conversation", text
    assert bot.toolkit.state.condition == condition
    # "explain it again" with a segment current explains that segment, and keeps it.
    for text in ("can you explain it again?", "объясни ещё раз", "再解释一下"):
        turn = bot.ask(text)
        assert [r.tool for r in turn.results] == ["explain_segment"], text
    assert bot.toolkit.state.condition == condition


def test_a_request_read_only_in_part_asks_and_presents_no_segment(
        garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    bot.ask("customers from Germany")
    turn = bot.ask("customers from Germany who own a flamingo")
    assert turn.clarification and "flamingo" in turn.reply
    assert turn.segment is None  # the old segment is not presented as the answer
    assert bot.toolkit.state.condition is not None  # ... and it is still there


@pytest.mark.parametrize("text", ["can you explain it again?", "is it in?", "no", "us",
                                  "be at it", "can we?"])
def test_short_words_never_become_codes(text: str, tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"cust": range(1, 9), "market": ["IT", "NO", "US", "IN", "CA", "BE",
                                                           "AT", "DE"],
                          "spend": [10, 20, 30, 40, 50, 60, 70, 80]})
    path = tmp_path / "codes.csv"
    frame.to_csv(path, index=False)
    data = load(path)
    result = interpret(text, InterpreterContext(schema=data.schema, has_current_segment=True))
    assert not [c for c in result.calls if c.name == "define_segment"], (text, result.calls)
    typed = interpret("customers in IT or NO", InterpreterContext(schema=data.schema))
    [call] = typed.calls  # codes typed as the data writes them are values
    assert sorted(call.args["condition"]["values"]) == ["IT", "NO"]


def test_every_message_reports_its_intent_and_reading(garden: CustomerData) -> None:
    context = InterpreterContext(schema=garden.schema)
    segment = interpret("customers who spent over 500", context)
    assert segment.parse["intent"] == "segment" and "500" in segment.parse["reading"]
    assert interpret("what is churn?", context).parse["intent"] == "knowledge"
    assert interpret("run an RFM analysis", context).parse["intent"] == "command"
    assert interpret("спасибо", context).parse["language"] == "ru"
    assert interpret("谢谢", context).parse["language"] == "zh"


@pytest.mark.parametrize(("text", "intent"), [
    ("K-means聚类是怎么把客户分组的？", "knowledge"),
    ("客户从认知到忠诚要经历哪些阶段？", "knowledge"),
    ("高价值客户有哪些？", "segment"), ("最近90天没有购买的客户有哪些？", "segment"),
    ("把客户分成3组", "command"),
])
def test_a_late_chinese_question_word_asks_unless_the_data_is_named(
        text: str, intent: str, garden: CustomerData) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema))
    assert result.intent == intent, (text, result.intent)



@pytest.mark.parametrize("text", [
    "клиенты, которые не откликнулись на кампанию",   # one Russian word, not a command
    "customers who did not respond to the campaign",
])
def test_a_command_word_inside_a_segment_request_is_no_command(
        text: str, garden: CustomerData) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema))
    assert result.intent == "segment", (text, result.intent, result.calls)
    assert not [c for c in result.calls if c.name == "suggest_campaign"]


@pytest.mark.parametrize("text", ["предложи кампанию для них", "кампания для них?",
                                  "为他们推荐营销活动", "suggest a campaign for them"])
def test_a_campaign_request_is_still_one(text: str, garden: CustomerData) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema,
                                                has_current_segment=True))
    assert result.intent == "command", (text, result.intent)
    assert [c.name for c in result.calls] == ["suggest_campaign"], (text, result.calls)


# Questions about the world that name a value of the data (the garden table has Spain,
# Germany and France in HomeCountry): not a request, whatever the language.
WORLD_QUESTIONS = [
    "What's the capital of Spain?", "what's the weather like in Germany today?",
    "who is the president of France?", "какая столица Испании?", "какая погода в Германии?",
    "Кто президент Франции?", "西班牙的首都是哪里？", "法国总统是谁？",
    # and about nothing of the data at all
    "北京天气怎么样", "今天天气怎么样？", "какая сегодня погода", "какой курс доллара?",
    "whats the weather today", "any news today?",
]


@pytest.mark.parametrize("text", WORLD_QUESTIONS)
def test_a_question_about_the_world_is_no_segment_request(
        text: str, garden: CustomerData, tmp_path: Path) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema, has_current_segment=True))
    assert result.calls == [] and result.intent == "conversation", (text, result)
    assert result.clarification and "HomeCountry" not in result.clarification
    bot = Assistant(garden, workspace=tmp_path / "ws")
    size = bot.ask("customers with gold tier").segment["size"]  # type: ignore[index]
    turn = bot.ask(text)
    assert turn.to_json()["parse"]["intent"] == "conversation"
    assert turn.segment is not None and turn.segment["size"] == size


@pytest.mark.parametrize("text", ["which customers from Spain spent over 1000?",
                                  "anyone in Germany with gold tier?", "клиенты из Испании?",
                                  "西班牙的客户有哪些？"])
def test_a_question_about_customers_of_a_place_is_still_a_request(
        text: str, garden: CustomerData) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema))
    assert [c.name for c in result.calls] == ["define_segment"], (text, result)


def test_a_typo_read_as_a_word_nothing_uses_is_asked_about(garden: CustomerData) -> None:
    # "погода" (weather) is one letter from "полгода" (half a year); read so, it placed
    # nothing, and the request was silently narrowed to Germany.
    result = interpret("клиенты из Германии и погода", InterpreterContext(schema=garden.schema))
    assert result.calls == [] and "погода" in (result.clarification or "")
    assert not any("полгода" in note for note in result.notes)
    used = interpret("клиенты, купившие за последние полгода", InterpreterContext(
        schema=garden.schema))
    assert [c.name for c in used.calls] == ["define_segment"]


def test_columns_a_word_could_mean_are_offered_in_counting_order(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"member": range(1, 41), "Campaign3Resp": [0, 1] * 20,
                          "Campaign10Resp": [1, 0] * 20, "Campaign1Resp": [0, 0, 1, 1] * 10,
                          "Campaign2Resp": [1, 1, 0, 0] * 10, "spend": range(40)})
    frame.to_csv(tmp_path / "campaigns.csv", index=False)
    data = load(tmp_path / "campaigns.csv")
    for text in ("members who responded to the campaign", "участники, откликнувшиеся на кампанию"):
        result = interpret(text, InterpreterContext(schema=data.schema))
        assert result.calls == [] and result.options == [
            "Campaign1Resp", "Campaign2Resp", "Campaign3Resp", "Campaign10Resp"], (text, result)


@pytest.mark.parametrize(("first", "edit", "expected"), [
    # the last number, past a yes/no condition added after it
    (["gold tier customers with more than 5 orders", "exclude those on the newsletter"],
     "change that to 10", ("OrderCount", ">", 10)),
    # the number of the column the message names
    (["customers with more than 5 orders who spent over 1000"], "change the orders to 8",
     ("OrderCount", ">", 8)),
    # the number the message quotes, in three languages
    (["customers with more than 5 orders who spent over 1000"], "change 1000 to 1500",
     ("TotalSpent", ">", 1500)),
    (["клиенты с более чем 5 заказами, потратившие больше 1000"], "поменяй 1000 на 1500",
     ("TotalSpent", ">", 1500)),
    (["订单超过5个并且消费超过1000的客户"], "把1000改成1500", ("TotalSpent", ">", 1500)),
])
def test_change_that_edits_the_number_meant(first: list[str], edit: str,
                                            expected: tuple[str, str, int],
                                            garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    for text in first:
        assert bot.ask(text).segment is not None, text
    before = bot.toolkit.state.condition
    turn = bot.ask(edit)
    assert turn.segment is not None, turn.reply
    after = bot.toolkit.state.condition
    assert after is not None and before is not None
    compares = {(c["column"], c["op"], c["value"]) for c in _leaves(after.model_dump(mode="json"))
                if c.get("type") == "compare"}
    assert expected in compares, compares
    # nothing else changed: one leaf differs
    old = {json.dumps(c, sort_keys=True) for c in _leaves(before.model_dump(mode="json"))}
    new = {json.dumps(c, sort_keys=True) for c in _leaves(after.model_dump(mode="json"))}
    assert len(old - new) == 1 and len(new - old) == 1


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("all", "any"):
        if key in node:
            return [leaf for child in node[key] for leaf in _leaves(child)]
    if "condition" in node and node.get("type") == "not":
        return _leaves(node["condition"])
    return [node]


@pytest.mark.parametrize(("text", "thanked"), [
    ("thanks", True), ("спасибо", True), ("谢谢", True), ("great, thank you", True),
    ("got it", False), ("понятно", False), ("好的", False), ("ok cool", False)])
def test_an_acknowledgement_is_not_thanked(text: str, thanked: bool, garden: CustomerData
                                           ) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema))
    assert result.intent == "conversation"
    welcome = ("welcome", "Пожалуйста", "不客气")
    assert any(w in (result.clarification or "") for w in welcome) is thanked, result
