"""Seventh trial pass: what new users' trials found on invented files, loaded by the real
loader and asked through the Assistant with the built-in backend. Intended answers are
plain pandas (or the engine's own per-customer table where the answer is an RFM count)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns
from tests.cli_ask import usual as _usual
from tools.engine.loading import load_customer_data
from tools.engine.rfm import rfm_table


def _bookings(folder: Path, n: int = 1800) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(71)
    frame = pd.DataFrame({
        "booking_ref": [f"B{k}" for k in range(n)],
        "guest": rng.integers(1, 400, n),
        "booked_on": pd.Timestamp("2026-05-31") - pd.to_timedelta(rng.integers(0, 500, n), "D"),
        "amount_eur": rng.gamma(2.0, 120.0, n).round(2),
        "home_country": rng.choice(["Spain", "Italy", "Norway", "Chile"], n),
    })
    path = folder / "bookings.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("first", "rfm"), [
    ("guests from Italy", "RFM breakdown of this segment"),
    ("意大利的客人", "对他们做RFM分析"),
    ("гости из Италии", "сделай RFM-анализ этого сегмента"),
])
def test_an_rfm_analysis_of_the_current_segment_counts_its_members(
        tmp_path: Path, first: str, rfm: str) -> None:
    path, frame = _bookings(tmp_path)
    italians = set(_usual(frame, "guest", "home_country")
        .loc[lambda s: s == "Italy"].index)
    turn = ask_turns(path, tmp_path, first, rfm)
    assert turn.segment is not None and turn.segment["size"] == len(italians), turn.reply
    result = next(r for r in turn.results if r.tool == "run_rfm")
    rows = result.summary["segments"]
    assert sum(row["customers"] for row in rows) == len(italians)
    assert result.summary["within"]["size"] == len(italians)
    # The segments inside are the base's own: the same customers' scores, counted.
    data = load_customer_data(path)
    table = rfm_table(data)
    inside = table.loc[table.index.isin(italians), "rfm_segment"].value_counts()
    assert {row["name"]: row["customers"] for row in rows if row["customers"]} == \
        {str(name): int(n) for name, n in inside.items()}
    assert str(len(italians)) in turn.reply


def test_an_rfm_analysis_with_no_one_named_is_of_everyone(tmp_path: Path) -> None:
    path, frame = _bookings(tmp_path)
    turn = ask_turns(path, tmp_path, "guests from Italy", "run an RFM analysis")
    result = next(r for r in turn.results if r.tool == "run_rfm")
    assert "within" not in result.summary
    assert sum(row["customers"] for row in result.summary["segments"]) == \
        frame["guest"].nunique()


@pytest.mark.parametrize(("first", "breakdown"), [
    ("guests who spent over 300", "country breakdown of this segment"),
    ("消费超过300的客人", "这个细分的国家分布"),
    ("гости, потратившие больше 300", "разбивка этого сегмента по странам"),
])
def test_a_column_breakdown_of_this_segment_counts_its_members(
        tmp_path: Path, first: str, breakdown: str) -> None:
    path, frame = _bookings(tmp_path)
    spend = frame.groupby("guest")["amount_eur"].sum()
    country = _usual(frame, "guest", "home_country")
    expected = country[spend > 300].value_counts()
    turn = ask_turns(path, tmp_path, first, breakdown)
    assert turn.segment is not None and turn.segment["size"] == int((spend > 300).sum())
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    for name, n in expected.items():
        assert f"{name}: {n} (" in turn.reply.replace("：", ": ").replace("（", " ("), turn.reply


def test_splitting_into_groups_is_still_clustering(tmp_path: Path) -> None:
    path, _ = _bookings(tmp_path)
    turn = ask_turns(path, tmp_path, "разбивка клиентов на 3 группы")
    assert [r.tool for r in turn.results] == ["cluster"], turn.reply


def _shop_log(folder: Path, n: int = 1600) -> tuple[Path, pd.DataFrame]:
    """An order log with Chinese headers: member, time, amount paid, channel, coupon used."""
    rng = np.random.default_rng(72)
    frame = pd.DataFrame({
        "订单编号": [f"T{k}" for k in range(n)],
        "会员号": [f"V{k}" for k in rng.integers(1000, 1350, n)],
        "下单日期": pd.Timestamp("2026-04-30") - pd.to_timedelta(rng.integers(0, 300, n), "D"),
        "支付金额": rng.gamma(2.0, 30.0, n).round(2),
        "下单渠道": rng.choice(["小程序", "外卖平台", "门店"], n),
        "是否用券": rng.choice(["是", "否"], n, p=[0.3, 0.7]),
    })
    path = folder / "tea.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _figure(reply: str) -> float:
    """The first figure with decimals in a reply ("10,196.29", "7 663,90")."""
    import re

    found = re.search(r"\d[\d,\s\u00a0]*[.,]\d\d\b", reply)
    assert found is not None, reply
    text = found.group(0).replace("\u00a0", "").replace(" ", "")
    return float(text.replace(",", "")) if "." in text else float(text.replace(",", "."))


@pytest.mark.parametrize("question", ["收入是多少", "营收是多少"])
def test_revenue_asked_in_chinese_on_a_log_is_the_total(tmp_path: Path, question: str) -> None:
    path, frame = _shop_log(tmp_path)
    turn = ask_turns(path, tmp_path, question)
    assert turn.segment is None, turn.reply
    assert _figure(turn.reply) == pytest.approx(frame["支付金额"].sum(), abs=0.01), turn.reply


@pytest.mark.parametrize("question", ["用券的客户贡献了多少收入", "用券的客户的总消费"])
def test_how_much_revenue_a_group_brought_is_its_total(tmp_path: Path, question: str) -> None:
    path, frame = _shop_log(tmp_path)
    coupon = _usual(frame, "会员号", "是否用券") == "是"
    spend = frame.groupby("会员号")["支付金额"].sum()
    turn = ask_turns(path, tmp_path, question)
    assert turn.segment is None, turn.reply
    assert _figure(turn.reply) == pytest.approx(spend[coupon].sum(), abs=0.01), turn.reply


def test_revenue_by_channel_in_chinese(tmp_path: Path) -> None:
    path, frame = _shop_log(tmp_path)
    channel = _usual(frame, "会员号", "下单渠道")
    spend = frame.groupby("会员号")["支付金额"].sum()
    turn = ask_turns(path, tmp_path, "按渠道统计收入")
    for name, total in spend.groupby(channel).sum().items():
        assert f"{name}：{total:,.2f}" in turn.reply, turn.reply


def test_income_in_chinese_is_still_the_income_column(tmp_path: Path) -> None:
    rng = np.random.default_rng(73)
    frame = pd.DataFrame({"client": range(1, 401), "yearly_income": rng.integers(20, 150, 400)
                          * 1000, "total_spend": rng.integers(100, 5000, 400)})
    path = tmp_path / "clients.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "收入超过5万的客户")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["yearly_income"] > 50000).sum()), turn.reply


def _pharmacy(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(74)
    frame = pd.DataFrame({
        "номер_клиента": range(1, n + 1),
        "город": rng.choice(["Казань", "Самара", "Пермь"], n),
        "сумма_покупок": rng.gamma(3.0, 900.0, n).round(2),
        "есть_карта": rng.choice(["да", "нет"], n),
    })
    path = folder / "apteka.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_average_sum_of_purchases_is_spend_per_customer(tmp_path: Path) -> None:
    path, frame = _pharmacy(tmp_path)
    turn = ask_turns(path, tmp_path, "средняя сумма покупок на клиента в Самаре")
    expected = frame.loc[frame["город"] == "Самара", "сумма_покупок"].mean()
    assert _figure(turn.reply) == pytest.approx(expected, abs=0.01), turn.reply


def test_no_order_value_without_orders_is_said_in_russian(tmp_path: Path) -> None:
    path, _ = _pharmacy(tmp_path)
    turn = ask_turns(path, tmp_path, "средний чек по городам")
    assert turn.segment is None
    assert "средний чек" in turn.reply and "average" not in turn.reply, turn.reply


def test_the_sum_of_orders_is_the_total_spend(tmp_path: Path) -> None:
    path, frame = _bookings(tmp_path)
    spend = frame.groupby("guest")["amount_eur"].sum()
    turn = ask_turns(path, tmp_path, "гости с суммой заказов от 500")
    assert turn.segment is not None and turn.segment["size"] == int((spend >= 500).sum())
    turn = ask_turns(path, tmp_path, "средняя сумма покупок на клиента")
    assert turn.segment is None
    assert _figure(turn.reply) == pytest.approx(spend.mean(), abs=0.01), turn.reply


@pytest.mark.parametrize("turns", [
    ("最近60天下过单的客户", "其中消费超过两百的", "改成90天"),
    ("最近60天下过单的客户", "其中消费超过两百的", "时间范围改成最近90天"),
    ("customers who ordered in the last 60 days", "of them, those who spent over 200",
     "change that to 90 days"),
])
def test_a_number_of_days_edits_the_window_not_the_spend(tmp_path: Path,
                                                          turns: tuple[str, ...]) -> None:
    path, frame = _shop_log(tmp_path)
    as_of = frame["下单日期"].max().normalize() + pd.Timedelta(days=1)
    last = frame.groupby("会员号")["下单日期"].max().dt.normalize()
    recency = (as_of - last).dt.days
    spend = frame.groupby("会员号")["支付金额"].sum()
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((recency <= 90) & (spend > 200)).sum()), turn.reply


def _guests(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    """A customer table whose activity is a date column (no log)."""
    rng = np.random.default_rng(75)
    frame = pd.DataFrame({
        "guest_no": range(1, n + 1),
        "country": rng.choice(["France", "Spain", "Peru"], n),
        "last_stay": (pd.Timestamp("2026-03-31") - pd.to_timedelta(rng.integers(0, 400, n), "D"))
        .strftime("%Y-%m-%d"),
        "lifetime_spend": rng.integers(100, 6000, n),
    })
    path = folder / "guests.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("turns", [
    ("guests from France who haven't stayed in 6 months", "change that to 60 days"),
    ("guests from France who haven't stayed in 6 months", "make it 60 days instead of 6 months"),
    ("гости из Франции, не приезжавшие больше 6 месяцев", "поменяй на 60 дней"),
    ("超过6个月没来的法国客人", "改成60天"),
])
def test_a_window_on_a_date_column_takes_a_new_number_of_days(
        tmp_path: Path, turns: tuple[str, ...]) -> None:
    path, frame = _guests(tmp_path)
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    # The last stay is the recency (days to the day after the latest stay), or the date
    # itself: either way 60 days back from the same as-of date as the first turn's window.
    stays = pd.to_datetime(frame["last_stay"])
    day = stays.max() + pd.Timedelta(days=1) - pd.Timedelta(days=60)
    leaf = next(c for c in turn.segment["definition"]["all"]
                if c.get("column") in ("last_stay", "recency_days"))
    assert leaf["value"] == (60 if leaf["column"] == "recency_days" else day.date().isoformat())
    expected = (frame["country"] == "France") & (stays < day)
    assert turn.segment["size"] == int(expected.sum()), turn.reply


@pytest.mark.parametrize(("text", "direction", "percent"), [
    ("消费前百分之十的客户", "top", 10), ("消费最低的两成客户", "bottom", 20),
    ("消费最高的三成客户", "top", 30)])
def test_chinese_shares_in_words(tmp_path: Path, text: str, direction: str,
                                 percent: int) -> None:
    path, frame = _shop_log(tmp_path)
    customers = frame["会员号"].nunique()
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["direction"] == direction
    assert turn.segment["size"] == -(-customers * percent // 100), turn.reply
    assert not turn.parse["notes"], turn.parse  # "十的" is no slip of "是的"


def test_a_character_that_is_a_word_is_not_corrected(tmp_path: Path) -> None:
    path, frame = _shop_log(tmp_path)
    turn = ask_turns(path, tmp_path, "不在门店下单的客户")
    assert not any("不再" in note for note in turn.parse["notes"]), turn.parse


def _hotel(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(76)
    frame = pd.DataFrame({
        "guest_ref": [f"G{k}" for k in range(n)],
        "home_country": rng.choice(["Germany", "France", "Austria"], n),
        "booking_channel": rng.choice(["Expedia", "Direct Web", "Mobile App"], n),
        "has_app": rng.choice(["Y", "N"], n),
        "newsletter_opt_in": rng.choice([True, False], n),
        "total_spend_eur": rng.gamma(2.0, 400.0, n).round(2),
    })
    path = folder / "hotel.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_a_rate_named_by_a_yes_no_column_before_it(tmp_path: Path) -> None:
    path, frame = _hotel(tmp_path)
    turn = ask_turns(path, tmp_path, "newsletter opt-in rate by booking channel")
    assert turn.segment is None and not turn.clarification, turn.reply
    for channel, share in frame.groupby("booking_channel")["newsletter_opt_in"].mean().items():
        assert f"{channel}: {100 * share:.1f}%" in turn.reply, turn.reply


@pytest.mark.parametrize("question", ["what's their average spend?",
                                      "what is their average spend?"])
def test_their_average_spend_is_a_figure_of_the_segment(tmp_path: Path, question: str) -> None:
    path, frame = _hotel(tmp_path)
    turn = ask_turns(path, tmp_path, "guests from Austria", question)
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["home_country"] == "Austria").sum())
    expected = frame.loc[frame["home_country"] == "Austria", "total_spend_eur"].mean()
    assert _figure(turn.reply) == pytest.approx(expected, abs=0.01), turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("how many guests have the app?", lambda f: f["has_app"] == "Y"),
    ("guests without the app", lambda f: f["has_app"] == "N"),
    ("guests who don't have the app", lambda f: f["has_app"] == "N"),
    ("guests who did not opt in to the newsletter and don't have the app",
     lambda f: (f["has_app"] == "N") & ~f["newsletter_opt_in"]),
    ("guests who booked via the mobile app", lambda f: f["booking_channel"] == "Mobile App"),
])
def test_a_yes_no_column_named_by_its_word_beats_a_value_holding_it(
        tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _hotel(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    size = int(expected(frame).sum())
    if turn.segment is None:  # "how many": the count in the reply
        assert f"{size}" in turn.reply, turn.reply
    else:
        assert turn.segment["size"] == size, turn.reply


def _plans(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(77)
    frame = pd.DataFrame({
        "account_no": range(1, n + 1),
        "plan": rng.choice(["Lite", "Family", "Pro"], n),
        "country": rng.choice(["Chile", "Peru", "Mexico"], n),
        "cancelled": rng.choice(["Yes", "No"], n),
        "monthly_fee": rng.integers(5, 40, n),
    })
    path = folder / "plans.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("message", [
    "bye", "goodbye", "see you later", "great job", "that's helpful", "I don't know",
    "再见", "明天见", "没有", "не знаю", "пока", "до свидания"])
def test_goodbyes_and_shrugs_leave_the_segment_as_it_was(tmp_path: Path, message: str) -> None:
    path, frame = _plans(tmp_path)
    turn = ask_turns(path, tmp_path, "accounts from Peru", message)
    assert turn.parse["intent"] == "conversation", turn.reply
    assert turn.segment is None or turn.segment["size"] == int((frame["country"] == "Peru").sum())
    assert "could not" not in turn.reply and "找不到" not in turn.reply and \
        "не получилось" not in turn.reply.lower(), turn.reply


@pytest.mark.parametrize("message", [
    "what should I do with cancelled accounts?", "how do I reduce cancellations?",
    "что делать с отменившими клиентами?", "取消的用户应该怎么处理？"])
def test_advice_about_customers_named_by_a_word_is_a_knowledge_question(
        tmp_path: Path, message: str) -> None:
    path, frame = _plans(tmp_path)
    turn = ask_turns(path, tmp_path, "accounts from Peru", message)
    assert turn.parse["intent"] == "knowledge", turn.reply
    assert turn.segment is None or turn.segment["size"] == int((frame["country"] == "Peru").sum())


def _streaming(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(78)
    frame = pd.DataFrame({
        "viewer": range(1, n + 1),
        "screen": rng.choice(["Tablet", "Smart TV", "Mobile", "Games Console"], n),
        "region": rng.choice(["North", "South"], n),
    })
    path = folder / "viewers.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "value"), [
    ("使用平板的客户", "Tablet"), ("клиенты с планшетом", "Tablet"), ("使用电视的客户", "Smart TV"),
    ("зрители с телевизором", "Smart TV"), ("手机用户", "Mobile"), ("viewers on a console",
                                                                "Games Console")])
def test_devices_named_in_any_language(tmp_path: Path, text: str, value: str) -> None:
    path, frame = _streaming(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["values"] == [value]
    assert turn.segment["size"] == int((frame["screen"] == value).sum())


@pytest.mark.parametrize("message", ["为他们设计一个营销活动",
                                     "придумай маркетинговую кампанию для этого сегмента"])
def test_designing_a_campaign_for_them_is_the_campaign_command(tmp_path: Path,
                                                              message: str) -> None:
    path, frame = _plans(tmp_path)
    turn = ask_turns(path, tmp_path, "accounts from Peru", message)
    assert turn.parse["intent"] == "command" and turn.parse["reading"] == "suggest_campaign"
    assert [r.tool for r in turn.results] == ["suggest_campaign"], turn.reply


def _marketplace(folder: Path, n: int = 1400) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(79)
    frame = pd.DataFrame({
        "buyer": rng.integers(1, 350, n),
        "ordered": pd.Timestamp("2026-02-28") - pd.to_timedelta(rng.integers(0, 300, n), "D"),
        "amount_rub": rng.integers(500, 9000, n),
        "region": rng.choice(["Moscow", "Saint Petersburg", "Samara Oblast", "Sverdlovsk Oblast",
                              "Perm Krai"], n),
        "delivery_type": rng.choice(["pickup", "courier"], n),
    })
    path = folder / "market.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "values"), [
    ("покупатели из Самарской области", ["Samara Oblast"]),
    ("покупатели из Свердловской области", ["Sverdlovsk Oblast"]),
    ("покупатели из Москвы и Питера", ["Moscow", "Saint Petersburg"]),
])
def test_russian_region_adjectives_and_nicknames_meet_latin_values(
        tmp_path: Path, text: str, values: list[str]) -> None:
    path, frame = _marketplace(tmp_path)
    region = _usual(frame, "buyer", "region")
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert sorted(turn.segment["definition"]["values"]) == sorted(values)
    assert turn.segment["size"] == int(region.isin(values).sum())


@pytest.mark.parametrize(("text", "value"), [
    ("клиенты, которые предпочитают самовывоз", "pickup"),
    ("покупатели с курьерской доставкой", "courier"), ("快递配送的客户", "courier"),
    ("自提的客户", "pickup")])
def test_ways_of_delivery_in_other_languages(tmp_path: Path, text: str, value: str) -> None:
    path, frame = _marketplace(tmp_path)
    delivery = _usual(frame, "buyer", "delivery_type")
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((delivery == value).sum()), turn.reply


def test_a_noun_meets_the_adjective_of_a_russian_column_name(tmp_path: Path) -> None:
    rng = np.random.default_rng(80)
    frame = pd.DataFrame({"клиент": range(1, 501), "бонусный_баланс": rng.integers(0, 5000, 500),
                          "есть_карта": rng.choice(["да", "нет"], 500)})
    path = tmp_path / "bonus.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "у кого бонусов больше 2 тыс.")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["бонусный_баланс"] > 2000).sum())
    turn = ask_turns(path, tmp_path, "клиенты, не имеющие карты")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["есть_карта"] == "нет").sum())


def _members_bound(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(81)
    frame = pd.DataFrame({"member_id": [f"C{k}" for k in range(n)],
                          "gender": rng.choice(["M", "F"], n),
                          "age": rng.integers(18, 70, n),
                          "alipay_linked": rng.choice([0, 1], n)})
    path = folder / "bound.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("绑定了支付宝的客户", lambda f: f["alipay_linked"] == 1),
    ("没有绑定支付宝的男性客户", lambda f: (f["alipay_linked"] == 0) & (f["gender"] == "M")),
    ("alipay_linked为1的客户", lambda f: f["alipay_linked"] == 1),
    ("alipay_linked = 0 and age over 40", lambda f: (f["alipay_linked"] == 0) & (f["age"] > 40)),
    ("клиенты с привязанным alipay", lambda f: f["alipay_linked"] == 1),
])
def test_a_yes_no_column_named_in_english_meets_chinese_words_and_its_0_or_1(
        tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _members_bound(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


def _club(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(82)
    frame = pd.DataFrame({
        "member_id": range(1, n + 1),
        "vip_level": rng.choice(["普通", "金卡", "钻石"], n),
        "age": rng.integers(18, 70, n),
        "joined_on": (pd.Timestamp("2025-06-30") - pd.to_timedelta(rng.integers(0, 1500, n), "D"))
        .strftime("%Y-%m-%d"),
        "last_visit": (pd.Timestamp("2025-06-30") - pd.to_timedelta(rng.integers(0, 400, n), "D"))
        .strftime("%Y-%m-%d"),
    })
    path = folder / "club.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_a_vague_word_that_names_a_column_with_the_next_word(tmp_path: Path) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, "VIP等级为钻石且年龄三十岁以上的客户")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["vip_level"] == "钻石") & (frame["age"] >= 30))
                                       .sum())


@pytest.mark.parametrize(("text", "column", "op", "day"), [
    ("2023年之前入会的客户", "joined_on", "<", "2023-01-01"),
    ("最近一次到店在十月份之前的客户", "last_visit", "<", "2024-10-01"),
    ("十月以后来过的客户", "last_visit", ">=", "2024-10-01"),  # 以后 includes it, as 以上 does
])
def test_before_and_after_written_after_a_chinese_date(tmp_path: Path, text: str, column: str,
                                                       op: str, day: str) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"] == {"type": "compare", "column": column, "op": op,
                                          "value": day}
    dates = pd.to_datetime(frame[column])
    expected = dates < day if op == "<" else dates >= day
    assert turn.segment["size"] == int(expected.sum())


def test_a_role_the_column_cannot_take_is_refused_and_not_kept(tmp_path: Path) -> None:
    from assistant.core import Assistant

    rng = np.random.default_rng(83)
    frame = pd.DataFrame({"карта": [f"K{k}" for k in range(300)],
                          "город": rng.choice(["Казань", "Пермь"], 300),
                          "визитов": rng.integers(0, 20, 300),
                          "последний_визит": (pd.Timestamp("2026-01-31") - pd.to_timedelta(
                              rng.integers(0, 200, 300), "D")).strftime("%Y-%m-%d")})
    path = tmp_path / "club.csv"
    frame.to_csv(path, index=False)
    workspace = tmp_path / "ws"
    bot = Assistant.open(path, workspace=workspace, session="a")
    bot.ask("клиенты из Казани")
    refused = bot.ask("используй город как число заказов")
    assert refused.clarification and "Ничего не изменено" in refused.reply, refused.reply
    # The next conversation on the same workspace still works: nothing wrong was saved.
    again = Assistant.open(path, workspace=workspace, session="b").ask("клиенты из Казани")
    assert again.segment is not None
    assert again.segment["size"] == int((frame["город"] == "Казань").sum())
    taught = Assistant.open(path, workspace=workspace, session="c").ask(
        "используй визитов как число заказов")
    assert taught.reply.startswith("Принято") and "column" not in taught.reply, taught.reply


def _accounts(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(84)
    frame = pd.DataFrame({
        "account_id": [f"A{k}" for k in range(n)],
        "mrr": rng.gamma(2.0, 300.0, n).round(2),
        "is_trial": rng.choice(["true", "false"], n, p=[0.2, 0.8]),
        "review_score": rng.integers(1, 6, n),
        "signup_date": (pd.Timestamp("2025-06-30") - pd.to_timedelta(rng.integers(0, 700, n), "D"))
        .strftime("%Y-%m-%d"),
    })
    path = folder / "accounts.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_excl_excludes_and_never_exports(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    path, frame = _accounts(tmp_path)
    turn = ask_turns(path, tmp_path, "top 10% mrr excl trials")
    assert [r.tool for r in turn.results] == ["define_segment"], turn.reply
    assert not list(tmp_path.glob("segment*.csv")) and not list(tmp_path.glob("*.xlsx"))
    # the top 10% of the accounts that are not trials
    assert turn.segment["size"] == -(-int((frame["is_trial"] == "false").sum()) // 10)


def test_short_forms_of_revenue_and_quarter(tmp_path: Path) -> None:
    path, frame = _bookings(tmp_path)
    spend = frame.groupby("guest")["amount_eur"].sum()
    turn = ask_turns(path, tmp_path, "custs w/ rev over 1k")
    assert turn.segment is not None and turn.segment["size"] == int((spend > 1000).sum())
    path, frame = _accounts(tmp_path)
    turn = ask_turns(path, tmp_path, "accounts signed up last qtr")
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["value"] == "2025-04-02"
    # "rev" is no part of "review_score": the score keeps its own name
    turn = ask_turns(path, tmp_path, "accounts with review score above 3")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["review_score"] > 3).sum())


def _gym(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(85)
    frame = pd.DataFrame({"номер_карты": [f"FK-{k}" for k in range(n)],
                          "город": rng.choice(["Москва", "Казань", "Екатеринбург"], n),
                          "пол": rng.choice(["м", "ж"], n),
                          "тариф": rng.choice(["Базовый", "Стандарт", "Премиум"], n)})
    path = folder / "gym.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("follow_up", "kept"), [
    ("без тарифа Базовый", lambda f: f["тариф"] != "Базовый"),
    ("без Базового тарифа", lambda f: f["тариф"] != "Базовый"),
    ("без тарифа Премиум", lambda f: f["тариф"] != "Премиум"),
    ("без мужчин", lambda f: f["пол"] != "м"),
])
def test_russian_without_narrows_the_current_segment(tmp_path: Path, follow_up: str,
                                                     kept: Any) -> None:
    path, frame = _gym(tmp_path)
    turn = ask_turns(path, tmp_path, "клиенты из Казани", follow_up)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["город"] == "Казань") & kept(frame)).sum())


def test_back_alone_is_undo(tmp_path: Path) -> None:
    path, frame = _gym(tmp_path)
    turn = ask_turns(path, tmp_path, "клиенты из Казани", "только женщины", "назад")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["город"] == "Казань").sum())


def test_figures_asked_of_them_leave_the_segment(tmp_path: Path) -> None:
    path, frame = _shop_log(tmp_path)
    channel = _usual(frame, "会员号", "下单渠道")
    members = channel[channel == "门店"].index
    turn = ask_turns(path, tmp_path, "门店渠道的客户", "他们一共下了多少单")
    assert turn.segment is not None and turn.segment["size"] == len(members), turn.reply
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    orders = frame.loc[frame["会员号"].isin(members), "订单编号"].nunique()
    assert f"{orders:,}" in turn.reply, turn.reply
    path, frame = _pharmacy(tmp_path)
    turn = ask_turns(path, tmp_path, "клиенты из Самары", "сколько в среднем они платят?")
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    expected = frame.loc[frame["город"] == "Самара", "сумма_покупок"].mean()
    assert _figure(turn.reply) == pytest.approx(expected, abs=0.01), turn.reply


def _cn_shop(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(86)
    frame = pd.DataFrame({
        "用户ID": [f"U{k}" for k in rng.integers(100, 450, n)],
        "支付时间": pd.Timestamp("2025-06-30") - pd.to_timedelta(rng.integers(0, 300, n), "D"),
        "订单金额": rng.gamma(2.0, 60.0, n).round(2),
        "省份": rng.choice(["广东", "浙江", "四川"], n),
        "品类": rng.choice(["美妆", "服饰", "食品"], n),
        "支付方式": rng.choice(["微信", "支付宝", "银行卡"], n),
    })
    path = folder / "cn.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("follow_up", "column", "value"), [
    ("去掉主要用微信支付的", "支付方式", "微信"), ("剔除买服饰为主的", "品类", "服饰")])
def test_chinese_exclusions_with_mainly_and_a_payment_phrase(
        tmp_path: Path, follow_up: str, column: str, value: str) -> None:
    path, frame = _cn_shop(tmp_path)
    province, usual = _usual(frame, "用户ID", "省份"), _usual(frame, "用户ID", column)
    turn = ask_turns(path, tmp_path, "浙江的客户", follow_up)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((province == "浙江") & (usual != value)).sum())


def test_or_in_an_edit_keeps_every_value_and_no_score_is_missing(tmp_path: Path) -> None:
    rng = np.random.default_rng(87)
    frame = pd.DataFrame({"account": range(1, 501),
                          "plan": rng.choice(["Starter", "Growth", "Enterprise"], 500),
                          "nps_score": rng.integers(0, 11, 500).astype(float)})
    frame.loc[rng.choice(500, 90, replace=False), "nps_score"] = np.nan
    path = tmp_path / "saas.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "accounts on enterprise", "make that growth or enterprise")
    assert turn.segment is not None
    assert turn.segment["size"] == int(frame["plan"].isin(["Growth", "Enterprise"]).sum())
    turn = ask_turns(path, tmp_path, "accounts on enterprise", "change enterprise to growth")
    assert turn.segment is not None and turn.segment["size"] == int((frame["plan"] == "Growth")
                                                                    .sum())
    turn = ask_turns(path, tmp_path, "accts with no nps score")
    assert turn.segment is not None and turn.segment["size"] == 90, turn.reply


@pytest.mark.parametrize("text", ["кто не был в клубе больше 30 дней",
                                  "members who haven't been to the club in 30 days"])
def test_the_business_itself_is_no_place_value(tmp_path: Path, text: str) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    leaf = turn.segment["definition"]
    # The days since the last visit (the table's recency, from last_visit), over 30.
    assert leaf["column"] == "recency_days" and leaf["op"] == ">", leaf
    visits = pd.to_datetime(frame["last_visit"])
    dates = [pd.to_datetime(frame[c]).max() for c in frame if "visit" in c or "join" in c]
    days = (max(dates) + pd.Timedelta(days=1) - visits).dt.days
    assert turn.segment["size"] == int((days > 30).sum()), turn.reply


def _grocer(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(88)
    frame = pd.DataFrame({
        "client_no": range(50001, 50001 + n),
        "city": rng.choice(["New York", "Los Angeles", "Chicago"], n),
        "signup_year": rng.integers(2015, 2026, n),
        "loyalty_member": rng.choice(["Y", "N"], n),
        "preferred_channel": rng.choice(["Web", "App", "Phone"], n),
    })
    path = folder / "grocer.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("非会员客户", lambda f: f["loyalty_member"] == "N"),
    ("纽约的客户", lambda f: f["city"] == "New York"),
    ("клиенты из Нью-Йорка", lambda f: f["city"] == "New York"),
    ("偏好网页的客户", lambda f: f["preferred_channel"] == "Web"),
    ("偏好电话下单的客户", lambda f: f["preferred_channel"] == "Phone"),
    ("клиенты, которые предпочитают заказывать по телефону",
     lambda f: f["preferred_channel"] == "Phone"),
    ("2020年之后注册的客户", lambda f: f["signup_year"] > 2020),
    ("customers who signed up after 2020", lambda f: f["signup_year"] > 2020),
    # before a year is strictly before it ("до 2018 года" too, not "up to")
    ("клиенты, зарегистрировавшиеся до 2018 года", lambda f: f["signup_year"] < 2018),
    ("customers who signed up before 2018", lambda f: f["signup_year"] < 2018),
    ("2018年之前注册的客户", lambda f: f["signup_year"] < 2018),
])
def test_the_same_customers_in_three_languages(tmp_path: Path, text: str,
                                               expected: Any) -> None:
    path, frame = _grocer(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


@pytest.mark.parametrize("text", ["买沙发的客户", "покупатели диванов",
                                  "customers who bought sofas"])
def test_furniture_in_three_languages(tmp_path: Path, text: str) -> None:
    rng = np.random.default_rng(89)
    frame = pd.DataFrame({"order_id": range(1200), "cust_id": rng.integers(1, 300, 1200),
                          "order_date": pd.Timestamp("2025-06-01") - pd.to_timedelta(
                              rng.integers(0, 300, 1200), "D"),
                          "amount": rng.integers(50, 2000, 1200),
                          "category": rng.choice(["Sofa", "Table", "Chair", "Lamp"], 1200)})
    path = tmp_path / "furniture.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((_usual(frame, "cust_id", "category") == "Sofa").sum())


def _telecom(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(90)
    frame = pd.DataFrame({"customer_id": [f"T{k}" for k in range(n)],
                          "annual_income": rng.integers(20, 120, n) * 1000,
                          "monthly_charges": rng.gamma(5.0, 14.0, n).round(2),
                          "churned": rng.choice(["Yes", "No"], n, p=[0.3, 0.7])})
    path = folder / "telecom.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("question", [
    "average income of churned vs non-churned customers",
    "流失客户和未流失客户的平均年收入分别是多少？"])
def test_a_yes_no_column_versus_its_other_side_is_two_groups(tmp_path: Path,
                                                           question: str) -> None:
    path, frame = _telecom(tmp_path)
    turn = ask_turns(path, tmp_path, question)
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    for value in ("Yes", "No"):
        mean = frame.loc[frame["churned"] == value, "annual_income"].mean()
        assert f"{mean:,.2f}" in turn.reply, turn.reply


def test_orders_per_customer_and_median_spend_and_shares_of_revenue(tmp_path: Path) -> None:
    path, frame = _bookings(tmp_path)
    orders = frame.groupby("guest")["booking_ref"].nunique()
    spend = frame.groupby("guest")["amount_eur"].sum()
    turn = ask_turns(path, tmp_path, "average number of orders per customer")
    assert _figure(turn.reply) == pytest.approx(orders.mean(), abs=0.01), turn.reply
    turn = ask_turns(path, tmp_path, "median spend per customer")
    assert _figure(turn.reply) == pytest.approx(spend.median(), abs=0.01), turn.reply
    country = _usual(frame, "guest", "home_country")
    share = 100 * spend[country == "Spain"].sum() / spend.sum()
    for question in ("西班牙客人贡献了多少比例的收入？",
                     "какую долю выручки приносят гости из Испании?"):
        turn = ask_turns(path, tmp_path, question)
        assert f"{share:.1f}".replace(".", "," if "долю" in question else ".") in turn.reply, \
            turn.reply


def test_churn_level_by_a_column_in_russian(tmp_path: Path) -> None:
    path, frame = _telecom(tmp_path)
    frame["регион"] = np.random.default_rng(91).choice(["Север", "Юг"], len(frame))
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "уровень оттока по регионам")
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    for region, share in frame.groupby("регион")["churned"].apply(
            lambda v: 100 * (v == "Yes").mean()).items():
        assert f"{region}: {share:.1f}".replace(".", ",") in turn.reply, turn.reply


@pytest.mark.parametrize("text", [
    "customers under 25 or over 70", "customers younger than 25 or older than 70",
    "клиенты младше 25 или старше 70 лет"])
def test_either_end_of_one_column(tmp_path: Path, text: str) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["age"] < 25) | (frame["age"] > 70)).sum())


@pytest.mark.parametrize("text", ["有流失风险或休眠的客户", "at risk or hibernating customers",
                                  "клиенты в зоне риска или спящие"])
def test_two_rfm_segments_joined_by_or(tmp_path: Path, text: str) -> None:
    path, _ = _bookings(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert sorted(turn.segment["definition"]["segments"]) == ["At Risk", "Hibernating"]


@pytest.mark.parametrize("follow_up", ["除了用银行卡付款的以外", "除了银行卡以外"])
def test_except_wrapped_around_a_longer_phrase(tmp_path: Path, follow_up: str) -> None:
    path, frame = _cn_shop(tmp_path)
    province, pay = _usual(frame, "用户ID", "省份"), _usual(frame, "用户ID", "支付方式")
    turn = ask_turns(path, tmp_path, "四川的客户", follow_up)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((province == "四川") & (pay != "银行卡")).sum())
