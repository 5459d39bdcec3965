"""How the knowledge store ranks passages: the forms a question is searched in, the best
score of each passage over them, and the cap on passages per document.

Kept apart from store.py (the ChromaDB index) so both stay small; pure functions over hits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.knowledge.corpus import Passage
from tools.knowledge.relevance import core_query, expand_query

# Scores of the synonym-expanded form of a question count this much (docs/RETRIEVAL.md).
SYNONYM_WEIGHT = 0.8


def passage_document(passage: Passage) -> str:
    """The text embedded for a passage: the heading counts twice, as a short summary."""
    return f"{passage.title}\n{passage.section}\n{passage.section}\n{passage.text}"


@dataclass(frozen=True)
class Hit(Passage):
    """A passage found for a query; `score` is the cosine similarity (higher is closer)."""

    score: float = 0.0

    @classmethod
    def of(cls, passage: Passage, score: float) -> Hit:
        return cls(**{**passage.__dict__, "score": round(float(score), 4)})


def query_forms(query: str, language: str, known: str | None = None
                ) -> list[tuple[str, float]]:
    """The forms a question is searched in, each with the weight of its scores.

    Chinese and Russian questions lose their question words (relevance.py): in Chinese
    they are glued to the topic and add character n-grams of their own, and Russian
    question words inflect; English headings are often phrased as the question itself,
    so English keeps them. A second form with the synonyms of the table appended counts
    a little less, so it only adds candidates a synonym clearly brings
    (docs/RETRIEVAL.md has the measurements).
    """
    base = query if language == "en" else core_query(query, language)
    # synonyms are looked up in the question as asked: a question word may be part of
    # one ("哪几步" -> 步骤) and is gone from the core form
    expanded = base + expand_query(query, language, known)[len(query):]
    forms = [(base, 1.0)]
    if expanded != base:
        forms.append((expanded, SYNONYM_WEIGHT))
    return forms


def best_of(runs: list[tuple[list[Hit], float]]) -> list[Hit]:
    """Each passage once, with its best weighted score over the query forms."""
    best: dict[str, Hit] = {}
    for run, weight in runs:
        for hit in run:
            if weight != 1.0:
                hit = Hit.of(hit, hit.score * weight)
            if hit.id not in best or hit.score > best[hit.id].score:
                best[hit.id] = hit
    return sorted(best.values(), key=lambda h: -h.score)


def cap_per_document(hits: list[Hit], k: int, cap: int | None) -> list[Hit]:
    if cap is None:
        return hits[:k]
    taken: dict[str, int] = {}
    kept = []
    for hit in hits:
        if taken.get(hit.doc_id, 0) < cap:
            kept.append(hit)
            taken[hit.doc_id] = taken.get(hit.doc_id, 0) + 1
    # a corpus too small to honour the cap still answers with k passages
    kept += [h for h in hits if h not in kept][:max(0, k - len(kept))]
    return sorted(kept, key=lambda h: -h.score)[:k]


def where_clause(clauses: list[dict[str, str]]) -> dict[str, Any] | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
