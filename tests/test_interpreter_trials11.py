"""Eleventh trial pass: what new users' trials found (a SaaS table, a hotel log, a coffee
club with Chinese headers, a cosmetics log in pinyin, an insurance table with Russian
headers, a grocery log keyed by phone), tried here on other invented files, loaded by the
real loader and asked through the Assistant with the built-in backend. Intended answers
are plain pandas, per SEMANTICS.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns, assert_size, usual
from tools.engine.loading import load_customer_data


def _tea_club(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A tea-house club with Chinese headers: the last spend as a date, no days-since."""
    rng = np.random.default_rng(111)
    frame = pd.DataFrame({
        "会员号": [f"T{k:05d}" for k in range(n)],
        "城市": rng.choice(["杭州", "苏州", "南京", "上海"], n),
        "等级": rng.choice(["普通", "金卡"], n, p=[0.6, 0.4]),
        "年龄": rng.integers(18, 70, n),
        "最近消费日期": (pd.Timestamp("2026-09-30") - pd.to_timedelta(
            rng.integers(0, 400, n), "D")).strftime("%Y-%m-%d"),
        "累计消费额": rng.gamma(2.0, 1500.0, n).round(1),
        "消费笔数": rng.integers(1, 40, n),
    })
    path = folder / "tea_club.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_a_last_spend_date_gives_the_recency_rfm_needs(tmp_path: Path) -> None:
    path, frame = _tea_club(tmp_path)
    customers = load_customer_data(path).customers
    dates = pd.to_datetime(frame["最近消费日期"])
    expected = (dates.max() + pd.Timedelta(days=1) - dates).dt.days  # the day after the latest
    assert customers["recency_days"].tolist() == expected.tolist()
    turn = ask_turns(path, tmp_path, "做RFM分析")
    assert not turn.clarification, turn.reply
    assert "冠军" in turn.reply


def test_a_date_mapped_as_the_recency_is_counted_in_days(tmp_path: Path) -> None:
    rng = np.random.default_rng(112)
    frame = pd.DataFrame({"member": [f"M{k}" for k in range(200)],
                          "seen": (pd.Timestamp("2026-03-31") - pd.to_timedelta(
                              rng.integers(0, 100, 200), "D")).strftime("%Y-%m-%d"),
                          "visits": rng.integers(1, 30, 200),
                          "spend": rng.uniform(10, 900, 200).round(2)})
    path = tmp_path / "members.csv"
    frame.to_csv(path, index=False)
    customers = load_customer_data(path, mapping={"recency": "seen"},
                                   as_of="2026-04-30").customers
    expected = (pd.Timestamp("2026-04-30") - pd.to_datetime(frame["seen"])).dt.days
    assert customers["recency_days"].tolist() == expected.tolist()


@pytest.mark.parametrize("text", ["消费超过两千的会员", "累计消费超过2000的会员"])
def test_a_year_like_amount_of_spend_is_money_not_a_year(tmp_path: Path, text: str) -> None:
    """最近消费日期 says 消费 too; 2000 after 超过 and a spend word is an amount."""
    assert_size(tmp_path, _tea_club, text, lambda f: f["累计消费额"] > 2000)


def test_an_exclusion_taken_back_restores_those_customers(tmp_path: Path) -> None:
    path, frame = _tea_club(tmp_path)
    turn = ask_turns(path, tmp_path, "金卡会员", "其中40岁以下的", "再排除杭州的",
                     "算了，杭州的也要")
    assert turn.segment is not None, turn.reply
    expected = (frame["等级"] == "金卡") & (frame["年龄"] <= 40)
    assert turn.segment["size"] == int(expected.sum()), turn.reply


@pytest.mark.parametrize("text", ["它们占全部会员的比例是多少", "какая их доля от всех клиентов",
                                  "what share of all customers are they"])
def test_the_current_segments_share_of_the_base(tmp_path: Path, text: str) -> None:
    path, frame = _tea_club(tmp_path)
    turn = ask_turns(path, tmp_path, "金卡会员", text)
    gold = int((frame["等级"] == "金卡").sum())
    assert not turn.clarification, turn.reply
    share = f"{100 * gold / len(frame):.1f}".replace(".", "," if "доля" in text else ".")
    assert share in turn.reply and str(gold) in turn.reply, turn.reply


def test_how_many_now_counts_the_current_segment(tmp_path: Path) -> None:
    path, frame = _tea_club(tmp_path)
    turn = ask_turns(path, tmp_path, "苏州的会员", "现在有多少人")
    assert str(int((frame["城市"] == "苏州").sum())) in turn.reply, turn.reply
    assert str(len(frame)) not in turn.reply.split("（")[0], turn.reply


def _beauty_log(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    """A beauty shop's order log, provinces written in pinyin (two are also cities), sold
    through an app, a mini program and a web shop."""
    rng = np.random.default_rng(113)
    buyers = rng.integers(0, 380, n)
    home = rng.choice(["Beijing", "Shanghai", "Hunan", "Fujian", "Yunnan"], 380)
    frame = pd.DataFrame({
        "order_no": np.arange(90000, 90000 + n),
        "buyer": [f"B{b:04d}" for b in buyers],
        "paid_at": (pd.Timestamp("2026-05-01") + pd.to_timedelta(
            rng.integers(0, 180, n), "D")).strftime("%Y-%m-%d"),
        "paid_amount": rng.gamma(2.0, 120.0, n).round(2),
        "province": home[buyers],
        "platform": rng.choice(["App", "Mini Program", "Web"], n, p=[0.5, 0.3, 0.2]),
    })
    path = folder / "beauty.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _per_buyer(frame: pd.DataFrame, column: str) -> pd.Series:
    return usual(frame, "buyer", column)


@pytest.mark.parametrize(("text", "places"), [
    ("上海的客户", ["Shanghai"]), ("北京或者上海的客户", ["Beijing", "Shanghai"]),
    ("湖南和上海的客户", ["Hunan", "Shanghai"])])
def test_a_city_the_lexicon_knows_meets_its_pinyin_in_the_data(
        tmp_path: Path, text: str, places: list[str]) -> None:
    assert_size(tmp_path, _beauty_log, text,
                lambda f: _per_buyer(f, "province").isin(places))


@pytest.mark.parametrize("text", ["小程序的客户", "customers who buy on the mini program",
                                  "клиенты из мини-приложения"])
def test_a_mini_program_is_not_the_app(tmp_path: Path, text: str) -> None:
    assert_size(tmp_path, _beauty_log, text,
                lambda f: _per_buyer(f, "platform") == "Mini Program")


def _studios(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    """Yoga-studio software accounts: a monthly recurring revenue written as its
    abbreviation."""
    rng = np.random.default_rng(114)
    frame = pd.DataFrame({
        "studio_ref": [f"S-{k:04d}" for k in range(n)],
        "mrr_eur": rng.gamma(2.0, 700.0, n).round(2),
        "locations": rng.integers(1, 12, n),
        "on_trial": rng.choice(["Yes", "No"], n, p=[0.2, 0.8]),
    })
    path = folder / "studios.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("customers not on trial with mrr over 2k",
     lambda f: (f["on_trial"] == "No") & (f["mrr_eur"] > 2000)),
    ("top 10% by MRR", lambda f: f["mrr_eur"] >= f["mrr_eur"].quantile(0.9))])
def test_an_abbreviation_in_a_column_name_is_said_as_written(tmp_path: Path, text: str,
                                                             expected: object) -> None:
    assert_size(tmp_path, _studios, text, expected)  # type: ignore[arg-type]


def _campsite(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    """A campsite's bookings, guests keyed by email."""
    rng = np.random.default_rng(115)
    guests = rng.integers(0, 300, n)
    frame = pd.DataFrame({
        "booking_ref": [f"C{k:05d}" for k in range(n)],
        "guest_mail": [f"guest{g}@camp.example" for g in guests],
        "arrival": (pd.Timestamp("2026-04-01") + pd.to_timedelta(
            rng.integers(0, 200, n), "D")).strftime("%Y-%m-%d"),
        "amount_paid": rng.gamma(2.0, 150.0, n).round(2),
        "source": rng.choice(["Direct", "Pitchup", "Agency"], n),
    })
    path = folder / "campsite.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_guests_who_stayed_three_times_counts_their_bookings(tmp_path: Path) -> None:
    assert_size(tmp_path, _campsite, "guests who stayed with us 3+ times",
                lambda f: f.groupby("guest_mail").size() >= 3)


@pytest.mark.parametrize("text", ["average booking value by source", "各渠道的平均预订金额"])
def test_booking_value_is_revenue_per_booking(tmp_path: Path, text: str) -> None:
    path, frame = _campsite(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    source = usual(frame, "guest_mail", "source")
    direct = frame[frame["guest_mail"].isin(source[source == "Direct"].index)]
    assert f"{direct['amount_paid'].sum() / len(direct):,.2f}" in turn.reply, turn.reply


def _grocery(folder: Path, n: int = 1400) -> tuple[Path, pd.DataFrame]:
    """A grocery delivery log with no id column: customers are their phone numbers."""
    rng = np.random.default_rng(116)
    phones = [f"+7 9{rng.integers(10, 99)} {rng.integers(100, 999)}-{rng.integers(10, 99)}-"
              f"{rng.integers(10, 99)}" for _ in range(350)]
    frame = pd.DataFrame({
        "order_no": np.arange(7000, 7000 + n),
        "customer_phone": rng.choice(phones, n),
        "placed_at": (pd.Timestamp("2026-02-01") + pd.to_timedelta(
            rng.integers(0, 150, n), "D")).strftime("%Y-%m-%d %H:%M"),
        "basket_total": rng.gamma(2.0, 900.0, n).round(2),
        "status": rng.choice(["delivered", "cancelled"], n, p=[0.9, 0.1]),
    })
    path = folder / "grocery.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_a_log_keyed_by_phone_counts_phones_as_customers(tmp_path: Path) -> None:
    path, frame = _grocery(tmp_path)
    kept = frame[frame["status"] == "delivered"]
    assert len(load_customer_data(path).customers) == kept["customer_phone"].nunique()
    assert_size(tmp_path, _grocery, "клиенты с одним заказом",
                lambda f: f[f["status"] == "delivered"].groupby("customer_phone").size() == 1)


@pytest.mark.parametrize("text", ["доля отменённых заказов", "сколько заказов отменили"])
def test_cancelled_orders_asked_in_russian_are_said_to_be_removed(tmp_path: Path,
                                                                  text: str) -> None:
    path, frame = _grocery(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    cancelled = int((frame["status"] == "cancelled").sum())
    assert "удалено" in turn.reply and str(cancelled) in turn.reply, turn.reply


def _pet_cover(folder: Path, n: int = 640) -> tuple[Path, pd.DataFrame]:
    """Pet insurance with Russian headers: a contract kind every client has, a yes/no
    column named by a participle, a start date."""
    rng = np.random.default_rng(117)
    frame = pd.DataFrame({
        "клиент": [f"P{k:04d}" for k in range(n)],
        "вид_договора": rng.choice(["Базовый", "Расширенный", "Премиум"], n),
        "город": rng.choice(["Омск", "Томск", "Тула"], n),
        "канал": rng.choice(["офис", "онлайн"], n),
        "взнос": rng.gamma(2.0, 9000.0, n).round(0),
        "дата_оформления": (pd.Timestamp("2026-06-30") - pd.to_timedelta(
            rng.integers(0, 700, n), "D")).strftime("%Y-%m-%d"),
        "пролонгирован": rng.choice(["да", "нет"], n, p=[0.6, 0.4]),
    })
    path = folder / "pets.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("клиенты из Томска без пролонгации",
     lambda f: (f["город"] == "Томск") & (f["пролонгирован"] == "нет")),
    ("кто не продлил договор", lambda f: f["пролонгирован"] == "нет"),
    ("клиенты, которые оформили договор онлайн", lambda f: f["канал"] == "онлайн"),
    ("сколько договоров Премиум продано через офис",
     lambda f: (f["вид_договора"] == "Премиум") & (f["канал"] == "офис")),
    ("договоры, оформленные за последние полгода",
     lambda f: (dates := pd.to_datetime(f["дата_оформления"])) >= dates.max()
     + pd.Timedelta(days=1) - pd.Timedelta(days=180))])
def test_the_thing_sold_is_named_without_asking_which_one(tmp_path: Path, text: str,
                                                         expected: object) -> None:
    """Every client has a contract: "договор" beside a condition asks nothing, and a
    negation before "продлил договор" stays the verb's."""
    assert_size(tmp_path, _pet_cover, text, expected)  # type: ignore[arg-type]


def test_a_column_word_alone_still_asks_which_value(tmp_path: Path) -> None:
    path, _ = _pet_cover(tmp_path)
    turn = ask_turns(path, tmp_path, "договор")
    assert turn.clarification and "Премиум" in turn.reply, turn.reply


def _listeners(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    """A podcast app's listeners: a uuid key, the last day active as a date, a yes/no
    setting and in-app purchases, mostly none."""
    rng = np.random.default_rng(118)
    frame = pd.DataFrame({
        "listener_uuid": [f"{rng.integers(16**7, 16**8):08x}-{k:04x}-4000-8000-"
                          f"{rng.integers(16**11, 16**12):012x}" for k in range(n)],
        "last_active_on": (pd.Timestamp("2026-10-31") - pd.to_timedelta(
            rng.integers(0, 90, n), "D")).strftime("%Y-%m-%d"),
        "autoplay_enabled": rng.choice([True, False], n),
        "store_purchases_usd": np.where(rng.random(n) < 0.6, 0.0,
                                        rng.gamma(2.0, 8.0, n).round(2)),
        "episodes_7d": rng.integers(0, 40, n),
    })
    path = folder / "listeners.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _active_before(frame: pd.DataFrame, days: int) -> pd.Series:
    dates = pd.to_datetime(frame["last_active_on"])
    return dates < dates.max() + pd.Timedelta(days=1) - pd.Timedelta(days=days)


def test_a_uuid_column_is_the_customer_key(tmp_path: Path) -> None:
    path, frame = _listeners(tmp_path)
    assert load_customer_data(path).customers.index.tolist() == frame["listener_uuid"].tolist()


@pytest.mark.parametrize(("text", "days"), [
    ("listeners inactive for 3 weeks", 21),
    ("listeners who haven't opened the app in 2 weeks", 14)])
def test_inactive_on_a_last_active_date_is_before_the_window(tmp_path: Path, text: str,
                                                             days: int) -> None:
    assert_size(tmp_path, _listeners, text, lambda f: _active_before(f, days))


@pytest.mark.parametrize("text", ["listeners with autoplay disabled",
                                  "listeners with autoplay turned off"])
def test_a_setting_switched_off_is_the_flags_no(tmp_path: Path, text: str) -> None:
    assert_size(tmp_path, _listeners, text, lambda f: ~f["autoplay_enabled"])


def test_never_made_a_purchase_where_only_the_spend_is_kept(tmp_path: Path) -> None:
    assert_size(tmp_path, _listeners, "listeners who never made a purchase",
                lambda f: f["store_purchases_usd"] == 0)


def _phone_plans(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A carrier's subscribers with Chinese headers, one of them ending in a Latin unit."""
    rng = np.random.default_rng(119)
    frame = pd.DataFrame({
        "用户编号": [f"P{k:05d}" for k in range(n)],
        "城市": rng.choice(["成都", "重庆", "西安"], n),
        "月均消费": rng.gamma(3.0, 50.0, n).round(1),
        "在网月数": rng.integers(1, 120, n),
        "月均通话MIN": rng.integers(0, 900, n),
    })
    path = folder / "plans.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_a_chinese_name_typed_without_its_latin_unit(tmp_path: Path) -> None:
    assert_size(tmp_path, _phone_plans, "月均通话超过300的用户", lambda f: f["月均通话MIN"] > 300)


def test_monthly_spend_said_with_the_month_character(tmp_path: Path) -> None:
    path, frame = _phone_plans(tmp_path)
    turn = ask_turns(path, tmp_path, "各城市平均月消费")
    expected = frame.groupby("城市")["月均消费"].mean()
    assert all(f"{value:,.2f}" in turn.reply for value in expected), turn.reply
