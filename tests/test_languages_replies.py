"""Descriptions, counts and reply lines in the request's language (Chinese, Russian), English
unchanged."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from assistant.replies import clarification_reply, compose_reply, options_line, reply_phrases
from tools.engine.dataset import CustomerData, SourceInfo
from tools.engine.definitions import (
    And,
    Between,
    Cluster,
    Compare,
    Condition,
    In,
    Lifecycle,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Rank,
    RfmScore,
    RfmSegment,
    SegmentRef,
)
from tools.engine.describe import describe
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema
from tools.engine.wording import OPERATORS, phrasing, plural
from tools.tool_summaries import customer_count, customers, segment_summary
from tools.toolkit import Toolkit, ToolResult

NB = "\u00a0"  # Russian groups thousands with a no-break space: "4 338"


def tiny_data(currency: str | None = "£", roles: dict[str, Role] | None = None) -> CustomerData:
    """A hand-built customer table: only its currency and column roles matter here."""
    columns = tuple(ColumnInfo(name=n, role=r, dtype=DType.INTEGER)
                    for n, r in (roles or {}).items())
    schema = Schema(kind=DataKind.CUSTOMERS, columns=columns)
    source = SourceInfo(path="hand-built", kind=DataKind.CUSTOMERS, rows_read=0,
                        raw_schema=schema, currency=currency)
    return CustomerData(customers=pd.DataFrame({n: [] for n in (roles or {})}), schema=schema,
                        source=source)


FRANCE = In(column="Country", values=["France"])
CHAMPIONS = RfmSegment(segments=["Champions"])
HEADLINE = And(all=[Compare(column="monetary", op=">", value=1000),
                    Compare(column="recency_days", op=">", value=90)])

# (condition, Chinese, Russian), with the data's currency "£".
CASES: list[tuple[Condition, str, str]] = [
    (Compare(column="monetary", op=">", value=1000), "消费超过 £1,000",
     f"потратили больше £1{NB}000"),
    (Compare(column="monetary", op="<=", value=1234.5), "消费不超过 £1,234.50",
     f"потратили не больше £1{NB}234,50"),
    (Compare(column="avg_order_value", op=">", value=500), "平均订单金额超过 £500",
     "средний чек больше £500"),
    (Compare(column="recency_days", op=">", value=90), "最近 90 天内没有下单",
     "нет заказов за последние 90 дней"),
    (Compare(column="recency_days", op="<=", value=30), "最近 30 天内下过单",
     "заказывали за последние 30 дней"),
    (Compare(column="recency_days", op=">=", value=2), "最后一次下单在至少 2 天前",
     "последний заказ 2 дня назад или раньше"),
    (Compare(column="recency_days", op=">=", value=11), "最后一次下单在至少 11 天前",
     "последний заказ 11 дней назад или раньше"),
    (Compare(column="tenure_days", op="<", value=21), "首次下单在不到 21 天前",
     "первый заказ меньше, чем 21 день назад"),
    (Compare(column="frequency", op=">=", value=2), "下单至少 2 次",
     "сделали 2 заказа или больше"),
    (Compare(column="frequency", op="==", value=1), "恰好下单 1 次", "сделали ровно 1 заказ"),
    (Compare(column="frequency", op="<", value=5), "下单少于 5 次",
     "сделали меньше, чем 5 заказов"),
    (Compare(column="frequency", op="==", value=21), "恰好下单 21 次",
     "сделали ровно 21 заказ"),
    (Between(column="monetary", low=500, high=1000), "消费在 £500 到 £1,000 之间",
     f"потратили от £500 до £1{NB}000"),
    (Between(column="recency_days", low=30, high=62), "最后一次下单在 30 到 62 天前",
     "последний заказ 30–62 дня назад"),
    (Between(column="frequency", low=5, high=11), "下单 5 到 11 次", "сделали 5–11 заказов"),
    (Between(column="Age", low=20, high=35.5), "Age 在 20 到 35.5 之间", "Age от 20 до 35,5"),
    (Between(column="Year_Birth", low=1981, high=1996), "Year_Birth 在 1981 到 1996 之间",
     "Year_Birth от 1981 до 1996"),
    (Compare(column="Income", op=">", value=75000), "Income 大于 75,000",
     f"Income больше 75{NB}000"),
    (Compare(column="Dt_Customer", op="<", value="2013-01-01"), "Dt_Customer 早于 2013-01-01",
     "Dt_Customer раньше 2013-01-01"),
    (FRANCE, "Country 为 France", "Country — France"),
    (In(column="Country", values=["Germany", "France", "Spain"]),
     "Country 为 Germany、France 或 Spain", "Country — Germany, France или Spain"),
    (NotIn(column="Education", values=["PhD"]), "Education 不是 PhD", "Education — не PhD"),
    (NotIn(column="Education", values=["PhD", "Master"]), "Education 既不是 PhD 也不是 Master",
     "Education — ни PhD, ни Master"),
    (NotIn(column="Education", values=["PhD", "Master", "Basic"]),
     "Education 不是 PhD、Master、Basic 中的任何一个", "Education — ни PhD, ни Master, ни Basic"),
    (Missing(column="Income"), "Income 缺失", "Income — значение не указано"),
    (Present(column="Income"), "Income 有值", "Income — значение указано"),
    (Rank(column="monetary", percent=10), "消费金额排名前 10%", "верхние 10% по сумме покупок"),
    (Rank(column="monetary", direction="bottom", percent=2.5), "消费金额排名后 2.5%",
     "нижние 2,5% по сумме покупок"),
    (Rank(column="frequency", n=1000), "订单数排名前 1,000",
     f"верхние 1{NB}000 по числу заказов"),
    (Rank(column="frequency", direction="bottom", n=5), "订单数排名后 5",
     "нижние 5 по числу заказов"),
    (CHAMPIONS, "属于 RFM 细分冠军客户（Champions）", "в RFM-сегменте Чемпионы (Champions)"),
    (RfmSegment(segments=["At Risk", "Can't Lose Them"]),
     "属于 RFM 细分有流失风险（At Risk）或不能失去的客户（Can't Lose Them）",
     "в RFM-сегментах В зоне риска (At Risk) или Нельзя потерять (Can't Lose Them)"),
    (RfmSegment(segments=["Our VIPs"]), "属于 RFM 细分 Our VIPs", "в RFM-сегменте Our VIPs"),
    (RfmScore(score="r", low=4, high=5), "RFM R 分在 4 到 5 之间", "RFM-оценка R от 4 до 5"),
    (RfmScore(score="m", low=5, high=5), "RFM M 分为 5", "RFM-оценка M — 5"),
    (Lifecycle(stages=["new"]), "处于生命周期阶段新客户（new）",
     "на стадии жизненного цикла новые (new)"),
    (Lifecycle(stages=["at risk", "lapsed"]),
     "处于生命周期阶段有流失风险（at risk）或已流失（lapsed）",
     "на стадиях жизненного цикла в зоне риска (at risk) или ушедшие (lapsed)"),
    (Cluster(features=["monetary", "frequency"], k=4, clusters=[2]),
     "属于 4 个聚类中的第 2 类（基于消费金额、订单数的 k 均值聚类）",
     "в кластере 2 из 4 (метод k-средних по сумма покупок, число заказов)"),
    (SegmentRef(name="big spenders"), "属于已保存的细分“big spenders”",
     "в сохранённом сегменте «big spenders»"),
    (HEADLINE, "消费超过 £1,000 且最近 90 天内没有下单",
     f"потратили больше £1{NB}000 и нет заказов за последние 90 дней"),
    (Or(any=[FRANCE, CHAMPIONS]), "Country 为 France 或属于 RFM 细分冠军客户（Champions）",
     "Country — France или в RFM-сегменте Чемпионы (Champions)"),
    (Not(condition=FRANCE), "不满足（Country 为 France）", "не (Country — France)"),
    (And(all=[Compare(column="frequency", op=">=", value=2), Or(any=[FRANCE, CHAMPIONS]),
              Not(condition=Missing(column="Income"))]),
     "下单至少 2 次，（Country 为 France 或属于 RFM 细分冠军客户（Champions））"
     "且不满足（Income 缺失）",
     "сделали 2 заказа или больше, (Country — France или в RFM-сегменте Чемпионы (Champions)) "
     "и не (Income — значение не указано)"),
]

# What may stay Latin in a Chinese or Russian description besides the data's own words.
_KEPT = {"RFM", "R", "F", "M", "k", "means"}
_NOT_DATA = {"type", "op", "direction", "score"}


def _data_words(value: Any, key: str = "") -> set[str]:
    """The words of a condition's columns, values and names (not its operators)."""
    if isinstance(value, dict):
        return set().union(*[_data_words(v, k) for k, v in value.items()], set())
    if isinstance(value, list):
        return set().union(*[_data_words(v, key) for v in value], set())
    return set() if key in _NOT_DATA else set(re.findall(r"[A-Za-z]+", str(value)))


def assert_no_english(text: str, condition: Condition) -> None:
    latin = set(re.findall(r"[A-Za-z]+", text))
    assert latin <= _KEPT | _data_words(condition.model_dump(mode="json")), text
    for word in ("customers", "spent", "order", "orders", "days", "top", "by", "between"):
        assert not re.search(rf"\b{word}\b", text), (word, text)


@pytest.mark.parametrize(("condition", "zh", "ru"), CASES)
def test_each_condition_reads_in_chinese_and_russian(condition: Condition, zh: str,
                                                    ru: str) -> None:
    data = tiny_data("£")
    assert describe(condition, data, language="zh") == zh
    assert describe(condition, data, language="ru") == ru
    assert_no_english(zh, condition)
    assert_no_english(ru, condition)


@pytest.mark.parametrize("language", ["zh", "ru"])
def test_every_feature_and_operator_has_a_phrase(language: str) -> None:
    for feature in phrasing("en").features:
        for op in OPERATORS:
            condition: Condition = Compare(column=feature, op=op, value=3)
            assert_no_english(describe(condition, tiny_data("$"), language=language), condition)
        between = Between(column=feature, low=1, high=4)
        assert_no_english(describe(between, tiny_data("$"), language=language), between)
    for op in OPERATORS:
        for value in (7, "2013-01-01"):
            plain: Condition = Compare(column="Income", op=op, value=value)
            assert_no_english(describe(plain, language=language), plain)


def test_customer_table_columns_and_flags_read_by_role() -> None:
    data = tiny_data("€", {"Recency": Role.RECENCY, "Complain": Role.FLAG})
    recent = Compare(column="Recency", op="<=", value=10)
    assert describe(recent, data, language="ru") == "заказывали за последние 10 дней"
    assert describe(recent, data, language="zh") == "最近 10 天内下过单"
    flag = Compare(column="Complain", op="==", value=1)
    assert describe(flag, data, language="ru") == "Complain — да"
    assert describe(flag, data, language="zh") == "Complain 为是"


def test_chinese_spacing_keeps_latin_apart_and_chinese_together() -> None:
    assert describe(In(column="城市", values=["北京", "上海"]), language="zh") == "城市为北京或上海"
    assert describe(In(column="City", values=["北京", "Paris"]), language="zh") == \
        "City 为北京或 Paris"
    assert describe(RfmSegment(segments=["冠军"]), language="zh") == "属于 RFM 细分冠军"
    # The data's own spaces are never touched: only the template's.
    assert describe(In(column="城市", values=["北京 朝阳"]), language="zh") == "城市为北京 朝阳"
    # A list's bullet keeps its space before a Chinese value.
    from tools.engine.wording import fill
    assert fill("- {group}：{value}", True, group="南京", value="23.7%") == "- 南京：23.7%"


@pytest.mark.parametrize(("count", "form"), [
    (0, "дней"), (1, "день"), (2, "дня"), (4, "дня"), (5, "дней"), (11, "дней"), (12, "дней"),
    (14, "дней"), (21, "день"), (22, "дня"), (101, "день"), (111, "дней"), (112, "дней"),
    (1.5, "дня"),
])
def test_russian_plurals(count: float, form: str) -> None:
    assert plural(count, ["день", "дня", "дней"]) == form


@pytest.mark.parametrize(("count", "ru"), [
    (1, "1 клиент"), (2, "2 клиента"), (5, "5 клиентов"), (11, "11 клиентов"),
    (21, "21 клиент"), (112, "112 клиентов"), (4338, f"4{NB}338 клиентов"),
    (1001, f"1{NB}001 клиент"),
])
def test_customer_counts_agree_with_their_number(count: int, ru: str) -> None:
    assert customer_count(count, "ru") == ru
    assert customer_count(count, "zh") == f"{count:,} 位客户"
    assert customer_count(count) == customers(count)
    assert plural(count, ["order", "orders"]) == ("order" if count == 1 else "orders")
    assert plural(count, ["次"]) == "次"


def _define_result(language: str, size: int = 87) -> ToolResult:
    summary = {"size": size, "share": round(size / 4338, 4), "revenue_share": 0.024,
               "definition": FRANCE.model_dump(mode="json"),
               "description": describe(FRANCE, language=language)}
    return ToolResult("define_segment", True, summary, message="(the toolkit's own line)")


def test_a_define_segment_reply_in_russian() -> None:
    assert compose_reply([_define_result("ru")], 4338, language="ru") == (
        f"87 клиентов (2,0% из 4{NB}338): Country — France.\n"
        "На них приходится 2,4% выручки.")
    assert compose_reply([_define_result("ru", 1)], 4338, language="ru").startswith(
        f"1 клиент (0,0% из 4{NB}338): Country — France.")
    assert compose_reply([_define_result("ru", 22)], None, language="ru").startswith(
        "22 клиента (0,5%): Country — France.")


def test_a_define_segment_reply_in_chinese() -> None:
    assert compose_reply([_define_result("zh")], 4338, language="zh") == (
        "87 位客户（占 4,338 的 2.0%）：Country 为 France。\n他们贡献了 2.4% 的收入。")


def _segment_of(size: int, total: int) -> ToolResult:
    summary = {"size": size, "share": round(size / total, 4),
               "definition": FRANCE.model_dump(mode="json"), "description": "x"}
    return ToolResult("define_segment", True, summary, message="(the toolkit's own line)")


def test_a_segment_share_is_rounded_once() -> None:
    # 66/657 = 10.046% and 89/657 = 13.546%: rounded to 4 places first they read 10.1%, 13.6%.
    assert compose_reply([_segment_of(66, 657)], 657, language="ru").startswith(
        "66 клиентов (10,0% из 657)")
    assert compose_reply([_segment_of(89, 657)], 657).startswith("89 customers (13.5% of 657)")
    assert "占 657 的 13.5%" in compose_reply([_segment_of(89, 657)], 657, language="zh")
    for size in range(1, 657):
        shown = compose_reply([_segment_of(size, 657)], 657)
        assert f"({100 * size / 657:.1f}% of 657)" in shown, shown


def test_a_segment_that_matches_nobody_says_so_in_the_language() -> None:
    summary = {"size": 0, "share": 0.0, "description": describe(FRANCE, language="ru")}
    failed = ToolResult("define_segment", False, summary, message="No customers match: ...")
    assert compose_reply([failed], language="ru") == \
        "Нет подходящих клиентов: Country — France. Текущий сегмент не изменился."


def _every_kind_of_result(language: str) -> list[ToolResult]:
    return [
        _define_result(language),
        ToolResult("run_rfm", True, {"as_of": "2011-12-10", "segments": [
            {"name": "Champions", "customers": 632, "share": 0.1457, "revenue_share": 0.5}]}),
        ToolResult("profile_segment", True, {
            "segment": "current segment", "size": 87, "share_of_customers": 0.02,
            "measures": [{"column": "monetary", "segment_mean": 1234.5, "base_mean": 2000,
                          "index": 62}]}),
        ToolResult("cluster", True, {"k": 2, "reason": "", "within": {
            "size": 87, "description": describe(FRANCE, language=language)}, "clusters": [
                {"id": 0, "name": "", "size": 21, "rule_text": "", "rule": {}}]}),
        ToolResult("compare_segments", True, {
            "names": ["Champions", "current segment"], "a": {"size": 632}, "b": {"size": 87},
            "differences": [{"column": "recency_days", "a": 12.5, "b": 40},
                            {"column": "Country", "value": "France", "a": 0.1, "b": 1.0}],
            "overlap": {"both": 0}}),
        ToolResult("overlap_segments", True, {"a": "Champions", "b": "current segment",
                                              "both": 5, "only_a": 627, "only_b": 1082,
                                              "jaccard": 0.0029}),
        ToolResult("list_segments", True, {"segments": [{"name": "vip"}]}),
        ToolResult("list_segments", True, {"segments": []}),
        ToolResult("define_segment", False, message="", options=["Country", "City"]),
    ]


@pytest.mark.parametrize("language", ["zh", "ru"])
def test_every_reply_line_is_in_the_language(language: str) -> None:
    reply = compose_reply(_every_kind_of_result(language), 4338, language=language)
    english = {"customer", "customers", "groups", "Profile", "average", "overall", "index",
               "vs", "both", "only", "Saved", "segments", "revenue", "Did", "mean", "They",
               "RFM segments", "share", "rule", "the", "of", "No"}
    words = set(re.findall(r"[A-Za-z]+", reply))
    assert not words & english, words & english
    assert ("1 234,50" if language == "ru" else "1,234.50") in reply.replace(NB, " ")
    assert ("21 клиент;" if language == "ru" else "21 位客户；") in reply
    assert compose_reply([], language=language) == reply_phrases(language).done


def test_did_you_mean_in_each_language() -> None:
    assert options_line(["Country", "City"], language="ru") == \
        " Возможно, вы имели в виду: Country, City?"
    assert options_line(["Country", "City"], language="zh") == "您是不是想说：Country、City？"
    assert clarification_reply("Какой столбец?", ["Country"], language="ru") == \
        "Какой столбец? Возможно, вы имели в виду: Country?"
    assert options_line([], language="zh") == ""


# -- English stays exactly as it was ------------------------------------------------------

ENGLISH_REPLY = "\n".join([
    "87 customers (2.0% of 4,338): Country is France.",
    "They bring 2.4% of revenue.",
    "RFM segments (as of 2011-12-10):",
    "- Champions: 632 customers (14.6%, revenue 50.0%)",
    "Profile of current segment: 87 customers (2.0%).",
    "- monetary: average 1,234.50 vs 2,000 overall (index 62)",
    "2 groups within the current segment (87 customers: Country is France). ",
    "- 0: : 21 customers; rule: {}",
    "Champions (632 customers) vs current segment (87 customers), biggest differences first:",
    "- recency_days: 12.50 vs 40",
    "- Country = France (share): 10.0% vs 100.0%",
    "0 customers in both.",
    "Champions and current segment: 5 in both, 627 only in Champions, 1,082 only in current "
    "segment (Jaccard 0.00).",
    "Saved segments: vip.",
    "No saved segments yet.",
    " Did you mean: Country, City?",
])


@pytest.mark.parametrize("language", ["en", "de"])
def test_english_replies_are_unchanged(language: str) -> None:
    results = _every_kind_of_result("en")
    assert compose_reply(results, 4338, language=language) == ENGLISH_REPLY
    assert compose_reply(results, 4338) == ENGLISH_REPLY
    assert compose_reply([]) == "Done."
    assert options_line(["a", "b"]) == " Did you mean: a, b?"
    assert clarification_reply("Which column?", ["Country"]) == \
        "Which column? Did you mean: Country?"
    assert compose_reply([_define_result("en", 1)], None) == \
        "1 customer (0.0%): Country is France.\nThey bring 2.4% of revenue."


@pytest.mark.parametrize(("condition", "english"), [
    (HEADLINE, "spent more than £1,000 and no order in the last 90 days"),
    (Compare(column="frequency", op="==", value=1), "placed exactly 1 order"),
    (Between(column="recency_days", low=30, high=60), "last order between 30 and 60 days ago"),
    (NotIn(column="Education", values=["PhD", "Master"]), "Education is neither PhD nor Master"),
    (Rank(column="monetary", direction="bottom", percent=2.5), "bottom 2.5% by monetary"),
    (RfmSegment(segments=["At Risk", "Can't Lose Them"]),
     "in RFM segments At Risk or Can't Lose Them"),
    (Lifecycle(stages=["new"]), "in lifecycle stage new"),
    (Not(condition=FRANCE), "not (Country is France)"),
])
def test_english_descriptions_are_unchanged(condition: Condition, english: str) -> None:
    data = tiny_data("£")
    assert describe(condition, data) == describe(condition, data, language="en") == english
    assert describe(condition, data, language="fr") == english  # not covered: English


def test_the_toolkit_describes_in_the_request_language(mall: CustomerData) -> None:
    toolkit = Toolkit(mall)
    condition = {"type": "and", "all": [{"type": "in", "column": "Genre", "values": ["female"]},
                                        {"type": "compare", "column": "Age", "op": ">",
                                         "value": 30}]}
    english = toolkit.call("define_segment", {"condition": condition})
    toolkit.language = "ru"
    russian = toolkit.call("define_segment", {"condition": condition})
    assert russian.ok and set(russian.summary) == set(english.summary)
    assert russian.summary["size"] == english.summary["size"] == 78
    assert russian.summary["description"] == "Genre — Female и Age больше 30"
    assert compose_reply([russian], mall.n_customers, language="ru") == \
        "78 клиентов (39,0% из 200): Genre — Female и Age больше 30."
    toolkit.language = "zh"
    grouped = toolkit.call("cluster", {"k": 2, "within_segment": True})
    assert grouped.summary["within"]["description"] == "Genre 为 Female 且 Age 大于 30"
    assert all(g["rule_text"].startswith("Genre 为 Female，Age 大于 30")
               for g in grouped.summary["clusters"])
    mask = toolkit.current_mask()
    assert mask is not None
    summary = segment_summary(mall, In(column="Genre", values=["Female"]), mask,
                              language="zh")
    assert summary["description"] == "Genre 为 Female"
