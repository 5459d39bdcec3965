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


def _days_before_end(frame: Frame, column: str) -> pd.Series:
    dates = pd.to_datetime(frame[column])
    return (dates.max() + pd.Timedelta(days=1) - dates).dt.days


WRITERS = {"hotel": _hotel}

CASES: list[tuple[str, list[str], Callable[[Frame], Any] | None]] = [
    # A stay's length and its date share the word "stay".
    ("hotel", ["stays of at least a week"], lambda d: d.NightsStayed >= 7),
    ("hotel", ["guests who stayed more than 10 nights"], lambda d: d.NightsStayed > 10),
    ("hotel", ["guests who haven't stayed in 6 months"],
     lambda d: _days_before_end(d, "LastStay") > 180),
    ("hotel", ["guests who stayed in the last 2 months"],
     lambda d: _days_before_end(d, "LastStay") <= 60),
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
