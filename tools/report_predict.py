"""The predictive-traits part of the HTML report: the fit in words, its warnings, and the
holdout chart (predicted against actual repeat purchases) when the data goes on after the
calibration end. Built by `tools/report.py`, laid out by `tools/report_html.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from tools.charts import HoldoutChart
from tools.predicted import fit_in_words
from tools.svg_charts import chart_svg

if TYPE_CHECKING:
    from tools.engine.predictive import Prediction
    from tools.engine.predictive_check import HoldoutCheck


@dataclass
class PredictionSection:
    lines: list[str]  # what was fitted, in plain words (tools/predicted.fit_in_words)
    warnings: list[str] = field(default_factory=list)
    holdout: HoldoutChart | None = None


def holdout_chart(check: HoldoutCheck) -> HoldoutChart:
    return HoldoutChart(
        title=f"Repeat purchases in the {check.holdout_days} days after "
              f"{check.calibration_end}: predicted and actual, by repeat purchases before",
        groups=tuple(g.label for g in check.groups),
        customers=tuple(g.customers for g in check.groups),
        predicted=tuple(g.predicted for g in check.groups),
        actual=tuple(g.actual for g in check.groups))


def prediction_section(prediction: Prediction, name: str) -> PredictionSection:
    return PredictionSection(
        lines=fit_in_words(prediction, name),
        warnings=[d.message for d in prediction.diagnostics if d.level == "warning"],
        holdout=None if prediction.holdout is None else holdout_chart(prediction.holdout))


def prediction_html(section: PredictionSection | None) -> str:
    if section is None:
        return ""
    parts = ["<section id='prediction'><h2>Predicted traits</h2>"]
    parts += [f"<p>{escape(line)}</p>" for line in section.lines]
    parts += [f"<p class='note'>Warning: {escape(w)}</p>" for w in section.warnings]
    if section.holdout is not None:
        parts.append(f"<h3>{escape(section.holdout.title)}</h3>"
                     f"<div class='figure'>{chart_svg(section.holdout)}</div>"
                     "<p class='legend'>Groups: how many times customers bought again up to "
                     "the calibration end (customers in brackets). Bars: repeat purchases "
                     "after it, as the model predicted them and as they happened.</p>")
    parts.append("</section>")
    return "".join(parts)
