"""Grounded, cited answers from the knowledge base, in the question's language.

Extractive on purpose: an answer quotes the passage that answers (whole: its lead
sentence, its complete list, its example) and cites it [n]; every number comes from the
engine facts handed in. Nothing is made up here, so the built-in backend needs no model,
and an LLM backend can cite the same sources. With no passage about the question (the
relevance floor of relevance.py) the answer says so and suggests what can be asked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tools.knowledge.campaigns import CampaignPlan, campaign_plan
from tools.knowledge.embedding import detect_language
from tools.knowledge.explain import explain_segment
from tools.knowledge.text import Citations, GroundedAnswer, answer_language, phrases

if TYPE_CHECKING:
    from tools.knowledge.store import Hit, KnowledgeStore

__all__ = ["CampaignPlan", "GroundedAnswer", "answer_question", "campaign_plan",
           "explain_segment", "numbered_passages"]

# A second passage joins the answer only when it scores this close to the best one and
# comes from the same document (the next part of the same topic, never another topic).
SECOND_PASSAGE = 0.85
# Candidates looked at before the heading decides; how much a heading holding the whole
# question raises a passage's score.
CANDIDATES = 8
HEADING_BONUS = 0.5
# ... and how much a heading that is nothing but the question raises it ("心理细分" over
# "心理细分的优点和局限" for "什么是心理细分？").
HEADING_FIT = 0.1
# "What is churn?" is answered by what churn is before "How to reduce churn" (that
# section's weight is multiplied by this).
HOWTO_FOR_DEFINITION = 0.8
# A concept passage scoring this close to a playbook passage answers instead of it.
CONCEPT_PREFERENCE = 0.8
# A passage may open with the question it answers; that line alone is never an answer.
_QUESTION_LINE = re.compile(r"^[^\n]{0,160}[?？]\s*$")


def passage_answer(hit: Hit) -> str:
    """A passage as an answer: its heading in bold, then its text without an opening question."""
    lines = hit.text.strip().splitlines()
    while lines and (_QUESTION_LINE.match(lines[0].strip()) or not lines[0].strip()):
        lines = lines[1:]
    body = "\n".join(lines).strip() or hit.text.strip()
    return f"**{hit.section}**\n\n{body}"


def answer_question(store: KnowledgeStore, question: str, *, lang: str | None = None,
                    k: int = 3) -> GroundedAnswer:
    """The passage that answers the question, whole and cited (two when the next part of the
    same document scores as well). In `lang` when given, else the question's language."""
    lang = answer_language(lang or detect_language(question))
    hits = _by_heading(store, question, _concept_first(store, question, CANDIDATES, lang),
                       lang)[:k]
    if not store.is_about(question, hits, lang):
        return GroundedAnswer(phrases(lang)["nothing_found"], lang, [])
    chosen = [hits[0]] + [h for h in hits[1:] if h.doc_id == hits[0].doc_id
                          and h.score >= SECOND_PASSAGE * hits[0].score][:1]
    citations = Citations()
    paragraphs = [f"{passage_answer(hit)} {citations.cite(hit)}" for hit in chosen]
    return GroundedAnswer("\n\n".join(paragraphs), lang, citations.sources())


def _by_heading(store: KnowledgeStore, question: str, hits: list[Hit], lang: str
                ) -> list[Hit]:
    """Candidates reordered by how much of the question their heading holds: a section is
    written to answer the question its heading names ("Data challenges in segmentation"
    for "what are the difficulties of segmentation?", through the synonym table)."""
    words = phrases(lang)
    asked = question.strip().lower()
    defining = any(asked.startswith(w) for w in words.get("definition_openers", ()))

    def weight(hit: Hit) -> float:
        holds = store.relevance(question, [hit.section], lang, by_rarity=True)
        # a playbook's part headings ("KPI", "Offer") are parts of a plan, not questions:
        # being short, they would always look like the question itself
        fit = 0.0 if hit.topic == "playbook" else store.relevance(hit.section, [question], lang)
        howto = defining and any(hit.section.lower().startswith(w)
                                 for w in words.get("howto_headings", ()))
        return (1 + HEADING_BONUS * holds + HEADING_FIT * fit) * (HOWTO_FOR_DEFINITION
                                                                   if howto else 1.0)

    scored = [(hit.score * weight(hit), n, hit) for n, hit in enumerate(hits)]
    return [hit for _, _, hit in sorted(scored, key=lambda t: (-t[0], t[1]))]


def _concept_first(store: KnowledgeStore, question: str, k: int, lang: str) -> list[Hit]:
    """A question about a concept ("what are KPIs?") is answered by the concept passage, not
    by the KPI part of some playbook, unless a playbook matches clearly better."""
    hits = store.search(question, k=k, lang=lang)
    if hits and hits[0].topic != "concept":
        concepts = store.search(question, k=k, lang=lang, topic="concept")
        if concepts and concepts[0].score >= CONCEPT_PREFERENCE * hits[0].score:
            return concepts
    return hits


def numbered_passages(store: KnowledgeStore, question: str, *, lang: str | None = None,
                      k: int = 3) -> list[dict[str, Any]]:
    """The passages an LLM may cite for `question`, numbered [1].. like the built-in answers;
    none when nothing in the knowledge base is about the question."""
    lang = answer_language(lang or detect_language(question))
    hits = store.search(question, k=k, lang=lang)
    if not store.is_about(question, hits, lang):
        return []
    return [{"n": n, **hit.source, "lang": hit.lang, "text": hit.text}
            for n, hit in enumerate(hits, 1)]
