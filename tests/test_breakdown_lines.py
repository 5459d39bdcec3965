"""`segment breakdown` on a large order log: the first, cold answer comes straight from the
file (`tools/lines_breakdown.py`, over `figures_from_lines`) instead of loading every
feature first, and prints exactly what the ordinary path prints.

The log is small and SCAN_MIN_ROWS is lowered so that it counts as large: the test stays
fast and the decision is the one a 10M-line file meets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from assistant import cli_breakdown
from tools import lines_breakdown
from tools.engine import loading

# Names no lexicon knows, given with --map as a user would.
MAPS = ["customer_id=shopper", "date=bought_at", "order_id=ticket", "quantity=qty",
        "unit_price=price_each"]
REGIONS = ["North", "South", "East", "West", "Centre", "Islands", "Coast", "Hills",
           "Valley", "Lakes", "Plains", "Border", "Delta"]


def write_log(path: Path, *, lines: int = 1500, seed: int = 7) -> Path:
    """Order lines with cancellations, returns, free lines, a skewed region (many regions,
    so there is an "other" and small groups) and a channel with a missing marker."""
    rng = np.random.default_rng(seed)
    shopper = rng.integers(0, 90, lines)
    weights = np.geomspace(1.0, 0.02, len(REGIONS))
    home = rng.choice(len(REGIONS), 90, p=weights / weights.sum())
    moved = rng.random(lines) < 0.1
    region = np.where(moved, rng.integers(0, len(REGIONS), lines), home[shopper])
    ticket = [("C" if rng.random() < 0.05 else "T") + str(n // 4) for n in range(lines)]
    frame = pd.DataFrame({
        "shopper": [f"S{n:03d}" for n in shopper],
        "bought_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(
            rng.integers(0, 300 * 24, lines), unit="h"),
        "ticket": ticket,
        "qty": np.where(rng.random(lines) < 0.03, -1, rng.integers(1, 6, lines)),
        "price_each": np.where(rng.random(lines) < 0.02, 0.0,
                               np.round(rng.lognormal(2.0, 0.8, lines), 2)),
        "region": [REGIONS[r] for r in region],
        "channel": rng.choice(["web", "store", "app", "n/a"], lines),
    })
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.fixture()
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Logs of a few hundred lines count as large (they take the scan)."""
    monkeypatch.setattr(loading, "SCAN_MIN_ROWS", 100)


class Calls:
    """`load_data` of the command, counted (the ordinary path loads; the quick one never)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loads = 0
        real = cli_breakdown.load_data

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.loads += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(cli_breakdown, "load_data", counted)


def command(workspace: Path, data: Path) -> Callable[..., str]:
    app = typer.Typer()
    cli_breakdown.register(app)
    app.command("unused")(lambda: None)  # two commands: the name stays a subcommand
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["breakdown", *args, "--data", str(data),
                                     "--workspace", str(workspace),
                                     *(f"--map={m}" for m in MAPS)])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def ordinary(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command as it was: no answer from the lines."""
    monkeypatch.setattr(lines_breakdown, "figures_from_file", lambda *a, **k: None)


MEASURES = [
    ["--measure", "customers"],
    ["--measure", "revenue"],
    ["--measure", "revenue-share"],
    ["--measure", "mean:monetary"],
    ["--measure", "spend-per-customer", "--top", "4"],
    ["--measure", "revenue", "--compare"],
]


@pytest.mark.usefixtures("large")
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_cold_breakdown_is_answered_from_the_lines(
        suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_log(tmp_path / f"orders{suffix}")
    asked = [(*measure, *extra) for measure in MEASURES for extra in ([], ["--json"])]
    asked += [("--measure", "revenue", "--chart"), ("--chart",)]
    if suffix == ".csv":  # the same decision and scan as Parquet's, read from text: a few
        asked = asked[2:6]
    quick = Calls(monkeypatch)
    # Every answer from the lines stores nothing: each is a first question on the file.
    run = command(tmp_path / "quick", log)
    answers = {args: run("--by", "region", *args) for args in asked}
    assert quick.loads == 0
    ordinary(monkeypatch)
    slow = Calls(monkeypatch)
    run = command(tmp_path / "slow", log)
    for args in asked:
        assert run("--by", "region", *args) == answers[args], args
    assert slow.loads == len(asked)
    # The breakdowns are real ones: groups, "other", small groups marked.
    assert any('"other": true' in answer for answer in answers.values()) or suffix == ".csv"
    assert any('"small": true' in answer for answer in answers.values())


@pytest.mark.usefixtures("large")
def test_with_a_cache_entry_the_ordinary_path_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_log(tmp_path / "orders.parquet")
    run = command(tmp_path / "workspace", log)
    calls = Calls(monkeypatch)
    first = run("--by", "region", "--measure", "revenue", "--json")
    assert calls.loads == 0  # nothing cached yet: from the lines, and nothing stored
    run("--by", "channel", "--measure", "rate:region=North")  # one the load answers
    assert calls.loads == 1
    again = run("--by", "region", "--measure", "revenue", "--json")
    assert calls.loads == 2  # the load is cached now: read from the cache
    assert again == first


@pytest.mark.usefixtures("large")
@pytest.mark.parametrize("args", [
    ["--measure", "rate:channel=web"],  # a target is described from the loaded data
    ["--segment", "champions"],
    ["--sql", "duckdb"],
    ["--as-of", "2024-06-01"],
])
def test_other_questions_take_the_ordinary_path(
        args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_log(tmp_path / "orders.parquet")
    calls = Calls(monkeypatch)
    command(tmp_path / "workspace", log)("--by", "region", *args)
    assert calls.loads == 1


def test_a_small_log_takes_the_ordinary_path(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_log(tmp_path / "orders.parquet")
    calls = Calls(monkeypatch)
    command(tmp_path / "workspace", log)("--by", "region", "--measure", "revenue")
    assert calls.loads == 1
