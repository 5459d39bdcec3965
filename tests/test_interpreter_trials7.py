"""Seventh trial pass: what new users' trials found on invented files, loaded by the real
loader and asked through the Assistant with the built-in backend. Intended answers are
plain pandas (or the engine's own per-customer table where the answer is an RFM count)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns
from tools.engine.loading import load_customer_data
from tools.engine.rfm import rfm_table


def _bookings(folder: Path, n: int = 1800) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(71)
    frame = pd.DataFrame({
        "booking_ref": [f"B{k}" for k in range(n)],
        "guest": rng.integers(1, 400, n),
        "booked_on": pd.Timestamp("2026-05-31") - pd.to_timedelta(rng.integers(0, 500, n), "D"),
        "amount_eur": rng.gamma(2.0, 120.0, n).round(2),
        "home_country": rng.choice(["Spain", "Italy", "Norway", "Chile"], n),
    })
    path = folder / "bookings.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize(("first", "rfm"), [
    ("guests from Italy", "RFM breakdown of this segment"),
    ("意大利的客人", "对他们做RFM分析"),
    ("гости из Италии", "сделай RFM-анализ этого сегмента"),
])
def test_an_rfm_analysis_of_the_current_segment_counts_its_members(
        tmp_path: Path, first: str, rfm: str) -> None:
    path, frame = _bookings(tmp_path)
    italians = set(frame.groupby("guest")["home_country"].agg(
        lambda v: sorted(v.value_counts()[lambda c: c == c.max()].index)[0])
        .loc[lambda s: s == "Italy"].index)
    turn = ask_turns(path, tmp_path, first, rfm)
    assert turn.segment is not None and turn.segment["size"] == len(italians), turn.reply
    result = next(r for r in turn.results if r.tool == "run_rfm")
    rows = result.summary["segments"]
    assert sum(row["customers"] for row in rows) == len(italians)
    assert result.summary["within"]["size"] == len(italians)
    # The segments inside are the base's own: the same customers' scores, counted.
    data = load_customer_data(path)
    table = rfm_table(data)
    inside = table.loc[table.index.isin(italians), "rfm_segment"].value_counts()
    assert {row["name"]: row["customers"] for row in rows if row["customers"]} == \
        {str(name): int(n) for name, n in inside.items()}
    assert str(len(italians)) in turn.reply


def test_an_rfm_analysis_with_no_one_named_is_of_everyone(tmp_path: Path) -> None:
    path, frame = _bookings(tmp_path)
    turn = ask_turns(path, tmp_path, "guests from Italy", "run an RFM analysis")
    result = next(r for r in turn.results if r.tool == "run_rfm")
    assert "within" not in result.summary
    assert sum(row["customers"] for row in result.summary["segments"]) == \
        frame["guest"].nunique()


@pytest.mark.parametrize(("first", "breakdown"), [
    ("guests who spent over 300", "country breakdown of this segment"),
    ("消费超过300的客人", "这个细分的国家分布"),
    ("гости, потратившие больше 300", "разбивка этого сегмента по странам"),
])
def test_a_column_breakdown_of_this_segment_counts_its_members(
        tmp_path: Path, first: str, breakdown: str) -> None:
    path, frame = _bookings(tmp_path)
    spend = frame.groupby("guest")["amount_eur"].sum()
    country = frame.groupby("guest")["home_country"].agg(
        lambda v: sorted(v.value_counts()[lambda c: c == c.max()].index)[0])
    expected = country[spend > 300].value_counts()
    turn = ask_turns(path, tmp_path, first, breakdown)
    assert turn.segment is not None and turn.segment["size"] == int((spend > 300).sum())
    assert [r.tool for r in turn.results] == ["compute_figures"], turn.reply
    for name, n in expected.items():
        assert f"{name}: {n} (" in turn.reply.replace("：", ": ").replace("（", " ("), turn.reply


def test_splitting_into_groups_is_still_clustering(tmp_path: Path) -> None:
    path, _ = _bookings(tmp_path)
    turn = ask_turns(path, tmp_path, "разбивка клиентов на 3 группы")
    assert [r.tool for r in turn.results] == ["cluster"], turn.reply
