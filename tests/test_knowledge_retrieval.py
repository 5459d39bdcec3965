"""Knowledge retrieval with the real ChromaDB store: build, reuse, rebuild, search, eval."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tools.knowledge.chroma_index import KnowledgeIndexError
from tools.knowledge.corpus import load_corpus, parse_file
from tools.knowledge.embedding import detect_language
from tools.knowledge.evaluation import evaluate_retrieval, read_cases
from tools.knowledge.store import KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
CASE_FILES = [p for p in (EVAL_DIR / "kb_dev.jsonl", EVAL_DIR / "kb_questions.jsonl")
              if p.is_file()]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    # one workspace per test session: other knowledge test modules reopen it unchanged
    store = KnowledgeStore(tmp_path_factory.getbasetemp() / "knowledge-workspace")
    store.build()
    return store


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything reaches for the network or chromadb's default embedding."""
    import socket

    from chromadb.utils import embedding_functions

    def no_network(self: socket.socket, address: object) -> None:
        raise AssertionError(f"network used: {address}")

    def no_default_embedding(self: object, input: object) -> None:
        raise AssertionError("chromadb's default embedding used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(embedding_functions.DefaultEmbeddingFunction, "__call__",
                        no_default_embedding)


def test_corpus_has_three_languages_and_sourced_passages() -> None:
    corpus = load_corpus()
    assert set(corpus.languages()) == {"en", "zh", "ru"}
    for passage in corpus.passages:
        assert passage.file.startswith(f"{passage.lang}/") and passage.file.endswith(".md")
        assert passage.section and passage.text.strip()
        assert passage.doc_id.startswith(f"{passage.lang}-")
    assert len({p.id for p in corpus.passages}) == len(corpus.passages)


def test_combined_files_tag_each_section_with_its_segment() -> None:
    raw = ("---\nid: xx-combo\ntitle: T\nlang: zh\ntopic: playbook\n"
           "segments: [Champions, At Risk]\n---\n\n## 冠军 (Champions)\n\nA.\n\n"
           "## 风险 (At Risk)\n\nB.\n")
    first, second = parse_file("zh/combo.md", raw)
    assert (first.segment, second.segment) == ("Champions", "At Risk")
    assert first.source == {"file": "zh/combo.md", "section": "冠军 (Champions)",
                            "doc_id": "xx-combo"}


def test_language_detection() -> None:
    assert detect_language("什么是RFM分析？") == "zh"
    assert detect_language("Что такое RFM?") == "ru"
    assert detect_language("What is RFM?") == "en"


def test_build_then_reopen_without_rebuilding(built: KnowledgeStore) -> None:
    again = KnowledgeStore(built.workspace)
    report = again.build()
    assert report.rebuilt is False
    assert report.passages == len(again.corpus.passages)
    stats = again.stats()
    assert stats.built and stats.stored_passages == stats.passages
    assert stats.stale_collections == []


def test_reopening_reads_the_stored_weights_instead_of_fitting(
        built: KnowledgeStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.knowledge.embedding import LexicalEmbedder

    stored = list((built.workspace / "knowledge").glob("kb-*.idf.npy"))
    assert [p.name for p in stored] == [f"{built.collection_name}.idf.npy"]
    assert stored[0].stat().st_mode & 0o077 == 0

    def no_fit(self: LexicalEmbedder, texts: object) -> LexicalEmbedder:
        raise AssertionError("fitted again")

    from tools.knowledge.chroma_embedding import corpus_embedder

    corpus_embedder.cache_clear()  # a new process: nothing fitted yet
    monkeypatch.setattr(LexicalEmbedder, "fit", no_fit)
    again = KnowledgeStore(built.workspace)
    hits = again.search("what is rfm analysis?", k=1)
    assert hits and np.array_equal(again.embedder.idf, built.embedder.idf)


@pytest.mark.usefixtures("offline")
def test_changed_corpus_is_rebuilt(tmp_path: Path) -> None:
    source = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "ru", source / "ru",
                    ignore=shutil.ignore_patterns("__*"))
    workspace = tmp_path / "ws"
    first = KnowledgeStore(workspace, root=source).build()
    assert first.rebuilt
    assert KnowledgeStore(workspace, root=source).build().rebuilt is False
    extra = source / "ru" / "zz-extra.md"
    extra.write_text("---\nid: ru-zz-extra\ntitle: Доп\nlang: ru\ntopic: concept\ntags: [x]\n"
                     "---\n\n## Лояльность к бренду\n\nКлиенты любят бренд за качество.\n",
                     encoding="utf-8")
    changed = KnowledgeStore(workspace, root=source)
    report = changed.build()
    assert report.rebuilt and report.content_hash != first.content_hash
    assert report.passages == first.passages + 1
    assert changed.stats().stale_collections == []
    top = changed.search("лояльность к бренду качество", k=1)
    assert top[0].file == "ru/zz-extra.md"
    assert changed.stats().embedding == "segment-assistant-lexical"


def test_search_returns_passages_with_file_and_section(built: KnowledgeStore) -> None:
    hits = built.search("What is psychographic segmentation?", k=3)
    assert len(hits) == 3
    assert hits[0].file == "en/psychographic-segmentation.md"
    assert all(h.section and h.lang == "en" for h in hits)
    assert hits[0].score >= hits[-1].score


@pytest.mark.parametrize(("question", "lang"), [
    ("什么是RFM分析？", "zh"),
    ("Как вернуть клиентов, которые давно не покупали?", "ru"),
])
def test_questions_in_other_languages_find_passages_in_that_language(
        built: KnowledgeStore, question: str, lang: str) -> None:
    hits = built.search(question, k=3)
    assert hits and all(h.lang == lang for h in hits)


def test_explicit_language_filter(built: KnowledgeStore) -> None:
    hits = built.search("RFM", k=2, lang="ru")
    assert [h.lang for h in hits] == ["ru", "ru"]


@pytest.mark.skipif(not CASE_FILES, reason="no knowledge question set yet")
def test_top3_hit_rate_is_at_least_90_percent_per_language(built: KnowledgeStore) -> None:
    report = evaluate_retrieval(built, CASE_FILES, k=3)
    assert report.cases == sum(len(read_cases(p)) for p in CASE_FILES)
    shown = {lang: row["hit_rate"] for lang, row in report.by_language.items()}
    assert report.passed(0.9), f"hit rate per language {shown}; misses: {report.failures}"


def test_per_document_cap(built: KnowledgeStore) -> None:
    question = "What is psychographic segmentation?"
    uncapped = built.search(question, k=3, per_document=None)
    assert {h.doc_id for h in uncapped} == {"en-psychographic-segmentation"}
    capped = built.search(question, k=3)
    assert [h.doc_id for h in capped].count("en-psychographic-segmentation") == 2
    single = built.search(question, k=3, per_document=1)
    assert len({h.doc_id for h in single}) == 3
    assert single[0].doc_id == "en-psychographic-segmentation"
    assert [h.score for h in capped] == sorted((h.score for h in capped), reverse=True)


def test_damaged_index_is_a_clear_error_and_force_rebuild_recovers(tmp_path: Path) -> None:
    source = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "zh", source / "zh",
                    ignore=shutil.ignore_patterns("__*"))
    index = tmp_path / "ws" / "knowledge"
    index.mkdir(parents=True)
    (index / "chroma.sqlite3").write_bytes(b"not a database")
    with pytest.raises(KnowledgeIndexError, match="segment kb build --force"):
        KnowledgeStore(tmp_path / "ws", root=source).search("什么是RFM分析？")
    store = KnowledgeStore(tmp_path / "ws", root=source)
    assert store.build(force=True).rebuilt
    assert store.search("什么是RFM分析？", k=1)[0].file == "zh/rfm-analysis.md"


def test_too_few_passages_in_the_query_language_are_topped_up(tmp_path: Path) -> None:
    source = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "ru", source / "ru",
                    ignore=shutil.ignore_patterns("__*"))
    (source / "en").mkdir()
    (source / "en" / "one.md").write_text(
        "---\nid: en-one\ntitle: One\nlang: en\ntopic: concept\ntags: [x]\n---\n\n"
        "## RFM in one line\n\nRFM scores recency, frequency and monetary value.\n",
        encoding="utf-8")
    hits = KnowledgeStore(tmp_path / "ws", root=source).search("What is RFM?", k=3)
    assert [h.lang for h in hits] == ["en", "ru", "ru"]
    assert hits[0].file == "en/one.md"


def test_language_is_the_majority_of_words_not_the_first_foreign_letter() -> None:
    assert detect_language("exclude Москва from the list") == "en"
    assert detect_language("клиенты из France") == "ru"
    assert detect_language("VIP客户") == "zh"


def test_a_tie_between_latin_and_cyrillic_words_follows_the_conversation() -> None:
    assert detect_language("exclude Москва", previous="en") == "en"
    assert detect_language("покажи сегмент At Risk", previous="ru") == "ru"
    assert detect_language("покажи сегмент At Risk") == "ru"


def test_a_background_build_and_a_first_question_build_the_index_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "en", source / "en",
                    ignore=shutil.ignore_patterns("__*"))
    store = KnowledgeStore(tmp_path / "ws", root=source)
    rebuilt: list[bool] = []
    original = KnowledgeStore._build

    def counted(self: KnowledgeStore, *args: object) -> object:
        report = original(self, *args)  # type: ignore[arg-type]
        rebuilt.append(report.rebuilt)
        return report

    monkeypatch.setattr(KnowledgeStore, "_build", counted)
    thread = store.build_in_background()
    hits = store.search("what is rfm analysis?", k=2)  # waits for the build, if under way
    thread.join(timeout=60)
    assert not thread.is_alive() and hits
    assert rebuilt.count(True) == 1 and store.stats().stale_collections == []
