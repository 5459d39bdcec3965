"""Is a passage about the question at all? Synonyms per language, and a relevance floor.

The lexical index always returns its nearest passages, even for "what's the capital of
France?", and its cosine score does not separate such questions from real ones (the
character n-grams of any English sentence meet some passage). The floor here asks a
plainer question: how much of the question's rare vocabulary (weighted by how rare each
term is in the knowledge base; a term the base never uses weighs most) appears in the
passage. Terms are words for English and Russian (compared by their first letters, a
cheap stem) and character pairs for Chinese; a synonym of the table counts as the term.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from collections.abc import Iterable

# A term is matched by its first STEM letters ("calculated" meets "calculating").
STEM = 5
# Share of the question's term weight a passage must hold to be quoted (docs/RETRIEVAL.md).
RELEVANCE_FLOOR = 0.3
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-zа-яё0-9]+", flags=re.IGNORECASE)


@cache
def _table() -> dict[str, Any]:
    # read-only package data, parsed once: every search and every relevance check uses it
    raw = resources.files("tools.knowledge").joinpath("synonyms.yaml").read_text(
        encoding="utf-8")
    return dict(yaml.safe_load(raw) or {})


def synonym_groups(lang: str) -> list[list[str]]:
    """Groups of words that mean the same for retrieval, from synonyms.yaml."""
    return [[str(w).lower() for w in group] for group in _table().get(lang) or []]


def question_words(lang: str) -> set[str]:
    """Words that only shape a question ("what", "how", "怎么"): they weigh nothing."""
    return {str(w).lower() for w in (_table().get("question_words") or {}).get(lang) or []}


def expand_query(question: str, lang: str, known: str | None = None) -> str:
    """The question with the synonyms of its words appended, so the index meets them.

    `known`: the knowledge base's text in that language (lower case); only synonyms it
    uses are appended, so the others do not dilute the question.
    """
    lowered = question.lower()
    extra: list[str] = []
    for group in synonym_groups(lang):
        if any(_contains(lowered, word, lang) for word in group):
            extra += [w for w in group if not _contains(lowered, w, lang)
                      and (known is None or w in known)]
    return f"{question} {' '.join(extra)}" if extra else question


def core_query(question: str, lang: str) -> str:
    """The question without its question words ("what are", "怎么"), which otherwise weigh
    as much as the topic in a short question's character n-grams; unchanged when nothing
    else is left."""
    skip = question_words(lang)
    if lang == "zh":
        core = question
        for word in sorted((w for w in skip if not w.isascii()), key=len, reverse=True):
            core = core.replace(word, " ")
    else:
        core = " ".join(w for w in re.findall(r"[\w'’/-]+", question)
                        if w.lower().strip("'’") not in skip)
    return core if core.strip(" ?？!.,，。") else question


def _contains(text: str, word: str, lang: str) -> bool:
    if lang == "zh" or not word.isascii() and _CJK_RUN.search(word):
        return word in text
    return any(t.startswith(_stem(word)) for t in _WORD.findall(text)) if " " not in word \
        else word in text


def _stem(word: str) -> str:
    return word[:STEM] if len(word) > STEM else word


def terms(text: str, lang: str, skip: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Words (by stem) for en/ru; character pairs of Chinese runs plus Latin words for zh.

    `skip`: question words; in Chinese their characters also split the runs.
    """
    lowered = text.lower()
    found = {_stem(w) for w in _WORD.findall(lowered) if len(w) >= 2 and w not in skip}
    if lang == "zh":
        if skip:  # a question: a word of the synonym table is kept whole, even when it
            # holds a question word ("哪几步" is 步骤, not "步" once "哪几" is dropped)
            for word in _chinese_synonyms():
                if word in lowered:
                    found.update(_pairs(word))
                    lowered = lowered.replace(word, " ")
        for word in sorted((w for w in skip if not w.isascii()), key=len, reverse=True):
            lowered = lowered.replace(word, " ")
        for run in _CJK_RUN.findall(lowered):
            found.update(_pairs(run))
    return found


def _pairs(run: str) -> set[str]:
    """A Chinese run's character pairs (a one-character run itself)."""
    return {run[i:i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}


@cache
def _chinese_synonyms() -> tuple[str, ...]:
    """The Chinese words of the synonym table, longest first."""
    words = {w for group in synonym_groups("zh") for w in group if _CJK_RUN.fullmatch(w)}
    return tuple(sorted(words, key=len, reverse=True))


@dataclass
class RelevanceFloor:
    """Term rarity over the knowledge base's passages, to weigh a question's terms."""

    texts: dict[str, list[str]]  # lang -> passage texts

    @cached_property
    def _frequency(self) -> dict[str, tuple[Counter[str], int]]:
        counts: dict[str, tuple[Counter[str], int]] = {}
        for lang, texts in self.texts.items():
            counter: Counter[str] = Counter()
            for text in texts:
                counter.update(terms(text, lang))
            counts[lang] = (counter, len(texts))
        return counts

    def weight(self, term: str, lang: str) -> float:
        """Every term of the question counts alike, except that a Chinese character pair
        the knowledge base never uses is most often a pair across two words ("买算" in
        "不买算流失"), so it counts half, unless the synonym table has it."""
        counter, _ = self._frequency.get(lang, (Counter(), 0))
        if lang != "zh" or counter.get(term) or term in self._synonym_pairs:
            return 1.0  # a pair of a synonym-table word is a word, used or not ("难点")
        return 0.5

    @cached_property
    def _synonym_pairs(self) -> set[str]:
        return set().union(*(_pairs(w) for w in _chinese_synonyms()))

    def rarity(self, term: str, lang: str) -> float:
        """How rare a term is among the passages, as an IDF (a term they never use, or
        use only through a synonym, is rarest)."""
        counter, documents = self._frequency.get(lang, (Counter(), 0))
        return math.log((1 + documents) / (1 + counter.get(term, 0))) + 1.0

    def coverage(self, question: str, passages: Iterable[str], lang: str, *,
                 by_rarity: bool = False) -> float:
        """Share of the question's term weight found in the passages (synonyms count).

        `by_rarity`: each term weighs by its rarity too, so a heading holding the question's
        specific word ("challenges" for "difficulties") outranks one holding its common
        topic ("customer segmentation"); the relevance floor counts terms alike."""
        asked = terms(question, lang, question_words(lang))
        if not asked:
            return 0.0
        held: set[str] = set()
        for text in passages:
            held |= terms(text, lang)
        for group in synonym_groups(lang):
            word_terms = [terms(w, lang) for w in group]
            # a word of the group is there when all its terms are ("客户关系管理" is not
            # there because "客户" is)
            if any(t and t <= held for t in word_terms):
                held |= set().union(*word_terms)
        weights = {t: self.weight(t, lang) * (self.rarity(t, lang) if by_rarity else 1.0)
                   for t in asked}
        total = sum(weights.values())
        found = sum(w for t, w in weights.items() if t in held)
        return found / total if total else 0.0
