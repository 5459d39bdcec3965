"""The report's predicted-traits section: the holdout chart (predicted against actual
repeat purchases) when the data goes on after the calibration end, and none otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from assistant.cli_report import register
from tests.test_predict_command import TEA_ARGS, TEA_MAP, tea_log
from tools.engine.loading import load_customer_data
from tools.engine.predictive_data import PredictConfig
from tools.predicted import predict_data
from tools.report import build_report
from tools.report_html import render_html
from tools.svg_charts import chart_svg


def test_holdout_chart_draws_the_check_and_only_when_there_is_one(tmp_path: Path) -> None:
    from datetime import date

    data = load_customer_data(tea_log(tmp_path, customers=300, seed=4), mapping=TEA_MAP)
    checked = predict_data(data, PredictConfig(calibration_end=date(2024, 9, 30)))
    report = build_report(data, [], prediction=checked)
    assert report.prediction is not None and report.prediction.holdout is not None
    chart = report.prediction.holdout
    assert checked.holdout is not None
    assert sum(chart.actual) == checked.holdout.actual_repeat_purchases
    assert abs(sum(chart.predicted) - checked.holdout.predicted_repeat_purchases) < 1e-6
    svg = chart_svg(chart)
    # Two bars per group, as long as their values say, on one scale.
    widths = [float(w) for w in re.findall(r"class='bar' x='\d+' y='[\d.]+' width='([\d.]+)'",
                                           svg)]
    assert len(widths) == 2 * len(chart.groups)
    values = [v for pair in zip(chart.predicted, chart.actual, strict=True) for v in pair]
    top = max(values)
    assert all(abs(w - 420 * v / top) < 0.11 for w, v in zip(widths, values, strict=True))
    assert ("holdout", chart) in report.charts()
    page = render_html(report)
    assert "id='prediction'" in page and "data-chart='holdout'" in page
    plain = predict_data(data)  # to the end of the data: nothing to check against
    unchecked = build_report(data, [], prediction=plain)
    assert unchecked.prediction is not None and unchecked.prediction.holdout is None
    assert "data-chart='holdout'" not in render_html(unchecked)


def test_report_command_with_a_calibration_end_and_a_predicted_segment(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command("noop")(lambda: None)
    register(app)
    path = tea_log(tmp_path, customers=300, seed=9)
    definition = tmp_path / "lapsed.yaml"
    definition.write_text("name: probably lapsed\ncondition: {type: compare, column: p_alive, "
                          "op: '<', value: 0.3}\n", encoding="utf-8")
    html = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(app, ["report", str(definition), "--data", str(path), "--html",
                                      str(html), "--calibration-end", "2024-09-30",
                                      "--no-knowledge", *TEA_ARGS,
                                      "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.stderr
    page = html.read_text(encoding="utf-8")
    assert "data-chart='holdout'" in page and "p_alive" in page
    bad = CliRunner().invoke(app, ["report", "--data", str(path), "--html", str(html),
                                   "--calibration-end", "2031-01-01", *TEA_ARGS,
                                   "--workspace", str(tmp_path / "ws")])
    assert bad.exit_code == 1 and "outside the data" in bad.stderr
