"""Lexicon pass 8: general marketing words new users' trials were missing (plans of a
subscription service, gift cards and PayPal, hours watched, devices, skin types, SMS,
takeaway orders, car makes, short names of cities, "喜欢"/"最爱喝", "订阅用户"). Each test
is on a file of its own invented here, with other column names and values than the trials
had, so what is checked is the vocabulary, not one dataset. Answers are plain pandas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns
from tests.cli_ask import usual as _usual


def _learning(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    """A video-course service: tariffs, how they pay, hours of viewing, devices, churn."""
    rng = np.random.default_rng(801)
    frame = pd.DataFrame({
        "learner": [f"L{k}" for k in range(n)],
        "tariff": rng.choice(["Basic Plan", "Family Bundle", "Individual", "Student"], n),
        "paid_with": rng.choice(["Gift Voucher", "PayPal", "Apple Pay", "Bank Transfer"], n),
        "viewing_hours": rng.gamma(2.0, 9.0, n).round(1),
        "device_count": rng.integers(1, 6, n),
        "age": rng.integers(16, 70, n),
        "cancelled": rng.choice([1, 0], n, p=[0.3, 0.7]),
    })
    path = folder / "courses.csv"
    frame.to_csv(path, index=False)
    return path, frame


Expected = Callable[[pd.DataFrame], "pd.Series[bool]"]


@pytest.mark.parametrize(("text", "expected"), [
    ("基础套餐的学员", lambda f: f["tariff"] == "Basic Plan"),
    ("家庭版的用户", lambda f: f["tariff"] == "Family Bundle"),
    ("подписчики на базовом тарифе", lambda f: f["tariff"] == "Basic Plan"),
    ("клиенты без семейного тарифа", lambda f: f["tariff"] != "Family Bundle"),
    ("用礼品卡付款的用户", lambda f: f["paid_with"] == "Gift Voucher"),
    ("使用贝宝付款的家庭套餐用户",
     lambda f: (f["paid_with"] == "PayPal") & (f["tariff"] == "Family Bundle")),
    ("клиенты, которые платят подарочной картой", lambda f: f["paid_with"] == "Gift Voucher"),
    ("learners who pay with a gift card on the family plan",
     lambda f: (f["paid_with"] == "Gift Voucher") & (f["tariff"] == "Family Bundle")),
])
def test_plans_and_ways_to_pay_in_three_languages(tmp_path: Path, text: str,
                                                  expected: Expected) -> None:
    path, frame = _learning(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("观看时长超过20小时的用户", lambda f: f["viewing_hours"] > 20),
    ("观看时间低于5小时的学员", lambda f: f["viewing_hours"] < 5),
    ("ученики, которые смотрели меньше 5 часов", lambda f: f["viewing_hours"] < 5),
    ("learners with over 20 hours of watch time", lambda f: f["viewing_hours"] > 20),
    ("设备至少3台的用户", lambda f: f["device_count"] >= 3),
    ("клиенты с 4 и более устройствами", lambda f: f["device_count"] >= 4),
])
def test_hours_watched_and_devices_name_their_columns(tmp_path: Path, text: str,
                                                       expected: Expected) -> None:
    path, frame = _learning(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


@pytest.mark.parametrize("text", ["已流失的订阅用户", "已经流失的订阅者"])
def test_subscription_users_are_people_where_no_column_is_a_subscription(
        tmp_path: Path, text: str) -> None:
    path, frame = _learning(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["cancelled"] == 1).sum()), turn.reply


def _beauty(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(802)
    frame = pd.DataFrame({
        "client_no": range(1, n + 1),
        "skin_profile": rng.choice(["Oily skin", "Dry skin", "Combination skin",
                                    "Sensitive skin", "Normal skin"], n),
        "sms_opt_in": rng.choice(["Y", "N"], n),
        "top_category": rng.choice(["Skin Care", "Perfume", "Makeup", "Hair Care"], n),
        "lifetime_spend": rng.gamma(2.0, 400.0, n).round(2),
    })
    path = folder / "beauty.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("不是油性皮肤的顾客", lambda f: f["skin_profile"] != "Oily skin"),
    ("敏感肌的顾客", lambda f: f["skin_profile"] == "Sensitive skin"),
    ("混合性皮肤的客户", lambda f: f["skin_profile"] == "Combination skin"),
    ("клиентки с сухой кожей", lambda f: f["skin_profile"] == "Dry skin"),
    ("клиенты с чувствительной кожей", lambda f: f["skin_profile"] == "Sensitive skin"),
    ("订阅短信的顾客", lambda f: f["sms_opt_in"] == "Y"),
    ("订阅了短信的干性皮肤客户",
     lambda f: (f["sms_opt_in"] == "Y") & (f["skin_profile"] == "Dry skin")),
    ("клиенты, подписанные на смс", lambda f: f["sms_opt_in"] == "Y"),
    ("喜欢护肤品的顾客", lambda f: f["top_category"] == "Skin Care"),
    ("最喜欢香水的客户", lambda f: f["top_category"] == "Perfume"),
    ("最爱Makeup的顾客", lambda f: f["top_category"] == "Makeup"),
])
def test_skin_types_sms_and_what_they_like(tmp_path: Path, text: str,
                                           expected: Expected) -> None:
    path, frame = _beauty(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


def _kitchen(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    """A noodle shop's order log with Chinese headers and a takeaway yes/no column."""
    rng = np.random.default_rng(803)
    frame = pd.DataFrame({
        "顾客编号": [f"C{k}" for k in rng.integers(100, 420, n)],
        "下单日期": (pd.Timestamp("2026-03-31") - pd.to_timedelta(rng.integers(0, 240, n), "D"))
        .strftime("%Y-%m-%d"),
        "菜品": rng.choice(["牛肉面", "炸酱面", "酸辣粉", "小笼包"], n),
        "金额": rng.gamma(3.0, 12.0, n).round(2),
        "外送订单": rng.choice(["是", "否"], n, p=[0.4, 0.6]),
    })
    path = folder / "noodles.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("turns", "expected"), [
    (("不点外卖的顾客",), lambda f: _usual(f, "顾客编号", "外送订单") == "否"),
    (("常点外卖的顾客",), lambda f: _usual(f, "顾客编号", "外送订单") == "是"),
    (("最爱吃酸辣粉的人",), lambda f: _usual(f, "顾客编号", "菜品") == "酸辣粉"),
    (("最爱吃牛肉面的顾客", "其中常点外卖的"),
     lambda f: (_usual(f, "顾客编号", "菜品") == "牛肉面")
     & (_usual(f, "顾客编号", "外送订单") == "是")),
])
def test_takeaway_and_favourite_dishes_on_a_chinese_log(tmp_path: Path, turns: tuple[str, ...],
                                                         expected: Expected) -> None:
    path, frame = _kitchen(tmp_path)
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply


def _motor(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(804)
    frame = pd.DataFrame({
        "policy_holder": range(1, n + 1),
        "make": rng.choice(["Mercedes-Benz", "Volkswagen", "Renault", "Lada", "Kia"], n),
        "home_city": rng.choice(["Yekaterinburg", "Novosibirsk", "Samara", "Kazan"], n),
        "full_cover": rng.choice(["yes", "no"], n),
        "premium_rub": rng.integers(8000, 60000, n),
    })
    path = folder / "motor.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("владельцы мерседесов", lambda f: f["make"] == "Mercedes-Benz"),
    ("клиенты на ладе", lambda f: f["make"] == "Lada"),
    ("из самары, но не на ладе", lambda f: (f["home_city"] == "Samara") & (f["make"] != "Lada")),
    ("владельцы рено и киа", lambda f: f["make"].isin(["Renault", "Kia"])),
    ("奔驰车主", lambda f: f["make"] == "Mercedes-Benz"),
    ("起亚和雷诺的车主", lambda f: f["make"].isin(["Kia", "Renault"])),
    ("клиенты из Ебурга и Новосиба", lambda f: f["home_city"].isin(["Yekaterinburg",
                                                                   "Novosibirsk"])),
    ("叶卡捷琳堡的客户", lambda f: f["home_city"] == "Yekaterinburg"),
])
def test_car_makes_and_short_city_names(tmp_path: Path, text: str, expected: Expected) -> None:
    path, frame = _motor(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply
