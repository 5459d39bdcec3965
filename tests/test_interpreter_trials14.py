"""Fourteenth trial pass: what new users' trials found (and what the last pass left),
tried here on other invented files through the Assistant with the built-in backend.
Intended answers are plain pandas, per SEMANTICS.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns, assert_size, usual
from tools.engine.loading import load_customer_data


def _tea_club(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A tea club's members with a city column in Chinese and one in English words."""
    rng = np.random.default_rng(151)
    frame = pd.DataFrame({
        "member": [f"T{k:04d}" for k in range(n)],
        "城市": rng.choice(["上海", "北京", "成都", "西安"], n),
        "region": rng.choice(["Coast", "Inland", "Mountain"], n),
        "cups_bought": rng.integers(0, 60, n),
    })
    path = folder / "tea.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("turns", [
    ("members in 上海", "and also 北京"),
    ("members in 上海", "also 北京"),
    ("上海的会员", "还有北京的"),
    ("клиенты из Шанхая", "а также из Пекина")])
def test_also_and_a_value_of_the_same_column_grows_the_list(tmp_path: Path,
                                                            turns: tuple[str, str]) -> None:
    path, frame = _tea_club(tmp_path)
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(frame["城市"].isin(["上海", "北京"]).sum()), turn.reply


def test_also_with_a_condition_on_another_column_narrows(tmp_path: Path) -> None:
    path, frame = _tea_club(tmp_path)
    turn = ask_turns(path, tmp_path, "members in the Coast region", "also with over 30 cups")
    assert turn.segment is not None, turn.reply
    expected = (frame["region"] == "Coast") & (frame["cups_bought"] > 30)
    assert turn.segment["size"] == int(expected.sum()), turn.reply


def _studio(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    """A yoga studio's members: a 0-10 score, a last-visit date, US states by code."""
    rng = np.random.default_rng(152)
    frame = pd.DataFrame({
        "member_no": np.arange(1, n + 1),
        "nps_score": rng.integers(0, 11, n),
        "home_state": rng.choice(["CA", "NY", "TX", "WA", "OR"], n),
        "last_class": (pd.Timestamp("2026-11-20") - pd.to_timedelta(
            rng.integers(0, 400, n), "D")).strftime("%Y-%m-%d"),
        "ltv": rng.gamma(2.0, 300.0, n).round(2),
        "newsletter_open_rate": rng.uniform(0, 1, n).round(3),
        "signup_source": rng.choice(["Newsletter", "Walk-in", "Instagram"], n),
        "friends_referred": rng.integers(0, 4, n),
    })
    path = folder / "studio.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _before(frame: pd.DataFrame, day: str) -> pd.Series:
    return pd.to_datetime(frame["last_class"]) < pd.Timestamp(day)


@pytest.mark.parametrize(("text", "expected"), [
    ("members who haven't come since summer", lambda f: _before(f, "2026-06-01")),
    ("members who haven't come since the winter", lambda f: _before(f, "2025-12-01")),
    ("夏天以来没来过的会员", lambda f: _before(f, "2026-06-01")),
    ("клиенты, которые не приходили с лета", lambda f: _before(f, "2026-06-01")),
    ("клиенты, которые не приходили с марта", lambda f: _before(f, "2026-03-01")),
    ("критики по NPS", lambda f: f["nps_score"] <= 6),
    ("promoters according to nps", lambda f: f["nps_score"] >= 9),
    ("members from California or Oregon", lambda f: f["home_state"].isin(["CA", "OR"])),
    ("members with LTV over 500", lambda f: f["ltv"] > 500),
    ("who opens less than 20 percent of our newsletters?",
     lambda f: f["newsletter_open_rate"] < 0.2),
    ("members who referred at least one friend", lambda f: f["friends_referred"] > 0),
    ("members with at least one referral", lambda f: f["friends_referred"] > 0)])
def test_seasons_score_bands_state_names_and_measure_words(tmp_path: Path, text: str,
                                                           expected: object) -> None:
    assert_size(tmp_path, _studio, text, expected)  # type: ignore[arg-type]


def test_a_value_typed_as_written_beside_a_number_stays_a_value(tmp_path: Path) -> None:
    path, frame = _studio(tmp_path)
    turn = ask_turns(path, tmp_path, "members from Newsletter with open rate under 20%")
    expected = (frame["signup_source"] == "Newsletter") & (frame["newsletter_open_rate"] < 0.2)
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


def _gym(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    """A climbing gym's members: a band with 'unknown' and 'n/a', a tier, a 12-month count."""
    rng = np.random.default_rng(153)
    frame = pd.DataFrame({
        "member_id": [f"C{k:04d}" for k in range(n)],
        "grade_band": rng.choice(["Beginner", "Intermediate", "Advanced", "unknown", "n/a"], n,
                                 p=[0.3, 0.3, 0.2, 0.12, 0.08]),
        "tier": rng.choice(["Bronze", "Silver", "Gold"], n),
        "has_locker": rng.choice([0, 1], n),
        "sessions_last_12m": rng.integers(0, 40, n),
        "last_session": (pd.Timestamp("2026-10-30") - pd.to_timedelta(
            rng.integers(0, 500, n), "D")).strftime("%Y-%m-%d"),
        "city": rng.choice(["Leeds", "York", "Hull"], n),
        "spend_gbp": rng.gamma(2.0, 200.0, n).round(2),
    })
    path = folder / "gym.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("members with 5–10 sessions last 12m", lambda f: f["sessions_last_12m"].between(5, 10)),
    ("members whose grade band is n/a", lambda f: f["grade_band"] == "n/a"),
    ("members with grade band N/A", lambda f: f["grade_band"] == "n/a"),
    ("members whose grade band is unknown or n/a",
     lambda f: f["grade_band"].isin(["unknown", "n/a"])),
    ("everyone except bronze, no locker",
     lambda f: (f["tier"] != "Bronze") & (f["has_locker"] == 0)),
    ("members w/ 20 or more sessions last yr", lambda f: f["sessions_last_12m"] >= 20),
    ("Leeds + York members", lambda f: f["city"].isin(["Leeds", "York"]))])
def test_dashes_slashes_exclusions_and_named_windows(tmp_path: Path, text: str,
                                                     expected: object) -> None:
    assert_size(tmp_path, _gym, text, expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(("turns", "expected"), [
    (("members from Leeds, York and Hull", "убери York", "верни York"),
     lambda f: f["city"].isin(["Leeds", "York", "Hull"])),
    (("members from Leeds", "exclude gold", "put back gold"), lambda f: f["city"] == "Leeds"),
    (("клиенты из Лидса", "из них исключи тех, у кого меньше 10 сессий"),
     lambda f: (f["city"] == "Leeds") & (f["sessions_last_12m"] >= 10)),
    (("Leeds members", "of those, exclude the ones with fewer than 10 sessions"),
     lambda f: (f["city"] == "Leeds") & (f["sessions_last_12m"] >= 10)),
    (("利兹的会员", "其中消费一千以上的", "把一千换成五百"),
     lambda f: (f["city"] == "Leeds") & (f["spend_gbp"] >= 500)),
    (("利兹的会员", "其中消费一千以上的", "换成八百"),
     lambda f: (f["city"] == "Leeds") & (f["spend_gbp"] >= 800))])
def test_taking_back_excluding_among_them_and_swapping_a_number(
        tmp_path: Path, turns: tuple[str, ...], expected: object) -> None:
    assert_size(tmp_path, _gym, turns, expected)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["is spend correlated with sessions?",
                                  "消费和会话次数之间有相关性吗？",
                                  "есть ли корреляция между тратами и городом?"])
def test_correlation_is_declined_with_a_comparison_offered(tmp_path: Path, text: str) -> None:
    path, frame = _gym(tmp_path)
    turn = ask_turns(path, tmp_path, "Leeds members", text)
    assert turn.parse is not None and turn.parse["intent"] == "conversation", turn.reply
    assert "spend_gbp" in turn.reply, turn.reply
    leeds = int((frame["city"] == "Leeds").sum())
    assert turn.segment is not None and turn.segment["size"] == leeds


@pytest.mark.parametrize("chat", ["great stuff, u guys rock", "awesome, you guys rock!"])
def test_praise_leaves_the_segment(tmp_path: Path, chat: str) -> None:
    path, frame = _gym(tmp_path)
    turn = ask_turns(path, tmp_path, "Leeds members", chat)
    assert turn.parse is not None and turn.parse["intent"] == "conversation", turn.reply


def _garage(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A tyre shop's clients with Russian headers: a model year, visits, a tier in Chinese."""
    rng = np.random.default_rng(154)
    frame = pd.DataFrame({
        "клиент": np.arange(5000, 5000 + n),
        "год_выпуска": rng.integers(2005, 2025, n),
        "визиты": rng.integers(0, 25, n),
        "уровень": rng.choice(["普通", "金卡", "钻石"], n),
        "累计充值": np.where(rng.random(n) < 0.4, 0.0, rng.gamma(2.0, 300.0, n).round(2)),
        "充值次数": rng.integers(0, 30, n),
        "等级": rng.integers(1, 90, n),
        "区服": rng.choice(["S1", "S2", "S3"], n),
    })
    path = folder / "garage.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("машины старше 2015 года", lambda f: f["год_выпуска"] < 2015),
    ("машины выпущены до 2015 года", lambda f: f["год_выпуска"] < 2015),
    ("год выпуска с 2018 по 2020", lambda f: f["год_выпуска"].between(2018, 2020)),
    ("diamond members", lambda f: f["уровень"] == "钻石"),
    ("золотые и бриллиантовые клиенты", lambda f: f["уровень"].isin(["金卡", "钻石"])),
    ("клиенты с золотой картой", lambda f: f["уровень"] == "金卡"),
    ("充值前10%的玩家", lambda f: f["累计充值"] >= f["累计充值"].nlargest(60).min()),
    ("没有充值过的玩家", lambda f: f["累计充值"] == 0),
    ("五十级以上的玩家", lambda f: f["等级"] >= 50),
    ("клиенты с числом визитов больше 10", lambda f: f["визиты"] > 10)])
def test_model_years_tiers_and_chinese_money_words(tmp_path: Path, text: str,
                                                   expected: object) -> None:
    assert_size(tmp_path, _garage, text, expected)  # type: ignore[arg-type]


def test_the_paying_share_by_a_column_in_chinese(tmp_path: Path) -> None:
    path, frame = _garage(tmp_path)
    turn = ask_turns(path, tmp_path, "各区服付费玩家占比")
    s1 = frame[frame["区服"] == "S1"]
    assert f"{int((s1['累计充值'] > 0).sum())} 位" in turn.reply, turn.reply


def _cinema(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    """A cinema's tickets as JSON records, keyed by viewer."""
    rng = np.random.default_rng(155)
    frame = pd.DataFrame({
        "viewer_id": rng.integers(0, 350, n),
        "ticket_no": np.arange(n),
        "shown_at": (pd.Timestamp("2026-01-01") + pd.to_timedelta(
            rng.integers(0, 330 * 24, n), "h")).strftime("%Y-%m-%d %H:%M"),
        "genre": rng.choice(["драма", "комедия", "боевик"], n),
        "price": rng.integers(250, 900, n),
        "paid_with": rng.choice(["card", "cash", "sbp"], n),
    })
    path = folder / "tickets.json"
    frame.to_json(path, orient="records", force_ascii=False)
    return path, frame


def test_visits_ranked_and_payers_counted_in_russian(tmp_path: Path) -> None:
    path, frame = _cinema(tmp_path)
    turn = ask_turns(path, tmp_path, "топ-10 зрителей по количеству походов")
    assert turn.segment is not None and turn.segment["definition"]["column"] == "frequency"
    turn = ask_turns(path, tmp_path, "доля платящих по СБП по жанрам")
    genre = usual(frame, "viewer_id", "genre")
    paid = usual(frame, "viewer_id", "paid_with")
    drama = genre[genre == "драма"].index
    assert f"{int((paid[drama] == 'sbp').sum())} из {len(drama)}" in turn.reply, turn.reply


@pytest.mark.parametrize("chat", ["а ты вообще кто? бот?", "хорошего дня тебе!",
                                  "кстати, какой фильм посоветуешь на выходные?"])
def test_russian_small_talk_leaves_the_segment(tmp_path: Path, chat: str) -> None:
    path, frame = _cinema(tmp_path)
    turn = ask_turns(path, tmp_path, "зрители, которые платят картой", chat)
    assert turn.parse is not None and turn.parse["intent"] == "conversation", turn.reply


def test_a_date_in_a_request_is_read_as_the_data_writes_its_dates(tmp_path: Path) -> None:
    """A file of day-first dates (one above 12 says so): "03/04/2021" asked is 3 April."""
    rng = np.random.default_rng(156)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, 500), "D")
    frame = pd.DataFrame({"client": np.arange(500), "joined": days.strftime("%d/%m/%Y"),
                          "spend": rng.integers(0, 900, 500)})
    path = tmp_path / "clients.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "customers who joined after 03/04/2021")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((days > pd.Timestamp("2021-04-03")).sum()), turn.reply
    us = tmp_path / "us.csv"
    frame.assign(joined=days.strftime("%m/%d/%Y")).to_csv(us, index=False)
    turn = ask_turns(us, tmp_path / "us", "customers who joined after 03/04/2021")
    assert turn.segment is not None
    assert turn.segment["size"] == int((days > pd.Timestamp("2021-03-04")).sum()), turn.reply


def test_describing_the_data_says_how_the_file_was_read(tmp_path: Path) -> None:
    frame = pd.DataFrame({"client": range(40), "city": ["Zürich", "São Paulo"] * 20,
                          "joined": ["25/12/2021", "03/04/2022"] * 20})
    path = tmp_path / "legacy.csv"
    frame.to_csv(path, index=False, encoding="cp1252")
    turn = ask_turns(path, tmp_path, "describe the data")
    assert "cp1252" in turn.reply and "day/month/year" in turn.reply, turn.reply


def _salon(folder: Path, n: int = 2000) -> tuple[Path, pd.DataFrame]:
    """A nail bar's bookings, keyed by client, across three branches."""
    rng = np.random.default_rng(157)
    frame = pd.DataFrame({
        "client_no": rng.integers(0, 420, n),
        "booking_ref": [f"B{k:05d}" for k in range(n)],
        "visit_date": (pd.Timestamp("2025-06-01") + pd.to_timedelta(
            rng.integers(0, 500, n), "D")).strftime("%Y-%m-%d"),
        "branch": rng.choice(["Harbour", "Old Town", "Mill"], n),
        "price": rng.gamma(3.0, 20.0, n).round(2),
    })
    path = folder / "salon.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_the_median_number_of_bookings_per_client(tmp_path: Path) -> None:
    path, frame = _salon(tmp_path)
    median = frame.groupby("client_no")["booking_ref"].nunique().median()
    for text in ("what is the median number of bookings per client?",
                 "median orders per client"):
        turn = ask_turns(path, tmp_path, text)
        assert f"Median orders: {median:g}" in turn.reply, turn.reply


@pytest.mark.parametrize(("turns", "branch", "words"), [
    (("among clients from Harbour, what's the average spend?", "and for Mill?"), "Mill",
     "Spend per customer"),
    (("Harbour的客户平均消费是多少？", "那Mill呢？"), "Mill", "平均消费金额"),
    (("средняя сумма трат клиентов из Harbour", "а для Mill?"), "Mill", "Траты на клиента"),
    (("among clients from Harbour, what's the average spend?", "and for Mill?",
      "what about Old Town?"), "Old Town", "Spend per customer")])
def test_a_figure_asked_again_for_another_group(tmp_path: Path, turns: tuple[str, ...],
                                                branch: str, words: str) -> None:
    path, frame = _salon(tmp_path)
    home = usual(frame, "client_no", "branch")
    members = frame[frame["client_no"].isin(home[home == branch].index)]
    spend = members["price"].sum() / members["client_no"].nunique()
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is None, turn.reply
    shown = f"{spend:.2f}".replace(".", ",") if "Траты" in words else f"{spend:,.2f}"
    assert words in turn.reply and shown in turn.reply, turn.reply


def _bank(folder: Path, n: int = 900) -> tuple[Path, pd.DataFrame]:
    """A bank's clients with Chinese headers, a sport column in English, 12-month totals."""
    rng = np.random.default_rng(158)
    frame = pd.DataFrame({
        "客户号": [f"K{k:05d}" for k in range(n)],
        "城市": rng.choice(["北京", "上海", "深圳"], n),
        "资产余额": rng.integers(0, 2_000_000, n),
        "理财产品数": np.where(rng.random(n) < 0.3, 0, rng.integers(1, 6, n)),
        "信用卡持卡": rng.choice(["是", "否"], n),
        "客户等级": rng.choice(["普通", "金卡"], n),
        "favorite_sport": rng.choice(["Yoga", "Running", "Football"], n),
        "spend_12m": rng.gamma(2.0, 500.0, n).round(2),
        "orders_12m": rng.integers(1, 20, n),
    })
    path = folder / "bank.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("资产50-100万的客户", lambda f: f["资产余额"].between(500_000, 1_000_000)),
    ("没买理财的客户", lambda f: f["理财产品数"] == 0),
    ("资产超过100万但没有买理财的客户",
     lambda f: (f["资产余额"] > 1_000_000) & (f["理财产品数"] == 0)),
    ("未持有信用卡的客户", lambda f: f["信用卡持卡"] == "否"),
    ("喜欢瑜伽的客户", lambda f: f["favorite_sport"] == "Yoga"),
    ("клиенты, которые любят бег", lambda f: f["favorite_sport"] == "Running"),
    ("клиенты без футбола", lambda f: f["favorite_sport"] != "Football")])
def test_chinese_negated_verbs_ranges_in_wan_and_sports(tmp_path: Path, text: str,
                                                        expected: object) -> None:
    assert_size(tmp_path, _bank, text, expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(("turns", "expected"), [
    (("北京的金卡客户", "不要北京了，换成上海"),
     lambda f: (f["城市"] == "上海") & (f["客户等级"] == "金卡")),
    (("клиенты из Пекина", "без футбола", "отмена"), lambda f: f["城市"] == "北京"),
    (("клиенты из Пекина", "давай с начала: клиенты из Шанхая"), lambda f: f["城市"] == "上海")])
def test_swapping_undoing_and_starting_over(tmp_path: Path, turns: tuple[str, ...],
                                            expected: object) -> None:
    assert_size(tmp_path, _bank, turns, expected)  # type: ignore[arg-type]


def test_twelve_month_totals_are_the_spend_and_the_orders(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, "上海的客户", "这群人的平均客单价是多少")
    shanghai = frame[frame["城市"] == "上海"]
    value = shanghai["spend_12m"].sum() / shanghai["orders_12m"].sum()
    assert f"{value:,.2f}" in turn.reply, turn.reply


def test_a_clarification_names_the_datas_own_columns_first(tmp_path: Path) -> None:
    path, frame = _salon(tmp_path)
    turn = ask_turns(path, tmp_path, "clients who love frisbee")
    assert "branch" in turn.reply and "recency_days" in turn.reply, turn.reply
    assert turn.reply.index("branch") < turn.reply.index("recency_days"), turn.reply


@pytest.mark.parametrize(("yes", "no", "tie"), [("да", "нет", True), ("yes", "no", False),
                                               ("是", "否", False)])
def test_a_tie_in_a_yes_no_column_goes_to_the_alphabetically_first_word(
        tmp_path: Path, yes: str, no: str, tie: bool) -> None:
    """SEMANTICS.md: ties go to the alphabetically first of the data's own values: "да"
    before "нет" (yes), but "no" before "yes" and "否" before "是"."""
    rows = [(1, "2026-01-05", 10.0, yes), (1, "2026-02-05", 12.0, no),
            (2, "2026-01-07", 15.0, yes), (2, "2026-02-07", 5.0, yes), (2, "2026-03-01", 9.0, no),
            (3, "2026-01-09", 8.0, no)]
    frame = pd.DataFrame(rows, columns=["buyer_id", "order_date", "amount", "promo_used"])
    path = tmp_path / "promo.csv"
    frame.to_csv(path, index=False)
    flags = load_customer_data(path).customers["promo_used"]
    assert bool(flags.loc[flags.index[0]]) is tie
    assert bool(flags.loc[flags.index[1]]) and not bool(flags.loc[flags.index[2]])


@pytest.mark.parametrize(("answer", "pick"), [("第二个", 1), ("первый вариант", 0),
                                              ("the second one", 1)])
def test_a_choice_answered_in_words(tmp_path: Path, answer: str, pick: int) -> None:
    path, frame = _bank(tmp_path)
    offered = ask_turns(path, tmp_path, "best customers")
    assert offered.parse is not None and len(offered.parse["choices"]) > pick, offered.reply
    turn = ask_turns(path, tmp_path, "best customers", answer)
    assert turn.segment is not None, turn.reply
    assert offered.parse["choices"][pick].split(":")[0] in turn.parse["reading"], turn.parse


def test_comparing_with_all_members_in_chinese(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, "北京的客户", "和所有会员比较")
    assert "全体客户" in turn.reply and "all customers" not in turn.reply, turn.reply
    assert turn.segment is not None and turn.segment["size"] == int((frame["城市"] == "北京").sum())


def test_a_bare_number_keeps_the_conversations_language(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, "北京的客户", "2")
    assert turn.parse is not None and turn.parse["language"] == "zh", turn.reply


def _shop_lines(folder: Path, n: int = 1800) -> tuple[Path, pd.DataFrame]:
    """A home-goods shop's order lines: amount is quantity x price, dates day first."""
    rng = np.random.default_rng(159)
    frame = pd.DataFrame({
        "Invoice": [f"{600000 + k // 2}" for k in range(n)],
        "Customer": rng.integers(10000, 10450, n),
        "Qty": rng.integers(1, 6, n),
        "Price": rng.gamma(2.0, 4.0, n).round(2),
        "Date": (pd.Timestamp("2025-01-01") + pd.to_timedelta(
            rng.integers(0, 330, n), "D")).strftime("%d/%m/%Y"),
        "Country": rng.choice(["United Kingdom", "France", "Germany"], n, p=[0.7, 0.15, 0.15]),
    })
    path = folder / "lines.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_one_time_buyers_of_the_last_month_bought_once_ever(tmp_path: Path) -> None:
    path, frame = _shop_lines(tmp_path)
    data = load_customer_data(path)
    customers = data.customers
    turn = ask_turns(path, tmp_path, "one-time buyers from the last 30 days")
    expected = (customers["frequency"] == 1) & (customers["recency_days"] <= 30)
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


def test_two_rfm_names_and_a_country(tmp_path: Path) -> None:
    path, frame = _shop_lines(tmp_path)
    turn = ask_turns(path, tmp_path, "champions and loyal customers in france")
    definition = turn.segment["definition"] if turn.segment else None
    assert definition is not None and definition["type"] == "and", turn.reply
    assert definition["all"][0]["segments"] == ["Champions", "Loyal Customers"], definition


@pytest.mark.parametrize(("turns", "column", "value"), [
    (("customers who spent over 200", "make it 150 not 200"), "monetary", 150),
    (("customers who ordered in the last 60 days", "actually make it 30 days not 60"),
     "recency_days", 30)])
def test_an_edit_said_as_new_not_old(tmp_path: Path, turns: tuple[str, str], column: str,
                                     value: int) -> None:
    path, frame = _shop_lines(tmp_path)
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["column"] == column
    assert turn.segment["definition"]["value"] == value, turn.reply


def test_a_breakdown_for_an_rfm_segment_keeps_the_segment(tmp_path: Path) -> None:
    path, frame = _shop_lines(tmp_path)
    turn = ask_turns(path, tmp_path, "revenue by country for champions")
    assert "Champions" in turn.reply and turn.segment is None, turn.reply


@pytest.mark.parametrize(("text", "stage"), [
    ("customers in the active lifecycle stage", "active"),
    ("lifecycle stage active", "active"),
    ("customers in the new lifecycle stage", "new")])
def test_lifecycle_stages_named_with_the_word_lifecycle(tmp_path: Path, text: str,
                                                        stage: str) -> None:
    path, frame = _shop_lines(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"] == {"type": "lifecycle", "stages": [stage]}, turn.reply


@pytest.mark.parametrize("text", ["按门店统计收入", "выручка по филиалам", "revenue by outlet"])
def test_a_branch_column_is_the_store(tmp_path: Path, text: str) -> None:
    path, frame = _salon(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert "branch" in turn.reply and turn.segment is None, turn.reply


@pytest.mark.parametrize("text", ["预约5次及以上的客户占比是多少？",
                                  "какая доля клиентов сделала 5 и более записей?"])
def test_bookings_are_orders_in_chinese_and_russian(tmp_path: Path, text: str) -> None:
    path, frame = _salon(tmp_path)
    orders = frame.groupby("client_no")["booking_ref"].nunique()
    turn = ask_turns(path, tmp_path, text)
    assert f"{int((orders >= 5).sum())}" in turn.reply, turn.reply


@pytest.mark.parametrize("text", ["年轻客户", "上海的老年客户"])
def test_young_and_old_in_chinese_offer_readings(tmp_path: Path, text: str) -> None:
    rng = np.random.default_rng(160)
    frame = pd.DataFrame({"客户号": range(400), "年龄": rng.integers(18, 80, 400),
                          "城市": rng.choice(["上海", "北京"], 400)})
    path = tmp_path / "ages.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is None and turn.parse is not None and turn.parse["choices"], turn.reply
    assert any("年龄" in choice for choice in turn.parse["choices"]), turn.parse


def test_no_thing_done_for_a_year_is_a_window(tmp_path: Path) -> None:
    rng = np.random.default_rng(161)
    last = pd.Timestamp("2026-11-29") - pd.to_timedelta(rng.integers(0, 900, 500), "D")
    frame = pd.DataFrame({"customer_id": range(500), "rentals_count": rng.integers(1, 20, 500),
                          "last_rental_date": last.strftime("%Y-%m-%d")})
    path = tmp_path / "rentals.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "customers with no rental for a year")
    expected = last < pd.Timestamp("2026-11-30") - pd.Timedelta(days=365)
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


def _tea_members(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    """A milk-tea chain's members with Chinese headers; 会员 is also a word of 会员等级."""
    rng = np.random.default_rng(162)
    frame = pd.DataFrame({
        "会员号": [f"T{k:05d}" for k in range(n)],
        "城市": rng.choice(["杭州", "成都", "武汉"], n),
        "累计消费": rng.gamma(2.0, 400.0, n).round(2),
        "会员等级": rng.choice(["普通", "银卡", "金卡"], n),
        "注册日期": (pd.Timestamp("2022-01-01") + pd.to_timedelta(
            rng.integers(0, 1400, n), "D")).strftime("%Y-%m-%d"),
        "常点品类": rng.choice(["奶茶", "果茶", "咖啡"], n),
        "bonus_card": rng.choice(["да", "нет"], n),
    })
    path = folder / "tea_members.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("turns", "expected"), [
    (("杭州和成都的会员", "把杭州换成武汉"), lambda f: f["城市"].isin(["成都", "武汉"])),
    (("2024年以后注册的会员",), lambda f: pd.to_datetime(f["注册日期"]) >= "2024-01-01"),
    (("喜欢喝咖啡的会员",), lambda f: f["常点品类"] == "咖啡"),
    (("累计消费最高的20个会员",), lambda f: f["累计消费"] >= f["累计消费"].nlargest(20).min()),
    (("клиенты из Чэнду", "из них с бонусной картой", "убери бонусную карту"),
     lambda f: f["城市"] == "成都"),
    (("клиенты из Чэнду", "из них с бонусной картой", "убери бонусную карту", "верни"),
     lambda f: (f["城市"] == "成都") & (f["bonus_card"] == "да"))])
def test_swaps_in_a_list_inclusive_years_and_taking_a_condition_away(
        tmp_path: Path, turns: tuple[str, ...], expected: object) -> None:
    assert_size(tmp_path, _tea_members, turns, expected)  # type: ignore[arg-type]


def test_a_saved_name_with_a_value_in_it_is_loaded(tmp_path: Path) -> None:
    path, frame = _tea_members(tmp_path)
    turn = ask_turns(path, tmp_path, "成都的会员", "保存为成都_vip", "金卡会员", "回到成都_vip")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["城市"] == "成都").sum()), turn.reply


def test_a_one_group_figure_asked_again_for_another(tmp_path: Path) -> None:
    path, frame = _salon(tmp_path)
    turn = ask_turns(path, tmp_path, "what is the average order value at the Harbour branch?",
                     "and for Mill?")
    assert turn.segment is None and "Mill" in turn.reply and "Harbour" not in turn.reply, \
        turn.reply


@pytest.mark.parametrize("chat", ["hi, thanks for the help so far!", "cool, you are pretty handy",
                                  "ты классный помощник"])
def test_more_praise_is_conversation(tmp_path: Path, chat: str) -> None:
    path, frame = _tea_members(tmp_path)
    turn = ask_turns(path, tmp_path, "成都的会员", chat)
    assert turn.parse is not None and turn.parse["intent"] == "conversation", turn.reply
