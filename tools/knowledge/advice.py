"""Which playbook a segment's plan follows, and the lines that say why, from its figures.

The figures come from `segment_facts.segment_reading` (mix, outcomes, differences,
revenue) merged into the facts dict; the wording from phrases.yaml. An RFM segment or
a lifecycle stage named by the user keeps its own playbook (campaigns.py); this module
decides for every other segment.
"""

from __future__ import annotations

from typing import Any

from tools.engine.wording import phrasing
from tools.knowledge.segment_facts import general_plays, recency_index, value_index
from tools.knowledge.text import customers, format_count, format_number, format_share, phrases

# Outcome rates shown by "why does this segment matter?" (a table may have many flags).
SHOWN_OUTCOMES = 3


def whole_percent(share: float, lang: str) -> str:
    """A 0-1 share as a whole percentage, as a mix is read ("60% At Risk")."""
    value = round(100 * float(share))
    return f"{value}\u00a0%" if lang == "ru" else f"{value}%"


def group_label(name: str, kind: str, lang: str) -> str:
    """An RFM segment or a stage in the reply's language ("Champions（冠军客户）")."""
    words = phrasing(lang)
    return words.label(name, words.rfm_names if kind == "rfm" else words.lifecycle_stages)


def mix_text(groups: list[dict[str, Any]], kind: str, lang: str) -> str:
    words = phrases(lang)
    separator = "，" if lang == "zh" else ", "
    return separator.join(
        f"{whole_percent(g['share'], lang)} "
        f"{group_label(g['name'], kind, lang) if g['name'] else words['other']}"
        for g in groups)


def share_of(groups: list[dict[str, Any]], name: str) -> float:
    return next((float(g["share"]) for g in groups if g["name"] == name), 0.0)


def mix_lines(facts: dict[str, Any], lang: str) -> list[str]:
    """"RFM segments: 60% At Risk, 25% Can't Lose Them ...", the stages, and the choice."""
    mix = facts.get("mix")
    if not mix:
        return []
    words = phrases(lang)
    lines = [words["mix_rfm"].format(mix=mix_text(mix["rfm"], "rfm", lang))]
    if mix.get("lifecycle"):
        lines.append(words["mix_stages"].format(mix=mix_text(mix["lifecycle"], "lifecycle",
                                                               lang)))
    followed = mix["followed"]
    lines.append(words["plan_follows"].format(
        followed=group_label(followed, "rfm", lang),
        share=whole_percent(share_of(mix["rfm"], followed), lang)))
    if mix.get("second"):
        lines.append(words["plan_second"].format(
            second=group_label(mix["second"], "rfm", lang),
            share=whole_percent(share_of(mix["rfm"], mix["second"]), lang)))
    return lines


def play_choice(facts: dict[str, Any]) -> tuple[str, str | None, str]:
    return general_plays(facts)


def play_lines(facts: dict[str, Any], lang: str) -> list[str]:
    """Which general play the plan follows and why, from outcomes or value against the base."""
    words = phrases(lang)
    play, second, reason = play_choice(facts)
    rates = {o["kind"]: o for o in facts.get("outcomes") or []}
    outcome = rates.get({"left": "churn"}.get(reason, reason)) or {}
    index, lapsed = value_index(facts), recency_index(facts)
    because = words["reasons"][reason].format(
        recency=format_count(lapsed, lang) if lapsed is not None else "?",
        column=outcome.get("column", ""),
        rate=format_share(outcome.get("segment_rate"), lang),
        base=format_share(outcome.get("base_rate"), lang),
        index=format_count(index, lang) if index is not None else "?")
    lines = [words["play_follows"].format(play=words["plays"][play], reason=because)]
    if second:
        lines.append(words["play_second"].format(play=words["plays"][second]))
    return lines


def figure_lines(facts: dict[str, Any], lang: str) -> list[str]:
    """Why the segment matters in its own figures: size, revenue at stake, recency against
    the base, what sets it apart, outcome rates. Each line is an engine number."""
    words = phrases(lang)
    lines = []
    stake = facts.get("revenue") is not None and facts.get("revenue_share") is not None
    if facts.get("size") is not None:
        line = words["size"].format(size=format_count(facts["size"], lang),
                                    customers=customers(facts["size"], lang),
                                    share=format_share(facts.get("share_of_customers"), lang),
                                    base=format_count(facts.get("base_size"), lang))
        if not stake and facts.get("revenue_share") is not None:
            line += ("，" if lang == "zh" else ", ") + words["revenue"].format(
                share=format_share(facts["revenue_share"], lang))
        lines.append(line + ("。" if lang == "zh" else "."))
    if stake:
        lines.append(words["revenue_at_stake"].format(
            amount=format_count(facts["revenue"], lang),
            share=format_share(facts["revenue_share"], lang)))
    recency = next((m for m in facts.get("measures") or [] if m.get("role") == "recency"
                    and m.get("segment_mean") is not None), None)
    if recency is not None:
        lines.append(words["recency_line"].format(
            segment=format_number(recency["segment_mean"], lang, 0),
            base=format_number(recency["base_mean"], lang, 0)))
    # the outcomes that differ most from the base; a table may have many campaign flags
    shown = sorted(facts.get("outcomes") or [],
                   key=lambda o: -abs(o["segment_rate"] - o["base_rate"]))[:SHOWN_OUTCOMES]
    for outcome in shown:
        lines.append(words["outcome_line"].format(
            column=outcome["column"], segment=format_share(outcome["segment_rate"], lang),
            base=format_share(outcome["base_rate"], lang)) + ("。" if lang == "zh" else "."))
    apart = [_difference_line(d, lang) for d in facts.get("differences") or []
             if d.get("column") not in {o["column"] for o in facts.get("outcomes") or []}]
    apart = [line for line in apart if line]
    if apart:
        lines.append(words["differs"] + "\n" + "\n".join(f"- {line}" for line in apart))
    return lines


def _difference_line(difference: dict[str, Any], lang: str) -> str:
    words = phrases(lang)
    if difference.get("kind") == "category":
        return str(words["diff_category"].format(
            column=difference["column"], value=difference.get("value"),
            segment=format_share(difference.get("a"), lang),
            base=format_share(difference.get("b"), lang)))
    a, b = difference.get("a"), difference.get("b")
    if a is None or b is None:
        return ""
    index = 100.0 * float(a) / float(b) if b else None
    column = phrasing(lang).feature_names.get(difference["column"], difference["column"])
    return str(words["diff_measure"].format(
        column=column, segment=format_number(a, lang),
        base=format_number(b, lang),
        index=format_count(index, lang) if index is not None else "?"))
