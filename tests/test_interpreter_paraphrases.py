"""Paraphrases generated from the grammar read as the same definition (property tests).

Each request is built from parts (who, the spend comparison, the place, the recency
window), each part said in one of several ways, in one of three languages, in either
order. Whatever the wording, the condition must be the same. The schema is invented
(column names and values no lexicon knows).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.interpreter import InterpreterContext, interpret
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema

SCHEMA = Schema(kind=DataKind.TRANSACTIONS, columns=(
    ColumnInfo("recency_days", Role.RECENCY, DType.INTEGER, minimum=1, maximum=900),
    ColumnInfo("frequency", Role.FREQUENCY, DType.INTEGER, minimum=1, maximum=80),
    ColumnInfo("monetary", Role.MONETARY, DType.NUMBER, minimum=1, maximum=90000),
    ColumnInfo("tenure_days", Role.TENURE, DType.INTEGER, minimum=1, maximum=900),
    ColumnInfo("Depot", Role.CATEGORY, DType.TEXT, values=("Lyon", "Porto", "Gdansk", "Turin"),
               n_unique=4),
    ColumnInfo("Nation", Role.CATEGORY, DType.TEXT,
               values=("Germany", "France", "Portugal", "Poland"), n_unique=4),
))
CONTEXT = InterpreterContext(schema=SCHEMA)

SPEND = {
    "en": ["who spent more than {n}", "with revenue above {n}", "whose spend exceeds {n}",
           "spending over {n}", "with sales of more than {n}"],
    "zh": ["消费超过{n}", "花费多于{n}", "消费金额大于{n}"],
    "ru": ["потратившие больше {n}", "с тратами более {n}", "которые потратили свыше {n}"],
}
PLACE = {
    "en": ["from {en}", "in {en}", "based in {en}"],
    "zh": ["来自{zh}", "在{zh}"],
    "ru": ["из {ru}", "в {ru_in}"],
}
COUNTRIES = {"Germany": ("德国", "Германии", "Германии"), "France": ("法国", "Франции", "Франции"),
             "Poland": ("波兰", "Польши", "Польше")}
RECENT = {
    "en": ["who bought in the last {d} days", "active within the past {d} days",
           "who ordered in the last {d} days"],
    "zh": ["最近{d}天内下过单", "过去{d}天内购买过"],
    "ru": ["покупавшие за последние {d} дней", "которые заказывали за последние {d} дней"],
}
PEOPLE = {"en": "customers", "zh": "客户", "ru": "клиенты"}


def _request(language: str, parts: list[str], people_first: bool) -> str:
    if language == "zh":
        return "、".join(parts) + "的" + PEOPLE["zh"]
    joiner = " и " if language == "ru" else " and "
    body = joiner.join(parts)
    return f"{PEOPLE[language]} {body}" if people_first else f"{body} {PEOPLE[language]}"


def _condition(text: str) -> dict[str, Any]:
    result = interpret(text, CONTEXT)
    assert result.clarification is None, (text, result.clarification)
    [call] = [c for c in result.calls if c.name == "define_segment"]
    return _sorted(call.args["condition"])


def _sorted(condition: Any) -> Any:
    if isinstance(condition, dict) and condition.get("type") == "and":
        return {"type": "and", "all": sorted((_sorted(c) for c in condition["all"]), key=repr)}
    return condition


@settings(max_examples=120, deadline=None)
@given(language=st.sampled_from(["en", "zh", "ru"]), data=st.data(),
       amount=st.sampled_from([500, 1200, 3000]), days=st.sampled_from([30, 60, 90]),
       country=st.sampled_from(sorted(COUNTRIES)), order=st.permutations([0, 1, 2]))
def test_paraphrases_of_one_request_give_one_definition(
        language: str, data: st.DataObject, amount: int, days: int, country: str,
        order: list[int]) -> None:
    zh, ru, ru_in = COUNTRIES[country]
    spend = data.draw(st.sampled_from(SPEND[language])).format(n=amount)
    place = data.draw(st.sampled_from(PLACE[language])).format(en=country, zh=zh, ru=ru,
                                                               ru_in=ru_in)
    recent = data.draw(st.sampled_from(RECENT[language])).format(d=days)
    parts = [[spend, place, recent][k] for k in order]
    text = _request(language, parts, people_first=language != "zh")
    expected = _sorted({"type": "and", "all": [
        {"type": "compare", "column": "monetary", "op": ">", "value": amount},
        {"type": "in", "column": "Nation", "values": [country]},
        {"type": "compare", "column": "recency_days", "op": "<=", "value": days}]})
    assert _condition(text) == expected, text


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["top {p}% by spend", "the top {p} percent of customers by revenue",
                        "消费前{p}%的客户", "топ {p}% по тратам"]),
       st.sampled_from([5, 10, 20]))
def test_ranks_read_the_same_in_every_language(template: str, percent: int) -> None:
    assert _condition(template.format(p=percent)) == {
        "type": "rank", "column": "monetary", "direction": "top", "n": None,
        "percent": float(percent)}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["Lyon", "Porto", "Gdansk", "Turin"]),
       st.sampled_from(["customers of the {v} depot", "{v} depot customers",
                        "customers whose depot is {v}", "клиенты {v}", "{v}的客户"]))
def test_values_of_an_unknown_column_are_found_by_their_own_words(value: str, template: str
                                                                  ) -> None:
    assert _condition(template.format(v=value)) == {"type": "in", "column": "Depot",
                                                    "values": [value]}
