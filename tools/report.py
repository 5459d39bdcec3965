"""What a segment report holds, computed from the engine (and the knowledge base when open).

`build_report` gathers the numbers and texts; `tools/report_html.py` lays them
out. Every figure comes from the engine: the report adds no number of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tools import charts
from tools.engine.dataset import CustomerData
from tools.engine.definitions import Condition, SegmentDefinition
from tools.engine.describe import describe
from tools.engine.errors import EngineError
from tools.engine.profiles import compare, profile
from tools.engine.rfm import TIE_NOTE_SHARE, rfm_caveats, rfm_summary
from tools.figure_summaries import figure_chart
from tools.knowledge.answers import explain_segment
from tools.knowledge.campaigns import campaign_plan
from tools.report_predict import PredictionSection, prediction_section

if TYPE_CHECKING:
    from tools.engine.predictive import Prediction
    from tools.knowledge.store import KnowledgeStore


@dataclass(frozen=True)
class ReportSegment:
    """A segment to report on: what the user named, and its members."""

    label: str
    kind: str  # "saved", "rfm", "lifecycle", "file", "all"
    condition: Condition | None
    mask: pd.Series


@dataclass
class SegmentSection:
    label: str
    kind: str
    description: str
    definition_yaml: str
    size: int
    share: float
    profile: dict[str, Any]
    distribution: charts.Distribution | None
    explanation: str | None = None  # Markdown with cited sources
    campaign: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    generated_at: str
    source: dict[str, Any]
    base_customers: int
    currency: str | None
    sizes: charts.BarChart
    segments: list[SegmentSection]
    rfm_sizes: charts.BarChart | None = None
    rfm_grid: charts.Heatmap | None = None
    # What the RFM charts alone hide: scores decided by id, "recent" segments a year quiet.
    rfm_notes: list[str] = field(default_factory=list)
    comparison: dict[str, Any] | None = None  # first two segments: differences, overlap
    comparison_labels: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    # Questions about the data (compute_figures summaries) drawn as bars.
    breakdowns: list[charts.BarChart] = field(default_factory=list)
    # Predictive traits (segment report --calibration-end): the fit and the holdout chart.
    prediction: PredictionSection | None = None

    def charts(self) -> list[tuple[str, charts.Chart]]:
        """Every chart with a file-name stem, in page order (for PNG export)."""
        found: list[tuple[str, charts.Chart]] = [("sizes", self.sizes)]
        if self.rfm_sizes is not None:
            found.append(("rfm-segments", self.rfm_sizes))
        if self.rfm_grid is not None:
            found.append(("rfm-grid", self.rfm_grid))
        for i, section in enumerate(self.segments, 1):
            if section.distribution is not None:
                found.append((f"segment-{i}-distribution", section.distribution))
        found += [(f"breakdown-{i}", chart) for i, chart in enumerate(self.breakdowns, 1)]
        if self.prediction is not None and self.prediction.holdout is not None:
            found.append(("holdout", self.prediction.holdout))
        return found


def _rfm_notes(data: CustomerData) -> list[str]:
    """The RFM caveats (`rfm_caveats`, SEMANTICS.md "Ties told") in the report's words."""
    summaries = rfm_summary(data)
    caveats = rfm_caveats(data, summaries)
    recency = {s.name: s.avg_recency or 0.0 for s in summaries}
    notes = [f"{name}: on average {recency[name]:,.0f} days since the last order; they rank "
             "among the most recent only against the rest of this base."
             for name in caveats["quiet"]]
    share = caveats["ties"]["any_score"]
    if share > TIE_NOTE_SHARE:
        notes.append(f"For {100 * share:.1f}% of customers a score was decided by "
                     "their customer id, not their behaviour: many customers have the same "
                     "value, and the score bands cut through them (`segment rfm --ties value` "
                     "scores equal customers alike).")
    return notes


def build_report(data: CustomerData, segments: Sequence[ReportSegment], *,
                 knowledge: KnowledgeStore | None = None, lang: str = "en",
                 now: datetime | None = None, title: str | None = None,
                 breakdowns: Sequence[dict[str, Any]] = (),
                 prediction: Prediction | None = None) -> Report:
    """The report of `segments` on `data`; the knowledge base adds explanations and plans;
    `breakdowns` are `compute_figures` summaries (questions asked about the data);
    `prediction` adds the predictive traits (their holdout chart when there is one)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    notes: list[str] = []
    rfm_sizes, rfm_grid = None, None
    rfm_notes: list[str] = []
    try:
        rfm_sizes, rfm_grid = charts.rfm_sizes(data), charts.rfm_heatmap(data)
        rfm_notes = _rfm_notes(data)
    except EngineError as exc:
        notes.append(f"No RFM grid: {exc.message}")
    sizes = (charts.segment_sizes(data, [(s.label, s.mask) for s in segments]) if segments
             else rfm_sizes or charts.segment_sizes(data, []))
    sections = [_section(data, s, profile(data, s.mask).to_dict(), knowledge, lang)
                for s in segments]
    comparison, labels = None, None
    if len(segments) >= 2:
        first, second = segments[0], segments[1]
        comparison = compare(data, first.mask, second.mask).to_dict()
        labels = (first.label, second.label)
    source = data.source
    return Report(
        title=title or ("Segment report: " + ", ".join(s.label for s in segments)
                        if segments else "Customer base report"),
        generated_at=moment.isoformat().replace("+00:00", "Z"),
        source={"file": source.path, "sha256": source.content_hash, "kind": str(source.kind),
                "rows_read": source.rows_read, "as_of": str(source.as_of or "")},
        base_customers=data.n_customers, currency=source.currency, sizes=sizes,
        segments=sections, rfm_sizes=rfm_sizes, rfm_grid=rfm_grid, rfm_notes=rfm_notes,
        comparison=comparison,
        comparison_labels=labels, notes=notes,
        breakdowns=[figure_chart(summary) for summary in breakdowns],
        prediction=None if prediction is None else prediction_section(
            prediction, Path(source.path).name))


def _section(data: CustomerData, segment: ReportSegment, profiled: dict[str, Any],
             knowledge: KnowledgeStore | None, lang: str) -> SegmentSection:
    description = (describe(segment.condition, data) if segment.condition is not None
                   else "all customers")
    definition = ("" if segment.condition is None else
                  SegmentDefinition(name=segment.label, condition=segment.condition).to_yaml())
    size = int(profiled["size"])
    notes: list[str] = []
    distribution = None
    if size:
        try:
            distribution = charts.distribution(data, segment.mask, None, segment.label)
        except EngineError as exc:
            notes.append(exc.message)
    section = SegmentSection(segment.label, segment.kind, description, definition, size,
                             float(profiled["share_of_customers"] or 0.0), profiled,
                             distribution, notes=notes)
    if knowledge is not None and size and segment.kind != "all":
        _add_knowledge(section, knowledge, lang)
    return section


def _add_knowledge(section: SegmentSection, knowledge: KnowledgeStore, lang: str) -> None:
    facts = {"name": section.label, "kind": section.kind,
             "description": "" if section.kind in ("rfm", "lifecycle") else section.description,
             **section.profile}
    try:
        section.explanation = explain_segment(knowledge, facts, lang=lang).to_markdown()
        section.campaign = campaign_plan(knowledge, facts, section.label, lang=lang).to_markdown()
    except EngineError as exc:
        section.notes.append(f"No explanation or campaign plan: {exc.message}")
