"""Honest RFM (issue 17): when customer ids decide scores, and when a "recent" segment has
not ordered for a year, the results say so, in the request's language; a scheme option
keeps equal customers together."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_rfm import rfm_data
from typer.testing import CliRunner

from tools.engine.rfm import (
    default_scheme,
    ntile_scores,
    quiet_but_ranked_recent,
    rfm_summary,
    rfm_table,
    rfm_ties,
    tie_decided,
)

VALUE_TIES = default_scheme().model_copy(update={"ties": "value"})


def test_a_run_of_equal_values_cut_by_an_edge_is_decided_by_id() -> None:
    # Ten customers, two per band: the four 1s fill band 1 and half of band 2.
    values = np.array([1, 1, 1, 1, 2, 3, 4, 5, 6, 7], dtype=float)
    decided = tie_decided(values, np.arange(10))
    assert decided.tolist() == [True] * 4 + [False] * 6
    assert not tie_decided(np.arange(10, dtype=float), np.arange(10)).any()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60))
def test_value_ties_give_equal_customers_one_score(values: list[int]) -> None:
    data = rfm_data([float(v) for v in values], [1.0] * len(values), [1.0] * len(values))
    scores = rfm_table(data, VALUE_TIES)["r_score"].to_numpy()
    standard = ntile_scores(np.array(values, float), np.arange(1, len(values) + 1),
                            descending=True)
    frame = pd.DataFrame({"value": values, "score": scores, "standard": standard})
    assert (frame.groupby("value")["score"].nunique() == 1).all()
    # Each run keeps the lowest score NTILE gave any of its members; a more recent
    # customer (fewer days) never scores lower.
    assert (frame.groupby("value")["score"].first()
            == frame.groupby("value")["standard"].min()).all()
    oldest_first = frame.sort_values("value", ascending=False)["score"].to_numpy()
    assert (np.diff(oldest_first) >= 0).all()


def test_most_customers_buying_once_is_said_with_its_share() -> None:
    # 30 customers: 20 bought once, so F bands 1-4 cut through the ones.
    frequency = [1.0] * 20 + [float(n) for n in range(2, 12)]
    data = rfm_data([float(n) for n in range(30)], frequency, [float(n) for n in range(30)])
    ties = rfm_ties(data)
    assert ties.frequency == 20 / 30 and ties.recency == 0 and ties.monetary == 0
    assert ties.worth_saying
    assert sum(s.customers for s in rfm_summary(data, VALUE_TIES)) == 30


def _quiet_log(tmp_path: Path) -> Path:
    """A shop that went quiet: five buyers this month, 45 whose orders ended two years ago."""
    end = date(2024, 6, 30)
    rows = ["ticket,client,day,paid"]
    ticket = 0
    for client in range(1, 51):
        recent = client <= 5
        last = end - timedelta(days=client if recent else 700 + client)
        for n in range(1 + client % 6):
            ticket += 1
            rows.append(f"T{ticket},C{client:03d},{last - timedelta(days=30 * n)},{20 + client}")
    path = tmp_path / "quiet_shop.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_recent_by_rank_but_a_year_quiet_is_said_in_three_languages(tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    data = load_customer_data(_quiet_log(tmp_path))
    quiet = quiet_but_ranked_recent(rfm_summary(data))
    assert quiet and all(s.avg_recency is not None and s.avg_recency > 365 for s in quiet)
    bot = Assistant(data, workspace=tmp_path / "ws")
    replies = {lang: bot.ask(text).reply for lang, text in
               [("en", "run an RFM analysis"), ("zh", "做RFM分析"), ("ru", "сделай RFM-анализ")]}
    assert "days since the last order" in replies["en"]
    assert "平均距上次下单已有" in replies["zh"]
    assert "дн. с последнего заказа" in replies["ru"]
    assert "decided by their customer id" in replies["en"]  # most bought a few times alike


def test_the_command_scores_by_value_and_refuses_other_rules(tmp_path: Path) -> None:
    from assistant.cli import app

    path = _quiet_log(tmp_path)
    runner = CliRunner(env={"COLUMNS": "200"})  # the hint on one line, whatever the path
    standard = runner.invoke(app, ["rfm", "--data", str(path), "--workspace", str(tmp_path)])
    assert standard.exit_code == 0 and "--ties value" in standard.output
    kept = runner.invoke(app, ["rfm", "--data", str(path), "--ties", "value", "--json",
                               "--workspace", str(tmp_path)])
    result = json.loads(kept.output)
    assert result["tie_rule"] == "value" and result["ties"]["any_score"] > 0.1
    assert sum(s["customers"] for s in result["segments"]) == 50
    wrong = runner.invoke(app, ["rfm", "--data", str(path), "--ties", "random",
                                "--workspace", str(tmp_path)])
    assert wrong.exit_code != 0 and "use id or value" in wrong.output
    assert "Traceback" not in wrong.output


def test_the_report_carries_the_rfm_notes(tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data
    from tools.report import build_report
    from tools.report_html import render_html

    report = build_report(load_customer_data(_quiet_log(tmp_path)), [])
    assert any("days since the last order" in note for note in report.rfm_notes)
    assert any("decided by their customer id" in note for note in report.rfm_notes)
    page = render_html(report)
    assert all(note.split(":")[0] in page for note in report.rfm_notes)
