"""The shipped knowledge base: front matter, playbook structure and the KB question set."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"
QUESTIONS_FILE = ROOT / "tests" / "eval" / "kb_questions.jsonl"
DEV_QUESTIONS_FILE = ROOT / "tests" / "eval" / "kb_dev.jsonl"

LANGUAGES = ("en", "zh", "ru")
TOPICS = {"concept", "playbook"}
# The RFM segment names of SEMANTICS.md and the lifecycle stages the engine reports.
RFM_SEGMENTS = {
    "Champions",
    "Loyal Customers",
    "Potential Loyalists",
    "New Customers",
    "Promising",
    "Need Attention",
    "About to Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
}
LIFECYCLE_STAGES = {"new", "active", "at risk", "lapsed"}
PLAYBOOK_SECTIONS = [
    "Objective",
    "Channel",
    "Offer",
    "Message angle",
    "Timing and cadence",
    "KPI",
    "Control group",
]
# Combined (zh/ru) playbooks give the seven parts as "- Label: text" items in this order.
PLAYBOOK_ITEM_LABELS = {
    "zh": ["目标", "渠道", "优惠", "沟通角度", "时机与节奏", "关键指标", "对照组"],
    "ru": ["Цель", "Канал", "Предложение", "Посыл", "Сроки и частота", "KPI", "Контрольная группа"],
}
MIN_QUESTIONS_PER_LANGUAGE = 40


@dataclass(frozen=True)
class KnowledgeFile:
    path: Path
    meta: dict[str, Any]
    sections: dict[str, str]

    @property
    def text(self) -> str:
        return "\n".join(f"{title}\n{body}" for title, body in self.sections.items())


def _parse(path: Path) -> KnowledgeFile:
    raw = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", raw, flags=re.DOTALL)
    assert match, f"{path.name}: missing YAML front matter between --- lines"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    sections: dict[str, str] = {}
    current: str | None = None
    for line in match.group(2).splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            assert current not in sections, f"{path.name}: duplicate section {current!r}"
            sections[current] = ""
        elif line.startswith("# "):
            pytest.fail(f"{path.name}: use ## sections only, found {line!r}")
        elif current is not None:
            sections[current] += line + "\n"
        else:
            assert not line.strip(), f"{path.name}: text before the first ## section"
    return KnowledgeFile(path=path, meta=meta, sections=sections)


def _knowledge_files() -> list[KnowledgeFile]:
    return [_parse(path) for path in sorted(KNOWLEDGE_DIR.glob("*/*.md"))]


@pytest.fixture(scope="module")
def files() -> list[KnowledgeFile]:
    found = _knowledge_files()
    assert found, "no knowledge files found"
    return found


@pytest.fixture(scope="module")
def by_id(files: list[KnowledgeFile]) -> dict[str, KnowledgeFile]:
    return {f.meta["id"]: f for f in files}


def _load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_language_folders_are_packages() -> None:
    for lang in LANGUAGES:
        assert (KNOWLEDGE_DIR / lang / "__init__.py").is_file(), (
            f"knowledge/{lang} needs __init__.py"
        )
    assert not list(KNOWLEDGE_DIR.glob("*.md")), "knowledge files belong in a language folder"


def test_front_matter_is_complete(files: list[KnowledgeFile]) -> None:
    for f in files:
        meta, name = f.meta, f.path.name
        for key in ("id", "title", "lang", "topic", "tags"):
            assert meta.get(key), f"{name}: front matter lacks {key}"
        assert meta["lang"] == f.path.parent.name, f"{name}: lang does not match its folder"
        assert meta["id"].startswith(f"{meta['lang']}-"), f"{name}: id should start with the lang"
        assert meta["topic"] in TOPICS, f"{name}: topic must be one of {sorted(TOPICS)}"
        assert isinstance(meta["tags"], list) and all(isinstance(t, str) for t in meta["tags"])
        assert f.sections, f"{name}: no ## sections"
        for title, body in f.sections.items():
            assert body.strip(), f"{name}: section {title!r} is empty"


def test_ids_are_unique(files: list[KnowledgeFile]) -> None:
    ids = [f.meta["id"] for f in files]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {sorted(duplicates)}"


def test_segment_and_stage_names_are_the_products(files: list[KnowledgeFile]) -> None:
    for f in files:
        segments = [f.meta["segment"]] if "segment" in f.meta else f.meta.get("segments", [])
        stages = [f.meta["stage"]] if "stage" in f.meta else f.meta.get("stages", [])
        assert set(segments) <= RFM_SEGMENTS, f"{f.path.name}: unknown segment in {segments}"
        assert set(stages) <= LIFECYCLE_STAGES, f"{f.path.name}: unknown stage in {stages}"


def test_single_playbooks_have_the_seven_sections(files: list[KnowledgeFile]) -> None:
    singles = [
        f
        for f in files
        if f.meta["topic"] == "playbook" and ("segment" in f.meta or "stage" in f.meta)
    ]
    for f in singles:
        assert list(f.sections) == PLAYBOOK_SECTIONS, f"{f.path.name}: sections {list(f.sections)}"
    covered = {(f.meta["lang"], f.meta.get("segment") or f.meta.get("stage")) for f in singles}
    missing = {("en", name) for name in RFM_SEGMENTS | LIFECYCLE_STAGES} - covered
    assert not missing, f"English playbooks missing for {sorted(missing)}"


def test_combined_playbooks_have_one_section_per_segment(files: list[KnowledgeFile]) -> None:
    combined = [
        f
        for f in files
        if f.meta["topic"] == "playbook" and ("segments" in f.meta or "stages" in f.meta)
    ]
    for f in combined:
        names = list(f.meta.get("segments", [])) + list(f.meta.get("stages", []))
        assert len(names) == len(f.sections), f"{f.path.name}: one section per segment or stage"
        for name, title in zip(names, f.sections, strict=True):
            assert f"({name})" in title, f"{f.path.name}: section {title!r} should name ({name})"
        labels = PLAYBOOK_ITEM_LABELS[f.meta["lang"]]
        for title, body in f.sections.items():
            found = re.findall(r"^- ([^：:]+)[：:]", body, flags=re.MULTILINE)
            assert found == labels, f"{f.path.name} / {title}: items {found}"
    for lang in ("zh", "ru"):
        segments = {
            s for f in combined if f.meta["lang"] == lang for s in f.meta.get("segments", [])
        }
        assert segments == RFM_SEGMENTS, f"{lang}: playbooks missing for {RFM_SEGMENTS - segments}"


def test_english_sections_are_passage_sized(files: list[KnowledgeFile]) -> None:
    for f in files:
        if f.meta["lang"] != "en":
            continue
        for title, body in f.sections.items():
            words = len(body.split())
            assert 25 <= words <= 220, f"{f.path.name} / {title}: {words} words"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_question_set_covers_each_language(lang: str) -> None:
    questions = [q for q in _load_jsonl(QUESTIONS_FILE) if q["lang"] == lang]
    assert len(questions) >= MIN_QUESTIONS_PER_LANGUAGE


def test_questions_point_at_documents_that_answer_them(by_id: dict[str, KnowledgeFile]) -> None:
    questions = _load_jsonl(QUESTIONS_FILE)
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    for q in questions:
        assert set(q) >= {"id", "lang", "question", "expect_any_terms", "expect_doc"}, q["id"]
        doc = by_id.get(q["expect_doc"])
        assert doc is not None, f"{q['id']}: no knowledge file with id {q['expect_doc']}"
        assert doc.meta["lang"] == q["lang"], f"{q['id']}: answer document is in another language"
        text = doc.text.lower()
        assert any(t.lower() in text for t in q["expect_any_terms"]), (
            f"{q['id']}: no expected term in {doc.path.name}"
        )


def test_dev_questions_find_their_terms_in_some_passage(files: list[KnowledgeFile]) -> None:
    for q in _load_jsonl(DEV_QUESTIONS_FILE):
        passages = [
            body.lower()
            for f in files
            if f.meta["lang"] == q["lang"]
            for body in f.sections.values()
        ]
        assert any(t.lower() in p for p in passages for t in q["expect_any_terms"]), q["id"]
