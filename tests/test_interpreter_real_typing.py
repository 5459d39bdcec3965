"""How people really type, on a subscription table no lexicon was written for.

Each request is checked against an independent pandas answer on tests/invented_data.py's
streaming table: the words for a plan ("Premium plan", "Premium套餐", "тариф Premium"),
Net Promoter bands, "then" for "than" and misspelt number words, Latin spellings of
Cyrillic values, verbs that only carry their noun ("raised 3 tickets"), pronouns that are
also country names in CLDR ("те" is a form of "Того"), articles that are not numbers
("推荐一个营销活动") and a question about the whole base while a segment is current.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from invented_data import load, streaming_table

from assistant.core import Assistant
from tools.engine.dataset import CustomerData

Frame = pd.DataFrame


@pytest.fixture(scope="module")
def streaming(tmp_path_factory: pytest.TempPathFactory) -> CustomerData:
    return load(streaming_table(tmp_path_factory.mktemp("streaming")))


def _expected(data: CustomerData, rule: Callable[[Frame], pd.Series]) -> set[str]:
    frame = data.customers
    return {str(i) for i in frame.index[rule(frame).fillna(False).to_numpy()]}


def _after(data: CustomerData, workspace: Path, *texts: str) -> Assistant:
    bot = Assistant(data, workspace=workspace)
    for text in texts:
        bot.ask(text)
    return bot


CASES: list[tuple[str, Callable[[Frame], pd.Series]]] = [
    ("customers on the Premium plan", lambda f: f["membership_level"] == "Premium"),
    ("只看Premium套餐的", lambda f: f["membership_level"] == "Premium"),
    ("клиенты на тарифе Premium", lambda f: f["membership_level"] == "Premium"),
    ("detractors", lambda f: f["recommend_rating"] <= 6),
    ("NPS贬损者", lambda f: f["recommend_rating"] <= 6),
    ("промоутеры", lambda f: f["recommend_rating"] >= 9),
    ("passives", lambda f: f["recommend_rating"].between(7, 8)),
    ("custmers older then fourty", lambda f: f["age"] > 40),
    ("ppl with more then five support cases", lambda f: f["support_cases"] > 5),
    ("subscribers who raised 3 support cases or more", lambda f: f["support_cases"] >= 3),
    ("customers from kazan", lambda f: f["home_city"] == "Казань"),
    ("exclude samara", lambda f: f["home_city"] != "Самара"),
    ("клиенты, которые пришли через приложение", lambda f: f["signup_channel"] == "app"),
    ("用手机应用注册的客户", lambda f: f["signup_channel"] == "app"),
    ("网上注册的客户", lambda f: f["signup_channel"] == "web"),
]


@pytest.mark.parametrize(("text", "rule"), CASES, ids=[c[0] for c in CASES])
def test_real_typing_finds_the_right_members(text: str, rule: Callable[[Frame], pd.Series],
                                             streaming: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(streaming, workspace=tmp_path)
    turn = bot.ask(text)
    assert turn.segment is not None, (text, turn.reply)
    assert set(bot.member_ids()) == _expected(streaming, rule), text


@pytest.mark.parametrize("text", ["customers who signed up last year", "去年注册的客户",
                                  "клиенты, которые зарегистрировались в прошлом году"])
def test_last_year_of_a_join_date_is_the_previous_calendar_year(
        text: str, streaming: CustomerData, tmp_path: Path) -> None:
    dates = pd.to_datetime(streaming.customers["signup_date"])
    year = dates.max().year - 1
    bot = Assistant(streaming, workspace=tmp_path)
    assert bot.ask(text).segment is not None
    assert set(bot.member_ids()) == _expected(streaming, lambda f: pd.to_datetime(
        f["signup_date"]).dt.year == year)


def test_a_typo_is_said_and_an_age_is_not_worded_as_a_date(streaming: CustomerData,
                                                           tmp_path: Path) -> None:
    turn = Assistant(streaming, workspace=tmp_path).ask("custmers older then fourty")
    assert "fourty" in turn.reply and "forty" in turn.reply
    assert turn.segment is not None and "after" not in turn.segment["description"]


def test_a_russian_pronoun_is_not_a_country(streaming: CustomerData, tmp_path: Path) -> None:
    bot = _after(streaming, tmp_path, "клиенты из Казани",
                 "из них те, кто заплатил больше 1000")
    assert set(bot.member_ids()) == _expected(
        streaming, lambda f: (f["home_city"] == "Казань") & (f["paid_total"] > 1000))


def test_a_new_request_in_russian_starts_over(streaming: CustomerData, tmp_path: Path) -> None:
    bot = _after(streaming, tmp_path, "клиенты из Казани", "новый запрос: клиенты из Омска")
    assert set(bot.member_ids()) == _expected(streaming, lambda f: f["home_city"] == "Омск")


@pytest.mark.parametrize("text", ["为他们推荐一个营销活动", "推荐一个营销活动",
                                  "для них предложи кампанию", "suggest a campaign for them"])
def test_one_as_an_article_does_not_ask_for_a_column(text: str, streaming: CustomerData,
                                                     tmp_path: Path) -> None:
    bot = _after(streaming, tmp_path, "detractors")
    turn = bot.ask(text)
    assert [r.tool for r in turn.results] == ["suggest_campaign"], turn.reply
    assert len(bot.member_ids()) == int((streaming.customers["recommend_rating"] <= 6).sum())


@pytest.mark.parametrize("text", ["how many customers do we have?",
                                  "сколько всего клиентов в базе?", "数据里一共有多少客户？"])
def test_a_count_of_everyone_while_a_segment_is_current(text: str, streaming: CustomerData,
                                                        tmp_path: Path) -> None:
    bot = _after(streaming, tmp_path, "detractors")
    turn = bot.ask(text)
    assert [r.tool for r in turn.results] == ["describe_data"], turn.reply
    assert str(streaming.n_customers) in turn.reply
    assert len(bot.member_ids()) < streaming.n_customers  # the segment is kept


def test_best_customers_without_a_purchase_history_offer_the_money_column(
        streaming: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(streaming, workspace=tmp_path)
    turn = bot.ask("who are my best customers?")
    assert turn.clarification and "paid_total" in turn.reply
    chosen = bot.ask("1")
    assert chosen.segment is not None
    top = streaming.customers["paid_total"].rank(ascending=False, method="first")
    assert len(bot.member_ids()) == int((top <= round(0.1 * streaming.n_customers)).sum())


def test_show_a_named_segment_is_that_segment_not_the_saved_list(tmp_path: Path) -> None:
    from invented_data import bike_log

    from tools.engine.loading import load_customer_data

    bikes = load_customer_data(bike_log(tmp_path), mapping={
        "customer_id": "Rider", "order_id": "Ticket", "date": "SoldOn", "unit_price": "Price",
        "quantity": "Units"})
    bot = Assistant(bikes, workspace=tmp_path / "ws")
    named = bot.ask("покажи сегмент At Risk")
    assert named.segment is not None and "At Risk" in named.segment["description"]
    assert "клиент" in named.reply  # a tie of Russian and Latin words is read as Russian
    listed = bot.ask("покажи сегменты")
    assert [r.tool for r in listed.results] == ["list_segments"]


@pytest.mark.parametrize("text", ["为Premium客户推荐一个营销活动",
                                  "для клиентов на тарифе Premium предложи кампанию",
                                  "for the Premium plan customers, suggest a campaign"])
def test_whom_a_campaign_is_for_may_come_before_the_command(text: str, streaming: CustomerData,
                                                            tmp_path: Path) -> None:
    bot = Assistant(streaming, workspace=tmp_path)
    turn = bot.ask(text)
    assert [r.tool for r in turn.results] == ["define_segment", "suggest_campaign"], turn.reply
    assert set(bot.member_ids()) == _expected(streaming,
                                              lambda f: f["membership_level"] == "Premium")
