"""The wording of replies in one language: the phrase files (`reply_phrases/en.yaml`,
`zh.yaml`, `ru.yaml`) and the number style. Shared by `replies.py` and `figure_replies.py`,
in a module of its own so that both import it at the top."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from tools.engine.errors import EngineError
from tools.engine.wording import (
    NumberStyle,
    fill,
    language_file,
    language_of,
    percent_digits,
    phrasing,
    segment_label,
)
from tools.tool_result import ToolResult
from tools.tool_summaries import customer_count


class ReplyPhrases(BaseModel):
    """The fixed wording of replies in one language (see reply_phrases/en.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    not_available: str
    done: str
    did_you_mean: str
    list_sep: str
    current_segment: str
    segment: str
    segment_of_total: str
    no_match: str
    revenue: str
    rfm_title: str
    rfm_title_within: str
    rfm_latest: str
    rfm_row: str
    rfm_ties: str
    rfm_tie_measures: dict[str, str]
    rfm_quiet: str
    panel_share: str
    panel_shares: str
    rfm_headers: dict[str, str]
    profile_headers: dict[str, str]
    cluster_headers: dict[str, str]
    # A cluster's name parts (`ClusterSummary.name_parts` keys); English keeps the
    # engine's own composed name.
    cluster_words: dict[str, str]
    profile_title: str
    the_segment: str
    profile_row: str
    clusters: str
    clusters_within: str
    # Why this k (`replies.k_reason`), from the engine's facts (`k_choice`).
    k_by_user: str
    k_best: str
    k_runner_up: str
    k_scored_all: str
    k_scored_sample: str
    k_fitted_sample: str
    cluster_row: str
    compare_title: str
    compare_share: str
    compare_row: str
    compare_both: str
    overlap: str
    saved: str
    no_saved: str
    undone: str
    nothing_to_undo: str
    started_over: str
    data_summary: str
    # Toolkit messages by their `ToolResult.phrase` key (saved, exported, not found, ...).
    tool_messages: dict[str, str]
    sources: str
    answered_by: str
    builtin_name: str
    learned_unit: str
    learned_meaning: str
    learned_role: str
    learned_yes: str
    learned_synonym: str
    stat_customers: str
    stat_sum: str
    stat_mean: str
    stat_median: str
    stat_min: str
    stat_max: str
    stat_rate: str
    stat_revenue_share: str
    stat_order_value: str
    stat_spend_per_customer: str
    figures_by: str
    figures_among: str
    figures_total: str
    figures_row: str
    figures_count: str
    detail_customers: str
    detail_rate: str
    figures_versus: str
    figures_unknown: str
    figures_by_usual: str
    figures_small: str
    group_other: str
    group_missing: str
    all_customers: str
    cluster_features: str
    cluster_quality_weak: str
    cluster_quality_moderate: str
    cluster_quality_clear: str
    # predict_traits (tools/predict_tools.py).
    predicted: str
    predicted_value: str
    predicted_holdout: str


@cache
def reply_phrases(language: str = "en") -> ReplyPhrases:
    """The reply wording for `language` (English when it is not covered)."""
    return ReplyPhrases.model_validate(language_file("assistant", "reply_phrases", language))


class ReplyWords:
    """One reply's wording and number style."""

    def __init__(self, language: str) -> None:
        self.language = language_of(language)
        self.phrases = reply_phrases(self.language)
        self.tight = phrasing(self.language).tight
        self.style: NumberStyle = phrasing(self.language).number
        # the customer features in words, from the engine's phrasing (one table for all)
        self.feature_names: dict[str, str] = phrasing(self.language).feature_names

    def say(self, key: str, **values: object) -> str:
        """The phrase `key` filled in (Chinese spacing included)."""
        return fill(getattr(self.phrases, key), self.tight, **values)

    def customers(self, count: int | float) -> str:
        return customer_count(count, self.language)

    def tool_message(self, result: ToolResult | EngineError) -> str:
        """The toolkit's (or the engine's) message in this language when the phrase files
        have it; its own English message otherwise."""
        template = self.phrases.tool_messages.get(result.phrase) if result.phrase else None
        if template is None:
            return result.message
        values = dict(result.values)
        if isinstance(values.get("customers"), int):
            values["customers"] = self.customers(values["customers"])
        for key, value in values.items():  # other counts in this language's digits
            if isinstance(value, int) and not isinstance(value, bool):
                values[key] = self.count(value)
        for key in ("needed", "missing"):  # behaviour roles, said in this language
            if isinstance(values.get(key), list):
                names = self.phrases.rfm_tie_measures
                values[key] = self.phrases.list_sep.join(names.get(r, r) for r in values[key])
        return fill(template, self.tight, **values)

    def count(self, value: int | float) -> str:
        return self.style.localise(f"{value:,}")

    def number(self, value: Any) -> str:
        return number(value, language=self.language)

    def percent(self, value: float | None) -> str:
        if value is None:
            return self.phrases.not_available
        return self.style.localise(percent_digits(value)) + "%"

    def name(self, name: Any) -> Any:
        """A segment's name as the toolkit gave it; "current segment" and "all customers" in
        the language."""
        return {"current segment": self.phrases.current_segment,
                "all customers": self.phrases.all_customers}.get(name, name)

    def label(self, name: Any) -> str:
        """An RFM segment's name, with its translation when the language has one."""
        return segment_label(name, self.language) if isinstance(name, str) else str(name)


def number(value: Any, *, language: str = "en") -> str:
    """A figure for people: thousands separators, n/a when there is none."""
    if value is None:
        return reply_phrases(language).not_available
    if isinstance(value, int | float):
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        return phrasing(language).number.localise(text)
    return str(value)
