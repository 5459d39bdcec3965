"""Campaign plans: a segment's playbook filled with the segment's own numbers.

The playbook text is quoted (and cited) from the knowledge base; audience, control
group and baseline numbers come from the engine facts the caller passes in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tools.knowledge.corpus import Passage
from tools.knowledge.text import (
    Citations,
    answer_language,
    customers,
    format_count,
    format_share,
    lead,
    measure_items,
    phrases,
    sources_markdown,
    split_sentences,
)

if TYPE_CHECKING:
    from tools.knowledge.store import KnowledgeStore

PLAYBOOK_FIELDS = ("objective", "channel", "offer", "message_angle", "timing", "kpi",
                   "control_group")
DEFAULT_HOLDOUT_PCT = 10.0
# Below this many held-out customers a measured lift is mostly noise.
SMALL_CONTROL_GROUP = 50
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


@dataclass
class SegmentKnowledge:
    """The passages that speak about one segment, and its playbook split into fields."""

    concepts: list[Passage] = field(default_factory=list)  # Hits when found by search
    playbook: dict[str, tuple[str, Passage]] = field(default_factory=dict)
    playbook_name: str = ""  # the segment or stage whose playbook is used
    exact: bool = True  # False when a custom segment borrows another group's playbook
    basis: str = "named"  # named | mix (its largest RFM group) | play (a general play)


def _playbook_fields(passages: list[Passage]) -> dict[str, tuple[str, Passage]]:
    """Fields from `## Objective`-style sections or from `- Цель: ...` bullet lines."""
    fields: dict[str, tuple[str, Passage]] = {}
    for passage in passages:
        labels = phrases(passage.lang)["playbook_labels"]
        for name in PLAYBOOK_FIELDS:
            if passage.section.strip().lower() in (label.lower() for label in labels[name]):
                fields.setdefault(name, (passage.text, passage))
        for line in passage.text.splitlines():
            text = line.strip().lstrip("-*• ").strip()
            for name in PLAYBOOK_FIELDS:
                for label in labels[name]:
                    if re.match(rf"{re.escape(label)}\s*[:：]", text, flags=re.IGNORECASE):
                        value = re.split(r"[:：]", text, maxsplit=1)[1].strip()
                        fields.setdefault(name, (value[:1].upper() + value[1:], passage))
    return fields


def _names(store: KnowledgeStore, attribute: str) -> list[str]:
    return sorted({getattr(p, attribute) for p in store.corpus.passages if getattr(p, attribute)})


def _match(store: KnowledgeStore, name: str, kind: str) -> tuple[str | None, str | None]:
    """The RFM segment or lifecycle stage the facts name, if any."""
    lowered = name.strip().lower()
    segment = next((s for s in _names(store, "segment") if s.lower() == lowered), None)
    stage = next((s for s in _names(store, "stage") if s.lower() == lowered), None)
    if kind == "lifecycle" or (kind != "rfm" and stage == name.strip()):
        return None, stage
    if kind in ("rfm", "lifecycle"):
        return segment, None
    return segment, stage if segment is None else None


def _in_language(store: KnowledgeStore, lang: str, **about: str) -> list[Passage]:
    for language in dict.fromkeys((lang, "en")):
        found = store.passages(lang=language, **about)
        if found:
            return found
    return []


def segment_passages(store: KnowledgeStore, facts: dict[str, Any], lang: str) -> SegmentKnowledge:
    """Concept passages and playbook for an RFM segment, a lifecycle stage or a custom one.

    A custom segment follows the RFM group holding most of it (`facts["mix"]`, from
    segment_facts) when the data has purchase behaviour, else a general play chosen from
    its outcomes and value against the base; never a playbook found by wording alone.
    """
    name = str(facts.get("name") or "")
    segment, stage = _match(store, name, str(facts.get("kind") or ""))
    knowledge = SegmentKnowledge()
    if segment or stage:
        about = {"segment": segment} if segment else {"stage": stage}
        found = _in_language(store, lang, **about)
        knowledge.concepts = [p for p in found if p.topic == "concept"]
        knowledge.playbook = _playbook_fields([p for p in found if p.topic == "playbook"])
        knowledge.playbook_name = segment or stage or ""
        return knowledge
    knowledge.exact = False
    mix = facts.get("mix") or {}
    if mix.get("followed"):
        found = _in_language(store, lang, segment=mix["followed"])
        knowledge.concepts = [p for p in found if p.topic == "concept"]
        knowledge.playbook = _playbook_fields([p for p in found if p.topic == "playbook"])
        knowledge.playbook_name = mix["followed"]
        knowledge.basis = "mix"
        return knowledge
    from tools.knowledge.segment_facts import general_plays

    play = general_plays(facts)[0]
    found = _in_language(store, lang, play=play)
    knowledge.playbook = _playbook_fields(found)
    knowledge.concepts = found[:1]  # its opening paragraph says why the play fits
    knowledge.playbook_name = play
    knowledge.basis = "play"
    return knowledge


def display_name(knowledge: SegmentKnowledge, name: str) -> str:
    """The segment's name as the knowledge base writes it, e.g. "冠军客户 (Champions)"."""
    for passage in knowledge.concepts + [p for _, p in knowledge.playbook.values()]:
        if passage.lang != "en" and f"({name})" in passage.section:
            return passage.section[:passage.section.index(f"({name})") + len(name) + 2]
    return name


def holdout_percent(text: str) -> float:
    """The share held out, as the playbook's control-group text states it."""
    found = _PERCENT.search(text)
    return float(found.group(1).replace(",", ".")) if found else DEFAULT_HOLDOUT_PCT


def control_group_size(audience: int, percent: float) -> int:
    """Customers held out: the percentage rounded half up, at least one when possible."""
    if audience < 2:
        return 0
    size = int(audience * percent / 100 + 0.5)
    return min(max(size, 1), audience - 1)


@dataclass
class CampaignPlan:
    segment: str
    title: str
    lang: str
    audience_size: int
    base_size: int | None
    share_of_customers: float | None
    revenue_share: float | None
    holdout_percent: float
    control_size: int
    treated_size: int
    fields: dict[str, str]  # PLAYBOOK_FIELDS -> quoted text with its citation
    kpi_watch: str  # the playbook's main KPI
    baseline: list[str] = field(default_factory=list)  # segment vs base, from the engine
    notes: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)

    def to_markdown(self) -> str:
        words = phrases(self.lang)
        revenue = (words["audience_revenue"].format(share=format_share(self.revenue_share,
                                                                       self.lang))
                   if self.revenue_share is not None else "")
        audience = words["audience_line"].format(
            name=self.segment, size=format_count(self.audience_size, self.lang),
            customers=customers(self.audience_size, self.lang),
            share=format_share(self.share_of_customers, self.lang), revenue=revenue)
        control = words["control_line"].format(
            pct=format_count(self.holdout_percent, self.lang)
            if float(self.holdout_percent).is_integer() else self.holdout_percent,
            control=format_count(self.control_size, self.lang),
            control_customers=customers(self.control_size, self.lang),
            treated=format_count(self.treated_size, self.lang))
        lines = [f"## {self.title}", ""]
        lines += [f"> {note}" for note in self.notes] + ([""] if self.notes else [])
        lines += [f"**{words['audience']}**: {audience} {control}", ""]
        for name in PLAYBOOK_FIELDS:
            if self.fields.get(name):
                lines += [f"**{words[name]}**: {self.fields[name]}", ""]
        if self.baseline:
            lines += [f"**{words['baseline']}**: " + "; ".join(self.baseline) + ".", ""]
        listing = sources_markdown(self.sources, self.lang)
        return "\n".join(lines + ([listing] if listing else [])).rstrip() + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {"segment": self.segment, "title": self.title, "lang": self.lang,
                "audience_size": self.audience_size, "base_size": self.base_size,
                "share_of_customers": self.share_of_customers,
                "revenue_share": self.revenue_share, "holdout_percent": self.holdout_percent,
                "control_size": self.control_size, "treated_size": self.treated_size,
                "fields": dict(self.fields), "kpi_watch": self.kpi_watch,
                "baseline": list(self.baseline),
                "notes": list(self.notes), "sources": list(self.sources),
                "markdown": self.to_markdown()}


def campaign_plan(store: KnowledgeStore, facts: dict[str, Any], segment_name: str,
                  lang: str = "en") -> CampaignPlan:
    """The segment's playbook, quoted and cited, with audience, control group and baseline.

    `facts` as for `explain_segment` (size, base_size, share_of_customers, revenue_share,
    measures; optional kind and description).
    """
    lang = answer_language(lang)
    words = phrases(lang)
    knowledge = segment_passages(store, {**facts, "name": segment_name}, lang)
    citations = Citations()
    fields: dict[str, str] = {}
    for name in PLAYBOOK_FIELDS:
        entry = knowledge.playbook.get(name)
        if entry:
            text, passage = entry
            count = 2 if len(split_sentences(text, passage.lang)) > 2 else 3
            fields[name] = f"{lead(text, passage.lang, count)} {citations.cite(passage)}"
    audience = int(facts.get("size") or 0)
    percent = holdout_percent(knowledge.playbook.get("control_group", ("", None))[0])
    control = control_group_size(audience, percent)
    from tools.knowledge.advice import mix_lines, play_lines

    notes = (mix_lines(facts, lang) if knowledge.basis == "mix" else
             play_lines(facts, lang) if knowledge.basis == "play" else [])
    if 0 < control < SMALL_CONTROL_GROUP:
        notes.append(words["control_small"])
    kpi_entry = knowledge.playbook.get("kpi")
    kpi_watch = lead(kpi_entry[0], kpi_entry[1].lang, 1) if kpi_entry else ""
    name = display_name(knowledge, segment_name)
    return CampaignPlan(
        segment=name, title=words["campaign_title"].format(name=name), lang=lang,
        audience_size=audience, base_size=facts.get("base_size"),
        share_of_customers=facts.get("share_of_customers"),
        revenue_share=facts.get("revenue_share"), holdout_percent=percent,
        control_size=control, treated_size=audience - control, fields=fields,
        kpi_watch=kpi_watch, baseline=measure_items(facts, lang), notes=notes,
        sources=citations.sources())
