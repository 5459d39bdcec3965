"""Wording helpers for grounded texts: fixed phrases, sentences, numbers, citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from tools.engine.wording import format_count as counted
from tools.engine.wording import percent_digits, phrasing
from tools.knowledge.corpus import Passage

LANGUAGES = ("en", "zh", "ru")
_SENTENCE_END = {
    "zh": re.compile(r"(?<=[。！？])"),
    "default": re.compile(r"(?<=[.!?])\s+(?=[\"«(\[A-ZА-ЯЁ0-9])"),
}
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@cache
def _phrase_table() -> dict[str, Any]:
    # read-only package data, parsed once: an answer formats dozens of phrases
    raw = resources.files("tools.knowledge").joinpath("phrases.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(raw))


def phrases(lang: str) -> dict[str, Any]:
    """The fixed wording for `lang` (English when the language is not covered)."""
    table = _phrase_table()
    return dict(table.get(lang) or table["en"])


def answer_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "en"


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of a passage; each bullet line counts as one."""
    pattern = _SENTENCE_END["zh" if lang == "zh" else "default"]
    sentences: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        sentences.extend(part.strip() for part in pattern.split(line) if part.strip())
    return sentences


def lead(text: str, lang: str, count: int = 2) -> str:
    """The first `count` sentences of a passage, joined as they were written."""
    return _join(split_sentences(text, lang)[:count], lang)


def _join(sentences: list[str], lang: str) -> str:
    return ("" if lang == "zh" else " ").join(sentences)


def join_sentences(sentences: list[str], lang: str) -> str:
    return _join(sentences, lang)


def format_count(value: float | int | None, lang: str) -> str:
    if value is None:
        return "?"
    text = f"{round(float(value)):,}"
    return text.replace(",", "\u00a0") if lang == "ru" else text


def customers(value: float | int | None, lang: str) -> str:
    """A count of customers with the noun in agreement ("1 customer", "61 клиент")."""
    if value is None:
        return "?"
    return counted(round(float(value)), "customer", lang)


def format_number(value: float | int | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "?"
    number = float(value)
    if number.is_integer() or abs(number) >= 1000:
        return format_count(number, lang)
    text = f"{number:,.{digits}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_share(value: float | None, lang: str) -> str:
    """A 0-1 share as a percentage with one decimal."""
    if value is None:
        return "?"
    text = percent_digits(float(value))
    return f"{text.replace('.', ',')}\u00a0%" if lang == "ru" else f"{text}%"


@dataclass
class Citations:
    """Numbers passages [1], [2] ... in the order they are first cited."""

    passages: list[Passage] = field(default_factory=list)

    def cite(self, passage: Passage) -> str:
        for number, known in enumerate(self.passages, 1):
            if known.id == passage.id:
                return f"[{number}]"
        self.passages.append(passage)
        return f"[{len(self.passages)}]"

    def sources(self) -> list[dict[str, str]]:
        return [p.source for p in self.passages]


def sources_markdown(sources: list[dict[str, str]], lang: str) -> str:
    if not sources:
        return ""
    lines = [f"**{phrases(lang)['sources']}**", ""]
    lines += [f"{n}. {s['file']} § {s['section']}" for n, s in enumerate(sources, 1)]
    return "\n".join(lines)


def measure_items(facts: dict[str, Any], lang: str) -> list[str]:
    """Profile measures as "label: segment vs base (index n)", from profile facts."""
    words = phrases(lang)
    items = []
    for measure in facts.get("measures") or []:
        if measure.get("segment_mean") is None or measure.get("base_mean") is None:
            continue
        column = measure.get("column", "?")
        # the engine's behaviour measures by their plain names, as in explanations
        label = phrasing(lang).feature_names.get(column) or words["roles"].get(
            measure.get("role", ""), column)
        index = measure.get("index")
        # a yes/no column's mean is the share of yes: read as a percentage
        shown = format_share if measure.get("role") == "flag" else format_number
        items.append(words["measure"].format(
            label=label, segment=shown(measure["segment_mean"], lang),
            base=shown(measure["base_mean"], lang),
            index=format_count(index, lang) if index is not None else "?"))
    return items


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
