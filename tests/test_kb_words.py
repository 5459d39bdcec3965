"""Chinese word features, synonym terms and the index version (issue 15, docs/RETRIEVAL.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from tools.knowledge.embedding import LexicalEmbedder, LexicalSettings, word_tokens
from tools.knowledge.ranking import query_forms
from tools.knowledge.relevance import RelevanceFloor, question_words, terms
from tools.knowledge.store import KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent


def test_a_chinese_run_gives_its_character_pairs_as_words() -> None:
    assert word_tokens("客户细分的难点") == ["客户", "户细", "细分", "分的", "的难", "难点"]
    # Latin and Cyrillic words stay whole, and split from Chinese next to them
    assert word_tokens("实施CRM分步 RFM-анализ") == ["实施", "crm", "分步", "rfm", "анализ"]
    assert word_tokens("客户细分", "runs") == ["客户细分"]


def test_chinese_pairs_let_the_word_half_meet_a_reordered_phrase() -> None:
    texts = ["实施客户细分的常见挑战是数据质量", "什么是聚类分析"]
    word_half = 2**13
    for mode, meets in (("bigrams", True), ("runs", False)):
        embedder = LexicalEmbedder(LexicalSettings(cjk_words=mode)).fit(texts)
        question = embedder.embed(["数据质量的挑战"])[0][:word_half]
        passage = embedder.embed(texts)[0][:word_half]
        assert (float(question @ passage) > 0.1) is meets, mode


def test_a_synonym_word_is_kept_whole_in_a_chinese_question() -> None:
    # "哪几" is a question word, but "哪几步" is a word of the table (步骤)
    assert "几步" in terms("实施CRM分哪几步？", "zh", question_words("zh"))
    forms = query_forms("实施CRM分哪几步？", "zh", known="crm系统实施的步骤")
    assert len(forms) == 2 and "步骤" in forms[1][0] and "哪几" not in forms[0][0]


def test_a_long_synonym_is_not_held_through_one_of_its_pairs() -> None:
    floor = RelevanceFloor({"zh": ["客户细分的步骤", "CRM系统实施的步骤"]})
    # "客户关系管理" (= CRM) shares only "客户" with the first heading: CRM is not there
    first = floor.coverage("实施CRM分哪几步？", ["实施客户细分的步骤"], "zh")
    second = floor.coverage("实施CRM分哪几步？", ["CRM系统实施的步骤"], "zh")
    assert second > first


def test_rarity_weighs_the_specific_word_over_the_common_topic() -> None:
    texts = ["customer segmentation basics", "customer segmentation data challenges",
             "customer segmentation in a CRM", "customer segmentation types"]
    floor = RelevanceFloor({"en": texts})
    question = "What are the difficulties of customer segmentation?"
    plain = [floor.coverage(question, [h], "en") for h in ("What customer segmentation is",
                                                           "Data challenges in segmentation")]
    rare = [floor.coverage(question, [h], "en", by_rarity=True)
            for h in ("What customer segmentation is", "Data challenges in segmentation")]
    assert plain[0] == plain[1]  # terms alike: a tie
    assert rare[1] > rare[0]  # "difficulties" (through "challenges") is the rare one


def test_an_index_of_the_earlier_word_features_is_rebuilt(tmp_path: Path) -> None:
    source = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "zh", source / "zh",
                    ignore=shutil.ignore_patterns("__*"))
    workspace = tmp_path / "ws"
    old = KnowledgeStore(workspace, root=source, settings=LexicalSettings(cjk_words="runs"),
                         dense=False)
    old.build()
    new = KnowledgeStore(workspace, root=source, dense=False)
    assert new.collection_name != old.collection_name
    report = new.build()
    assert report.rebuilt
    assert new.stats().stale_collections == []
    weights = sorted(p.name for p in (workspace / "knowledge").glob("*.idf.npy"))
    assert weights == [f"{new.collection_name}.idf.npy"]
    assert np.array_equal(np.load(workspace / "knowledge" / weights[0]), new.embedder.idf)
