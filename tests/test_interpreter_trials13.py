"""Thirteenth trial pass: what new users' trials found on a restaurant log, a charity's
donors, a supermarket log and a hotel chain's members with Chinese requests, a fitness
visit log and a mobile operator's subscribers with Russian ones; tried here on other
invented files through the Assistant with the built-in backend. Intended answers are plain
pandas, per SEMANTICS.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns, assert_size, usual
from tools.engine.loading import load_customer_data


def _spa(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    """A spa chain's members with English headers and 0/1 columns, asked in Chinese."""
    rng = np.random.default_rng(141)
    frame = pd.DataFrame({
        "member_code": [f"S{k:05d}" for k in range(n)],
        "level": rng.choice(["Silver", "Gold", "Platinum"], n),
        "birth_year": rng.integers(1960, 2005, n),
        "treatments_12m": rng.integers(0, 30, n),
        "last_visit_date": (pd.Timestamp("2026-09-30") - pd.to_timedelta(
            rng.integers(0, 500, n), "D")).strftime("%Y-%m-%d"),
        "app_user": rng.choice([1, 0], n, p=[0.55, 0.45]),
        "corporate": rng.choice([1, 0], n, p=[0.3, 0.7]),
    })
    path = folder / "spa.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("不用App的会员", lambda f: f["app_user"] == 0),
    ("app_user为0的会员", lambda f: f["app_user"] == 0),
    ("不是企业客户的白金会员", lambda f: (f["corporate"] == 0) & (f["level"] == "Platinum")),
    ("企业客户里的金卡会员", lambda f: (f["corporate"] == 1) & (f["level"] == "Gold")),
    ("80后会员", lambda f: f["birth_year"].between(1980, 1989))])
def test_zero_one_columns_and_their_words_in_chinese(tmp_path: Path, text: str,
                                                    expected: object) -> None:
    assert_size(tmp_path, _spa, text, expected)  # type: ignore[arg-type]


def test_not_visited_for_half_a_year_is_the_last_visit_date(tmp_path: Path) -> None:
    def expected(frame: pd.DataFrame) -> pd.Series:
        dates = pd.to_datetime(frame["last_visit_date"])
        return dates < dates.max() + pd.Timedelta(days=1) - pd.Timedelta(days=180)

    assert_size(tmp_path, _spa, "半年没来过的会员", expected)


def _diner_log(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    """A bistro's checks as Parquet, keyed by diner."""
    rng = np.random.default_rng(142)
    frame = pd.DataFrame({
        "check_id": np.arange(50000, 50000 + n),
        "diner_id": rng.integers(0, 320, n),
        "seated_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(
            rng.integers(0, 300 * 24, n), "h"),
        "site": rng.choice(["Quay", "Market", "Station"], n),
        "total_bill": rng.gamma(3.0, 40.0, n).round(2),
        "tip_amount": rng.gamma(2.0, 4.0, n).round(2),
    })
    path = folder / "checks.parquet"
    frame.to_parquet(path, index=False)
    return path, frame


def test_a_diners_checks_are_an_order_log(tmp_path: Path) -> None:
    path, frame = _diner_log(tmp_path)
    data = load_customer_data(path)
    assert len(data.customers) == frame["diner_id"].nunique()
    assert data.customers["monetary"].sum() == pytest.approx(frame["total_bill"].sum())
    assert_size(tmp_path, _diner_log, "diners who came 5+ times",
                lambda f: f.groupby("diner_id").size() >= 5)


def test_average_bill_by_site_is_revenue_per_check(tmp_path: Path) -> None:
    path, frame = _diner_log(tmp_path)
    turn = ask_turns(path, tmp_path, "avg bill by site")
    site = usual(frame, "diner_id", "site")
    quay = frame[frame["diner_id"].isin(site[site == "Quay"].index)]
    assert f"{quay['total_bill'].sum() / len(quay):,.2f}" in turn.reply, turn.reply


def test_a_russian_visit_log_keyed_by_a_pass_number(tmp_path: Path) -> None:
    rng = np.random.default_rng(143)
    n = 1200
    frame = pd.DataFrame({"визит_id": np.arange(n),
                          "номер_абонемента": rng.integers(1000, 1300, n),
                          "дата_визита": (pd.Timestamp("2026-02-01") + pd.to_timedelta(
                              rng.integers(0, 200, n), "D")).strftime("%d.%m.%Y"),
                          "зал": rng.choice(["Север", "Юг"], n)})
    path = tmp_path / "visits.csv"
    frame.to_csv(path, index=False)
    assert len(load_customer_data(path).customers) == frame["номер_абонемента"].nunique()


def _donors(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A charity's donors as JSON records: the last gift as a date, gifts counted, lifetime
    giving, US state codes."""
    rng = np.random.default_rng(144)
    frame = pd.DataFrame({
        "supporter_id": [f"D{k:05d}" for k in range(n)],
        "last_gift_date": (pd.Timestamp("2026-10-31") - pd.to_timedelta(
            rng.integers(0, 1200, n), "D")).strftime("%Y-%m-%d"),
        "gifts_count": rng.integers(1, 12, n),
        "lifetime_giving": rng.gamma(2.0, 400.0, n).round(2),
        "state": rng.choice(["TX", "CA", "NY", "OH"], n),
    })
    path = folder / "donors.json"
    frame.to_json(path, orient="records")
    return path, frame


def _gave_before(frame: pd.DataFrame, days: int) -> pd.Series:
    dates = pd.to_datetime(frame["last_gift_date"])
    return (dates.max() + pd.Timedelta(days=1) - dates).dt.days > days


@pytest.mark.parametrize(("text", "expected"), [
    ("donors who gave over $1k lifetime but nothing in the last year",
     lambda f: (f["lifetime_giving"] > 1000) & _gave_before(f, 365)),
    ("donors who havent given in 2 years", lambda f: _gave_before(f, 730)),
    ("how many donors gave more than once", lambda f: f["gifts_count"] > 1),
    ("donors in tx or ny", lambda f: f["state"].isin(["TX", "NY"]))])
def test_a_charitys_donors(tmp_path: Path, text: str, expected: object) -> None:
    assert_size(tmp_path, _donors, text, expected)  # type: ignore[arg-type]


def test_short_words_that_are_words_stay_words(tmp_path: Path) -> None:
    """"in" is no Indiana: a lower-case code matches only where no word is meant."""
    path, frame = _donors(tmp_path)
    frame["state"] = np.where(frame["state"] == "OH", "IN", frame["state"])
    frame.to_json(path, orient="records")
    turn = ask_turns(path, tmp_path, "donors in tx")
    assert turn.segment is not None and turn.segment["definition"]["values"] == ["TX"]


@pytest.mark.parametrize("chat", ["lol ok thanks, u guys are lifesavers", "how's ur day going"])
def test_chat_spellings_are_conversation(tmp_path: Path, chat: str) -> None:
    path, frame = _donors(tmp_path)
    turn = ask_turns(path, tmp_path, "donors in tx", chat)
    assert turn.parse is not None and turn.parse["intent"] == "conversation", turn.reply
    assert turn.segment is not None and turn.segment["size"] == int((frame["state"] == "TX").sum())


def _operator(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(145)
    frame = pd.DataFrame({
        "sub_hash": [f"h{k:06d}" for k in range(n)],
        "tariff": rng.choice(["Старт", "Максимум", "Бизнес"], n),
        "voice_min_month": rng.integers(0, 2000, n),
        "data_gb_month": rng.gamma(2.0, 10.0, n).round(1),
    })
    path = folder / "operator.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("абоненты, которые говорят меньше ста минут в месяц",
     lambda f: f["voice_min_month"] < 100),
    ("все кроме тарифа Старт с трафиком больше двадцати гигов",
     lambda f: (f["tariff"] != "Старт") & (f["data_gb_month"] > 20))])
def test_voice_and_data_words_in_russian(tmp_path: Path, text: str, expected: object) -> None:
    assert_size(tmp_path, _operator, text, expected)  # type: ignore[arg-type]


def test_a_number_after_a_value_is_not_about_its_text_column(tmp_path: Path) -> None:
    path, _ = _operator(tmp_path)
    turn = ask_turns(path, tmp_path, "абоненты Бизнес с больше чем 1000 минут")
    assert turn.clarification and "voice_min_month" in turn.reply, turn.reply


def test_a_logs_breakdown_says_customers_count_under_their_usual_value(tmp_path: Path) -> None:
    path, _ = _diner_log(tmp_path)
    turn = ask_turns(path, tmp_path, "revenue by site")
    assert "most frequent site" in turn.reply, turn.reply
    zh = ask_turns(path, tmp_path, "各site的消费总额")
    assert "最常见的site" in zh.reply, zh.reply
    table, _ = _operator(tmp_path)
    plain = ask_turns(table, tmp_path, "average data_gb_month by tariff")
    assert "most frequent" not in plain.reply, plain.reply


def test_a_city_the_data_lacks_lists_the_datas_cities(tmp_path: Path) -> None:
    frame = pd.DataFrame({"guest": [f"G{k}" for k in range(60)],
                          "home_city": ["Chengdu", "Wuhan", "Xiamen"] * 20,
                          "nights": list(range(60))})
    path = tmp_path / "guests.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "广州的会员有多少")
    assert turn.clarification and "Xiamen" in turn.reply and "广州" in turn.reply, turn.reply


def test_a_russian_key_name_says_what_customers_are_called(tmp_path: Path) -> None:
    rng = np.random.default_rng(146)
    n = 900
    frame = pd.DataFrame({"визит_id": np.arange(n),
                          "номер_абонемента": rng.integers(1000, 1250, n),
                          "дата_визита": (pd.Timestamp("2026-02-01") + pd.to_timedelta(
                              rng.integers(0, 200, n), "D")).strftime("%d.%m.%Y")})
    path = tmp_path / "visits.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "абонементы с больше чем 5 визитами")
    assert turn.segment is not None, turn.reply
    counts = frame.groupby("номер_абонемента").size()
    assert turn.segment["size"] == int((counts > 5).sum()), turn.reply


def test_a_first_gift_date_gives_the_tenure_lifecycle_needs(tmp_path: Path) -> None:
    path, frame = _donors(tmp_path)
    rng = np.random.default_rng(147)
    last = pd.to_datetime(frame["last_gift_date"])
    frame["first_gift_date"] = (last - pd.to_timedelta(rng.integers(0, 900, len(frame)), "D")
                                ).dt.strftime("%Y-%m-%d")
    frame.to_json(path, orient="records")
    customers = load_customer_data(path).customers
    end = last.max() + pd.Timedelta(days=1)
    assert customers["tenure_days"].tolist() == (
        end - pd.to_datetime(frame["first_gift_date"])).dt.days.tolist()
    turn = ask_turns(path, tmp_path, "lapsed donors")
    assert turn.segment is not None and turn.segment["definition"]["type"] == "lifecycle", \
        turn.reply


def test_an_or_after_a_comma_joins_all_before_it(tmp_path: Path) -> None:
    path, frame = _operator(tmp_path)
    turn = ask_turns(path, tmp_path, "абоненты Бизнес с трафиком больше 20 гигов, или больше "
                                     "1500 минут разговоров")
    assert turn.segment is not None, turn.reply
    expected = ((frame["tariff"] == "Бизнес") & (frame["data_gb_month"] > 20)) | (
        frame["voice_min_month"] > 1500)
    assert turn.segment["size"] == int(expected.sum()), turn.segment


def test_a_share_of_paying_people_is_not_a_share_of_revenue(tmp_path: Path) -> None:
    path, frame = _spa(tmp_path)
    frame["shop_spend_usd"] = np.where(np.arange(len(frame)) % 3 == 0, 0.0, 25.0)
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "share of paying members by level")
    paying = frame.groupby("level")["shop_spend_usd"].apply(lambda s: 100 * (s > 0).mean())
    assert all(f"{level}: {rate:.1f}%" in turn.reply for level, rate in paying.items()), \
        turn.reply


def _motor(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(148)
    frame = pd.DataFrame({"holder_id": np.arange(n),
                          "car_brand": rng.choice(["Tesla", "BYD", "Geely", "Toyota"], n),
                          "premium_paid": rng.gamma(2.0, 3000.0, n).round(2),
                          "renewed": rng.choice(["yes", "no"], n),
                          "region": rng.choice(["North", "South"], n),
                          "claims": rng.integers(0, 6, n)})
    path = folder / "motor.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("有多少客户开特斯拉？", lambda f: f["car_brand"] == "Tesla"),
    ("比亚迪或吉利的客户", lambda f: f["car_brand"].isin(["BYD", "Geely"])),
    ("续保的客户", lambda f: f["renewed"] == "yes")])
def test_brands_and_renewal_in_chinese(tmp_path: Path, text: str, expected: object) -> None:
    assert_size(tmp_path, _motor, text, expected)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["按车品牌统计客户数",
                                  "количество клиентов по маркам автомобилей"])
def test_a_brand_word_breaks_down_by_the_brand_column(tmp_path: Path, text: str) -> None:
    path, frame = _motor(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    counts = frame["car_brand"].value_counts()
    assert all(f"{brand}" in turn.reply and str(count) in turn.reply
               for brand, count in counts.items()), turn.reply


def test_removing_a_values_condition_drops_it(tmp_path: Path) -> None:
    path, frame = _motor(tmp_path)
    turn = ask_turns(path, tmp_path, "North customers with more than 2 claims",
                     "remove the North condition")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["claims"] > 2).sum()), turn.segment


@pytest.mark.parametrize("turns", [("top 10% by claims", "change 10% to 20%"),
                                   ("理赔次数前10%的客户", "把10%改成20%")])
def test_a_rank_share_changed_by_quoting_it(tmp_path: Path, turns: tuple[str, str]) -> None:
    path, _ = _motor(tmp_path)
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"] == {"type": "rank", "column": "claims",
                                          "direction": "top", "n": None, "percent": 20.0}


@pytest.mark.parametrize("turns", [
    ("donors who havent given in 2 months", "change 2 months to 3 months"),
    ("доноры, которые не жертвовали 2 месяца", "поменяй 2 месяца на 3 месяца")])
def test_a_window_changed_by_quoting_it_with_its_unit(tmp_path: Path,
                                                      turns: tuple[str, str]) -> None:
    path, frame = _donors(tmp_path)
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(_gave_before(frame, 90).sum()), turn.segment
