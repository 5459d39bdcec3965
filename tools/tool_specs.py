"""The arguments of every tool, as pydantic models.

These models are the contract a model (or the built-in interpreter) sees: the
class docstring is the tool's description and each field's description says
what to pass. The toolkit validates every call against them before touching
the data, so a malformed call becomes an error message listing what is valid. Each
model is registered once with the function that runs it in `tool_registry.TOOLS`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.engine.definitions import Condition


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DescribeDataArgs(_Args):
    """Describe the loaded customer data: kind (transaction log or customer table), number of
    customers, as-of date, every column with its role, type, range and (for categories) its
    values. Call this first when unsure which columns or values exist."""


class DefineSegmentArgs(_Args):
    """Define the current segment from a condition over the real columns and values.

    mode "new" replaces the current segment, "refine" keeps only current members that also
    meet the condition ("now only those in France"), "exclude" removes the members that meet
    it ("exclude the UK"). Returns the size, share and a plain-English description."""

    condition: Condition = Field(
        description=(
            "A condition tree; every condition names its `type`. Leaf types: compare "
            "{column, op (>, >=, <, <=, ==, !=), value}, "
            "sum {columns, op, value} (the total of several number or yes/no columns, yes "
            "counting 1, against a number: total spend across product columns, how many "
            "campaigns were accepted), compare_columns {left, op, right} (one number or date "
            "column against another: balance above salary), "
            "between {column, low, high}, in / not_in {column, values}, missing / present "
            "{column}, rank {column, direction top|bottom, n or percent}, rfm_segment "
            "{segments}, rfm_score {score r|f|m, low, high}, purchased {all optional: "
            "start, end (ISO days, end not included), within_days (the last N days), column "
            "and values (only lines with one of these values in a log column), measure "
            "orders|spend, op, value (default: at least 1 order)} (a log's own lines: spent "
            "over 5000 in the last 30 days, bought vitamins in December), lifecycle {stages}, "
            "cluster "
            "{features, k, clusters, within (optional condition)}, segment {name} (a saved "
            "segment). Combine with and {all}, or {any}, not {condition}."
        )
    )
    mode: Literal["new", "refine", "exclude"] = "new"


class ColumnValuesArgs(_Args):
    """The values of a category column, most frequent first, with how many there are: for
    a value not listed in the data summary ("is there a Lebanon?"). Personal columns have
    none to show."""

    column: str = Field(description="The column, as named in the data summary.")
    contains: str | None = Field(default=None, max_length=100, description=(
        "Only values containing this text (case ignored)."))


class RunRfmArgs(_Args):
    """Score every customer on recency, frequency and monetary value (1-5) and report the 10
    named RFM segments with their sizes and revenue shares."""

    ties: Literal["id", "value"] = Field(default="id", description=(
        "How equal values are scored: id splits them across score bands by customer id (the "
        "standard NTILE), value always gives them the same score."))
    grid: bool = Field(default=False, description=(
        "Also the customer counts in the 5 x 5 grid of R and F scores."))
    segment: str | None = Field(default=None, description=(
        "Only the customers of this segment ('current' or a saved segment's name), e.g. "
        "\"RFM breakdown of this segment\"; empty for all customers. Scores stay the whole "
        "base's."))


class LifecycleArgs(_Args):
    """Assign lifecycle stages (new, active, at risk, lapsed...) from the base's own time
    between purchases and report each stage's size and the thresholds used."""


class ClusterArgs(_Args):
    """Split the customers into groups with k-means. Leave features empty for sensible
    defaults and k empty to choose it automatically; each group comes back named, sized and
    approximated by a readable rule. When the user means the current segment ("split them",
    "these customers") set within_segment: only its members are grouped."""

    features: list[str] | None = Field(default=None, description="Numeric columns to use.")
    k: int | None = Field(default=None, ge=2, le=20, description="Number of groups.")
    within_segment: bool = Field(
        default=False, description="Split only the customers of the current segment "
        "(false: the whole base).")


class SelectClusterArgs(_Args):
    """Make one group of the last clustering the current segment (by its id, from 0); a group
    of a split segment stays within that segment."""

    cluster: int = Field(ge=0, description="The group's id as shown by the cluster tool.")
    mode: Literal["new", "refine", "exclude"] = "new"


class ComputeFiguresArgs(_Args):
    """Answer a question about the data with figures the engine computes; never changes the
    current segment. How many customers; the sum, mean, median, min or max of a number or
    yes/no column; the rate of a yes/no column, a value or any condition ("churn rate",
    "share in France"); the share of revenue; the average order value (revenue per order)
    or spend per customer. For everyone, a segment, or customers meeting a condition;
    optionally broken down by one column (numbers in readable bins; the top groups, the
    rest as "other") and side by side with the whole base (index 100 = the base). Returns
    aggregates only; groups of fewer than 5 customers are marked small."""

    statistic: Literal["customers", "sum", "mean", "median", "min", "max", "rate",
                       "revenue_share", "order_value", "spend_per_customer"] = Field(
        default="customers", description=(
            "customers: how many; sum/mean/median/min/max: of `column`; rate: the share who "
            "meet `target` among those whose value is known; revenue_share: the group's spend "
            "over everyone's; order_value: spend per order; spend_per_customer: spend per "
            "customer."))
    column: str | None = Field(default=None, description="The number column for sum, mean, "
                               "median, min, max.")
    target: Condition | None = Field(default=None, description=(
        "For a rate: whom to count, as a condition (same leaf types as define_segment), e.g. "
        "{type: compare, column: Churn, op: ==, value: Yes}."))
    by: str | None = Field(default=None, description="Break the figure down by this column.")
    bins: list[float] | None = Field(default=None, description=(
        "Edges for a number `by` (e.g. [18, 30, 45, 60]); readable bins when empty."))
    groups: list[str] | None = Field(default=None, description=(
        "Only these values of `by` (\"France and Germany\", \"married versus single\")."))
    top: int = Field(default=10, ge=1, le=50, description="Groups shown before \"other\".")
    segment: str | None = Field(default=None, description=(
        "Whom to count: empty for everyone, 'current' for the current segment, or a saved "
        "segment, RFM segment or lifecycle stage."))
    condition: Condition | None = Field(default=None, description=(
        "Only customers meeting this condition (as define_segment's), within `segment`."))
    compare_with_base: bool = Field(default=False, description=(
        "Also give the whole base's figure and each group's index against it."))


class SegmentNameArgs(_Args):
    """A segment by name: a saved segment, an RFM segment name, a lifecycle stage, 'all'
    for the whole base, or empty for the current segment."""

    name: str | None = Field(default=None, description="Segment name; empty = current segment.")


class ProfileSegmentArgs(SegmentNameArgs):
    """Profile a segment: size, share of customers and revenue, key measures against the whole
    base (index 100 = average) and the most common category values."""


class CompareSegmentsArgs(_Args):
    """Compare two segments and list what differs most between them."""

    a: str = Field(description="First segment name ('current' for the current segment).")
    b: str = Field(description="Second segment name ('all' for the whole base).")


class OverlapSegmentsArgs(CompareSegmentsArgs):
    """Count the customers in both segments, in only one of them, and the Jaccard index."""


class SaveSegmentArgs(_Args):
    """Save the current segment's definition in the team's segment library under a name."""

    name: str = Field(min_length=1, max_length=80)


class LoadSegmentArgs(_Args):
    """Make a saved segment the current segment (re-evaluated on the loaded data)."""

    name: str


class DeleteSegmentArgs(LoadSegmentArgs):
    """Delete a saved segment from the library."""


class ListSegmentsArgs(_Args):
    """List the saved segments with their descriptions and sizes when saved."""


class ExportSegmentArgs(_Args):
    """Export the current segment's members (ids and attributes) to a file in the exports
    folder. Only call this when the user asked for an export."""

    path: str | None = Field(default=None, description="File name, e.g. winback.csv.")
    format: Literal["csv", "parquet", "xlsx"] | None = None


class ExplainSegmentArgs(SegmentNameArgs):
    """Explain why a segment matters: who they are (engine figures), why they matter, risks
    and what to do, grounded in and citing the knowledge base."""


class SuggestCampaignArgs(SegmentNameArgs):
    """A campaign plan for a segment from the knowledge base's playbooks (objective,
    channel, offer, message, timing, KPI, control group) filled with the segment's numbers."""


class AnswerQuestionArgs(_Args):
    """Answer a general question about segmentation or CRM practice from the knowledge
    base, citing the passages used, in the question's language."""

    question: str = Field(min_length=1, max_length=2000)


class PredictTraitsArgs(_Args):
    """Predict who will buy again and what they are worth (BG/NBD and Gamma-Gamma fitted on
    the purchase log): per customer expected purchases in the next horizon_days, p_alive
    (probability still a customer), expected_avg_order_value and clv. Adds these four as
    columns that define_segment, profile_segment and compare_segments can use (e.g.
    p_alive < 0.3 for "probably lapsed"); returns the fit, counts, a holdout check when
    calibration_end is before the data's end, and warnings in plain words."""

    horizon_days: int = Field(default=90, ge=1, le=3650, description=(
        "Days ahead to predict purchases and CLV for."))
    calibration_end: date | None = Field(default=None, description=(
        "Fit on purchases up to this day (YYYY-MM-DD) and check the prediction on the days "
        "after it; empty: all of the data, no check."))
    margin: float = Field(default=1.0, gt=0, le=1, description=(
        "Share of revenue kept as profit for the CLV (1: CLV in revenue)."))


class ResetArgs(_Args):
    """Start over: clear the current segment."""


class UndoArgs(_Args):
    """Go back to the previous current segment."""
