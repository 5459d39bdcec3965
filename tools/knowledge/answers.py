"""Grounded, cited answers from the knowledge base, in the question's language.

Extractive on purpose: every sentence of an answer is quoted from a passage and cited
[n]; every number comes from the engine facts handed in. Nothing is made up here, so
the built-in backend needs no model, and an LLM backend can cite the same sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.knowledge.campaigns import (
    CampaignPlan,
    campaign_plan,
    display_name,
    segment_passages,
)
from tools.knowledge.corpus import Passage
from tools.knowledge.embedding import detect_language
from tools.knowledge.text import (
    Citations,
    answer_language,
    format_count,
    format_share,
    join_sentences,
    lead,
    measure_items,
    phrases,
    sources_markdown,
    split_sentences,
)

if TYPE_CHECKING:
    from tools.knowledge.store import KnowledgeStore

__all__ = ["CampaignPlan", "GroundedAnswer", "answer_question", "campaign_plan",
           "explain_segment", "numbered_passages"]

# Below this cosine similarity the best passage shares too little with the question.
MIN_SCORE = 0.05
# Passages scoring under this fraction of the best one are left out of the answer.
RELATIVE_FLOOR = 0.35
# Sentences scoring under this fraction of the best sentence are left out.
SENTENCE_FLOOR = 0.5
# How much a sentence from the 2nd, 3rd... passage is trusted relative to the 1st.
_RANK_WEIGHTS = (1.0, 0.8, 0.65, 0.5)


@dataclass
class GroundedAnswer:
    """Markdown text citing [n]; `sources[n-1]` is passage n (file, section, doc_id)."""

    text: str
    lang: str
    sources: list[dict[str, str]] = field(default_factory=list)

    def to_markdown(self) -> str:
        listing = sources_markdown(self.sources, self.lang)
        return f"{self.text}\n\n{listing}" if listing else self.text

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "lang": self.lang, "sources": list(self.sources)}


def answer_question(store: KnowledgeStore, question: str, *, lang: str | None = None,
                    k: int = 3, max_sentences: int = 4) -> GroundedAnswer:
    """The sentences of the best passages that match the question best, cited.

    The answer is in `lang` when given, else in the question's own language.
    """
    lang = answer_language(lang or detect_language(question))
    hits = store.search(question, k=k, lang=lang)
    if not hits or hits[0].score < MIN_SCORE:
        return GroundedAnswer(phrases(lang)["nothing_found"], lang, [])
    hits = [h for h in hits if h.score >= RELATIVE_FLOOR * hits[0].score]
    # a line ending in a colon only introduces the list below it: nothing to quote
    candidates: list[tuple[int, int, str]] = [
        (rank, index, sentence)
        for rank, hit in enumerate(hits)
        for index, sentence in enumerate(split_sentences(hit.text, hit.lang))
        if not sentence.endswith((":", "："))]
    if not candidates:
        return GroundedAnswer(phrases(lang)["nothing_found"], lang, [])
    vectors = store.embedder.embed([question] + [c[2] for c in candidates])
    similarity = vectors[1:] @ vectors[0]
    weights = np.array([_RANK_WEIGHTS[min(rank, len(_RANK_WEIGHTS) - 1)]
                        for rank, _, _ in candidates])
    # a passage's opening sentence usually states its point: a small nudge towards it
    opening = np.array([0.05 if index == 0 else 0.0 for _, index, _ in candidates])
    score = similarity * weights + opening * weights
    best = float(score.max())
    chosen = {int(i) for i in np.argsort(-score)[:max_sentences]
              if score[i] >= SENTENCE_FLOOR * best}
    # the best passage always speaks, and first
    first_of_top = [i for i, c in enumerate(candidates) if c[0] == 0]
    if not chosen & set(first_of_top):
        chosen.add(max(first_of_top, key=lambda i: score[i]))
    citations = Citations()
    paragraphs = []
    for rank, hit in enumerate(hits):
        picked = [candidates[i][2] for i in sorted(chosen) if candidates[i][0] == rank]
        if picked:
            paragraphs.append(f"{join_sentences(picked, lang)} {citations.cite(hit)}")
    return GroundedAnswer("\n\n".join(paragraphs), lang, citations.sources())


def numbered_passages(store: KnowledgeStore, question: str, *, lang: str | None = None,
                      k: int = 3) -> list[dict[str, Any]]:
    """The passages an LLM may cite for `question`, numbered [1].. like the built-in answers."""
    lang = answer_language(lang or detect_language(question))
    return [{"n": n, **hit.source, "lang": hit.lang, "text": hit.text}
            for n, hit in enumerate(store.search(question, k=k, lang=lang), 1)]


# ----- explaining a segment ------------------------------------------------------


def _facts_paragraph(facts: dict[str, Any], lang: str) -> str:
    words = phrases(lang)
    if facts.get("size") is None:
        return ""
    sentence = words["size"].format(size=format_count(facts["size"], lang),
                                     share=format_share(facts.get("share_of_customers"), lang),
                                     base=format_count(facts.get("base_size"), lang))
    if facts.get("revenue_share") is not None:
        sentence += ("，" if lang == "zh" else ", ") + words["revenue"].format(
            share=format_share(facts["revenue_share"], lang))
    sentence += "。" if lang == "zh" else "."
    profile = [f"- {item}" for item in measure_items(facts, lang)]
    if profile:
        sentence += "\n\n" + words["profile_intro"] + "\n\n" + "\n".join(profile)
    return sentence


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


def explain_segment(store: KnowledgeStore, facts: dict[str, Any],
                    lang: str = "en") -> GroundedAnswer:
    """Who the segment is (engine facts), why it matters, risks and what to do, cited.

    `facts`: {"name", "kind" ("rfm" | "lifecycle" | "saved" | "custom" ...),
    "description"?} plus the keys of `SegmentProfile.to_dict()` (size, base_size,
    share_of_customers, revenue_share, measures).
    """
    lang = answer_language(lang)
    words = phrases(lang)
    found = segment_passages(store, facts, lang)
    citations = Citations()
    name = display_name(found, str(facts.get("name") or "?"))
    blocks = [f"### {name}"]
    parts = _concept_parts(found.concepts, lang)
    who = [_facts_paragraph(facts, lang)] + [
        f"{text} {citations.cite(p)}" for text, p in parts["who"]]
    for key, texts in (("who", who),
                       ("why", [f"{t} {citations.cite(p)}" for t, p in parts["why"]]),
                       ("risks", [f"{t} {citations.cite(p)}" for t, p in parts["risks"]])):
        texts = [t for t in texts if t]
        if texts:
            blocks.append(f"**{words[key]}**\n\n" + "\n\n".join(texts))
    todo = []
    for field_name in ("objective", "offer", "message_angle"):
        entry = found.playbook.get(field_name)
        if entry:
            text, passage = entry
            todo.append(f"- **{words[field_name]}**: {lead(text, lang, 1)} "
                        f"{citations.cite(passage)}")
    if todo:
        blocks.append(f"**{words['todo']}**\n\n" + "\n".join(todo))
    return GroundedAnswer("\n\n".join(blocks), lang, citations.sources())
