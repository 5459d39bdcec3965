"""Fifth trial pass: invented files a new user brought (B2B accounts with industries, a
Chinese school's student table with Chinese headers), loaded by the real loader and asked
through the Assistant with the built-in backend. Intended answers are plain pandas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assistant.core import Assistant
from tests.cli_ask import ask_turns
from tools.engine.loading import load_customer_data


def _accounts(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({
        "account_id": [f"A{k}" for k in range(n)],
        "industry": rng.choice(["Manufacturing", "Retail", "Healthcare", "Technology",
                                "Finance"], n),
        "arr": rng.integers(1000, 90000, n),
        "seats": rng.integers(1, 300, n),
    })
    path = folder / "accounts.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "industries"), [
    ("制造业客户", ["Manufacturing"]),
    ("клиенты из производства", ["Manufacturing"]),
    ("компании из сферы финансов", ["Finance"]),
    ("accounts in tech", ["Technology"]),
    ("医疗和零售行业的客户", ["Healthcare", "Retail"]),
])
def test_an_industry_named_in_another_language_meets_the_datas_value(
        tmp_path: Path, text: str, industries: list[str]) -> None:
    path, frame = _accounts(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(frame["industry"].isin(industries).sum()), turn.reply


def test_an_industry_the_data_lacks_names_the_real_ones(tmp_path: Path) -> None:
    path, _ = _accounts(tmp_path)
    turn = ask_turns(path, tmp_path, "农业客户")
    assert turn.segment is None and "Manufacturing" in turn.reply and "农业" in turn.reply


def _students(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    """A Chinese school's students, with Chinese headers and values."""
    rng = np.random.default_rng(55)
    frame = pd.DataFrame({
        "学员编号": [f"S{10000 + k}" for k in range(n)],
        "城市": rng.choice(["北京", "上海", "杭州", "成都", "广州"], n),
        "性别": rng.choice(["男", "女"], n),
        "会员等级": rng.choice(["普通", "白银", "黄金"], n, p=[.5, .3, .2]),
        "累计消费金额": rng.gamma(2, 2500, n).round(2),
        "课程数": rng.integers(1, 25, n),
        "是否续费": rng.choice(["是", "否"], n),
        "注册渠道": rng.choice(["抖音", "微信", "官网"], n),
    })
    path = folder / "学员.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("除了北京的学员", lambda f: f["城市"] != "北京"),
    ("除了北京和上海以外的学员", lambda f: ~f["城市"].isin(["北京", "上海"])),
    # traditional characters read as the simplified ones the data writes
    ("抖音渠道來的已續費學員", lambda f: (f["注册渠道"] == "抖音") & (f["是否续费"] == "是")),
    ("會員等級是黃金的上海學員", lambda f: (f["会员等级"] == "黄金") & (f["城市"] == "上海")),
    ("课程数至少10门的学员", lambda f: f["课程数"] >= 10),
])
def test_chinese_requests_on_chinese_headers(tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _students(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), (text, turn.segment)
    assert "此前还没有细分" not in turn.reply  # a whole request, not a follow-up


def test_conditions_added_and_removed_in_a_conversation(tmp_path: Path) -> None:
    path, f = _students(tmp_path)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")

    def size(text: str) -> int:
        turn = bot.ask(text)
        assert turn.segment is not None, (text, turn.reply)
        return int(turn.segment["size"])

    gold_beijing = (f["会员等级"] == "黄金") & (f["城市"] == "北京")
    assert size("黄金会员") == int((f["会员等级"] == "黄金").sum())
    assert size("只要北京的") == int(gold_beijing.sum())
    rich = f["累计消费金额"] > 5000
    # "add the condition": and-ed, not either one
    assert size("再加上消费超过五千的条件") == int((gold_beijing & rich).sum())
    assert size("撤销") == int(gold_beijing.sum())
    assert size("再加个条件：累计消费大于5000") == int((gold_beijing & rich).sum())
    # a value swapped keeps the other conditions
    assert size("换成杭州") == int(((f["会员等级"] == "黄金") & (f["城市"] == "杭州") & rich).sum())
    # a condition removed by naming its column, in Chinese and Russian
    assert size("去掉消费的条件") == int(((f["会员等级"] == "黄金") & (f["城市"] == "杭州")).sum())
    assert size("убери фильтр по городу") == int((f["会员等级"] == "黄金").sum())
    # "except men" on the current segment
    assert size("除了男生") == int(((f["会员等级"] == "黄金") & (f["性别"] != "男")).sum())


def test_traditional_values_in_the_data_meet_simplified_requests(tmp_path: Path) -> None:
    frame = pd.DataFrame({"客戶編號": [f"T{k}" for k in range(60)],
                          "城市": ["臺北", "高雄", "臺中"] * 20,
                          "消費金額": np.arange(60) * 10})
    path = tmp_path / "tw.csv"
    frame.to_csv(path, index=False)
    for text in ("台北的客户", "臺北的客戶"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, turn.reply
        assert turn.segment["definition"] == {"type": "in", "column": "城市", "values": ["臺北"]}


@pytest.mark.parametrize("text", ["lol", "haha", "ok cool", "哈哈", "ахах"])
def test_laughter_is_conversation(tmp_path: Path, text: str) -> None:
    path, frame = _accounts(tmp_path)
    turn = ask_turns(path, tmp_path, "accounts in tech", text)
    assert turn.to_json()["parse"]["intent"] == "conversation", turn.reply
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["industry"] == "Technology").sum())


def _members(folder: Path, n: int = 1000) -> tuple[Path, pd.DataFrame]:
    """An airline's loyalty members: a birth year (no age), two date columns."""
    rng = np.random.default_rng(21)
    frame = pd.DataFrame({
        "MemberNo": [f"FF{100000 + k}" for k in range(n)],
        "HomeCountry": rng.choice(["United States", "United Kingdom", "Germany"], n),
        "MilesBalance": rng.integers(0, 60000, n),
        "LastFlightDate": (pd.Timestamp("2025-06-29") - pd.to_timedelta(
            rng.integers(0, 700, n), unit="D")).strftime("%Y-%m-%d"),
        "EnrollDate": (pd.Timestamp("2025-04-06") - pd.to_timedelta(
            rng.integers(0, 3000, n), unit="D")).strftime("%Y-%m-%d"),
        "CobrandCard": rng.choice(["Y", "N"], n),
        "Gender": rng.choice(["F", "M"], n),
        "BirthYear": rng.integers(1950, 2005, n),
    })
    path = folder / "members.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _end(frame: pd.DataFrame) -> pd.Timestamp:
    """The day after the table's latest date: its as-of date."""
    return max(pd.to_datetime(frame[c]).max() for c in ("LastFlightDate", "EnrollDate")) + \
        pd.Timedelta(days=1)


@pytest.mark.parametrize(("text", "expected"), [
    ("members who havent flown in 6 months",
     lambda f: pd.to_datetime(f.LastFlightDate) < _end(f) - pd.Timedelta(days=180)),
    ("joined this year", lambda f: pd.to_datetime(f.EnrollDate).dt.year == _end(f).year),
    ("members who joined in 2024", lambda f: f.EnrollDate.str.startswith("2024")),
    ("members aged 40 to 50",
     lambda f: f.BirthYear.between(_end(f).year - 50, _end(f).year - 40)),
    ("women under 30 yrs old with a card", lambda f: (f.Gender == "F") & (
        f.BirthYear > _end(f).year - 30) & (f.CobrandCard == "Y")),
    ("members with 5k+ miles in the us",
     lambda f: (f.MilesBalance >= 5000) & (f.HomeCountry == "United States")),
    ("members from the us", lambda f: f.HomeCountry == "United States"),
])
def test_dates_ages_and_places_as_people_type_them(tmp_path: Path, text: str,
                                                   expected: Any) -> None:
    path, frame = _members(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), (text, turn.segment)


def test_not_logged_in_reads_the_login_date(tmp_path: Path) -> None:
    path, frame = _students(tmp_path)
    rng = np.random.default_rng(8)
    frame["最近登录日期"] = (pd.Timestamp("2026-12-04") - pd.to_timedelta(
        rng.integers(0, 200, len(frame)), unit="D")).strftime("%Y-%m-%d")
    frame.to_csv(path, index=False)
    cutoff = pd.Timestamp("2026-12-05") - pd.Timedelta(days=30)
    for text in ("最近30天没登录的学员", "超过30天没有登录的学员", "最近登录日期在30天以前的学员"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, (text, turn.reply)
        assert turn.segment["size"] == int((pd.to_datetime(frame["最近登录日期"]) < cutoff).sum())


def _pharmacy(folder: Path, n: int = 3000) -> tuple[Path, pd.DataFrame]:
    """A pharmacy chain's order log with Russian headers and day-first dates."""
    rng = np.random.default_rng(17)
    days = pd.Timestamp("2024-12-31") - pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    frame = pd.DataFrame({
        "номер_заказа": [f"З{200000 + k}" for k in range(n)],
        "клиент": [f"К{k}" for k in rng.integers(1000, 1600, n)],
        "дата_заказа": days.strftime("%d.%m.%Y"),
        "сумма": rng.gamma(2, 600, n).round(2),
        "город": rng.choice(["Москва", "Казань", "Самара"], n),
        "категория": rng.choice(["лекарства", "витамины", "косметика"], n, p=[.6, .25, .15]),
    })
    path = folder / "аптека.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _lines(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(day=pd.to_datetime(frame["дата_заказа"], format="%d.%m.%Y"))


def _within(frame: pd.DataFrame, days: int) -> pd.DataFrame:
    """The lines of the last `days` days before the as-of date (the day after the last)."""
    lines = _lines(frame)
    as_of = lines.day.max() + pd.Timedelta(days=1)
    return lines[lines.day >= as_of - pd.Timedelta(days=days)]


@pytest.mark.parametrize(("text", "expected"), [
    ("кто потратил больше 5000 за последний месяц",
     lambda f: (_within(f, 30).groupby("клиент")["сумма"].sum() > 5000).sum()),
    ("customers who spent over 5000 in the last 30 days",
     lambda f: (_within(f, 30).groupby("клиент")["сумма"].sum() > 5000).sum()),
    ("customers who ordered at least 3 times in the last 60 days",
     lambda f: (_within(f, 60).groupby("клиент")["номер_заказа"].nunique() >= 3).sum()),
    ("кто хоть раз покупал витамины",
     lambda f: f.loc[f["категория"] == "витамины", "клиент"].nunique()),
    ("customers who ever bought витамины",
     lambda f: f.loc[f["категория"] == "витамины", "клиент"].nunique()),
    ("клиенты, которые никогда не покупали витамины",
     lambda f: f["клиент"].nunique() - f.loc[f["категория"] == "витамины", "клиент"].nunique()),
])
def test_purchases_read_from_the_lines(tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _pharmacy(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame)), (text, turn.segment)


def test_a_category_without_ever_is_the_usual_one(tmp_path: Path) -> None:
    """SEMANTICS.md: a log's other columns are the customer's most frequent value."""
    path, frame = _pharmacy(tmp_path)
    turn = ask_turns(path, tmp_path, "кто покупал витамины")
    assert turn.segment is not None
    assert turn.segment["definition"] == {"type": "in", "column": "категория",
                                          "values": ["витамины"]}


def _bank(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(31)
    frame = pd.DataFrame({
        "client_id": np.arange(50001, 50001 + n),
        "region": rng.choice(["Москва", "Московская область", "Республика Татарстан"], n),
        "balance_rub": rng.gamma(2, 40000, n).round(2),
        "is_active": rng.choice([1, 0], n),
        "exited": rng.choice([1, 0], n, p=[.25, .75]),
        "gender": rng.choice(["М", "Ж"], n),
    })
    path = folder / "bank.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("text", [
    "какой процент оттока среди активных клиентов", "какой процент ушедших среди активных клиентов",
    "what share of active clients exited?", "churn rate among active clients",
    "活跃客户中流失的比例", "活跃客户中的流失率", "отток среди активных",
    "churn among active clients",
])
def test_a_rate_within_a_yes_no_group(tmp_path: Path, text: str) -> None:
    path, frame = _bank(tmp_path)
    active = frame[frame.is_active == 1]
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is None and turn.to_json()["parse"]["intent"] == "data_question"
    shown = f"{100 * active.exited.mean():.1f}"
    assert shown in turn.reply or shown.replace(".", ",") in turn.reply, turn.reply
    assert str(len(active)) in turn.reply, turn.reply


def test_a_word_of_a_longer_place_name(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, "клиенты из Татарстана")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame.region == "Республика Татарстан").sum()), turn.reply


def test_a_chinese_city_the_data_lacks_names_the_real_ones(tmp_path: Path) -> None:
    path, _ = _students(tmp_path)
    turn = ask_turns(path, tmp_path, "南京的学员")
    assert turn.segment is None and "南京" in turn.reply and "杭州" in turn.reply, turn.reply


def test_joined_within_half_a_year(tmp_path: Path) -> None:
    path, frame = _students(tmp_path)
    rng = np.random.default_rng(4)
    frame["注册日期"] = (pd.Timestamp("2026-11-30") - pd.to_timedelta(
        rng.integers(0, 720, len(frame)), unit="D")).strftime("%Y-%m-%d")
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "半年内注册的学员")
    end = pd.to_datetime(frame["注册日期"]).max() + pd.Timedelta(days=1)
    cutoff = end - pd.Timedelta(days=180)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((pd.to_datetime(frame["注册日期"]) >= cutoff).sum())


def test_a_vague_word_keeps_the_conditions_said_with_it(tmp_path: Path) -> None:
    path, frame = _pharmacy(tmp_path)
    asked = ask_turns(path, tmp_path, "半年没来买过的老客")
    assert asked.segment is None and "1." in asked.reply and "2." in asked.reply, asked.reply
    turn = ask_turns(path, tmp_path, "半年没来买过的老客", "1")
    lapsed = {"type": "compare", "column": "recency_days", "op": ">", "value": 180}
    assert turn.segment is not None, turn.reply
    condition = turn.segment["definition"]
    assert condition["type"] == "and" and lapsed in condition["all"], condition


def test_a_share_asked_in_a_conversation_is_of_the_segment(tmp_path: Path) -> None:
    path, frame = _members(tmp_path)
    rich = frame[frame.MilesBalance > 30000]
    for text in ("what % have a cobrand card", "what share have a cobrand card?"):
        turn = ask_turns(path, tmp_path, "members with over 30000 miles", text)
        assert turn.segment is not None and turn.segment["size"] == len(rich), turn.reply
        assert f"{100 * (rich.CobrandCard == 'Y').mean():.1f}%" in turn.reply, turn.reply
        assert f"of {len(rich)}" in turn.reply, turn.reply


def test_avg_order_value_of_these(tmp_path: Path) -> None:
    path, frame = _pharmacy(tmp_path)
    # the segment: customers whose usual city (ties to the first name) is Kazan
    usual = frame.groupby("клиент")["город"].agg(
        lambda s: sorted(s.value_counts()[lambda c: c == c.max()].index)[0])
    lines = frame[frame["клиент"].isin(usual[usual == "Казань"].index)]
    per_order = lines["сумма"].sum() / lines["номер_заказа"].nunique()
    turn = ask_turns(path, tmp_path, "клиенты из Казани", "whats the avg order value for these")
    assert turn.segment is not None and "current segment" in turn.reply, turn.reply
    assert f"{per_order:,.2f}" in turn.reply, (per_order, turn.reply)


def test_n_joins_two_values(tmp_path: Path) -> None:
    path, frame = _accounts(tmp_path)
    turn = ask_turns(path, tmp_path, "retail n finance accounts")
    assert turn.segment is not None and turn.segment["size"] == int(
        frame.industry.isin(["Retail", "Finance"]).sum()), turn.reply


def test_a_personal_column_named_says_why_it_is_not_used(tmp_path: Path) -> None:
    frame = pd.DataFrame({"customer_id": range(50),
                          "customer_email": [f"u{k}@example.com" for k in range(50)],
                          "city": ["Paris", "Lyon"] * 25, "spend": range(50)})
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "customers whose email ends with example")
    assert turn.segment is None and "customer_email" in turn.reply and "personal" in turn.reply
    turn = ask_turns(path, tmp_path, "customers in Paris")
    assert turn.segment is not None and turn.segment["size"] == 25


@pytest.mark.parametrize("text", ["活跃客户中的流失用户", "churned clients among the active ones"])
def test_people_among_a_group_are_a_segment(tmp_path: Path, text: str) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame.is_active == 1) & (frame.exited == 1)).sum()), turn.reply


def _subscribers(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A Chinese telecom's subscribers: tenure in months named in Chinese."""
    rng = np.random.default_rng(66)
    frame = pd.DataFrame({
        "用户编号": [f"U{300000 + k}" for k in range(n)],
        "省份": rng.choice(["广东", "浙江", "江苏", "四川", "北京"], n),
        "套餐": rng.choice(["基础", "标准", "尊享"], n),
        "在网月数": rng.integers(1, 80, n),
        "是否流失": rng.choice(["是", "否"], n, p=[.2, .8]),
        "年龄": rng.integers(18, 70, n),
    })
    path = folder / "用户.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("在网超过两年的用户", lambda f: f["在网月数"] > 24),
    ("在网不满半年的用户", lambda f: f["在网月数"] < 6),
    ("在网1年以上且未流失的", lambda f: (f["在网月数"] >= 12) & (f["是否流失"] == "否")),
    ("абоненты, которые с нами больше 3 лет", lambda f: f["在网月数"] > 36),
    ("subscribers who have been with us for more than 2 years", lambda f: f["在网月数"] > 24),
    ("广冬的用户", lambda f: f["省份"] == "广东"),  # a miswritten character
])
def test_tenure_in_years_on_a_months_column_and_a_chinese_typo(
        tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _subscribers(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), (text, turn.segment)


def test_a_place_the_data_lacks_among_chinese_provinces(tmp_path: Path) -> None:
    path, _ = _subscribers(tmp_path)
    turn = ask_turns(path, tmp_path, "上海的用户")
    assert turn.segment is None and "上海" in turn.reply and "浙江" in turn.reply, turn.reply


def test_a_russian_request_with_a_chinese_value_is_answered_in_russian(tmp_path: Path) -> None:
    path, frame = _subscribers(tmp_path)
    turn = ask_turns(path, tmp_path, "абоненты тарифа 尊享 младше 30")
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame["套餐"] == "尊享") & (frame["年龄"] < 30)).sum())
    assert "клиент" in turn.reply, turn.reply


def _cosmetics(folder: Path, n: int = 3000) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(606)
    stamps = pd.Timestamp("2025-12-31 20:00") - pd.to_timedelta(
        rng.integers(0, 365 * 24 * 60, n), unit="min")
    frame = pd.DataFrame({
        "order_no": [f"N{k}" for k in range(n)],
        "customer_id": [f"C{k}" for k in rng.integers(0, 600, n)],
        "order_datetime": stamps.strftime("%Y-%m-%d %H:%M:%S"),
        "product_category": rng.choice(["Skincare", "Makeup", "Fragrance", "Haircare"], n),
        "amount_eur": rng.gamma(2, 30, n).round(2),
        "channel": rng.choice(["Website", "App", "Marketplace"], n),
        "country": rng.choice(["Germany", "France", "Poland"], n),
    })
    path = folder / "cosmetics.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _days(frame: pd.DataFrame) -> pd.DataFrame:
    day = pd.to_datetime(frame.order_datetime).dt.normalize()
    return frame.assign(day=day, as_of=day.max() + pd.Timedelta(days=1))


@pytest.mark.parametrize(("text", "expected"), [
    ("customers who bought skincare at least 3 times",
     lambda f: (f[f.product_category == "Skincare"].groupby("customer_id").order_no.nunique()
                >= 3).sum()),
    ("customers who bought makeup in the last 30 days",
     lambda f: f[(f.product_category == "Makeup") & (f.day >= f.as_of - pd.Timedelta(
         days=30))].customer_id.nunique()),
    ("customers who spent at least 100 on haircare",
     lambda f: (f[f.product_category == "Haircare"].groupby("customer_id").amount_eur.sum()
                >= 100).sum()),
    ("клиенты, покупавшие через приложение за последнюю неделю",
     lambda f: f[(f.channel == "App") & (f.day >= f.as_of - pd.Timedelta(
         days=7))].customer_id.nunique()),
    ("customers who bought in December",
     lambda f: f[(f.day.dt.month == 12) & (f.day.dt.year == 2025)].customer_id.nunique()),
    ("12月购买过的客户",
     lambda f: f[(f.day.dt.month == 12) & (f.day.dt.year == 2025)].customer_id.nunique()),
])
def test_what_was_bought_read_from_the_lines(tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _cosmetics(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(_days(frame))), (text, turn.segment)


def test_revenue_share_from_customers_of_a_place_in_russian(tmp_path: Path) -> None:
    path, frame = _cosmetics(tmp_path)
    turn = ask_turns(path, tmp_path, "доля выручки от клиентов из Польши")
    assert turn.segment is None and turn.to_json()["parse"]["intent"] == "data_question"
    assert "Poland" in turn.reply and "%" in turn.reply, turn.reply


def _guests(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    """A hotel chain's guests, Russian headers and values."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "гость_id": np.arange(10001, 10001 + n),
        "город_проживания": rng.choice(["Москва", "Казань", "Сочи"], n),
        "категория_номера": rng.choice(["стандарт", "делюкс", "люкс"], n),
        "ночей_всего": rng.integers(1, 30, n),
        "возраст": rng.integers(18, 80, n),
        "пол": rng.choice(["м", "ж"], n),
    })
    path = folder / "гости.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "expected"), [
    ("гости от 30 до 45 лет", lambda f: f["возраст"].between(30, 45)),
    ("гости, прожившие больше недели", lambda f: f["ночей_всего"] > 7),
    ("гости с более чем 10 ночами", lambda f: f["ночей_всего"] > 10),
])
def test_years_of_guests_and_nights_in_russian(tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _guests(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), (text, turn.segment)


@pytest.mark.parametrize(("turns", "expected"), [
    (["гости из Москвы в люксе", "вместо люкса делюкс"],
     lambda f: (f["город_проживания"] == "Москва") & (f["категория_номера"] == "делюкс")),
    (["гости из Москвы в люксе", "замени Москву на Казань"],
     lambda f: (f["город_проживания"] == "Казань") & (f["категория_номера"] == "люкс")),
    (["guests from Moscow in люкс", "swap люкс for стандарт"],
     lambda f: (f["город_проживания"] == "Москва") & (f["категория_номера"] == "стандарт")),
    (["guests from Moscow in люкс", "replace Moscow with Sochi"],
     lambda f: (f["город_проживания"] == "Сочи") & (f["категория_номера"] == "люкс")),
    (["莫斯科的люкс客人", "把莫斯科换成喀山"],
     lambda f: (f["город_проживания"] == "Казань") & (f["категория_номера"] == "люкс")),
])
def test_a_value_named_from_and_to_replaces(tmp_path: Path, turns: list[str],
                                            expected: Any) -> None:
    path, frame = _guests(tmp_path)
    turn = ask_turns(path, tmp_path, *turns)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), (turns, turn.segment)


def _delivery(folder: Path, n: int = 3000) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(77)
    frame = pd.DataFrame({
        "order_id": [f"D{k}" for k in range(n)],
        "user_id": [f"U{k}" for k in rng.integers(0, 500, n)],
        "created_at": (pd.Timestamp("2026-10-30") - pd.to_timedelta(
            rng.integers(0, 300, n), unit="D")).strftime("%Y-%m-%d"),
        "basket_value": rng.gamma(2, 15, n).round(2),
        "cuisine": rng.choice(["Pizza", "Sushi", "Burgers", "Healthy"], n, p=[.4, .2, .25, .15]),
        "city": rng.choice(["London", "Leeds", "Bristol"], n),
        "payment": rng.choice(["card", "cash", "apple pay"], n, p=[.6, .1, .3]),
    })
    path = folder / "delivery.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _usual(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.groupby("user_id")[column].agg(
        lambda s: sorted(s.value_counts()[lambda c: c == c.max()].index)[0])


@pytest.mark.parametrize(("text", "expected"), [
    ("曾经点过寿司的客户", lambda f: f[f.cuisine == "Sushi"].user_id.nunique()),
    ("从来没点过披萨的客户",
     lambda f: f.user_id.nunique() - f[f.cuisine == "Pizza"].user_id.nunique()),
    ("клиенты, которые хоть раз заказывали суши", lambda f: f[f.cuisine == "Sushi"].user_id
     .nunique()),
    ("现金支付的客户", lambda f: int((_usual(f, "payment") == "cash").sum())),
    ("customers who pay in cash", lambda f: int((_usual(f, "payment") == "cash").sum())),
])
def test_cuisines_and_payments_in_three_languages(tmp_path: Path, text: str,
                                                  expected: Any) -> None:
    path, frame = _delivery(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame)), (text, turn.segment)


@pytest.mark.parametrize(("text", "expected"), [
    ("гостьи из Казани", lambda f: (f["пол"] == "ж") & (f["город_проживания"] == "Казань")),
    ("москвичи старше тридцати", lambda f: (f["город_проживания"] == "Москва") & (
        f["возраст"] > 30)),
])
def test_russian_demonyms_and_feminine_nouns(tmp_path: Path, text: str, expected: Any) -> None:
    path, frame = _guests(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), (text, turn.segment)


def test_a_share_paid_a_way_is_of_customers_not_revenue(tmp_path: Path) -> None:
    path, frame = _delivery(tmp_path)
    usual = _usual(frame, "payment")
    city = _usual(frame, "city")
    leeds = usual[city == "Leeds"]
    turn = ask_turns(path, tmp_path, "what share of Leeds customers pay with apple pay")
    assert turn.segment is None and "revenue" not in turn.reply, turn.reply
    assert f"{100 * (leeds == 'apple pay').mean():.1f}%" in turn.reply, turn.reply
    assert f"of {len(leeds)})" in turn.reply and "spent" not in turn.reply, turn.reply


def test_the_one_date_of_a_table_answers_recency(tmp_path: Path) -> None:
    path, frame = _guests(tmp_path)
    rng = np.random.default_rng(12)
    frame["дата_последнего_заезда"] = (pd.Timestamp("2026-11-30") - pd.to_timedelta(
        rng.integers(0, 700, len(frame)), unit="D")).strftime("%d.%m.%Y")
    frame.to_csv(path, index=False)
    day = pd.to_datetime(frame["дата_последнего_заезда"], format="%d.%m.%Y")
    end = day.max() + pd.Timedelta(days=1)
    for text, expected in (("гости, не приезжавшие полгода", day < end - pd.Timedelta(days=180)),
                           ("гости, приезжавшие за последние 3 месяца",
                            day >= end - pd.Timedelta(days=90))):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, (text, turn.reply)
        assert turn.segment["size"] == int(expected.sum()), (text, turn.segment)


@pytest.mark.parametrize("text", ["what share of them are in the loyalty program?",
                                  "какая доля из них в программе лояльности?",
                                  "其中会员计划的比例是多少？"])
def test_a_loyalty_programme_column_named_in_any_language(tmp_path: Path, text: str) -> None:
    path, frame = _guests(tmp_path)
    frame["программа_лояльности"] = np.where(np.arange(len(frame)) % 3 == 0, "да", "нет")
    frame.to_csv(path, index=False)
    group = frame[frame["город_проживания"] == "Казань"]
    turn = ask_turns(path, tmp_path, "гости из Казани", text)
    shown = f"{100 * (group['программа_лояльности'] == 'да').mean():.1f}"
    assert shown in turn.reply or shown.replace(".", ",") in turn.reply, turn.reply


def test_a_rate_of_something_the_data_does_not_record_is_asked_about(tmp_path: Path) -> None:
    path, _ = _cosmetics(tmp_path)
    turn = ask_turns(path, tmp_path, "churn rate of customers who bought only once")
    assert turn.segment is None and "churn" in turn.reply and "%" not in turn.reply, turn.reply
