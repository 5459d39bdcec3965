"""Ninth trial pass: what new users' trials found on invented files (an airline loyalty
table, a fitness club with Chinese headers, a pharmacy card table in Russian, a game
top-up log), tried here on other invented files, loaded by the real loader and asked
through the Assistant with the built-in backend. Intended answers are plain pandas, per
SEMANTICS.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns, assert_size
from tools.engine.loading import load_customer_data

END = pd.Timestamp("2026-06-30")  # the latest date in the pass table


def _passes(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A rail-pass member table: cities, a count named for its window, a run-together flag."""
    rng = np.random.default_rng(91)
    frame = pd.DataFrame({
        "pass_no": [f"RP{i:05d}" for i in range(n)],
        "home_city": rng.choice(["Leeds", "York", "Bath", "Hull", "Derby"], n),
        "tier": rng.choice(["Bronze", "Silver", "Gold"], n, p=[0.5, 0.3, 0.2]),
        "age": rng.integers(18, 86, n),
        "trips_last_6m": rng.integers(0, 30, n),
        "fare_spend": rng.gamma(2.0, 300.0, n).round(2),
        "joined_on": END - pd.to_timedelta(rng.integers(30, 2000, n), "D"),
        "last_trip": END - pd.to_timedelta(rng.integers(0, 900, n), "D"),
        "has_cobrand_pass": rng.choice(["Yes", "No"], n, p=[0.3, 0.7]),
        "cabin": rng.choice(["Standard", "Business"], n, p=[0.8, 0.2]),
    })
    frame.loc[0, "last_trip"] = END
    path = folder / "rail_passes.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "figure"), [
    ("how old is the oldest member?", "max"),
    ("what is the highest fare spend?", "max"),
    ("сколько лет самому старшему участнику?", "max"),
    ("最年轻的会员多大", "min"),
])
def test_an_extreme_value_asked_for(tmp_path: Path, text: str, figure: str) -> None:
    """A superlative with a question of how much and no number is the column's extreme,
    not a ranked segment ("how old is the oldest customer?")."""
    path, frame = _passes(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    column = "fare_spend" if "spend" in text else "age"
    value = getattr(frame[column], figure)()
    assert turn.segment is None, turn.reply
    written = f"{value:,.2f}" if column == "fare_spend" else str(value)
    assert written in turn.reply, turn.reply


def test_a_window_the_column_is_named_for_is_not_a_date(tmp_path: Path) -> None:
    """"more than 5 trips in the last 6 months" on trips_last_6m: the count only."""
    path, frame = _passes(tmp_path)
    turn = ask_turns(path, tmp_path, "members with more than 5 trips in the last 6 months")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["trips_last_6m"] > 5).sum()), turn.reply
    assert "last_trip" not in str(turn.segment["definition"])


def test_a_hyphenated_word_is_the_datas_run_together_word(tmp_path: Path) -> None:
    path, frame = _passes(tmp_path)
    turn = ask_turns(path, tmp_path, "members under 40 with a co-branded pass")
    expected = int(((frame["age"] < 40) & (frame["has_cobrand_pass"] == "Yes")).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply


def test_a_city_the_data_lacks_names_the_datas_cities(tmp_path: Path) -> None:
    path, _ = _passes(tmp_path)
    turn = ask_turns(path, tmp_path, "members in Tokyo")
    assert turn.segment is None and "home_city" in turn.reply, turn.reply
    assert "Leeds" in turn.reply or "York" in turn.reply, turn.reply


@pytest.mark.parametrize("text", ["members who prefer business class", "偏好商务舱的会员",
                                  "участники бизнес-класса"])
def test_business_class_is_the_business_cabin(tmp_path: Path, text: str) -> None:
    assert_size(tmp_path, _passes, text, lambda f: f["cabin"] == "Business")


def test_not_travelled_since_a_year_is_before_it(tmp_path: Path) -> None:
    assert_size(tmp_path, _passes, "members who haven't travelled since 2025",
                lambda f: f["last_trip"] < "2025-01-01")


@pytest.mark.parametrize(("first", "second"), [
    ("members from Leeds who are Gold", "exclude Leeds"),
    ("Gold members from Leeds", "кроме Лидса"),
])
def test_excluding_the_only_value_keeps_everyone_else(tmp_path: Path, first: str,
                                                      second: str) -> None:
    """"кроме Москвы" after "из Москвы": the others, not no one."""
    path, frame = _passes(tmp_path)
    turn = ask_turns(path, tmp_path, first, second)
    expected = int(((frame["tier"] == "Gold") & (frame["home_city"] != "Leeds")).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply


@pytest.mark.parametrize("text", ["how many gold members do we have?",
                                  "сколько у нас золотых участников?"])
def test_do_we_have_counts_the_whole_base(tmp_path: Path, text: str) -> None:
    path, frame = _passes(tmp_path)
    turn = ask_turns(path, tmp_path, "members from York", text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["tier"] == "Gold").sum()), turn.reply


def test_what_does_this_segment_look_like_is_its_profile(tmp_path: Path) -> None:
    path, _ = _passes(tmp_path)
    turn = ask_turns(path, tmp_path, "members from Bath", "what does this segment look like?")
    assert [r.tool for r in turn.results] == ["profile_segment"], turn.reply


def _club(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    """A swimming club with Chinese headers and a 是/否 column of a thing bought."""
    rng = np.random.default_rng(92)
    frame = pd.DataFrame({
        "会员号": [f"S{i:04d}" for i in range(n)],
        "性别": rng.choice(["男", "女"], n),
        "年龄": rng.integers(16, 75, n),
        "是否购买年卡": rng.choice(["是", "否"], n, p=[0.55, 0.45]),
        "累计消费": rng.gamma(2.0, 800.0, n).round(2),
    })
    path = folder / "swim_club.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "women"), [
    ("没有买年卡的会员", False), ("未购买年卡的女会员", True), ("没买年卡的会员", False)])
def test_a_verb_of_lapse_before_a_yes_no_column_negates_it(tmp_path: Path, text: str,
                                                           women: bool) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    mask = frame["是否购买年卡"] == "否"
    if women:
        mask &= frame["性别"] == "女"
    assert turn.segment is not None and turn.segment["size"] == int(mask.sum()), turn.reply


def _top_ups(folder: Path, n: int = 900) -> tuple[Path, pd.DataFrame]:
    """A game top-up log: players, a platform per line, amounts in yuan."""
    rng = np.random.default_rng(93)
    frame = pd.DataFrame({
        "player": [f"P{i:03d}" for i in rng.integers(0, 250, n)],
        "paid_at": (pd.Timestamp("2026-03-31") - pd.to_timedelta(
            rng.integers(0, 300, n), "D")).strftime("%Y-%m-%d"),
        "amount_cny": rng.choice([6, 30, 68, 128, 328, 648], n).astype(float),
        "platform": rng.choice(["iOS", "Android"], n),
    })
    frame.loc[0, "paid_at"] = "2026-03-31"
    path = folder / "top_ups.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _players(frame: pd.DataFrame) -> pd.DataFrame:
    end = pd.Timestamp(frame["paid_at"].max()) + pd.Timedelta(days=1)
    grouped = frame.groupby("player")
    return pd.DataFrame({
        "recency": (end - pd.to_datetime(grouped["paid_at"].max())).dt.days,
        "spend": grouped["amount_cny"].sum(),
        "platform": grouped["platform"].agg(
            lambda v: sorted(v.value_counts()[lambda c: c == c.max()].index)[0]),
    })


@pytest.mark.parametrize("text", [
    "过去30天充值过的玩家", "players who topped up in the last 30 days",
    "игроки, которые пополняли счёт за последние 30 дней"])
def test_a_top_up_is_a_purchase(tmp_path: Path, text: str) -> None:
    path, frame = _top_ups(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((_players(frame)["recency"] <= 30).sum()), turn.reply


@pytest.mark.parametrize("text", ["消费超过一千块的iOS玩家", "iOS players who spent over 1000"])
def test_a_value_before_the_people_word_is_whom(tmp_path: Path, text: str) -> None:
    """Not the spend on iOS lines: iOS players (their usual platform) who spent over 1000."""
    path, frame = _top_ups(tmp_path)
    players = _players(frame)
    turn = ask_turns(path, tmp_path, text)
    expected = int(((players["platform"] == "iOS") & (players["spend"] > 1000)).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply


def test_changing_the_days_said_before_the_number(tmp_path: Path) -> None:
    """"把天数改成30": the window, not the spend threshold beside it."""
    path, frame = _top_ups(tmp_path)
    players = _players(frame)
    turn = ask_turns(path, tmp_path, "最近两个月没有充值的玩家", "其中累计消费超过300的",
                     "把天数改成30")
    expected = int(((players["recency"] > 30) & (players["spend"] > 300)).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply


def test_the_top_share_of_revenue_ranks_by_spend(tmp_path: Path) -> None:
    """"what share of revenue comes from the top 10% of customers": ranked by spend (a
    glue verb such as "comes" names no measure)."""
    path, _ = _top_ups(tmp_path)
    turn = ask_turns(path, tmp_path, "what share of revenue comes from the top 10% of players?")
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["column"] == "monetary", turn.reply


def test_days_since_last_order_is_recency(tmp_path: Path) -> None:
    path, frame = _top_ups(tmp_path)
    turn = ask_turns(path, tmp_path, "average days since last order")
    assert f"{_players(frame)['recency'].mean():.2f}" in turn.reply, turn.reply


def test_card_numbers_and_receipts_name_the_key_and_orders(tmp_path: Path) -> None:
    """A Russian card table: номер_карты is the customer key, число_чеков the orders."""
    rng = np.random.default_rng(94)
    n = 300
    frame = pd.DataFrame({
        "номер_карты": [f"K{i:05d}" for i in range(n)],
        "город": rng.choice(["Самара", "Казань"], n),
        "сумма_покупок": rng.gamma(2.0, 2000.0, n).round(2),
        "число_чеков": rng.integers(1, 40, n),
    })
    path = tmp_path / "cards.csv"
    frame.to_csv(path, index=False)
    data = load_customer_data(path)
    roles = {c.name: c.role.value for c in data.schema.columns}
    assert sorted(map(str, data.customers.index)) == sorted(frame["номер_карты"])
    assert roles["число_чеков"] == "frequency"


@pytest.mark.parametrize("first", ["不要了，重新来：女会员", "no, start over: women"])
def test_start_over_after_a_no(tmp_path: Path, first: str) -> None:
    path, frame = _club(tmp_path)
    turn = ask_turns(path, tmp_path, "男会员", first)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["性别"] == "女").sum()), turn.reply
