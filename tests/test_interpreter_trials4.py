"""Fourth trial pass: invented files a new user brought (hotel stays, a subscription
service, a Russian telecom table, a Russian shop's order log), loaded by the real loader
and asked through the Assistant with the built-in backend. Each intended answer is plain
pandas on the raw file's columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

Frame = Any
CLARIFY = None


def _hotel(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "GuestID": np.arange(1, n + 1),
        "HomeCountry": rng.choice(["Germany", "France", "Spain", "Italy"], n),
        "RoomType": rng.choice(["Standard", "Deluxe", "Suite"], n),
        "NightsStayed": rng.integers(1, 15, n),
        "TotalBill": rng.gamma(2, 300, n).round(2),
        "LoyaltyMember": rng.choice(["Yes", "No"], n),
        "LastStay": (pd.Timestamp("2024-06-30") - pd.to_timedelta(
            rng.integers(0, 700, n), unit="D")).strftime("%Y-%m-%d"),
    })
    path = folder / "hotel_guests.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _subscriptions(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({
        "customer_id": [f"SUB{10000 + k}" for k in range(n)],
        "plan": rng.choice(["Basic", "Standard", "Premium"], n, p=[.4, .4, .2]),
        "region": rng.choice(["North America", "Europe", "APAC", "LATAM"], n),
        "monthly_fee": rng.choice([7.99, 12.99, 17.99], n),
        "churned": rng.choice(["Yes", "No"], n, p=[.25, .75]),
        "age": rng.integers(18, 75, n),
        "marketing_opt_in": rng.choice(["yes", "no"], n),
        "satisfaction_score": rng.integers(1, 11, n),
        "logins_last_month": rng.integers(0, 30, n),
    })
    path = folder / "subscribers.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _zh_orders(folder: Path, n: int = 1500) -> tuple[Path, pd.DataFrame]:
    """A Chinese shop's order log: Chinese headers and values, cancelled orders marked."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "用户ID": [f"u{k:03d}" for k in rng.integers(0, 300, n)],
        "下单时间": (pd.Timestamp("2024-01-01") + pd.to_timedelta(
            rng.integers(0, 360, n), unit="D")).strftime("%Y-%m-%d"),
        "订单号": [f"D{100000 + k}" for k in range(n)],
        "订单金额": rng.gamma(2, 120, n).round(2),
        "渠道": rng.choice(["小程序", "APP", "网页"], n, p=[.5, .35, .15]),
        "状态": rng.choice(["已完成", "已取消"], n, p=[.9, .1]),
    })
    path = folder / "订单.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _zh_customers(raw: Frame) -> Frame:
    """Per customer (SEMANTICS.md): kept lines, recency to the day after the last one, the
    most frequent channel (ties to the alphabetically first)."""
    kept = raw[raw["状态"] != "已取消"].assign(day=lambda d: pd.to_datetime(d["下单时间"]))
    as_of = kept.day.max() + pd.Timedelta(days=1)
    by = kept.groupby("用户ID")
    channel = by["渠道"].agg(lambda s: sorted(s.value_counts()[lambda c: c == c.max()].index)[0])
    orders = by["订单号"].nunique()
    return pd.DataFrame({"recency": (as_of - by.day.max()).dt.days, "channel": channel,
                         "aov": by["订单金额"].sum() / orders})


def _ru_telecom(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(9)
    frame = pd.DataFrame({
        "client_id": np.arange(10001, 10001 + n),
        "city": rng.choice(["Москва", "Казань", "Самара"], n),
        "tariff": rng.choice(["Базовый", "Стандарт", "Премиум"], n),
        "age": rng.integers(18, 75, n),
        "gender": rng.choice(["М", "Ж"], n),
        "monthly_payment": rng.choice([400, 700, 1200], n),
        "contract_months": rng.integers(1, 60, n),
        "visits_last_month": rng.integers(0, 8, n),
        "left": rng.choice(["Да", "Нет"], n, p=[.2, .8]),
    })
    path = folder / "telecom.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _saas(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({
        "account_id": [f"ACC{1000 + k}" for k in range(n)],
        "industry": rng.choice(["Logistics", "Retail", "Healthcare"], n),
        "arr": rng.gamma(2, 40000, n).round(2),
        "employees": rng.integers(5, 5000, n),
        "seats": rng.integers(5, 600, n),
        "renewal_date": (pd.Timestamp("2025-01-01") + pd.to_timedelta(
            rng.integers(0, 500, n), unit="D")).strftime("%Y-%m-%d"),
        "is_churned": rng.choice([True, False], n, p=[.2, .8]),
    })
    path = folder / "saas_accounts.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _renews(frame: Frame, op: str, day: str) -> pd.Series:
    dates, when = pd.to_datetime(frame.renewal_date), pd.Timestamp(day)
    return {"<": dates < when, ">": dates > when, "<=": dates <= when}[op]


def _insurance(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({
        "policy_holder_id": [f"PH{100000 + k}" for k in range(n)],
        "vehicle_class": rng.choice(["SUV", "Four-Door Car", "Sports Car"], n),
        "coverage": rng.choice(["Basic", "Extended", "Premium"], n),
        "monthly_premium": rng.integers(60, 300, n),
        "total_claim_amount": rng.gamma(2, 250, n).round(2),
        "number_of_policies": rng.integers(1, 9, n),
        "employment_status": rng.choice(["Employed", "Unemployed", "Retired"], n),
        "income": rng.integers(0, 100000, n),
        "gender": rng.choice(["F", "M"], n),
        "renew_offer_accepted": rng.choice(["Yes", "No"], n, p=[.2, .8]),
    })
    path = folder / "insurance.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _zh(test: Callable[[Frame], Any]) -> Callable[[Frame], Any]:
    return lambda raw: test(_zh_customers(raw))


def _top(values: pd.Series, n: int) -> pd.Series:
    ordered = sorted(values.index, key=lambda i: (-values[i], i))[:n]
    return pd.Series(values.index.isin(ordered), index=values.index)


def _days_before_end(frame: Frame, column: str) -> pd.Series:
    dates = pd.to_datetime(frame[column])
    return (dates.max() + pd.Timedelta(days=1) - dates).dt.days


WRITERS = {"hotel": _hotel, "subs": _subscriptions, "zh": _zh_orders, "ru": _ru_telecom,
           "saas": _saas, "insurance": _insurance}

CASES: list[tuple[str, list[str], Callable[[Frame], Any] | None]] = [
    # A stay's length and its date share the word "stay".
    ("hotel", ["stays of at least a week"], lambda d: d.NightsStayed >= 7),
    ("hotel", ["guests who stayed more than 10 nights"], lambda d: d.NightsStayed > 10),
    ("hotel", ["guests who haven't stayed in 6 months"],
     lambda d: _days_before_end(d, "LastStay") > 180),
    ("hotel", ["guests who stayed in the last 2 months"],
     lambda d: _days_before_end(d, "LastStay") <= 60),
    # The data's own value over a vague word; a column name's words are not split into
    # a month ("mar") or a stem and its ending ("market" + "ing").
    ("subs", ["premium customers"], lambda d: d.plan == "Premium"),
    ("subs", ["customers who opted in to marketing"], lambda d: d.marketing_opt_in == "yes"),
    ("subs", ["customers in Africa"], CLARIFY),
    # A value changed in a follow-up replaces the old one on that column.
    ("subs", ["show me churned customers", "only those in north america",
              "actually make it europe instead"],
     lambda d: (d.churned == "Yes") & (d.region == "Europe")),
    ("subs", ["churned customers in north america", "change north america to apac"],
     lambda d: (d.churned == "Yes") & (d.region == "APAC")),
    ("subs", ["churned customers in north america",
              "hmm, what about latam instead of north america?"],
     lambda d: (d.churned == "Yes") & (d.region == "LATAM")),
    # A number changed goes to the condition it fits: an age range, not a 1-10 score.
    ("subs", ["opted-in customers aged 30 to 45", "drop anyone with a satisfaction score under 6",
              "make it 25 to 45 instead"],
     lambda d: (d.marketing_opt_in == "yes") & d.age.between(25, 45)
     & ~(d.satisfaction_score < 6)),
    # Chinese: a value typed as the data writes it is that value, not its group ("小程序" and
    # "APP" are both apps); 半年 before a verb of not buying; a sized rank is a segment.
    ("zh", ["小程序客户"], _zh(lambda c: c.channel == "小程序")),
    ("zh", ["非APP渠道的客户"], _zh(lambda c: c.channel != "APP")),
    ("zh", ["半年没买的客户"], _zh(lambda c: c.recency > 180)),
    ("zh", ["半年以上没有购买的客户"], _zh(lambda c: c.recency >= 180)),
    ("zh", ["最后一次下单在30天以前但不超过90天的客户"],
     _zh(lambda c: (c.recency > 30) & (c.recency <= 90))),
    ("zh", ["客单价最高的前20名客户"], _zh(lambda c: _top(c.aov, 20))),
    ("zh", ["полгода не покупали"], _zh(lambda c: c.recency > 180)),
    ("zh", ["最近90天买过的客户", "这些人里只要小程序的"],
     _zh(lambda c: (c.recency <= 90) & (c.channel == "小程序"))),
    # Russian: "и старше 40" is "and older than 40"; years of a contract counted in months
    ("ru", ["кто живет в Казани и старше 40"], lambda d: (d.city == "Казань") & (d.age > 40)),
    ("ru", ["клиенты 40 лет и старше"], lambda d: d.age >= 40),
    ("ru", ["мужчины с договором больше 2 лет"],
     lambda d: (d.gender == "М") & (d.contract_months > 24)),
    ("ru", ["customers with a contract of 1 to 2 years"],
     lambda d: d.contract_months.between(12, 24)),
    ("ru", ["клиенты с контрактом больше двух лет"], lambda d: d.contract_months > 24),
    # "last month" in another language than the column's name ("visits_last_month")
    ("ru", ["кто не ходил ни разу в прошлом месяце"], lambda d: d.visits_last_month == 0),
    ("ru", ["клиенты без посещений в прошлом месяце"], lambda d: d.visits_last_month == 0),
    ("ru", ["上个月没有到访的客户"], lambda d: d.visits_last_month == 0),
    # Dates as people type them; the one date column when no word names it; "renewing"
    # meets "renewal"; ARR is revenue
    ("saas", ["accounts renewing before 14-Jan-25"], lambda d: _renews(d, "<", "2025-01-14")),
    ("saas", ["accounts with renewal_date after 03/04/2025"],
     lambda d: _renews(d, ">", "2025-03-04")),
    ("saas", ["accounts whose renewal date is before 25/12/2025"],
     lambda d: _renews(d, "<", "2025-12-25")),
    ("saas", ["только те, у кого дата продления до 01.07.2025"],
     lambda d: _renews(d, "<=", "2025-07-01")),
    ("saas", ["accounts before 1 July 2025"], lambda d: _renews(d, "<", "2025-07-01")),
    ("saas", ["accounts with ARR over 50k"], lambda d: d.arr > 50000),
    ("saas", ["renewed accounts"], lambda d: ~d.is_churned),
    # Column words in Chinese and Russian for English headers
    ("saas", ["只看Healthcare行业的"], lambda d: d.industry == "Healthcare"),
    ("saas", ["座位数超过50的客户"], lambda d: d.seats > 50),
    ("saas", ["员工超过1000的客户"], lambda d: d.employees > 1000),
    ("saas", ["компании, где больше 1000 сотрудников"], lambda d: d.employees > 1000),
    ("saas", ["клиенты, у которых больше пятисот мест"], lambda d: d.seats > 500),
    # A measure the data does not have is asked about, not read as something else
    ("saas", ["accounts with a contract length over 12 months"], CLARIFY),
    ("saas", ["accounts over 30 years old"], CLARIFY),
    ("saas", ["年龄超过30岁的客户"], CLARIFY),
    # Insurance words in three languages; "renew" is the offer column's own word, not the
    # opposite of a churn; drivers and policy holders are the customers
    ("insurance", ["customers who accepted the renew offer"],
     lambda d: d.renew_offer_accepted == "Yes"),
    ("insurance", ["customers who did not accept the renewal offer"],
     lambda d: d.renew_offer_accepted == "No"),
    ("insurance", ["月保费超过150的投保人"], lambda d: d.monthly_premium > 150),
    ("insurance", ["страхователи с ежемесячной премией больше 150"],
     lambda d: d.monthly_premium > 150),
    ("insurance", ["policy holders with a monthly premium over 150"],
     lambda d: d.monthly_premium > 150),
    ("insurance", ["总理赔金额在300到600之间的客户"],
     lambda d: d.total_claim_amount.between(300, 600)),
    ("insurance", ["клиенты с не менее 3 полисов"], lambda d: d.number_of_policies >= 3),
    ("insurance", ["至少有3份保单的客户"], lambda d: d.number_of_policies >= 3),
    ("insurance", ["Premium保障级别的女性客户"],
     lambda d: (d.coverage == "Premium") & (d.gender == "F")),
    ("insurance", ["收入低于30000的在职客户"],
     lambda d: (d.employment_status == "Employed") & (d.income < 30000)),
    ("insurance", ["работающие клиенты с доходом ниже 30000"],
     lambda d: (d.employment_status == "Employed") & (d.income < 30000)),
    ("insurance", ["SUV drivers"], lambda d: d.vehicle_class == "SUV"),
    # "а теперь" opens a new request, unless the message excludes
    ("zh", ["покупали за последние 90 дней", "а теперь исключи APP"],
     _zh(lambda c: (c.recency <= 90) & (c.channel != "APP"))),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Frame]]:
    from tools.engine.loading import load_customer_data

    folder = tmp_path_factory.mktemp("trials4")
    loaded = {}
    for name, writer in WRITERS.items():
        path, raw = writer(folder)
        loaded[name] = (load_customer_data(path), raw)
    return loaded


def _ids(name: str, raw: Frame) -> pd.Series:
    if name == "zh":
        return pd.Series(_zh_customers(raw).index, index=_zh_customers(raw).index)
    first = raw.columns[0]
    return raw[first].astype(str)



@pytest.mark.parametrize(("name", "turns", "expected"), CASES,
                         ids=[f"{c[0]}: {' / '.join(c[1])}" for c in CASES])
def test_trial_phrasings(files: dict[str, tuple[Any, Frame]], name: str, turns: list[str],
                         expected: Callable[[Frame], Any] | None, tmp_path: Path) -> None:
    from assistant.core import Assistant

    data, raw = files[name]
    bot = Assistant(data, workspace=tmp_path)
    turn = None
    for text in turns:
        turn = bot.ask(text)
    assert turn is not None
    if expected is None:
        assert turn.segment is None and turn.clarification, turn.reply
        return
    assert turn.segment is not None, turn.reply
    want = expected(raw).fillna(False).astype(bool)
    assert want.any(), "a case must select someone"
    assert sorted(bot.member_ids()) == sorted(_ids(name, raw)[want]), (
        turn.segment.get("description"), len(bot.member_ids()), int(want.sum()))


def test_conversation_and_vague_words_on_a_table_without_purchases(
        files: dict[str, tuple[Any, Frame]], tmp_path: Path) -> None:
    from assistant.core import Assistant

    data, raw = files["subs"]
    bot = Assistant(data, workspace=tmp_path)
    first = bot.ask("churned customers")
    assert first.segment is not None
    for chat in ("cheers, thats great", "ok cool, thats great"):
        turn = bot.ask(chat)
        assert turn.segment == first.segment, turn.reply
        assert "could not place" not in turn.reply, turn.reply
    rate = bot.ask("whats our churn rate")
    share = (raw.churned == "Yes").mean() * 100
    assert f"{share:.1f}%" in rate.reply, rate.reply
    best = bot.ask("show me our best customers")
    assert best.segment is None or best.segment == first.segment
    assert "monthly_fee" in best.reply and "1." in best.reply, best.reply


def _shop_log(folder: Path, n: int = 900) -> tuple[Path, pd.DataFrame]:
    """A Russian shop's order lines: the amount is named only by its currency."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({
        "buyer_id": [f"U{k:04d}" for k in rng.integers(0, 200, n)],
        "order_date": (pd.Timestamp("2025-01-01") + pd.to_timedelta(
            rng.integers(0, 330, n), unit="D")).strftime("%Y-%m-%d"),
        "order_number": [f"ZK-{100000 + k}" for k in range(n)],
        "sum_rub": rng.gamma(2, 1500, n).round(2),
        "delivery_city": rng.choice(["Москва", "Казань", "Самара"], n),
    })
    path = folder / "shop_orders.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_an_amount_named_by_its_currency(tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data
    from tools.engine.schema import Role

    path, raw = _shop_log(tmp_path)
    data = load_customer_data(path)
    roles = {c.name: c.role for c in data.source.raw_schema.columns}
    assert roles["sum_rub"] is Role.AMOUNT and data.source.currency == "₽"
    spent = raw.groupby("buyer_id").sum_rub.sum()
    assert data.customers.monetary.round(2).to_dict() == spent.round(2).to_dict()


def test_a_session_keeps_its_map_and_its_language(tmp_path: Path) -> None:
    """Later turns of `ask --session` read the file with the first turn's --map, and an
    answer to a numbered question ("2") is replied to in the question's language."""
    import json

    import typer
    from typer.testing import CliRunner

    from assistant import cli_assistant

    app = typer.Typer()
    cli_assistant.register(app)
    path, raw = _shop_log(tmp_path)
    raw = raw.rename(columns={"sum_rub": "paid"})
    raw["bonus"] = 1.0  # a second number, so an amount must be mapped to be known
    raw.to_csv(path, index=False)
    runner = CliRunner()
    common = ["--workspace", str(tmp_path / "ws"), "--session", "s", "--json"]

    def ask(text: str, *extra: str) -> dict[str, Any]:
        result = runner.invoke(app, ["ask", text, *common, *extra])
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout))

    ask("покупатели из Казани", "--data", str(path), "--map", "amount=paid")
    spent = ask("клиенты, потратившие больше 5 тысяч")
    want = int((raw.groupby("buyer_id").paid.sum() > 5000).sum())
    assert spent["segment"]["size"] == want, spent["reply"]
    vague = ask("лучшие клиенты")
    assert "1." in vague["reply"]
    picked = ask("2")
    assert picked["parse"]["language"] == "ru" and "клиент" in picked["reply"], picked["reply"]


@pytest.mark.parametrize("text", ["какой отток по тарифам?", "процент ушедших по каждому тарифу",
                                  "what is the churn rate by tariff?"])
def test_churn_by_plan_in_russian(files: dict[str, tuple[Any, Frame]], text: str,
                                  tmp_path: Path) -> None:
    """"какой" opens "what is", not "which" of the churn column, when a "by" follows."""
    from assistant.core import Assistant

    data, raw = files["ru"]
    turn = Assistant(data, workspace=tmp_path).ask(text)
    rates = raw.groupby("tariff").left.apply(lambda s: (s == "Да").mean() * 100)
    for tariff, rate in rates.items():
        shown = f"{rate:.1f}" if text.isascii() else f"{rate:.1f}".replace(".", ",")
        assert f"{tariff}: {shown}%" in turn.reply, turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("клиенты, потратившие от двух до пяти тысяч рублей", lambda m: m.between(2000, 5000)),
    ("customers who spent between two and five thousand", lambda m: m.between(2000, 5000)),
    ("клиенты, потратившие больше 1,5 млн", None),
])
def test_spend_said_in_number_words(text: str, expected: Callable[[Any], Any] | None,
                                    tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    path, raw = _shop_log(tmp_path)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    turn = bot.ask(text)
    if expected is None:  # nobody spent that much: said so, the amount still read as spend
        assert turn.segment is None and "1\u00a0500\u00a0000" in turn.reply, turn.reply
        return
    spent = raw.groupby("buyer_id").sum_rub.sum()
    assert sorted(bot.member_ids()) == sorted(spent.index[expected(spent)]), turn.reply


def test_a_city_named_with_its_delivery(tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    path, raw = _shop_log(tmp_path)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    turn = bot.ask("покупатели с доставкой в Казань")
    assert turn.segment is not None and turn.segment["definition"] == {
        "type": "in", "column": "delivery_city", "values": ["Казань"]}, turn.reply


def test_a_value_of_two_columns_is_asked_about_only_when_the_answers_differ(
        tmp_path: Path) -> None:
    """上海 is both a city and a province and picks the same customers either way; 吉林 is
    a city and the province around it, which also holds 长春: that one is asked."""
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    cities = {"上海": "上海", "北京": "北京", "吉林": "吉林", "长春": "吉林", "成都": "四川"}
    rng = np.random.default_rng(2)
    city = rng.choice(list(cities), 400)
    frame = pd.DataFrame({"cust_id": range(1, 401), "city": city,
                          "province": [cities[c] for c in city],
                          "gender": rng.choice(["男", "女"], 400)})
    path = tmp_path / "bank.csv"
    frame.to_csv(path, index=False)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    same = bot.ask("上海的女性客户")
    want = frame.cust_id[(frame.city == "上海") & (frame.gender == "女")].astype(str)
    assert same.segment is not None and sorted(bot.member_ids()) == sorted(want), same.reply
    differs = bot.ask("吉林的客户")
    assert differs.segment is None and "province" in differs.reply, differs.reply


def test_a_follow_up_with_nothing_before_it_says_so(files: dict[str, tuple[Any, Frame]],
                                                   tmp_path: Path) -> None:
    from assistant.core import Assistant

    data, raw = files["insurance"]
    turn = Assistant(data, workspace=tmp_path).ask("exclude men")
    assert turn.segment is not None and turn.segment["size"] == int((raw.gender != "M").sum())
    assert "no segment yet" in turn.reply and turn.parse["reading"] == "new: gender is not M"


@pytest.mark.parametrize(("text", "segments"), [
    ("RFM冠军客户", ["Champions"]), ("RFM champions", ["Champions"]),
    ("休眠客户", ["Hibernating"]), ("спящие клиенты", ["Hibernating"])])
def test_rfm_group_names_as_the_rfm_table_shows_them(files: dict[str, tuple[Any, Frame]],
                                                     text: str, segments: list[str],
                                                     tmp_path: Path) -> None:
    from assistant.core import Assistant

    data, _ = files["zh"]
    turn = Assistant(data, workspace=tmp_path).ask(text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"] == {"type": "rfm_segment", "segments": segments}


@pytest.mark.parametrize(("text", "expected"), [
    ("customers who joined 2 years ago", lambda d: d.tenure >= 24),
    ("customers who have been with us for less than two years", lambda d: d.tenure < 24),
    ("customers on a two year contract", lambda d: d.Contract == "Two year"),
    ("签了两年合同的客户", lambda d: d.Contract == "Two year"),
    ("клиенты с контрактом на два года", lambda d: d.Contract == "Two year"),
    ("按月付费的客户", lambda d: d.Contract == "Month-to-month"),
    ("клиенты с помесячным контрактом", lambda d: d.Contract == "Month-to-month"),
])
def test_a_number_of_years_is_a_time_unless_it_names_a_contract(
        text: str, expected: Callable[[Frame], Any], tmp_path: Path) -> None:
    """"Two year" is a contract value; "2 years ago" and "less than two years" are times."""
    from interpreter_datasets import telco_churn

    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    path, raw = telco_churn(tmp_path)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    turn = bot.ask(text)
    assert turn.segment is not None, turn.reply
    want = raw.customerID[expected(raw)].astype(str)
    assert sorted(bot.member_ids()) == sorted(want), turn.segment["description"]


def _shop_table(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(13)
    frame = pd.DataFrame({
        "customer_id": np.arange(1001, 1001 + n),
        "country": rng.choice(["Spain", "France", "Germany"], n),
        "age": rng.integers(18, 80, n),
        "total_spent": rng.gamma(2, 150, n).round(2),
        "orders_count": rng.integers(1, 20, n),
        "loyalty_tier": rng.choice(["Bronze", "Silver", "Gold"], n),
    })
    path = folder / "shop_customers.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("text", [
    "tell me a joke", "расскажи анекдот", "讲个笑话", "who made you?", "谁创造了你", "yes",
    "is that good?", "это хорошо?", "那好吗", "cheers, thats great"])
def test_talk_that_is_not_a_request_keeps_the_segment(text: str, tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    path, _ = _shop_table(tmp_path)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    first = bot.ask("customers from Spain")
    turn = bot.ask(text)
    assert turn.segment is not None and first.segment is not None
    assert (turn.segment["size"], turn.segment["definition"]) == (
        first.segment["size"], first.segment["definition"]) and not turn.clarification
    assert "could not" not in turn.reply and "Не получилось" not in turn.reply, turn.reply


@pytest.mark.parametrize(("text", "word"), [
    ("customers with more than 2 pets", "pets"),
    ("клиенты с более чем 2 питомцами", "питомцами"),
    ("customers with income over 50000", "income"),
])
def test_a_number_about_something_the_data_lacks_names_it(text: str, word: str,
                                                          tmp_path: Path) -> None:
    """Not "which column should 'more than 2' apply to?": the data has no pets."""
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    path, _ = _shop_table(tmp_path)
    turn = Assistant(load_customer_data(path), workspace=tmp_path / "ws").ask(text)
    assert turn.segment is None and f"'{word}'" in turn.reply and "1." not in turn.reply, \
        turn.reply


@pytest.mark.parametrize("text", ["top 10% by revenue", "топ 10% клиентов по выручке",
                                  "customers with average order value above 50"])
def test_spend_on_a_log_without_amounts_says_there_is_none(text: str, tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    rng = np.random.default_rng(1)
    log = pd.DataFrame({"customer_id": rng.integers(1, 80, 400),
                        "order_date": (pd.Timestamp("2024-01-01") + pd.to_timedelta(
                            rng.integers(0, 300, 400), unit="D")).strftime("%Y-%m-%d"),
                        "channel": rng.choice(["web", "store"], 400)})
    path = tmp_path / "visits.csv"
    log.to_csv(path, index=False)
    turn = Assistant(load_customer_data(path), workspace=tmp_path / "ws").ask(text)
    assert turn.segment is None and "--map amount" in turn.reply, turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("неактивные клиенты", lambda d: d.IsActiveMember == 0),
    ("не активные клиенты без кредитной карты",
     lambda d: (d.IsActiveMember == 0) & (d.HasCrCard == 0)),
])
def test_russian_inactive_is_the_active_flag_answered_no(
        text: str, expected: Callable[[Frame], Any], tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    rng = np.random.default_rng(6)
    frame = pd.DataFrame({"CustomerId": np.arange(15600000, 15600400),
                          "Geography": rng.choice(["France", "Spain", "Germany"], 400),
                          "HasCrCard": rng.choice([0, 1], 400),
                          "IsActiveMember": rng.choice([0, 1], 400),
                          "Exited": rng.choice([0, 1], 400)})
    path = tmp_path / "bank.csv"
    frame.to_csv(path, index=False)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    turn = bot.ask(text)
    assert turn.segment is not None, turn.reply
    assert sorted(bot.member_ids()) == sorted(frame.CustomerId[expected(frame)].astype(str))
    by_country = bot.ask("各国家的流失率")  # a column of countries is met by "country"
    assert "Geography" in by_country.reply and "%" in by_country.reply, by_country.reply


@pytest.mark.parametrize(("text", "word"), [
    ("customers in the Platinum tier", "Platinum"), ("platinum members", "platinum"),
    ("来自火星的客户", "火星"), ("клиенты уровня Платина", "Платина")])
def test_a_value_that_is_not_there_is_named_with_the_real_ones(text: str, word: str,
                                                              tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    path, _ = _shop_table(tmp_path)
    turn = Assistant(load_customer_data(path), workspace=tmp_path / "ws").ask(text)
    assert turn.segment is None and word in turn.reply, turn.reply
    assert "Gold" in turn.reply or "Spain" in turn.reply, turn.reply


@pytest.mark.parametrize("text", ["customers who bought in December 2010",
                                  "клиенты, которые покупали в декабре 2010 года",
                                  "2010年12月购买过的客户"])
def test_bought_in_a_month_is_any_purchase_then(text: str, tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    rng = np.random.default_rng(23)
    log = pd.DataFrame({"customer": rng.integers(1, 120, 700),
                        "date": (pd.Timestamp("2010-10-01") + pd.to_timedelta(
                            rng.integers(0, 200, 700), unit="D")).strftime("%Y-%m-%d"),
                        "amount": rng.gamma(2, 20, 700).round(2)})
    path = tmp_path / "log.csv"
    log.to_csv(path, index=False)
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    turn = bot.ask(text)
    assert turn.segment is not None, turn.reply
    december = log.date.between("2010-12-01", "2010-12-31")
    assert sorted(bot.member_ids()) == sorted(str(c) for c in log.customer[december].unique())
    last = bot.ask("customers whose last purchase was in December 2010")
    assert last.segment is not None and last.segment["size"] < turn.segment["size"]
