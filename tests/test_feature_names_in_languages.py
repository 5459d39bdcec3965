"""Chinese and Russian replies name a transaction log's computed features in words
("верхние 10% по сумме покупок", "消费金额排名前 10%"), never by their English column names
(monetary, frequency, ...), wherever a condition, a profile or a comparison names them; and
an RFM segment or a lifecycle stage reads in the language first, its English name once in
brackets ("冠军客户（Champions）"). English keeps the reference wording."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from assistant.replies import compose_reply
from tests.cli_ask import ask_json
from tools.engine.dataset import FIRST_PURCHASE, LAST_PURCHASE
from tools.engine.definitions import (
    Between,
    Cluster,
    ColumnSum,
    Compare,
    CompareColumns,
    Condition,
    Lifecycle,
    Rank,
    RfmSegment,
)
from tools.engine.describe import describe
from tools.engine.wording import FEATURE_NAMES, phrasing, segment_label
from tools.toolkit import ToolResult

FEATURES = (*FEATURE_NAMES, FIRST_PURCHASE, LAST_PURCHASE)
# not \b: a Chinese character counts as a word character next to "monetary"
_FEATURE_WORD = re.compile(r"(?<![A-Za-z_])(" + "|".join(FEATURES) + r")(?![A-Za-z_])")


def _no_feature_column(text: str) -> None:
    assert not _FEATURE_WORD.search(text), text


@pytest.mark.parametrize(("condition", "zh", "ru"), [
    (Rank(column="monetary", percent=10), "消费金额排名前 10%", "верхние 10% по сумме покупок"),
    (Rank(column="frequency", n=20), "订单数排名前 20", "верхние 20 по числу заказов"),
    (Rank(column="recency_days", direction="bottom", n=5), "距上次购买天数排名后 5",
     "нижние 5 по числу дней с последнего заказа"),
    (Rank(column="avg_order_value", percent=25), "平均订单金额排名前 25%",
     "верхние 25% по среднему чеку"),
    (Rank(column="tenure_days", percent=5), "距首次购买天数排名前 5%",
     "верхние 5% по числу дней с первого заказа"),
    (Compare(column=LAST_PURCHASE, op="<", value="2024-01-01"), "最近购买日期早于 2024-01-01",
     "дата последнего заказа раньше 2024-01-01"),
    (Between(column=FIRST_PURCHASE, low="2023-01-01", high="2023-12-31"),
     "首次购买日期在 2023-01-01 到 2023-12-31 之间",
     "дата первого заказа от 2023-01-01 до 2023-12-31"),
    (CompareColumns(left=FIRST_PURCHASE, op="==", right=LAST_PURCHASE),
     "首次购买日期等于最近购买日期", "дата первого заказа совпадает с дата последнего заказа"),
    (ColumnSum(columns=["monetary", "frequency"], op=">", value=10), "消费金额 + 订单数大于 10",
     "сумма покупок + число заказов больше 10"),
    (Cluster(features=["monetary", "frequency"], k=3, clusters=[1]),
     "属于 3 个聚类中的第 1 类（基于消费金额、订单数的 k 均值聚类）",
     "в кластере 1 из 3 (метод k-средних по сумма покупок, число заказов)"),
])
def test_conditions_name_the_features_in_words(condition: Condition, zh: str, ru: str) -> None:
    assert describe(condition, language="zh") == zh
    assert describe(condition, language="ru") == ru


@pytest.mark.parametrize("language", ["zh", "ru"])
@pytest.mark.parametrize("feature", FEATURES)
def test_no_rank_leaks_a_feature_column(language: str, feature: str) -> None:
    for direction in ("top", "bottom"):
        rank = Rank(column=feature, direction=direction, percent=10)
        _no_feature_column(describe(rank, language=language))


def test_english_keeps_the_reference_wording() -> None:
    assert describe(Rank(column="monetary", percent=10)) == "top 10% by monetary"
    assert describe(Compare(column=LAST_PURCHASE, op="<", value="2024-01-01")) == \
        "last_purchase is before 2024-01-01"
    assert describe(RfmSegment(segments=["Champions"])) == "in RFM segment Champions"


def test_a_data_column_that_is_no_feature_keeps_its_name() -> None:
    assert describe(Rank(column="Income", percent=10), language="ru") == \
        "верхние 10% по Income"
    assert describe(Rank(column="收入", percent=10), language="zh") == "收入排名前 10%"


@pytest.mark.parametrize(("language", "champions", "at_risk"), [
    ("zh", "属于 RFM 细分冠军客户（Champions）", "有流失风险（At Risk）"),
    ("ru", "в RFM-сегменте Чемпионы (Champions)", "В зоне риска (At Risk)"),
])
def test_rfm_names_read_in_the_language_first(language: str, champions: str,
                                             at_risk: str) -> None:
    text = describe(RfmSegment(segments=["Champions"]), language=language)
    assert text == champions and text.count("Champions") == 1
    assert segment_label("At Risk", language) == at_risk
    assert segment_label("Our VIPs", language) == "Our VIPs"  # no translation: as written
    stages = describe(Lifecycle(stages=["lapsed"]), language=language)
    assert stages.index(phrasing(language).lifecycle_stages["lapsed"]) < stages.index("lapsed")


def _results() -> list[ToolResult]:
    return [
        ToolResult("run_rfm", True, {"as_of": "2024-06-30", "segments": [
            {"name": "Champions", "customers": 6, "share": 0.1, "revenue_share": 0.2}]}),
        ToolResult("profile_segment", True, {
            "segment": "current segment", "size": 6, "share_of_customers": 0.1,
            "measures": [{"column": "monetary", "segment_mean": 1234.5, "base_mean": 800,
                          "index": 154}]}),
        ToolResult("compare_segments", True, {
            "names": ["Champions", "current segment"], "a": {"size": 6}, "b": {"size": 9},
            "differences": [{"column": "recency_days", "a": 12.5, "b": 40}]}),
    ]


@pytest.mark.parametrize(("language", "said"), [
    ("zh", ["- 冠军客户（Champions）：", "- 消费金额：平均", "- 距上次购买天数：12.50"]),
    ("ru", ["- Чемпионы (Champions):", "- сумма покупок: в среднем",
            "- дней с последнего заказа: 12,50"]),
])
def test_replies_name_features_and_segments_in_the_language(language: str,
                                                            said: list[str]) -> None:
    reply = compose_reply(_results(), 60, language=language)
    for words in said:
        assert words in reply, reply
    _no_feature_column(reply)


def test_english_replies_keep_the_feature_columns() -> None:
    reply = compose_reply(_results(), 60, language="en")
    assert "- monetary: average" in reply and "- recency_days: 12.50" in reply
    assert "- Champions: 6 customers" in reply


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(7)
    rows = ["customer_id,order_id,order_date,amount,city"]
    order = 1
    for customer in range(1, 41):
        city = rng.choice(["Казань", "Пермь", "Lyon"])
        for _ in range(rng.randint(1, 6)):
            day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
            rows.append(f"C{customer:03d},{order},{day},{rng.randint(20, 700)},{city}")
            order += 1
    path = tmp_path_factory.mktemp("orders") / "orders.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path




@pytest.mark.parametrize(("text", "said"), [
    ("топ 10% клиентов по сумме покупок", "верхние 10% по сумме покупок"),
    ("топ 20 клиентов по числу заказов", "верхние 20 по числу заказов"),
    ("前10%消费最高的客户", "消费金额排名前 10%"),
    ("чемпионы", "Чемпионы (Champions)"),
])
def test_asked_in_the_language_the_reply_names_the_feature(orders: Path, tmp_path: Path,
                                                           text: str, said: str) -> None:
    reply = ask_json(orders, tmp_path / "ws", text)["reply"]
    assert said in reply, reply
    _no_feature_column(reply)
