"""One column against another, with no number ("balance above their salary", "fewer
branch visits than app logins", "баланс больше зарплаты", "余额比工资高"), on an invented
credit union's members, loaded by the real loader and asked through the Assistant.
Intended answers are plain pandas comparisons of the two columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_ask import ask_turns, assert_size


def _members(folder: Path, n: int = 500) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(121)
    frame = pd.DataFrame({
        "member_no": [f"U{k:04d}" for k in range(n)],
        "balance": rng.gamma(2.0, 25000.0, n).round(0),
        "salary": rng.gamma(2.0, 30000.0, n).round(0),
        "wine_spend": rng.integers(0, 600, n),
        "music_spend": rng.integers(0, 600, n),
        "branch_visits": rng.integers(0, 30, n),
        "app_logins": rng.integers(0, 30, n),
    })
    path = folder / "members.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.parametrize("text", [
    "customers with a balance above their salary",
    "members whose balance is higher than their salary",
    "клиенты, у которых баланс больше зарплаты",
    "余额高于工资的客户",
    "余额比工资高的客户"])
def test_balance_above_salary(tmp_path: Path, text: str) -> None:
    assert_size(tmp_path, _members, text, lambda f: f["balance"] > f["salary"])


@pytest.mark.parametrize("text", [
    "members who spent more on wine than on music",
    "клиенты, которые тратят на вино больше, чем на музыку"])
def test_spent_more_on_one_thing_than_another(tmp_path: Path, text: str) -> None:
    assert_size(tmp_path, _members, text, lambda f: f["wine_spend"] > f["music_spend"])


@pytest.mark.parametrize(("text", "expected"), [
    ("members with fewer branch visits than app logins",
     lambda f: f["branch_visits"] < f["app_logins"]),
    ("members where music_spend is less than wine_spend",
     lambda f: f["music_spend"] < f["wine_spend"])])
def test_a_comparative_before_the_first_column(tmp_path: Path, text: str,
                                               expected: object) -> None:
    assert_size(tmp_path, _members, text, expected)  # type: ignore[arg-type]


def test_a_number_is_still_a_threshold(tmp_path: Path) -> None:
    path, frame = _members(tmp_path)
    turn = ask_turns(path, tmp_path, "members with a balance above 40000")
    assert turn.segment is not None
    assert turn.segment["definition"] == {"type": "compare", "column": "balance", "op": ">",
                                          "value": 40000}
