"""Sixth trial pass: what new users' trials found on invented files (a member table, a
subscriber table, logs), loaded by the real loader and asked through the Assistant with the
built-in backend. Intended answers are plain pandas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assistant.core import Assistant
from tests.cli_ask import ask_turns
from tests.cli_ask import usual as _usual
from tools.engine.loading import load_customer_data


def _members(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(6)
    frame = pd.DataFrame({
        "member_no": [f"M{k}" for k in range(n)],
        "city": rng.choice(["Leeds", "York", "Hull", "Bristol"], n),
        "tier": rng.choice(["Basic", "Plus", "Premium"], n),
        "monthly_fee": rng.integers(15, 90, n),
        "visits_90d": rng.integers(0, 60, n),
    })
    path = folder / "members.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("first", "drop"), [
    ("members in York with a monthly fee over 40", "drop the city"),
    ("участники из York с ежемесячным взносом больше 40", "убери город"),
    ("York的会员 月费超过40", "去掉城市"),
])
def test_a_column_named_alone_after_remove_drops_its_condition(
        tmp_path: Path, first: str, drop: str) -> None:
    path, frame = _members(tmp_path)
    turn = ask_turns(path, tmp_path, first)
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame["city"] == "York") & (frame["monthly_fee"] > 40)).sum()), turn.reply
    turn = ask_turns(path, tmp_path, first, drop)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["monthly_fee"] > 40).sum()), turn.reply


def _orders(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(16)
    frame = pd.DataFrame({
        "order_ref": [f"R{k}" for k in range(n)],
        "buyer": rng.integers(1, 300, n),
        "ordered_at": pd.Timestamp("2026-06-30") - pd.to_timedelta(rng.integers(0, 365, n), "D"),
        "dish_type": rng.choice(["Sushi", "Pizza", "Curry", "Salad"], n, p=[.4, .3, .2, .1]),
        "basket_value": rng.integers(5, 80, n).astype(float),
    })
    path = folder / "orders.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("text", [
    "customers who ordered both sushi and pizza",
    "既买过寿司又买过披萨的客户",
    "клиенты, которые заказывали одновременно суши и пиццу",
])
def test_both_values_bought_means_a_line_of_each(tmp_path: Path, text: str) -> None:
    path, frame = _orders(tmp_path)
    bought = frame.groupby("buyer")["dish_type"].agg(set)
    expected = int(bought.map(lambda dishes: {"Sushi", "Pizza"} <= dishes).sum())
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == expected, turn.reply


def test_values_without_both_stay_the_usual_one(tmp_path: Path) -> None:
    path, _ = _orders(tmp_path)
    turn = ask_turns(path, tmp_path, "customers who ordered sushi and pizza")
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["type"] == "in", turn.segment["definition"]


def _subscribers(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(26)
    frame = pd.DataFrame({
        "sub_id": [f"S{k}" for k in range(n)],
        "area": rng.choice(["Moscow", "Moscow Oblast", "Perm", "Tatarstan"], n),
        "car_brand": rng.choice(["Toyota", "Skoda", "Volvo"], n),
        "auto_renew": rng.choice(["Yes", "No"], n, p=[.7, .3]),
        "plan": rng.choice(["Start", "Max"], n),
    })
    path = folder / "subs.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "value"), [
    ("subscribers with auto_renew No", "No"),
    ("subscribers with auto_renew = no", "No"),
    ("auto_renew为否的客户", "No"),
    ("auto_renew为No的客户", "No"),
    ("абоненты с auto_renew нет", "No"),
    ("subscribers with auto_renew yes", "Yes"),
])
def test_a_yes_or_no_written_after_a_flag_column_is_its_value(
        tmp_path: Path, text: str, value: str) -> None:
    path, frame = _subscribers(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["auto_renew"] == value).sum()), turn.reply


def test_excluding_a_flags_no_keeps_its_yes(tmp_path: Path) -> None:
    path, frame = _subscribers(tmp_path)
    turn = ask_turns(path, tmp_path, "subscribers on the Max plan",
                     "exclude those with auto_renew No")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["plan"] == "Max") &
                                        (frame["auto_renew"] == "Yes")).sum()), turn.reply


def test_a_city_is_not_its_region_when_both_are_values(tmp_path: Path) -> None:
    path, frame = _subscribers(tmp_path)
    for text in ("абоненты из Москвы", "subscribers from Moscow", "莫斯科的客户"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, turn.reply
        assert turn.segment["definition"]["values"] == ["Moscow"], (text, turn.reply)
    assert turn.segment["size"] == int((frame["area"] == "Moscow").sum())


@pytest.mark.parametrize(("text", "column", "value"), [
    ("владельцы Тойоты", "car_brand", "Toyota"),
    ("клиенты, которые ездят на Шкоде", "car_brand", "Skoda"),
    ("абоненты из Татарстана", "area", "Tatarstan"),
])
def test_a_latin_value_written_in_cyrillic_is_found(
        tmp_path: Path, text: str, column: str, value: str) -> None:
    path, frame = _subscribers(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame[column] == value).sum()), turn.reply
    assert value in turn.reply  # the reply says how the word was read


@pytest.mark.parametrize(("text", "plans"), [
    ("subscribers on the Max plan", ["Max"]),
    ("max plan subscribers", ["Max"]),
])
def test_a_value_that_is_also_a_figure_word_is_the_value(
        tmp_path: Path, text: str, plans: list[str]) -> None:
    path, frame = _subscribers(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(frame["plan"].isin(plans).sum()), turn.reply


def test_a_joining_word_that_is_a_value_is_read_in_any_case(tmp_path: Path) -> None:
    rng = np.random.default_rng(36)
    frame = pd.DataFrame({"member": range(300), "tier": rng.choice(["Basic", "Plus", "Premium"],
                                                                   300),
                          "age": rng.integers(18, 70, 300)})
    path = tmp_path / "tiers.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "premium or plus, age 40+")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["tier"].isin(["Premium", "Plus"]) &
                                        (frame["age"] >= 40)).sum()), turn.reply
    turn = ask_turns(path, tmp_path, "plus tier members")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["tier"] == "Plus").sum()), turn.reply


def test_a_figure_asked_in_a_conversation_is_the_current_segments(tmp_path: Path) -> None:
    path, frame = _members(tmp_path)
    york = frame[frame["city"] == "York"]
    turn = ask_turns(path, tmp_path, "members in York", "how many visits on avg")
    assert turn.segment is not None and turn.segment["size"] == len(york), turn.reply
    assert f"{york['visits_90d'].mean():.2f}" in turn.reply, turn.reply
    turn = ask_turns(path, tmp_path, "members in York", "breakdown by tier")
    assert turn.to_json()["parse"]["reading"].endswith("of the current segment"), turn.reply
    counts = york["tier"].value_counts()
    assert all(str(int(n)) in turn.reply for n in counts), turn.reply


def test_what_about_a_value_the_segment_lacks_keeps_the_rest(tmp_path: Path) -> None:
    path, frame = _members(tmp_path)
    turn = ask_turns(path, tmp_path, "premium members with a monthly fee over 40",
                "what about york instead")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["tier"] == "Premium") & (frame["monthly_fee"] > 40)
                                        & (frame["city"] == "York")).sum()), turn.reply
    turn = ask_turns(path, tmp_path, "members in York with a monthly fee over 40",
                     "what about Hull?")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["city"] == "Hull") &
                                        (frame["monthly_fee"] > 40)).sum()), turn.reply


def _policies(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(46)
    frame = pd.DataFrame({
        "policy_no": [f"P{k}" for k in range(n)],
        "province": rng.choice(["Guangdong", "Sichuan", "Zhejiang", "Hubei"], n),
        "sales_channel": rng.choice(["Agent", "Bank", "Online"], n),
        "claims_count": rng.integers(0, 5, n),
        "holder_age": rng.integers(20, 75, n),
        "gender": rng.choice(["M", "F"], n),
    })
    path = folder / "policies.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "column", "values"), [
    ("广东的客户", "province", ["Guangdong"]),
    ("四川或浙江的客户", "province", ["Sichuan", "Zhejiang"]),
    ("银行渠道的客户", "sales_channel", ["Bank"]),
    ("代理人渠道的客户", "sales_channel", ["Agent"]),
    ("клиенты через банк", "sales_channel", ["Bank"]),
    ("customers from the agent channel", "sales_channel", ["Agent"]),
])
def test_english_values_meet_chinese_and_russian_words(
        tmp_path: Path, text: str, column: str, values: list[str]) -> None:
    path, frame = _policies(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(frame[column].isin(values).sum()), turn.reply


def test_a_chinese_count_word_reads_a_count_column(tmp_path: Path) -> None:
    path, frame = _policies(tmp_path)
    turn = ask_turns(path, tmp_path, "理赔次数至少2次的客户")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["claims_count"] >= 2).sum()), turn.reply


def test_three_times_in_chinese_is_a_number_not_a_town(tmp_path: Path) -> None:
    rng = np.random.default_rng(56)
    n = 900
    frame = pd.DataFrame({"会员ID": rng.integers(1, 200, n),
                          "下单时间": pd.Timestamp("2025-06-30") - pd.to_timedelta(
                              rng.integers(0, 300, n), "D"),
                          "城市": rng.choice(["上海", "北京", "杭州"], n),
                          "金额": rng.integers(10, 300, n)})
    path = tmp_path / "orders_zh.csv"
    frame.to_csv(path, index=False)
    orders = frame.groupby("会员ID")["下单时间"].nunique()
    turn = ask_turns(path, tmp_path, "下单超过三次的会员")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((orders > 3).sum()), turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("ppl aged 65 and up who r in york", lambda f: (f["age"] >= 65) & (f["city"] == "York")),
    ("guys in york", lambda f: (f["gender"] == "M") & (f["city"] == "York")),
    ("members who joined b4 2023", lambda f: f["joined"] < "2023-01-01"),
])
def test_what_busy_people_type(tmp_path: Path, text: str, expected: Any) -> None:
    rng = np.random.default_rng(66)
    n = 400
    frame = pd.DataFrame({"member_no": range(n), "city": rng.choice(["York", "Hull"], n),
                          "gender": rng.choice(["M", "F"], n), "age": rng.integers(18, 90, n),
                          "joined": (pd.Timestamp("2020-01-01") + pd.to_timedelta(
                              rng.integers(0, 1800, n), "D")).strftime("%Y-%m-%d")})
    path = tmp_path / "club.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


def _lines(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(76)
    frame = pd.DataFrame({
        "client_no": rng.integers(1, 250, n),
        "visit_date": (pd.Timestamp("2025-11-30") - pd.to_timedelta(rng.integers(0, 400, n), "D")
                       ).strftime("%d.%m.%Y"),
        "branch": rng.choice(["Москва", "Пермь", "Омск"], n),
        "amount": rng.integers(500, 20000, n).astype(float),
    })
    path = folder / "visits.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_ranks_said_with_best_and_with_a_share_of_people(tmp_path: Path) -> None:
    path, frame = _lines(tmp_path)
    spend = frame.groupby("client_no")["amount"].sum()
    for text in ("10 best customers by spend", "10 лучших клиентов по сумме трат"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None and turn.segment["size"] == 10, (text, turn.reply)
        assert turn.segment["definition"]["column"] == "monetary"
    for text in ("20% of customers with the lowest spend", "20% клиентов с наименьшими тратами"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, (text, turn.reply)
        assert turn.segment["size"] == int(np.ceil(0.2 * len(spend))), turn.reply
        assert turn.segment["definition"]["direction"] == "bottom"


def test_the_share_of_revenue_asked_with_a_share_word(tmp_path: Path) -> None:
    path, frame = _lines(tmp_path)
    # a log's branch is the customer's most frequent one (ties: alphabetically first)
    usual = frame.groupby("client_no")["branch"].agg(
        lambda b: sorted(b.value_counts()[lambda c: c == c.max()].index)[0])
    spend = frame.groupby("client_no")["amount"].sum()
    share = spend[usual == "Москва"].sum() / spend.sum()
    turn = ask_turns(path, tmp_path, "какая доля выручки Москвы?")
    assert turn.segment is None and f"{100 * share:.1f}".replace(".", ",") in turn.reply, \
        turn.reply


@pytest.mark.parametrize("text", ["сколько в среднем тратит один клиент?",
                                  "how much does one customer spend on average?",
                                  "一个客户平均消费多少"])
def test_spend_of_one_customer_is_spend_per_customer(tmp_path: Path, text: str) -> None:
    path, frame = _lines(tmp_path)
    per = frame["amount"].sum() / frame["client_no"].nunique()
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is None, turn.reply
    assert f"{per:,.2f}".replace(",", " ").split(".")[0][-3:] in turn.reply.replace("\u00a0", " "),\
        turn.reply


def test_plan_words_of_a_telecom_table(tmp_path: Path) -> None:
    rng = np.random.default_rng(86)
    n = 500
    frame = pd.DataFrame({"line_id": range(n), "family_plan": rng.choice([True, False], n),
                          "billing": rng.choice(["prepaid", "postpaid"], n),
                          "gb_per_month": rng.integers(1, 60, n)})
    path = tmp_path / "lines.csv"
    frame.to_csv(path, index=False)
    cases = {
        "абоненты без семейного тарифа на постоплате":
            (~frame["family_plan"]) & (frame["billing"] == "postpaid"),
        "预付费用户": frame["billing"] == "prepaid",
        "абоненты, у которых трафик больше 30 гигабайт": frame["gb_per_month"] > 30,
    }
    for text, expected in cases.items():
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, (text, turn.reply)
        assert turn.segment["size"] == int(expected.sum()), (text, turn.reply)


def _club(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(96)
    gone = rng.random(n) < 0.25
    frame = pd.DataFrame({
        "member_no": range(n),
        "tier": rng.choice(["Basic", "Plus"], n),
        "referral_source": rng.choice(["Friend", "Google", "Flyer"], n),
        "coach": rng.choice(["Priya", "Tom"], n),
        "cancelled_on": np.where(gone, (pd.Timestamp("2024-01-01") + pd.to_timedelta(
            rng.integers(0, 300, n), "D")).strftime("%Y-%m-%d"), None),
    })
    path = folder / "club_members.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "gone"), [("cancelled members", True),
                                            ("members who have not cancelled", False)])
def test_a_date_column_named_without_a_date_is_whether_it_is_filled(
        tmp_path: Path, text: str, gone: bool) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(frame["cancelled_on"].notna().sum() if gone
                                       else frame["cancelled_on"].isna().sum()), turn.reply


def test_column_equals_value_and_who_handles_them(tmp_path: Path) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, "referral source = friend")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["referral_source"] == "Friend").sum()), turn.reply
    turn = ask_turns(path, tmp_path, "plus members managed by priya")
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame["tier"] == "Plus") & (frame["coach"] == "Priya")).sum()), turn.reply


def test_how_many_are_in_a_conversation_counts_among_them(tmp_path: Path) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, "plus members", "how many are from google?")
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame["tier"] == "Plus") & (frame["referral_source"] == "Google")).sum()), turn.reply


def _shop_zh(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(106)
    frame = pd.DataFrame({
        "order_id": range(n), "buyer_id": rng.integers(1, 300, n),
        "paid_at": (pd.Timestamp("2025-12-31") - pd.to_timedelta(rng.integers(0, 300, n), "D")
                    ).strftime("%Y-%m-%d"),
        "category": rng.choice(["Diapers", "Formula", "Toys"], n),
        "amount_cny": rng.integers(20, 900, n).astype(float),
        "province": rng.choice(["广东", "北京", "浙江"], n),
        "platform": rng.choice(["Tmall", "JD", "Douyin"], n),
    })
    path = folder / "baby.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "column", "value", "keep"), [
    ("北京除外", "province", "北京", False),
    ("除了北京以外的客户", "province", "北京", False),
    ("京东的客户", "platform", "JD", True),
    ("天猫的客户", "platform", "Tmall", True),
    ("主要买纸尿裤的客户", "category", "Diapers", True),
    ("广冬的客户", "province", "广东", True),
])
def test_chinese_names_negations_and_sound_alike_typos(
        tmp_path: Path, text: str, column: str, value: str, keep: bool) -> None:
    path, frame = _shop_zh(tmp_path)
    usual = _usual(frame, "buyer_id", column)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((usual == value).sum() if keep
                                       else (usual != value).sum()), turn.reply


def test_a_typo_that_does_not_sound_alike_is_not_corrected(tmp_path: Path) -> None:
    path, _ = _shop_zh(tmp_path)
    turn = ask_turns(path, tmp_path, "东京的客户")  # not 广东: dong-jing is no slip for guang-dong
    assert turn.segment is None or "广东" not in str(turn.segment["definition"]), turn.reply


def test_a_sound_alike_typo_of_a_lexicon_word(tmp_path: Path) -> None:
    path, frame = _shop_zh(tmp_path)
    recency = (pd.Timestamp("2026-01-01") - pd.to_datetime(frame.groupby("buyer_id")[
        "paid_at"].max())).dt.days
    turn = ask_turns(path, tmp_path, "最进30天下过单的客户")
    assert turn.segment is not None and "最近" in turn.reply, turn.reply
    assert turn.segment["size"] == int((recency <= 30).sum()), turn.reply


def _loyalty(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(116)
    frame = pd.DataFrame({
        "MemberID": [f"M{k}" for k in range(n)],
        "Tier": rng.choice(["Bronze", "Gold", "VIP"], n, p=[.6, .3, .1]),
        "PointsBalance": rng.integers(0, 20000, n),
        "LifetimeSpend": rng.integers(10, 5000, n).astype(float),
        "PromoCode": rng.choice(["SPRING", "BF30", None], n, p=[.2, .2, .6]),
    })
    path = folder / "loyalty.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("vip members", lambda f: f["Tier"] == "VIP"),
    ("gold or vip", lambda f: f["Tier"].isin(["Gold", "VIP"])),
    ("VIPs with over 10k points", lambda f: (f["Tier"] == "VIP") & (f["PointsBalance"] > 10000)),
    ("members who used a promo code", lambda f: f["PromoCode"].notna()),
    ("members with no promo code", lambda f: f["PromoCode"].isna()),
])
def test_abbreviations_in_any_case_and_codes_filled_in(
        tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _loyalty(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


def test_the_highest_spenders_rank_by_spend(tmp_path: Path) -> None:
    path, frame = _loyalty(tmp_path)
    turn = ask_turns(path, tmp_path, "our twenty highest spenders")
    assert turn.segment is not None and turn.segment["size"] == 20, turn.reply
    assert turn.segment["definition"]["column"] == "LifetimeSpend"


def test_a_value_no_column_has_is_named_in_the_question(tmp_path: Path) -> None:
    path, _ = _loyalty(tmp_path)
    turn = ask_turns(path, tmp_path, "gold members", "now exclude men")
    assert "'men'" in turn.reply, turn.reply


def test_orders_counted_within_a_window_and_not_back_for_a_while(tmp_path: Path) -> None:
    path, frame = _orders(tmp_path)
    when = pd.to_datetime(frame["ordered_at"])
    as_of = when.max().normalize() + pd.Timedelta(days=1)
    recent = frame[when >= as_of - pd.Timedelta(days=180)].groupby("buyer")["order_ref"].nunique()
    turn = ask_turns(path, tmp_path, "customers with more than two orders in the last 6 months")
    assert turn.segment is not None and turn.segment["size"] == int((recent > 2).sum()), \
        turn.reply
    last = (as_of - frame.assign(d=when.dt.normalize()).groupby("buyer")["d"].max()).dt.days
    turn = ask_turns(path, tmp_path, "haven't been back in 100 days")
    assert turn.segment is not None and turn.segment["size"] == int((last > 100).sum()), \
        turn.reply


def test_russian_follow_ups_without_those_and_a_number_in_thousands(tmp_path: Path) -> None:
    rng = np.random.default_rng(126)
    n = 600
    frame = pd.DataFrame({"id_клиента": range(n), "город": rng.choice(["Казань", "Омск"], n),
                          "доход": rng.integers(20, 300, n) * 1000,
                          "оплата": rng.choice(["наличные", "карта"], n)})
    path = tmp_path / "bank.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "клиенты из Казани", "теперь без тех, кто платит наличными")
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame["город"] == "Казань") & (frame["оплата"] != "наличные")).sum()), turn.reply
    turn = ask_turns(path, tmp_path, "клиенты с доходом больше 80 тыс", "поменяй 80 на 150")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["доход"] > 150_000).sum()), turn.reply


def _tickets(folder: Path, n: int = 1000) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(136)
    frame = pd.DataFrame({
        "ticket_id": range(n), "customer_id": rng.integers(1, 200, n),
        "purchased_at": (pd.Timestamp("2025-10-01") - pd.to_timedelta(rng.integers(0, 300, n),
                                                                       "D")).strftime("%Y-%m-%d"),
        "film_genre": rng.choice(["Comedy", "Horror", "Action"], n),
        "ticket_price": rng.choice([250, 350, 500], n), "seats": rng.integers(1, 4, n),
    })
    path = folder / "tickets.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_seats_times_the_price_is_the_spend(tmp_path: Path) -> None:
    path, frame = _tickets(tmp_path)
    total = int((frame["seats"] * frame["ticket_price"]).sum())
    for text in ("общая выручка", "сколько всего выручки", "how much revenue do we have?",
                 "总收入是多少"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is None, (text, turn.reply)
        digits = turn.reply.replace(",", "").replace(" ", "").replace("\u00a0", "")
        assert str(total) in digits, (text, turn.reply)


@pytest.mark.parametrize(("text", "genres"), [
    ("любители ужасов", ["Horror"]),
    ("фанаты боевиков", ["Action"]),
    ("喜剧和动作片的观众", ["Comedy", "Action"]),
    ("horror or comedy fans", ["Horror", "Comedy"]),
])
def test_film_genres_in_three_languages(tmp_path: Path, text: str, genres: list[str]) -> None:
    path, frame = _tickets(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    usual = _usual(frame, "customer_id", "film_genre")
    assert turn.segment["size"] == int(usual.isin(genres).sum()), turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("members not opted in to email or SMS", lambda f: (f["email_ok"] == 0) & (f["sms_ok"] == 0)),
    ("members opted in to neither email nor SMS",
     lambda f: (f["email_ok"] == 0) & (f["sms_ok"] == 0)),
    ("gold members or anyone with over 15k points",
     lambda f: (f["tier"] == "Gold") | (f["points"] > 15000)),
])
def test_negations_and_or_across_clauses(tmp_path: Path, text: str, expected: Any) -> None:
    rng = np.random.default_rng(146)
    n = 500
    frame = pd.DataFrame({"member_id": range(n), "tier": rng.choice(["Gold", "Basic"], n),
                          "points": rng.integers(0, 20000, n),
                          "opt_in_email": rng.integers(0, 2, n),
                          "opt_in_sms": rng.integers(0, 2, n)})
    path = tmp_path / "optins.csv"
    frame.to_csv(path, index=False)
    f = frame.rename(columns={"opt_in_email": "email_ok", "opt_in_sms": "sms_ok"})
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(f).sum()), turn.reply


@pytest.mark.parametrize("text", ["新客", "new buyers", "новые покупатели"])
def test_the_datas_own_new_buyer_column_before_the_rfm_group(tmp_path: Path, text: str) -> None:
    path, frame = _shop_zh(tmp_path)
    flagged = frame.assign(is_new_buyer=frame["buyer_id"] % 5 == 0)
    flagged.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["column"] == "is_new_buyer", turn.reply


def _pets(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(156)
    buyers = rng.integers(1, 300, n)
    frame = pd.DataFrame({
        "订单编号": range(n), "客户编号": buyers,
        "下单日期": (pd.Timestamp("2024-12-30") - pd.to_timedelta(rng.integers(0, 300, n), "D")
                 ).strftime("%Y-%m-%d"),
        "商品类别": rng.choice(["猫粮", "狗粮", "玩具"], n),
        "实付金额": rng.integers(20, 400, n).astype(float),
        "支付渠道": rng.choice(["支付宝", "微信支付", "银行卡"], n),
        "所在城市": rng.choice(["上海", "深圳", "成都"], n),
        "是否会员": np.where(buyers % 3 == 0, "是", "否"),
    })
    path = folder / "pets.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("customers in Shanghai who bought cat food",
     lambda c, k, p, m: (c == "上海") & (k == "猫粮")),
    ("members who paid with alipay", lambda c, k, p, m: (m == "是") & (p == "支付宝")),
    ("non-members in Shenzhen", lambda c, k, p, m: (m == "否") & (c == "深圳")),
    ("members", lambda c, k, p, m: m == "是"),
    ("клиенты из Шанхая, которые покупают кошачий корм",
     lambda c, k, p, m: (c == "上海") & (k == "猫粮")),
])
def test_english_and_russian_requests_on_chinese_data(
        tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _pets(tmp_path)
    parts = [_usual(frame, "客户编号", c) for c in ("所在城市", "商品类别", "支付渠道", "是否会员")]
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(*parts).sum()), turn.reply
    assert "spent" not in turn.reply  # "paid" is the verb of the wallet, no spend condition


def _accounts_table(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(166)
    frame = pd.DataFrame({
        "account_id": [f"T{k}" for k in range(n)],
        "region": rng.choice(["East", "West", "North"], n),
        "monthly_bill": rng.integers(10, 120, n).astype(float),
        "support_calls": rng.integers(0, 7, n),
        "autopay": rng.choice([True, False], n),
    })
    path = folder / "accounts_tel.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("客服电话至少3次的客户", lambda f: f["support_calls"] >= 3),
    ("开了自动扣款的客户", lambda f: f["autopay"]),
    ("клиенты с подключенным автоплатежом", lambda f: f["autopay"]),
    ("customers on autopay with more than 2 support calls",
     lambda f: f["autopay"] & (f["support_calls"] > 2)),
])
def test_support_and_autopay_words(tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _accounts_table(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


def test_a_breakdown_of_them_and_the_average_spend(tmp_path: Path) -> None:
    path, frame = _accounts_table(tmp_path)
    east = frame[frame["region"] == "East"]
    turn = ask_turns(path, tmp_path, "customers in the East", "break them down by autopay")
    assert turn.to_json()["parse"]["reading"].endswith("of the current segment"), turn.reply
    assert str(int(east["autopay"].sum())) in turn.reply, turn.reply


def test_saved_names_are_compared_whatever_their_words(tmp_path: Path) -> None:
    path, frame = _accounts_table(tmp_path)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    bot.ask("customers in the East")
    bot.ask("save as risky_premium")
    bot.ask("customers in the West")
    bot.ask("сохрани как спящие")  # also an RFM name in Russian: the saved one wins
    counts = [str(int((frame["region"] == r).sum())) for r in ("East", "West")]
    turn = bot.ask("сравни risky_premium и спящие")
    assert all(c in turn.reply for c in counts) and "клиент" in turn.reply, turn.reply
    turn = bot.ask("compare risky_premium and спящие")
    assert all(c in turn.reply for c in counts), turn.reply


@pytest.mark.parametrize("text", ["how's your day going?", "ты лучший помощник, спасибо!",
                                  "lol ok, coffee time"])
def test_small_talk_leaves_the_segment(tmp_path: Path, text: str) -> None:
    path, frame = _accounts_table(tmp_path)
    turn = ask_turns(path, tmp_path, "customers in the East", text)
    assert turn.to_json()["parse"]["intent"] == "conversation", turn.reply


def _learners(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(176)
    enrolled = rng.integers(1, 20, n)
    frame = pd.DataFrame({
        "user_id": range(n), "plan": rng.choice(["Free", "Pro", "Team"], n),
        "referrer": rng.choice(["Google", "Friend", "Ads"], n),
        "courses_enrolled": enrolled, "courses_completed": rng.integers(0, enrolled + 1),
        "total_paid_eur": rng.integers(0, 400, n).astype(float),
    })
    path = folder / "learners.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("完成至少5门课程的用户", lambda f: f["courses_completed"] >= 5),
    ("报名超过10门课程的用户", lambda f: f["courses_enrolled"] > 10),
    ("завершившие не менее 3 курсов", lambda f: f["courses_completed"] >= 3),
    ("团队版用户", lambda f: f["plan"] == "Team"),
    ("朋友推荐来的用户", lambda f: f["referrer"] == "Friend"),
    ("付费超过100欧元的Pro用户", lambda f: (f["plan"] == "Pro") & (f["total_paid_eur"] > 100)),
])
def test_chinese_and_russian_words_for_english_columns(
        tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _learners(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


def test_a_verb_between_the_comparator_and_the_number(tmp_path: Path) -> None:
    path, frame = _shop_zh(tmp_path)
    orders = frame.groupby("buyer_id")["order_id"].nunique()
    turn = ask_turns(path, tmp_path, "至少下过4单的客户")
    assert turn.segment is not None and turn.segment["size"] == int((orders >= 4).sum()), \
        turn.reply


def _rentals(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(186)
    frame = pd.DataFrame({
        "booking_ref": range(n), "renter_id": rng.integers(1, 300, n),
        "pickup_date": (pd.Timestamp("2024-12-31") - pd.to_timedelta(rng.integers(0, 360, n),
                                                                      "D")).strftime("%Y-%m-%d"),
        "total_charge": rng.integers(50, 900, n).astype(float),
        "car_class": rng.choice(["Economy", "SUV", "Luxury"], n),
        "pickup_location": rng.choice(["LHR", "JFK", "CDG"], n),
    })
    path = folder / "rentals.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_rentals_in_three_languages(tmp_path: Path) -> None:
    path, frame = _rentals(tmp_path)
    when = pd.to_datetime(frame["pickup_date"])
    last = (when.max() + pd.Timedelta(days=1) - when.groupby(frame["renter_id"]).max()).dt.days
    usual = _usual(frame, "renter_id", "car_class")
    cases = {
        "renters who havent rented in 90 days": int((last > 90).sum()),
        "最近30天内租过车的客户": int((last <= 30).sum()),
        "豪华车客户": int((usual == "Luxury").sum()),
        "клиенты, арендующие машины эконом-класса": int((usual == "Economy").sum()),
    }
    for text, expected in cases.items():
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None and turn.segment["size"] == expected, (text, turn.reply)


def test_a_share_of_revenue_said_with_whom_it_comes_from(tmp_path: Path) -> None:
    path, frame = _rentals(tmp_path)
    usual = _usual(frame, "renter_id", "pickup_location")
    spend = frame.groupby("renter_id")["total_charge"].sum()
    share = spend[usual == "LHR"].sum() / spend.sum()
    turn = ask_turns(path, tmp_path, "какая доля выручки приходится на клиентов из LHR")
    assert f"{100 * share:.1f}".replace(".", ",") in turn.reply, turn.reply


@pytest.mark.parametrize(("turns", "expected"), [
    (["customers who spent over 500", "make it 800 instead of 500"], lambda s: s > 800),
    (["клиенты, потратившие больше 500", "а теперь больше 800 вместо 500"], lambda s: s > 800),
])
def test_a_new_number_said_before_the_old_one(tmp_path: Path, turns: list[str],
                                              expected: Any) -> None:
    path, frame = _rentals(tmp_path)
    spend = frame.groupby("renter_id")["total_charge"].sum()
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None and turn.segment["size"] == int(expected(spend).sum()), \
        turn.reply


def test_a_count_does_not_edit_a_money_threshold(tmp_path: Path) -> None:
    path, _ = _accounts_table(tmp_path)
    turn = ask_turns(path, tmp_path, "月费超过80的客户", "改成4次")
    assert turn.segment is None or "monthly_bill" not in str(turn.segment["definition"]) or \
        turn.segment["definition"].get("value") == 80, turn.reply


def test_no_insurance_is_the_value_none(tmp_path: Path) -> None:
    rng = np.random.default_rng(196)
    frame = pd.DataFrame({"patient_no": range(400),
                          "insurance": rng.choice(["None", "Basic", "Premium"], 400)})
    path = tmp_path / "patients.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "patients with no insurance")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["insurance"] == "None").sum()), turn.reply


def test_a_bare_card_value_is_a_card_payment(tmp_path: Path) -> None:
    path, frame = _tickets(tmp_path)
    frame["paid_by"] = np.random.default_rng(206).choice(["card", "cash", "sbp"], len(frame))
    frame.to_csv(path, index=False)
    usual = _usual(frame, "customer_id", "paid_by")
    turn = ask_turns(path, tmp_path, "клиенты, которые платят картой")
    assert turn.segment is not None and turn.segment["size"] == int((usual == "card").sum()), \
        turn.reply


def test_inactivity_reads_the_one_date_that_is_not_a_joining_date(tmp_path: Path) -> None:
    rng = np.random.default_rng(216)
    n = 400
    frame = pd.DataFrame({
        "会员编号": range(n),
        "入会日期": (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, n), "D")
                 ).strftime("%Y-%m-%d"),
        "最近到店日期": (pd.Timestamp("2025-06-30") - pd.to_timedelta(rng.integers(0, 200, n),
                                                                   "D")).strftime("%Y-%m-%d"),
        "会籍类型": rng.choice(["月卡", "年卡"], n),
    })
    path = tmp_path / "gym_zh.csv"
    frame.to_csv(path, index=False)
    last = pd.to_datetime(frame["最近到店日期"])
    end = max(last.max(), pd.to_datetime(frame["入会日期"]).max()) + pd.Timedelta(days=1)
    turn = ask_turns(path, tmp_path, "30天没来过的会员")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((last < end - pd.Timedelta(days=30)).sum()), turn.reply
