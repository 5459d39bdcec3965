"""Profiles that tell (issue 17): a yes/no column as a rate, a year without a separator, a
stand-in value (999 = "never") left out of the means with a note, and the measures that
differ most first, the rest behind `--all`. On an invented bank-like table."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tools.engine.measure_units import NUMBER, RATE, YEAR, find_sentinel, measure_unit
from tools.engine.schema import Role


@pytest.fixture()
def leads(tmp_path: Path) -> Path:
    rng = random.Random(5)
    header = ("lead_id,born,subscribed,days_since_call,balance,calls,visits,pages,age,"
              "children,score,tenure_months")
    rows = [header]
    for k in range(1, 301):
        keen = k % 4 == 0
        rows.append(",".join(str(v) for v in (
            k, rng.randint(1950, 2000), "yes" if keen or rng.random() < .1 else "no",
            rng.randint(1, 20) if keen else 999, rng.randint(0, 5000) + (4000 if keen else 0),
            rng.randint(1, 6), rng.randint(0, 30), rng.randint(1, 9), rng.randint(18, 80),
            rng.randint(0, 3), rng.randint(1, 10), rng.randint(1, 72))))
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def profile_text(leads: Path, tmp_path: Path, *extra: str) -> str:
    from assistant.cli import app

    segment = tmp_path / "rich.yaml"
    segment.write_text("name: rich\ncondition: {type: compare, column: balance, op: '>', "
                       "value: 6000}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["profile", str(segment), "--data", str(leads),
                                      "--workspace", str(tmp_path / "ws"), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def row(shown: str, column: str) -> str:
    return next(line for line in shown.splitlines() if f" {column} " in line)


def test_a_profile_reads_rates_years_and_stand_ins(leads: Path, tmp_path: Path) -> None:
    shown = profile_text(leads, tmp_path)
    assert "%" in row(shown, "subscribed") and "0.3" not in row(shown, "subscribed")
    assert "999 (" in shown and "left out of the means" in shown
    assert "more with --all" in shown
    # Means without the 999s: days since a call are about 10, not hundreds.
    assert float(row(shown, "days_since_call").split("│")[2].strip()) < 25
    born = row(profile_text(leads, tmp_path, "--all"), "born")
    assert "1,9" not in born and " 19" in born


def test_all_measures_with_all(leads: Path, tmp_path: Path) -> None:
    shown = profile_text(leads, tmp_path, "--all")
    for column in ("calls", "visits", "pages", "children", "score", "tenure_months"):
        assert column in shown
    assert "more with --all" not in shown


def test_units_and_stand_ins() -> None:
    assert measure_unit(Role.MEASURE, np.array([0.0, 1.0, 1.0, np.nan])) == RATE
    assert measure_unit(Role.FLAG, np.array([0.0, 0.0])) == RATE
    assert measure_unit(Role.MEASURE, np.array([1961.0, 1975.0, 1999.0])) == YEAR
    assert measure_unit(Role.MEASURE, np.array([1.5, 2000.0])) == NUMBER
    days = np.array([999.0] * 50 + list(range(1, 30)))
    found = find_sentinel(days)
    assert found is not None and found.value == 999 and found.count == 50
    assert find_sentinel(np.array([-1.0] * 20 + list(range(0, 40)))) is not None
    assert find_sentinel(np.array([-1.0, 0.0, 1.0] * 20)) is None  # a direction
    assert find_sentinel(np.arange(0.0, 100.0)) is None  # 99 is the top of a scale
    assert find_sentinel(np.array([999.0] * 3 + [500.0] * 200)) is None  # 999 is near
