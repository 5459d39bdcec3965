"""Eighth trial pass: what new users' trials found on invented files, loaded by the real
loader and asked through the Assistant with the built-in backend. Intended answers are
plain pandas, per SEMANTICS.md."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns, usual


def _studios(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    """A yoga-studio member table: a yes/no column, dates, a few missing amounts."""
    rng = np.random.default_rng(81)
    frame = pd.DataFrame({
        "MemberNo": np.arange(1, n + 1),
        "HomeStudio": rng.choice(["Riverside", "Old Town", "Harbour", "Hilltop"], n),
        "Gender": rng.choice(["Female", "Male"], n, p=[0.6, 0.4]),
        "Age": rng.integers(18, 80, n),
        "LifetimeFees": rng.gamma(2.0, 400.0, n).round(2),
        "ClassesLastYear": rng.integers(0, 60, n),
        "LastClassDate": pd.Timestamp("2026-09-30") - pd.to_timedelta(
            rng.integers(0, 700, n), "D"),
        "JoinedOn": pd.Timestamp("2026-09-30") - pd.to_timedelta(
            rng.integers(30, 1500, n), "D"),
        "IsCurrent": rng.choice(["Y", "N"], n, p=[0.7, 0.3]),
        "Pass": rng.choice(["Monthly", "Annual", "Class Pack"], n),
    })
    frame.loc[rng.choice(n, 30, replace=False), "LifetimeFees"] = np.nan
    path = folder / "studio_members.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "current"), [
    ("current members that haven't booked in 6 months", "Y"),
    ("members who are not current and haven't booked in 6 months", "N"),
])
def test_a_yes_no_word_beside_a_lapse_is_kept(tmp_path: Path, text: str,
                                               current: str) -> None:
    """"active accounts that haven't ordered in 6 months": the flag is not lost to the
    verb of buying it resembles."""
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    months_ago = pd.Timestamp("2026-04-03")  # six months of 30 days before the data's end
    lapsed = frame["LastClassDate"] < months_ago
    expected = int((lapsed & (frame["IsCurrent"] == current)).sum())
    assert "IsCurrent" in str(turn.segment["definition"]), turn.reply
    assert abs(turn.segment["size"] - expected) <= int(
        ((frame["LastClassDate"] >= months_ago - pd.Timedelta(days=2)) &
         (frame["LastClassDate"] <= months_ago + pd.Timedelta(days=2))).sum()), turn.reply


@pytest.mark.parametrize(("text", "first", "after"), [
    ("members who joined between January and June 2025", "2025-01-01", "2025-07-01"),
    ("members who joined from March to May 2025", "2025-03-01", "2025-06-01"),
    ("members who joined between 2023 and 2024", "2023-01-01", "2025-01-01"),
    ("members who joined from November 2024 to February 2025", "2024-11-01", "2025-03-01"),
    ("участники, которые присоединились с января по июнь 2025", "2025-01-01", "2025-07-01"),
    ("2025年1月到6月加入的会员", "2025-01-01", "2025-07-01"),
])
def test_a_range_of_dates_months_or_years(tmp_path: Path, text: str, first: str,
                                          after: str) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    joined = frame["JoinedOn"]
    expected = int(((joined >= first) & (joined < after)).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply
    assert "JoinedOn" in str(turn.segment["definition"])


def test_last_year_is_the_join_dates_not_a_column_named_for_it(tmp_path: Path) -> None:
    """"joined last year" where ClassesLastYear is a column: the previous calendar year of
    the join date."""
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "members who joined last year")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((frame["JoinedOn"].dt.year == 2025).sum()), turn.reply


@pytest.mark.parametrize(("text", "above"), [
    ("members with lifetime fees above average", True),
    ("участники с платежами выше среднего", True),
    ("终身费用低于平均水平的会员", False),
])
def test_above_or_below_average_is_the_columns_mean(tmp_path: Path, text: str,
                                                    above: bool) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, text.replace("платежами", "LifetimeFees").replace(
        "终身费用", "LifetimeFees"))
    fees = frame["LifetimeFees"]
    expected = int((fees > fees.mean()).sum() if above else (fees < fees.mean()).sum())
    assert turn.segment is not None and turn.segment["size"] == expected, turn.reply
    assert f"{fees.mean():,.2f}".replace(",", "\u00a0" if "участ" in text else ",").replace(
        ".", "," if "участ" in text else ".") in turn.reply.replace(" ", "\u00a0") or \
        f"{fees.mean():,.2f}" in turn.reply, turn.reply


def test_a_top_share_is_of_everyone_taken_from_known_values(tmp_path: Path) -> None:
    """"top 5% by fees": ceil(5% x all members) of them, never one without fees."""
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "top 5% by lifetime fees")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == math.ceil(0.05 * len(frame)), turn.reply
    assert "5.0%" in turn.reply, turn.reply


@pytest.mark.parametrize(("text", "studios"), [
    ("top 2 studios by number of members", 2),
    ("which 2 studios have the most members?", 2),
    ("前2个门店的会员数", 2),
    ("топ 2 студии по количеству участников", 2),
])
def test_the_first_groups_of_a_breakdown(tmp_path: Path, text: str, studios: int) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, text.replace("门店", "HomeStudio").replace(
        "студии", "HomeStudio"))
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    counts = frame["HomeStudio"].value_counts()
    for name in counts.index[:studios]:
        assert name in turn.reply, turn.reply
    for name in counts.index[studios:]:
        assert name not in turn.reply, turn.reply


def test_the_first_groups_by_money_are_totals(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "top 2 HomeStudio by total lifetime fees")
    totals = frame.groupby("HomeStudio")["LifetimeFees"].sum().sort_values(ascending=False)
    for name, total in totals.iloc[:2].items():
        assert f"{name}: {total:,.0f}" in turn.reply or f"{name}: {total:,.2f}" in turn.reply, \
            turn.reply


@pytest.mark.parametrize(("text", "genders", "low", "high"), [
    ("women over 60 or under 25", ["Female"], 25, 60),
    ("участницы старше 65 или младше 30", ["Female"], 30, 65),
])
def test_who_is_said_first_holds_for_either_end(tmp_path: Path, text: str,
                                                genders: list[str], low: int,
                                                high: int) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    ages = frame["Age"]
    expected = frame["Gender"].isin(genders) & ((ages > high) | (ages < low))
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


def test_or_before_with_keeps_the_or(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "men with an Annual pass or with more than 50 classes")
    expected = (frame["Gender"] == "Male") & ((frame["Pass"] == "Annual") |
                                              (frame["ClassesLastYear"] > 50))
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


def test_past_an_age_in_russian(tmp_path: Path) -> None:
    """"кому за 60": older than 60, where there is an age."""
    path, frame = _studios(tmp_path)
    for text in ("кому за 60", "участники за 50 из Harbour"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, turn.reply
        assert "Age" in str(turn.segment["definition"]), turn.reply
    expected = ((frame["Age"] > 50) & (frame["HomeStudio"] == "Harbour")).sum()
    assert turn.segment["size"] == int(expected), turn.reply
    turn = ask_turns(path, tmp_path, "участники, которые были на занятиях за 60 дней")
    assert turn.segment is None or "Age" not in str(turn.segment["definition"]), turn.reply


def test_a_last_purchase_date_gives_a_customer_table_its_recency(tmp_path: Path) -> None:
    """RFM on a table with a last-booking date, an order count and a spend: recency is the
    days from that date to the day after the table's latest date."""
    from tools.engine.loading import load_customer_data
    from tools.engine.rfm import rfm_table

    rng = np.random.default_rng(83)
    n = 400
    frame = pd.DataFrame({
        "guest_no": np.arange(1, n + 1),
        "last_booking_date": pd.Timestamp("2026-06-30") - pd.to_timedelta(
            rng.integers(0, 400, n), "D"),
        "order_count": rng.integers(1, 20, n),
        "total_spend": rng.gamma(2.0, 300.0, n).round(2),
    })
    path = tmp_path / "guests.csv"
    frame.to_csv(path, index=False)
    data = load_customer_data(path)
    days = (pd.Timestamp("2026-07-01") - frame["last_booking_date"]).dt.days
    assert data.customers["recency_days"].tolist() == days.tolist()
    assert any("last_booking_date" in w for w in data.source.warnings)
    assert rfm_table(data)["rfm_segment"].notna().all()
    turn = ask_turns(path, tmp_path, "guests who haven't booked in 90 days")
    assert turn.segment is not None and turn.segment["size"] == int((days > 90).sum()), \
        turn.reply
    turn = ask_turns(path, tmp_path, "做RFM分析")
    assert [r.tool for r in turn.results] == ["run_rfm"], turn.reply
    assert sum(r["customers"] for r in turn.results[0].summary["segments"]) == n


def _lessons(folder: Path, n: int = 1400) -> tuple[Path, pd.DataFrame]:
    """A language-school log: one line per lesson pack a learner enrols in."""
    rng = np.random.default_rng(84)
    frame = pd.DataFrame({
        "learner": [f"L{k}" for k in rng.integers(1, 420, n)],
        "enrolled_at": pd.Timestamp("2026-08-31") - pd.to_timedelta(rng.integers(0, 600, n), "D"),
        "fee": rng.gamma(2.0, 40.0, n).round(2),
        "language": rng.choice(["Spanish", "Japanese", "German", "Arabic"], n),
        "home_country": rng.choice(["Canada", "Mexico", "Japan", "Chile", "Egypt"], n),
    })
    path = folder / "lessons.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "op", "days"), [
    ("learners who haven't enrolled in 6 months", ">", 180),
    ("learners who enrolled in the last 30 days", "<=", 30),
])
def test_enrolling_is_buying_in_an_order_log(tmp_path: Path, text: str, op: str,
                                             days: int) -> None:
    path, frame = _lessons(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    last = frame.groupby("learner")["enrolled_at"].max()
    recency = (frame["enrolled_at"].max() + pd.Timedelta(days=1) - last).dt.days
    expected = recency > days if op == ">" else recency <= days
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply
    turn = ask_turns(path, tmp_path, "learners with at least three enrollments")
    orders = frame.groupby("learner")["enrolled_at"].nunique()  # no order id: one a day
    assert turn.segment["size"] == int((orders >= 3).sum())


def test_an_interjection_before_a_follow_up_is_no_negation(tmp_path: Path) -> None:
    """"nah, drop Mexico" after "add Mexico too": Mexico leaves, the rest stays."""
    path, frame = _lessons(tmp_path)
    country = usual(frame, "learner", "home_country")
    turn = ask_turns(path, tmp_path, "learners from Canada", "add Mexico too",
                     "nah, drop Mexico")
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((country == "Canada").sum()), turn.reply


def test_forgetting_one_part_of_the_segment(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "women over 40 who spent under 1000 in lifetime fees",
                     "actually forget the age part")
    assert turn.segment is not None, turn.reply
    expected = (frame["Gender"] == "Female") & (frame["LifetimeFees"] < 1000)
    assert turn.segment["size"] == int(expected.sum()), turn.reply


def test_teaching_a_role_with_use(tmp_path: Path) -> None:
    """"use ClassesLastYear as the order count": learned, not a segment of "use"."""
    path, _ = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "use ClassesLastYear as the order count")
    assert turn.segment is None
    assert "ClassesLastYear" in turn.reply, turn.reply


@pytest.mark.parametrize("text", ["gender ratio", "男女比例", "соотношение мужчин и женщин"])
def test_the_share_of_each_value_of_a_column(tmp_path: Path, text: str) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    for name, n in frame["Gender"].value_counts().items():
        assert str(n) in turn.reply and name in turn.reply, turn.reply


def test_the_columns_are_named_when_asked(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    for text in ("what columns are there?", "数据里有哪些列"):
        turn = ask_turns(path, tmp_path, text)
        assert all(c in turn.reply for c in frame.columns if c != "MemberNo"), turn.reply


def test_the_best_selling_value_is_a_breakdown(tmp_path: Path) -> None:
    path, frame = _lessons(tmp_path)
    for text in ("which language sells best?", "哪个language卖得最好"):
        turn = ask_turns(path, tmp_path, text)
        assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
        assert all(v in turn.reply for v in frame["language"].unique()), turn.reply


def test_those_among_the_users_who_churned_are_a_segment(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    frame["cancelled"] = np.where(frame["IsCurrent"] == "Y", "No", "Yes")
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "用户中已流失的")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["cancelled"] == "Yes").sum()), turn.reply


def test_a_city_geonames_writes_with_a_curly_apostrophe(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    frame["city"] = np.random.default_rng(85).choice(["Xi'an", "Chengdu"], len(frame))
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "西安的会员")
    assert turn.segment is not None and turn.segment["size"] == int(
        (frame["city"] == "Xi'an").sum()), turn.reply


def test_a_price_with_no_quantity_is_each_lines_amount(tmp_path: Path) -> None:
    """A course log with "price_paid" and no quantity or amount: spend is the prices."""
    rng = np.random.default_rng(86)
    n = 900
    frame = pd.DataFrame({
        "student": [f"S{k}" for k in rng.integers(1, 300, n)],
        "enrolled_on": pd.Timestamp("2026-05-31") - pd.to_timedelta(rng.integers(0, 400, n), "D"),
        "course_price": rng.choice([0.0, 49.0, 99.0, 149.0], n),
    })
    path = tmp_path / "enrolments.csv"
    frame.to_csv(path, index=False)
    kept = frame[frame["course_price"] > 0]  # free courses are no purchase (SEMANTICS)
    spend = kept.groupby("student")["course_price"].sum()
    turn = ask_turns(path, tmp_path, "students who spent over 200")
    assert turn.segment is not None and turn.segment["size"] == int((spend > 200).sum()), \
        turn.reply


@pytest.mark.parametrize("text", [
    "предложи кампанию для них, чтобы продать годовой абонемент",
    "suggest a campaign for them to upsell the Annual pass",
    "给他们设计一个活动，让他们升级到年卡",
])
def test_a_campaigns_goal_is_not_whom_it_is_for(tmp_path: Path, text: str) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "women from Harbour", text)
    assert [r.tool for r in turn.results] == ["suggest_campaign"], turn.reply
    expected = (frame["Gender"] == "Female") & (frame["HomeStudio"] == "Harbour")
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum())


def test_a_promotion_for_a_named_group(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "придумай акцию для участниц из Harbour")
    assert [r.tool for r in turn.results][-1] == "suggest_campaign", turn.reply


@pytest.mark.parametrize("text", ["tell me about group 2", "介绍一下第2组", "介绍一下第2个聚类",
                                  "расскажи о группе 2"])
def test_tell_me_about_a_group_after_a_clustering(tmp_path: Path, text: str) -> None:
    path, _ = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "split members into 3 groups", text)
    assert [r.tool for r in turn.results][-1] == "profile_segment", turn.reply
    assert turn.segment["definition"]["type"] == "cluster"
    assert turn.segment["definition"]["clusters"] == [2]


def test_these_members_are_the_current_segment(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    harbour = frame["HomeStudio"] == "Harbour"
    turn = ask_turns(path, tmp_path, "members from Harbour", "这些会员的平均年龄是多少？")
    assert f"{frame.loc[harbour, 'Age'].mean():.2f}" in turn.reply, turn.reply
    turn = ask_turns(path, tmp_path, "members from Harbour", "把这些会员分成3组")
    result = next(r for r in turn.results if r.tool == "cluster")
    assert sum(g["size"] for g in result.summary["clusters"]) == int(harbour.sum())


def test_how_many_of_a_named_group_are_in_this_segment(tmp_path: Path) -> None:
    """Counted among the current segment (which narrows, as "how many of them" does)."""
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "members from Harbour", "how many women are in this segment?")
    expected = (frame["HomeStudio"] == "Harbour") & (frame["Gender"] == "Female")
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


def _cards(folder: Path, n: int = 600) -> tuple[Path, pd.DataFrame]:
    """A card issuer's clients: income bands written with a currency and a dash."""
    rng = np.random.default_rng(87)
    frame = pd.DataFrame({
        "client_ref": np.arange(10_000, 10_000 + n),
        "earnings_band": rng.choice(["Under €30K", "€30K - €50K", "€50K - €90K", "€90K +"], n),
        "yearly_card_spend": rng.gamma(2.0, 20000.0, n).round(2),
        "has_overdraft": rng.choice(["Yes", "No"], n),
    })
    path = folder / "cards.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("text", [
    "clients in the €50K - €90K earnings band with an overdraft",
    "клиенты с доходом €50K - €90K с овердрафтом",
])
def test_a_band_written_as_the_data_writes_it(tmp_path: Path, text: str) -> None:
    path, frame = _cards(tmp_path)
    turn = ask_turns(path, tmp_path, text.replace("овердрафтом", "has_overdraft"))
    expected = (frame["earnings_band"] == "€50K - €90K") & (frame["has_overdraft"] == "Yes")
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


@pytest.mark.parametrize("text", ["learners who paid at least 3 times",
                                  "付款至少3次的用户", "ученики, которые платили хотя бы 3 раза"])
def test_times_paid_are_orders_not_money(tmp_path: Path, text: str) -> None:
    path, frame = _lessons(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    orders = frame.groupby("learner")["enrolled_at"].nunique()
    assert turn.segment is not None and turn.segment["size"] == int((orders >= 3).sum()), \
        turn.reply


def test_a_loyalty_card_number_is_the_customer(tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data

    rng = np.random.default_rng(88)
    n = 900
    frame = pd.DataFrame({
        "receipt": [f"R{k}" for k in range(n)],
        "loyalty_card_no": [f"LC{k}" for k in rng.integers(1, 250, n)],
        "sold_at": pd.Timestamp("2026-03-31") - pd.to_timedelta(rng.integers(0, 300, n), "D"),
        "qty": rng.integers(1, 4, n),
        "price_each": rng.choice([4.5, 12.0, 30.0], n),
        "store": rng.choice(["North", "South"], n),
    })
    path = tmp_path / "tills.csv"
    frame.to_csv(path, index=False)
    data = load_customer_data(path)
    assert data.n_customers == frame["loyalty_card_no"].nunique()


def test_a_column_named_for_its_figure(tmp_path: Path) -> None:
    """"avg score" of avg_score, "max total_fees" of total_fees: the figure, not a segment."""
    rng = np.random.default_rng(89)
    n = 500
    frame = pd.DataFrame({
        "member": np.arange(1, n + 1),
        "avg_score": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(1, 5, n).round(2)),
        "total_fees": rng.gamma(2.0, 100.0, n).round(2),
        "tier": rng.choice(["Basic", "Plus"], n),
    })
    path = tmp_path / "members.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "avg score")
    assert turn.segment is None and f"{frame['avg_score'].mean():.2f}" in turn.reply, turn.reply
    turn = ask_turns(path, tmp_path, "avg score for plus tier")
    plus = frame.loc[frame["tier"] == "Plus", "avg_score"].mean()
    assert f"{plus:.2f}" in turn.reply, turn.reply
    turn = ask_turns(path, tmp_path, "max total_fees")
    assert f"{frame['total_fees'].max():,.2f}" in turn.reply, turn.reply


@pytest.mark.parametrize("text", ["whats the avg delivery time", "平均配送时长是多少"])
def test_an_average_of_nothing_in_the_data_is_said_so(tmp_path: Path, text: str) -> None:
    path, _ = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is None and not any(r.tool == "answer_question" for r in turn.results)
    assert "HomeStudio" in turn.reply or "LifetimeFees" in turn.reply, turn.reply


def _subscriptions(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(90)
    frame = pd.DataFrame({
        "account": [f"A{k}" for k in rng.integers(1, 350, n)],
        "charged_at": pd.Timestamp("2026-06-30") - pd.to_timedelta(rng.integers(0, 365, n), "D"),
        "billing": rng.choice(["monthly", "quarterly", "annual", "lifetime"], n,
                              p=[0.6, 0.15, 0.2, 0.05]),
        "amount": rng.gamma(2.0, 15.0, n).round(2),
        "channel": rng.choice(["web", "ios", "android", "Partner.com"], n),
        "voucher": rng.choice(["yes", "no"], n, p=[0.2, 0.8]),
    })
    path = folder / "charges.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "values"), [
    ("终身或季度套餐的用户", {"lifetime", "quarterly"}),
    ("пользователи с пожизненным планом", {"lifetime"}),
    ("lifetime or quarterly accounts", {"lifetime", "quarterly"}),
])
def test_lifetime_and_quarterly_plans_in_three_languages(tmp_path: Path, text: str,
                                                         values: set[str]) -> None:
    path, frame = _subscriptions(tmp_path)
    billing = usual(frame, "account", "billing")
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None and turn.segment["size"] == int(
        billing.isin(values).sum()), turn.reply


def test_a_domain_inside_chinese_and_a_platform_suffix(tmp_path: Path) -> None:
    path, frame = _subscriptions(tmp_path)
    channel = usual(frame, "account", "channel")
    turn = ask_turns(path, tmp_path, "通过Partner.com付费的用户")
    assert turn.segment is not None and turn.segment["size"] == int(
        (channel == "Partner.com").sum()), turn.reply
    turn = ask_turns(path, tmp_path, "不包括web端的用户")
    assert turn.segment is not None and turn.segment["size"] == int((channel != "web").sum())


def test_a_rate_by_a_column_named_with_a_payment_word(tmp_path: Path) -> None:
    """"churn rate by card category": by the card column, not paying "by card"."""
    rng = np.random.default_rng(91)
    n = 600
    frame = pd.DataFrame({
        "client": np.arange(1, n + 1),
        "Card_Tier": rng.choice(["Blue", "Silver", "Gold"], n),
        "Attrited": rng.choice([0, 1], n, p=[0.8, 0.2]),
        "Tenure_Months": rng.integers(6, 60, n),
    })
    path = tmp_path / "cards.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "attrition rate by card tier")
    for tier, rate in frame.groupby("Card_Tier")["Attrited"].mean().items():
        assert f"{tier}: {100 * rate:.1f}%" in turn.reply, turn.reply
    turn = ask_turns(path, tmp_path, "average tenure months of attrited versus retained clients")
    for flag in (0, 1):
        mean = frame.loc[frame["Attrited"] == flag, "Tenure_Months"].mean()
        assert f"{mean:.2f}" in turn.reply, turn.reply


def test_nights_at_a_nightly_rate_are_the_amount(tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data

    rng = np.random.default_rng(92)
    n = 700
    frame = pd.DataFrame({
        "booking_id": [f"B{k}" for k in range(n)],
        "guest_id": rng.integers(1, 200, n),
        "check_in": pd.Timestamp("2026-02-28") - pd.to_timedelta(rng.integers(0, 300, n), "D"),
        "nights": rng.integers(1, 8, n),
        "nightly_rate": rng.choice([80.0, 120.0, 210.0], n),
    })
    path = tmp_path / "stays.csv"
    frame.to_csv(path, index=False)
    data = load_customer_data(path)
    spend = (frame["nights"] * frame["nightly_rate"]).groupby(frame["guest_id"]).sum()
    assert data.customers["monetary"].sort_index().tolist() == pytest.approx(
        spend.sort_index().tolist())


def test_whom_chinese_says_last_holds_for_either_end(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "年龄小于25岁或大于70岁的男性")
    ages = frame["Age"]
    expected = (frame["Gender"] == "Male") & ((ages < 25) | (ages > 70))
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply


@pytest.mark.parametrize("text", ["members in London", "участники из Лондона"])
def test_a_city_the_data_lacks_is_answered_with_its_cities(tmp_path: Path, text: str) -> None:
    path, frame = _studios(tmp_path)
    frame["city"] = np.random.default_rng(93).choice(["Leeds", "Bristol", "Glasgow"], len(frame))
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is None
    assert all(c in turn.reply for c in ("Leeds", "Bristol", "Glasgow")), turn.reply


def test_joining_said_as_vstupit_in_russian(tmp_path: Path) -> None:
    path, frame = _studios(tmp_path)
    turn = ask_turns(path, tmp_path, "участники, вступившие с января по июнь 2025")
    joined = frame["JoinedOn"]
    expected = (joined >= "2025-01-01") & (joined < "2025-07-01")
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply
