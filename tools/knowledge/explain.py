""""Why does this segment matter?": the segment's own figures first, then the concept.

The figures (size, revenue at stake, recency against the base, outcome rates, what sets
it apart) are engine numbers; the concept is quoted whole from the passage about the
group the segment is (an RFM segment or stage the user named), the group holding most of
it (its RFM mix), or the general play its figures call for; then what to do, from the
playbook the campaign plan follows. Nothing is found by wording alone, so no passage of
another topic can slip in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.knowledge.advice import figure_lines, mix_lines, play_lines
from tools.knowledge.campaigns import SegmentKnowledge, display_name, segment_passages
from tools.knowledge.corpus import Passage
from tools.knowledge.text import (
    Citations,
    GroundedAnswer,
    answer_language,
    join_sentences,
    lead,
    phrases,
    split_sentences,
)

if TYPE_CHECKING:
    from tools.knowledge.store import KnowledgeStore


def opening_paragraph(passage: Passage) -> str:
    """The text before a section's list: a combined playbook's reason for the play."""
    kept = []
    for line in passage.text.splitlines():
        if line.lstrip().startswith(("- ", "* ", "• ")):
            break
        kept.append(line)
    return "\n".join(kept).strip() or lead(passage.text, passage.lang, 2)


def _concept_parts(passages: list[Passage], lang: str) -> dict[str, list[tuple[str, Passage]]]:
    """Who / why / risks, from a segment's concept passages."""
    parts: dict[str, list[tuple[str, Passage]]] = {"who": [], "why": [], "risks": []}
    if len(passages) >= 3:  # one passage per aspect, in that order
        for key, passage in zip(("who", "why", "risks"), passages, strict=False):
            parts[key].append((lead(passage.text, passage.lang, 3), passage))
        return parts
    risk_words = [w.lower() for w in phrases(lang)["risk_words"]]
    for passage in passages:
        sentences = split_sentences(passage.text, passage.lang)
        risky = [s for s in sentences[1:] if any(w in s.lower() for w in risk_words)]
        others = [s for s in sentences if s not in risky]
        # a short passage opens with who they are and goes on with why they matter
        split = 1 if len(others) <= 3 else 2
        if others[:split]:
            parts["who"].append((join_sentences(others[:split], passage.lang), passage))
        if others[split:split + 2]:
            parts["why"].append((join_sentences(others[split:split + 2], passage.lang),
                                 passage))
        if risky:
            parts["risks"].append((join_sentences(risky[:2], passage.lang), passage))
    return parts


def _why_passage(found: SegmentKnowledge) -> tuple[str, Passage] | None:
    """The one passage saying why the followed group matters, quoted whole."""
    if not found.concepts:
        return None
    if found.basis == "play":
        return opening_paragraph(found.concepts[0]), found.concepts[0]
    # English writes who / why / risks as three sections; zh and ru one per segment
    passage = found.concepts[1] if len(found.concepts) >= 3 else found.concepts[0]
    return passage.text, passage


def explain_segment(store: KnowledgeStore, facts: dict[str, Any],
                    lang: str = "en") -> GroundedAnswer:
    """Why a segment matters: its figures, its mix, the concept and what to do, cited.

    `facts`: {"name", "kind" ("rfm" | "lifecycle" | "saved" | "custom" ...),
    "description"?} plus the keys of `SegmentProfile.to_dict()` and, when known, of
    `segment_facts.segment_reading` (mix, outcomes, differences, revenue).
    """
    lang = answer_language(lang)
    words = phrases(lang)
    found = segment_passages(store, facts, lang)
    citations = Citations()
    name = display_name(found, str(facts.get("name") or "?"))
    blocks = [f"### {name}"]
    figures = figure_lines(facts, lang)
    if figures:
        blocks.append(f"**{words['figures']}**\n\n" + "\n\n".join(figures))
    basis = (mix_lines(facts, lang) if found.basis == "mix" else
             play_lines(facts, lang) if found.basis == "play" else [])
    if basis:
        blocks.append(f"**{words['mix_title']}**\n\n" + "\n\n".join(basis))
    if found.basis == "named":
        parts = _concept_parts(found.concepts, lang)
        for key in ("who", "why", "risks"):
            texts = [f"{text} {citations.cite(p)}" for text, p in parts[key]]
            if texts:
                blocks.append(f"**{words[key]}**\n\n" + "\n\n".join(texts))
    else:
        why = _why_passage(found)
        if why is not None:
            text, passage = why
            blocks.append(f"**{words['concept']}**\n\n{text} {citations.cite(passage)}")
    todo = []
    for field_name in ("objective", "offer", "message_angle"):
        entry = found.playbook.get(field_name)
        if entry:
            text, passage = entry
            todo.append(f"- **{words[field_name]}**: {lead(text, passage.lang, 1)} "
                        f"{citations.cite(passage)}")
    if todo:
        blocks.append(f"**{words['todo']}**\n\n" + "\n".join(todo))
    return GroundedAnswer("\n\n".join(blocks), lang, citations.sources())

