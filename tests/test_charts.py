"""Charts: specs computed from the engine, drawn in the terminal, by `segment chart` and /chart."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from assistant.charts import bar_text, render_chart
from assistant.cli_report import register
from tools import charts
from tools.engine.definitions import Compare, RfmSegment
from tools.engine.evaluate import evaluate
from tools.engine.rfm import rfm_grid, rfm_summary


def text_of(chart: Any, colour: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, force_terminal=colour,
                      color_system="truecolor" if colour else None)
    render_chart(console, chart)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """The segment command (only the report commands here)."""

    register(app)
    return app


def test_rfm_heatmap_matches_the_grid(retail: Any) -> None:
    heat = charts.rfm_heatmap(retail)
    grid = rfm_grid(retail)
    assert np.array_equal(np.array(heat.values), grid.to_numpy())
    assert sum(map(sum, heat.values)) == retail.n_customers == 4338
    assert heat.row_labels[0] == "R5" and heat.column_labels[-1] == "F5"
    assert heat.notes[0][-1] == "C" and heat.notes[-1][0] == "H"  # Champions, Hibernating
    drawn = text_of(heat, colour=True)
    assert "438" in drawn and "48;2;" in drawn  # counts on coloured backgrounds


def test_sizes_are_the_segment_counts(retail: Any) -> None:
    rfm = charts.rfm_sizes(retail)
    assert [(b.label, b.value) for b in rfm.bars] == [(s.name, s.customers)
                                                      for s in rfm_summary(retail)]
    champions = evaluate(RfmSegment(segments=["Champions"]), retail)
    chart = charts.segment_sizes(retail, [("Champions", champions)])
    assert chart.bars[0].value == int(champions.sum()) == 632
    assert chart.bars[0].note == "14.6%"
    drawn = text_of(rfm)
    assert "Hibernating" in drawn and "1,077" in drawn and "█" * 40 in drawn


def test_distribution_counts_every_customer_once(retail: Any) -> None:
    champions = evaluate(RfmSegment(segments=["Champions"]), retail)
    chart = charts.distribution(retail, champions, None, "Champions")
    assert chart.measure == "monetary"
    assert chart.segment_count == 632 and chart.base_count == 4338
    assert sum(chart.segment_shares) == pytest.approx(1.0)
    assert sum(chart.base_shares) == pytest.approx(1.0)
    spend = retail.customers["monetary"]
    assert chart.segment_median == pytest.approx(float(spend[champions].median()))
    assert chart.bins[-1].endswith("+")  # the long tail is one bin
    first_high = float(chart.bins[-1].rstrip("+").replace(",", ""))
    assert chart.base_shares[-1] == pytest.approx(float((spend >= first_high).mean()), abs=1e-3)
    # Champions spend more: their median bin is further right than the base's
    assert np.argmax(chart.segment_shares) > np.argmax(chart.base_shares)
    drawn = text_of(chart)
    assert "Champions (632)" in drawn and "Median monetary" in drawn


def test_whole_number_and_category_distributions(retail: Any, campaign: Any) -> None:
    everyone = pd.Series(True, index=campaign.customers.index)
    kids = charts.distribution(campaign, everyone, "kidhome")
    assert kids.bins == ("0", "1", "2")
    counts = campaign.customers["Kidhome"].value_counts(normalize=True).sort_index()
    assert kids.base_shares == pytest.approx(tuple(counts.to_numpy()))
    german = evaluate(Compare(column="Country", op="==", value="Germany"), retail)
    country = charts.distribution(retail, german, "country", "Germany")
    assert country.bins[0] == "United Kingdom" and country.bins[-1] == "other"
    assert country.segment_shares[country.bins.index("Germany")] == pytest.approx(1.0)
    with pytest.raises(Exception, match="monetary"):
        charts.distribution(retail, german, "monetry")


def test_cluster_profiles_are_indexes_of_the_base(mall: Any) -> None:
    from assistant.cli_segments import clustering_summary

    summary = clustering_summary(mall, None, 3)
    chart = charts.cluster_profiles(summary)
    assert len(chart.groups) == 3 and sum(chart.sizes) == mall.n_customers
    feature = chart.features[0]
    first = summary["clusters"][0]
    assert chart.index[0][0] == pytest.approx(100 * first["vs_base"][feature])
    drawn = text_of(chart)
    assert "#2" in drawn and first["name"] in drawn


def test_bar_text_resolution() -> None:
    assert bar_text(1.0, 10) == "█" * 10
    assert bar_text(0.0, 10) == ""
    assert bar_text(0.55, 10) == "█████▌"


def test_segment_chart_command(app: typer.Typer, tmp_path: Path, datasets_dir: Path) -> None:
    data = datasets_dir / "marketing_campaign.csv"
    workspace = tmp_path / ".segment"
    result = CliRunner().invoke(app, ["chart", "rfm-grid", "--data", str(data),
                                      "--workspace", str(workspace)])
    # a customer table without frequency cannot be RFM-scored: a one-line error
    assert result.exit_code == 1 and "frequency" in result.stderr
    result = CliRunner().invoke(app, ["chart", "distribution", "all", "--data", str(data),
                                      "--measure", "Income", "--json",
                                      "--workspace", str(workspace)])
    assert result.exit_code == 0, result.stderr
    chart = json.loads(result.stdout)["chart"]
    assert chart["measure"] == "Income" and chart["base_count"] == 2216
    result = CliRunner().invoke(app, ["chart", "clusters", "--data", str(data), "--k", "3",
                                      "--workspace", str(workspace)], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.stderr
    assert "3 clusters" in result.stdout and "Income" in result.stdout
    result = CliRunner().invoke(app, ["chart", "distribution", "--data", str(data),
                                      "--workspace", str(workspace)])
    assert result.exit_code == 1 and "one segment" in result.stderr


def test_chart_in_chat(retail: Any, tmp_path: Path) -> None:
    from assistant.chat import ChatLoop
    from assistant.core import Assistant

    buffer = io.StringIO()
    loop = ChatLoop(Assistant(retail, workspace=tmp_path / ".segment"),
                    Console(file=buffer, width=140))
    assert loop.handle("/chart")
    assert "No current segment" in buffer.getvalue()
    loop.bot.toolkit.call("define_segment", {"condition": {
        "type": "rfm_segment", "segments": ["Champions"]}})
    for command in ("/chart", "/chart rfm", "/chart sizes", "/chart distribution frequency",
                    "/chart distribution nosuchcolumn", "/chart pie"):
        assert loop.handle(command)
    shown = buffer.getvalue()
    assert "monetary: current segment vs all customers" in shown
    assert "R score" in shown and "4,338" in shown and "frequency:" in shown
    assert "No column named 'nosuchcolumn'" in shown and "Usage: /chart" in shown
    assert "/chart" in loop.commands and "/chart" in __import__("assistant.chat").chat.HELP


def test_report_in_chat(retail: Any, tmp_path: Path) -> None:
    from assistant.chat import ChatLoop
    from assistant.core import Assistant

    buffer = io.StringIO()
    bot = Assistant(retail, workspace=tmp_path / ".segment")
    loop = ChatLoop(bot, Console(file=buffer, width=200))
    assert loop.handle("/report notes.txt")
    assert "Usage: /report" in buffer.getvalue()
    bot.toolkit.call("define_segment", {"condition": {"type": "rfm_segment",
                                                      "segments": ["At Risk"]}})
    target = tmp_path / "at-risk.html"
    assert loop.handle(f"/report {target}")
    assert f"Wrote the report of 'At Risk' to {target}" in buffer.getvalue()
    page = target.read_text(encoding="utf-8")
    assert "596</strong> customers" in page and "Campaign plan" in page
    assert page.count("<svg") == 4  # sizes, RFM segments, RFM grid, distribution


def test_a_date_column_is_refused_with_the_measures(retail: Any) -> None:
    from tools.engine.errors import EngineError

    everyone = pd.Series(True, index=retail.customers.index)
    with pytest.raises(EngineError) as raised:
        charts.distribution(retail, everyone, "last_purchase")
    assert "dates" in raised.value.message and "recency_days" in raised.value.options


def test_index_colours_follow_what_is_good_for_the_business() -> None:
    """Issue 17: recency's index was coloured backwards (recent Champions in red)."""
    from assistant.charts import index_style
    from tools.charts import lower_is_better
    from tools.report_html import _measures
    from tools.svg_charts import index_fill

    assert lower_is_better("recency_days") and lower_is_better("Recency", "recency")
    assert lower_is_better("days_since", "recency")
    assert not lower_is_better("Income", "measure") and not lower_is_better("monetary")
    assert index_fill(40, lower_is_better=True) == index_fill(160)
    assert index_fill(160, lower_is_better=True) == index_fill(40)
    assert index_style(40, lower_is_better=True) == index_style(160)
    html = _measures({"measures": [
        {"column": "recency_days", "role": "recency", "index": 40.0},
        {"column": "monetary", "role": "monetary", "index": 40.0}]}, None)
    recency_row, spend_row = html.split("<tr>")[2:4]
    assert index_fill(160) in recency_row and index_fill(40) in spend_row
