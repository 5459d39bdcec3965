"""Synonyms, question words and the relevance floor, on a small corpus written for the test."""

from __future__ import annotations

import pytest

from tools.knowledge.answers import answer_question, numbered_passages
from tools.knowledge.relevance import RelevanceFloor, core_query, expand_query
from tools.knowledge.store import KnowledgeStore

FILES = {
    "en/garden.md": ("en-garden", [
        ("Obstacles when pruning hedges", "Pruning hedges meets three obstacles: thorny "
         "branches, uneven growth and bad weather. For example, hawthorn needs gloves."),
        ("Watering a vegetable patch", "Water a vegetable patch in the early morning, two "
         "or three times a week, more often in sandy soil."),
    ]),
    "zh/garden.md": ("zh-garden", [
        ("修剪树篱的挑战",
         "修剪树篱有三个挑战：带刺的枝条、生长不均和天气不好。例如修剪山楂树篱要戴手套。"),
        ("菜园浇水", "菜园最好在清晨浇水，每周两到三次，沙质土壤要更勤。"),
    ]),
    "ru/garden.md": ("ru-garden", [
        ("Сложности при стрижке живой изгороди", "При стрижке изгороди есть три сложности: "
         "колючие ветки, неровный рост и плохая погода. Например, для боярышника нужны "
         "перчатки."),
        ("Полив огорода", "Огород поливают рано утром два-три раза в неделю, песчаную почву "
         "чаще."),
    ]),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    root = tmp_path_factory.mktemp("garden-kb")
    for relative, (doc_id, sections) in FILES.items():
        path = root / relative
        path.parent.mkdir(exist_ok=True)
        body = "\n\n".join(f"## {title}\n\n{text}" for title, text in sections)
        path.write_text(f"---\nid: {doc_id}\ntitle: Garden\nlang: {relative[:2]}\n"
                        f"topic: concept\ntags: [garden]\n---\n\n{body}\n", encoding="utf-8")
    return KnowledgeStore(tmp_path_factory.mktemp("garden-ws"), root=root)


def test_synonyms_of_the_table_are_searched_when_the_corpus_uses_them() -> None:
    known = "the obstacles and the challenges of pruning"
    expanded = expand_query("what are the difficulties of pruning?", "en", known)
    assert "challenges" in expanded and "obstacle" in expanded  # the corpus's own words
    assert "hurdle" not in expanded  # a synonym the corpus never uses dilutes nothing
    assert "挑战" in expand_query("修剪树篱有哪些难点？", "zh", "修剪树篱的挑战")
    assert "сложности" in expand_query("Какие трудности при стрижке?", "ru", "сложности")


def test_question_words_leave_the_topic() -> None:
    assert core_query("修剪树篱有哪些难点？", "zh").split() == ["修剪树篱", "难点？"]
    assert core_query("Какие трудности при стрижке?", "ru") == "трудности стрижке"
    assert core_query("what is it?", "en") == "what is it?"  # nothing else left: unchanged


@pytest.mark.parametrize(("question", "heading"), [
    # the synonym is the question's only topic word: without the table nothing matches
    ("What are the difficulties?", "Obstacles when pruning hedges"),
    ("有哪些难点？", "修剪树篱的挑战"),
    ("Какие бывают трудности?", "Сложности при стрижке живой изгороди"),
])
def test_a_synonym_finds_the_section_and_the_answer_is_the_whole_section(
        store: KnowledgeStore, question: str, heading: str) -> None:
    answer = answer_question(store, question)
    assert answer.sources[0]["section"] == heading
    text = dict(s for _, (_, sections) in FILES.items() for s in sections)[heading]
    assert answer.text.startswith(f"**{heading}**\n\n{text}")


@pytest.mark.parametrize(("question", "lang"), [
    ("who painted the Mona Lisa?", "en"),
    ("谁画了蒙娜丽莎？", "zh"),
    ("кто написал картину Мона Лиза?", "ru"),
])
def test_below_the_floor_nothing_is_quoted(store: KnowledgeStore, question: str,
                                           lang: str) -> None:
    answer = answer_question(store, question)
    assert answer.lang == lang and not answer.sources and "[1]" not in answer.text
    assert numbered_passages(store, question) == []


def test_coverage_counts_a_synonym_as_the_term() -> None:
    floor = RelevanceFloor({"en": ["obstacles of pruning hedges", "watering"]})
    held = floor.coverage("difficulties of pruning", ["obstacles of pruning hedges"], "en")
    missing = floor.coverage("difficulties of painting", ["obstacles of pruning hedges"], "en")
    assert held == 1.0 and missing == 0.5


def test_acronyms_leave_the_question_in_its_own_language() -> None:
    from tools.knowledge.embedding import detect_language

    assert detect_language("CRM ROI KPI是啥？") == "zh"
    assert detect_language("CRM и ROI — это что?") == "ru"
    assert detect_language("what is CLV?") == "en"
    # a Chinese value inside a Russian request: Russian ("subscribers of the 尊享 plan")
    assert detect_language("абоненты тарифа 尊享 младше 30") == "ru"
    assert detect_language("尊享套餐的用户") == "zh"
