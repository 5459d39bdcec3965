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


def _ask(path: Path, folder: Path, *turns: str) -> Any:
    bot = Assistant(load_customer_data(path), workspace=folder / "ws")
    turn = None
    for text in turns:
        turn = bot.ask(text)
    return turn


@pytest.mark.parametrize(("first", "drop"), [
    ("members in York with a monthly fee over 40", "drop the city"),
    ("участники из York с ежемесячным взносом больше 40", "убери город"),
    ("York的会员 月费超过40", "去掉城市"),
])
def test_a_column_named_alone_after_remove_drops_its_condition(
        tmp_path: Path, first: str, drop: str) -> None:
    path, frame = _members(tmp_path)
    turn = _ask(path, tmp_path, first)
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame["city"] == "York") & (frame["monthly_fee"] > 40)).sum()), turn.reply
    turn = _ask(path, tmp_path, first, drop)
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
    turn = _ask(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == expected, turn.reply


def test_values_without_both_stay_the_usual_one(tmp_path: Path) -> None:
    path, _ = _orders(tmp_path)
    turn = _ask(path, tmp_path, "customers who ordered sushi and pizza")
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
    turn = _ask(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["auto_renew"] == value).sum()), turn.reply


def test_excluding_a_flags_no_keeps_its_yes(tmp_path: Path) -> None:
    path, frame = _subscribers(tmp_path)
    turn = _ask(path, tmp_path, "subscribers on the Max plan", "exclude those with auto_renew No")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["plan"] == "Max") &
                                        (frame["auto_renew"] == "Yes")).sum()), turn.reply


def test_a_city_is_not_its_region_when_both_are_values(tmp_path: Path) -> None:
    path, frame = _subscribers(tmp_path)
    for text in ("абоненты из Москвы", "subscribers from Moscow", "莫斯科的客户"):
        turn = _ask(path, tmp_path, text)
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
    turn = _ask(path, tmp_path, text)
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
    turn = _ask(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(frame["plan"].isin(plans).sum()), turn.reply


def test_a_joining_word_that_is_a_value_is_read_in_any_case(tmp_path: Path) -> None:
    rng = np.random.default_rng(36)
    frame = pd.DataFrame({"member": range(300), "tier": rng.choice(["Basic", "Plus", "Premium"],
                                                                   300),
                          "age": rng.integers(18, 70, 300)})
    path = tmp_path / "tiers.csv"
    frame.to_csv(path, index=False)
    turn = _ask(path, tmp_path, "premium or plus, age 40+")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["tier"].isin(["Premium", "Plus"]) &
                                        (frame["age"] >= 40)).sum()), turn.reply
    turn = _ask(path, tmp_path, "plus tier members")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["tier"] == "Plus").sum()), turn.reply


def test_a_figure_asked_in_a_conversation_is_the_current_segments(tmp_path: Path) -> None:
    path, frame = _members(tmp_path)
    york = frame[frame["city"] == "York"]
    turn = _ask(path, tmp_path, "members in York", "how many visits on avg")
    assert turn.segment is not None and turn.segment["size"] == len(york), turn.reply
    assert f"{york['visits_90d'].mean():.2f}" in turn.reply, turn.reply
    turn = _ask(path, tmp_path, "members in York", "breakdown by tier")
    assert turn.to_json()["parse"]["reading"].endswith("of the current segment"), turn.reply
    counts = york["tier"].value_counts()
    assert all(str(int(n)) in turn.reply for n in counts), turn.reply


def test_what_about_a_value_the_segment_lacks_keeps_the_rest(tmp_path: Path) -> None:
    path, frame = _members(tmp_path)
    turn = _ask(path, tmp_path, "premium members with a monthly fee over 40",
                "what about york instead")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["tier"] == "Premium") & (frame["monthly_fee"] > 40)
                                        & (frame["city"] == "York")).sum()), turn.reply
    turn = _ask(path, tmp_path, "members in York with a monthly fee over 40", "what about Hull?")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["city"] == "Hull") &
                                        (frame["monthly_fee"] > 40)).sum()), turn.reply
