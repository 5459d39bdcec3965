"""Twelfth trial pass: what new users' trials found on an app's users, a carrier's
subscribers with Chinese headers, a bank's clients and a marketplace log with Russian
headers, tried here on other invented files through the Assistant with the built-in
backend. Intended answers are plain pandas, per SEMANTICS.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns


def _broadband(folder: Path, n: int = 700) -> tuple[Path, pd.DataFrame]:
    """Broadband subscribers with Chinese headers: a plan, a province, complaints, churn."""
    rng = np.random.default_rng(131)
    frame = pd.DataFrame({
        "用户号": [f"K{k:05d}" for k in range(n)],
        "宽带套餐": rng.choice(["百兆", "千兆", "融合"], n),
        "省份": rng.choice(["江西", "安徽", "广西"], n),
        "投诉次数": rng.integers(0, 5, n),
        "是否流失": rng.choice(["是", "否"], n, p=[0.2, 0.8]),
        "来源渠道": rng.choice(["门店", "线上", "地推"], n),
    })
    path = folder / "broadband.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_most_complaints_by_plan_is_a_breakdown(tmp_path: Path) -> None:
    path, frame = _broadband(tmp_path)
    turn = ask_turns(path, tmp_path, "投诉最多的宽带套餐")
    assert not turn.clarification, turn.reply
    means = frame.groupby("宽带套餐")["投诉次数"].mean()
    assert all(f"{plan}：{mean:.2f}" in turn.reply for plan, mean in means.items()), turn.reply


def test_highest_churn_rate_by_province_is_a_breakdown(tmp_path: Path) -> None:
    path, frame = _broadband(tmp_path)
    turn = ask_turns(path, tmp_path, "流失率最高的省份")
    assert not turn.clarification, turn.reply
    rates = frame.groupby("省份")["是否流失"].apply(lambda s: 100 * (s == "是").mean())
    assert all(f"{province}：{rate:.1f}%" in turn.reply for province, rate in rates.items()), \
        turn.reply


def test_which_source_column_has_the_most_customers(tmp_path: Path) -> None:
    """"source" of 来源渠道 typed as a value of it ("线上") nowhere: each group is listed."""
    rng = np.random.default_rng(132)
    frame = pd.DataFrame({"account": [f"A{k}" for k in range(400)],
                          "signup_source": rng.choice(["signup", "ads", "partner"], 400),
                          "seats": rng.integers(1, 50, 400)})
    path = tmp_path / "accounts.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "which signup source has the most accounts")
    counts = frame["signup_source"].value_counts()
    assert all(f"{value}: {count}" in turn.reply for value, count in counts.items()), turn.reply


def _bank(folder: Path, n: int = 800) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(133)
    frame = pd.DataFrame({
        "client_id": [f"C{k:05d}" for k in range(n)],
        "age": rng.integers(18, 80, n),
        "region": rng.choice(["Удмуртия", "Чувашия", "Мордовия"], n),
        "tier": rng.choice(["Mass", "Premium"], n, p=[0.8, 0.2]),
        "churn": rng.choice([0, 1], n, p=[0.85, 0.15]),
    })
    path = folder / "bank.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("text", "mask"), [
    ("какой отток среди клиентов младше тридцати лет", lambda f: f["age"] < 30),
    ("какой отток среди клиентов из Чувашии", lambda f: f["region"] == "Чувашия")])
def test_what_churn_among_a_group_is_its_rate(tmp_path: Path, text: str, mask: object) -> None:
    """"какой" asks what the churn is, not which of churn's two values."""
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    group = frame[mask(frame)]  # type: ignore[operator]
    rate = f"{100 * group['churn'].mean():.1f}".replace(".", ",")
    assert f"{rate}%" in turn.reply and f"из {len(group)}" in turn.reply, turn.reply


def test_a_figure_asked_within_a_value_is_no_lesson(tmp_path: Path) -> None:
    """"средний чек в категории X": "в" is no teaching word here, and a figure no role."""
    rng = np.random.default_rng(134)
    n = 900
    frame = pd.DataFrame({"заказ": np.arange(n), "покупатель": rng.integers(0, 200, n),
                          "дата": (pd.Timestamp("2026-01-01") + pd.to_timedelta(
                              rng.integers(0, 200, n), "D")).strftime("%Y-%m-%d"),
                          "категория": rng.choice(["Игрушки", "Книги"], n),
                          "сумма": rng.gamma(2.0, 900.0, n).round(2)})
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "средний чек в категории Игрушки")
    assert turn.parse is not None and turn.parse["intent"] == "data_question", turn.reply
    assert "Игрушки" in turn.reply and "role" not in turn.reply, turn.reply


def test_how_many_of_these_students_counts_the_segment(tmp_path: Path) -> None:
    path, frame = _broadband(tmp_path)
    turn = ask_turns(path, tmp_path, "江西的用户", "这些学员有多少人")
    assert str(int((frame["省份"] == "江西").sum())) in turn.reply, turn.reply
    assert str(len(frame)) not in turn.reply, turn.reply


def _courses(folder: Path, n: int = 1200) -> tuple[Path, pd.DataFrame]:
    """A tutoring school's payments: course codes of letters and digits, Chinese buyers."""
    rng = np.random.default_rng(135)
    frame = pd.DataFrame({
        "order_no": np.arange(n),
        "student_id": [f"L{k:04d}" for k in rng.integers(0, 300, n)],
        "paid_on": (pd.Timestamp("2026-03-01") + pd.to_timedelta(
            rng.integers(0, 200, n), "D")).strftime("%Y-%m-%d"),
        "course_code": rng.choice(["A1", "B2", "C1", "Kids"], n),
        "amount_paid": rng.gamma(2.0, 600.0, n).round(0),
    })
    path = folder / "courses.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _spend(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby("student_id")["amount_paid"].sum()


@pytest.mark.parametrize("text", ["买B2课程的学员", "B2 learners"])
def test_a_code_of_letters_and_digits_is_a_value(tmp_path: Path, text: str) -> None:
    path, frame = _courses(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"]["values"] == ["B2"], turn.segment


def test_two_neighbouring_chinese_digits_are_a_range(tmp_path: Path) -> None:
    path, frame = _courses(tmp_path)
    turn = ask_turns(path, tmp_path, "消费两三千的学员")
    assert turn.segment is not None, turn.reply
    spend = _spend(frame)
    assert turn.segment["size"] == int(((spend >= 2000) & (spend <= 3000)).sum()), turn.reply


def test_not_bought_since_a_day_and_month(tmp_path: Path) -> None:
    path, frame = _courses(tmp_path)
    last = pd.to_datetime(frame.groupby("student_id")["paid_on"].max())
    for text in ("ученики, которые не покупали с 1 августа",
                 "learners who haven't paid since 1 August"):
        turn = ask_turns(path, tmp_path, text)
        assert turn.segment is not None, turn.reply
        assert turn.segment["size"] == int((last < "2026-08-01").sum()), turn.reply


def test_words_russians_use_for_a_region_and_a_choice(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    rng = np.random.default_rng(136)
    frame["region"] = rng.choice(["Омская область", "Томская область"], len(frame))
    frame["delivery"] = rng.choice(["курьер", "почта"], len(frame))
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "клиенты из Омской обл, которые выбирают курьера")
    assert turn.segment is not None, turn.reply
    expected = (frame["region"] == "Омская область") & (frame["delivery"] == "курьер")
    assert turn.segment["size"] == int(expected.sum()), turn.reply


def test_a_with_clause_after_an_exclusion_is_kept(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, "клиенты Premium, но не из Чувашии, старше сорока лет")
    assert turn.segment is not None, turn.reply
    expected = (frame["tier"] == "Premium") & (frame["region"] != "Чувашия") & (frame["age"] > 40)
    assert turn.segment["size"] == int(expected.sum()), turn.reply


def test_a_window_a_counted_columns_name_gives_adds_no_date(tmp_path: Path) -> None:
    """"more than 200 minutes in the last 30 days" on talk_minutes_30d beside a last-seen
    date ("minutes" is a unit, and names the column only by it)."""
    rng = np.random.default_rng(137)
    frame = pd.DataFrame({"line_id": [f"M{k}" for k in range(500)],
                          "last_seen": (pd.Timestamp("2026-06-30") - pd.to_timedelta(
                              rng.integers(0, 120, 500), "D")).strftime("%Y-%m-%d"),
                          "talk_minutes_30d": rng.integers(0, 600, 500),
                          "plan": rng.choice(["Lite", "Max"], 500)})
    path = tmp_path / "lines.csv"
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path,
                     "Max subscribers with more than 200 minutes in the last 30 days")
    assert turn.segment is not None, turn.reply
    expected = (frame["plan"] == "Max") & (frame["talk_minutes_30d"] > 200)
    assert turn.segment["size"] == int(expected.sum()), turn.segment


def test_compare_two_values_of_a_column_is_a_figure_by_group(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    frame["balance"] = np.random.default_rng(138).gamma(2.0, 40000.0, len(frame)).round(0)
    frame.to_csv(path, index=False)
    turn = ask_turns(path, tmp_path, "compare Mass vs Premium average balance")
    assert turn.parse is not None and turn.parse["intent"] == "data_question", turn.reply
    means = frame.groupby("tier")["balance"].mean()
    assert all(f"{tier}: {mean:,.2f}" in turn.reply for tier, mean in means.items()), turn.reply


def test_a_new_share_for_the_current_rank_keeps_its_measure(tmp_path: Path) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, "年龄最大的前10%客户", "再去掉Premium的", "换成前20%")
    assert turn.segment is not None, turn.reply
    ranks = [c for c in turn.segment["definition"]["all"] if c["type"] == "rank"]
    assert ranks == [{"type": "rank", "column": "age", "direction": "top", "n": None,
                      "percent": 20.0}], turn.segment


@pytest.mark.parametrize("text", ["VIP clients: older than 60 and Premium",
                                  "лучшие клиенты: Premium старше 60 лет"])
def test_a_vague_name_before_a_colon_is_defined_by_what_follows(tmp_path: Path,
                                                              text: str) -> None:
    path, frame = _bank(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(((frame["age"] > 60) & (frame["tier"] == "Premium")).sum())
