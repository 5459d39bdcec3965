"""Fourteenth trial pass: what new users' trials found (and what the last pass left),
tried here on other invented files through the Assistant with the built-in backend.
Intended answers are plain pandas, per SEMANTICS.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns


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
    path, frame = _studio(tmp_path)
    turn = ask_turns(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(expected(frame).sum()), turn.reply  # type: ignore[operator]


def test_a_value_typed_as_written_beside_a_number_stays_a_value(tmp_path: Path) -> None:
    path, frame = _studio(tmp_path)
    turn = ask_turns(path, tmp_path, "members from Newsletter with open rate under 20%")
    expected = (frame["signup_source"] == "Newsletter") & (frame["newsletter_open_rate"] < 0.2)
    assert turn.segment is not None and turn.segment["size"] == int(expected.sum()), turn.reply
