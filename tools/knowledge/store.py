"""The knowledge base in a ChromaDB store inside the workspace, built on first use.

The collection's name carries a hash of the corpus and of the embedding settings, so
a changed knowledge file or embedding means a fresh collection and a stale one is
dropped; an unchanged corpus reopens the stored collection without embedding anything.
The ChromaDB folder itself (opening it, storing, querying, orphan folders) is
`chroma_index.py`'s.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import cached_property
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.engine.progress import ProgressCallback, report
from tools.knowledge.chroma_index import ChromaIndex, embedding_name, query_collection
from tools.knowledge.corpus import Corpus, Passage, load_corpus
from tools.knowledge.dense import (
    DENSE_FLOOR,
    DENSE_MODEL,
    DENSE_SURE,
    DenseIndex,
    dense_available,
)
from tools.knowledge.embedding import LexicalEmbedder, LexicalSettings, detect_language
from tools.knowledge.ranking import (
    Hit,
    best_of,
    cap_per_document,
    passage_document,
    query_forms,
    where_clause,
)
from tools.knowledge.relevance import RELEVANCE_FLOOR, RelevanceFloor
from tools.knowledge.shared_index import publish_index
from tools.workspace_files import write_private

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from tools.knowledge.chroma_embedding import KnowledgeEmbeddingFunction

COLLECTION_PREFIX = "kb-"
# Bump when the way passages are turned into vectors changes (lexical-2: Chinese character
# pairs as word tokens); the collection's name changes with it, so an index built by an
# earlier version is dropped and rebuilt on first use.
EMBEDDING_VERSION = "lexical-2"
# A question with this share of its terms in the hits is about them, whatever the dense score.
MOSTLY_THERE = 0.75
# Candidates fetched per wanted hit, so a per-document cap can still fill k places.
_CANDIDATES_PER_HIT = 4


@dataclass(frozen=True)
class BuildReport:
    collection: str
    content_hash: str
    files: int
    passages: int
    languages: dict[str, int]
    rebuilt: bool
    seconds: float
    path: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StoreStats:
    path: str
    collection: str
    content_hash: str
    built: bool
    embedding: str
    files: int
    passages: int
    stored_passages: int
    languages: dict[str, int] = field(default_factory=dict)
    stale_collections: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class KnowledgeStore:
    """Search over the knowledge base; `root` is a corpus folder (default: the shipped one)."""

    def __init__(self, workspace: Path, *, root: Path | Traversable | None = None,
                 settings: LexicalSettings | None = None, dense: bool | None = None,
                 shared: Path | None = None) -> None:
        """`dense`: fuse the multilingual dense score (dense.py) with the lexical one; by
        default whenever its package is installed. `shared`: a folder that keeps one built
        index for every workspace (shared_index.py): a workspace without an index starts
        from it, and a build leaves a copy there."""
        self.workspace = Path(workspace)
        self.path = self.workspace / "knowledge"
        self._root = root
        self._shared = shared
        self._settings = settings or LexicalSettings()
        self.dense = dense_available() if dense is None else dense
        # One build at a time: a chat builds the index in the background while the user
        # types, and a first question waits here for it instead of building it again.
        self._building = threading.RLock()

    # ----- pieces built on first use ----------------------------------------------

    @cached_property
    def corpus(self) -> Corpus:
        return load_corpus(self._root)

    @cached_property
    def _passages(self) -> dict[str, Passage]:
        return self.corpus.by_id()

    @cached_property
    def _relevance(self) -> RelevanceFloor:
        texts: dict[str, list[str]] = {}
        for passage in self.corpus.passages:
            texts.setdefault(passage.lang, []).append(f"{passage.section}\n{passage.text}")
        return RelevanceFloor(texts)

    @cached_property
    def _vocabulary(self) -> dict[str, str]:
        """Each language's passages as one lower-case text, to tell which synonyms it uses."""
        texts: dict[str, list[str]] = {}
        for passage in self.corpus.passages:
            texts.setdefault(passage.lang, []).append(passage_document(passage).lower())
        return {lang: "\n".join(parts) for lang, parts in texts.items()}

    def relevance(self, question: str, hits: list[Hit] | list[str], lang: str, *,
                  by_rarity: bool = False) -> float:
        """Share of the question's terms the hits (or texts) hold (relevance.py): 0 = nothing
        about it; `by_rarity` weighs each term by how rare it is in the knowledge base."""
        texts = [h if isinstance(h, str) else f"{h.section}\n{h.text}" for h in hits]
        return self._relevance.coverage(question, texts, lang, by_rarity=by_rarity)

    def is_about(self, question: str, hits: list[Hit], lang: str) -> bool:
        """Whether the hits answer the question at all. Lexical: enough of its terms are
        there (`RELEVANCE_FLOOR`). With the dense score, unless its terms are mostly there:
        also close to some passage of its language (`DENSE_FLOOR`), or, with fewer of its
        terms, very close to one (`DENSE_SURE`: a paraphrase, "沉睡用户唤醒" for 召回)."""
        if not hits:
            return False
        coverage = self.relevance(question, hits, lang)
        if not self.dense or lang not in DENSE_FLOOR:
            return coverage >= RELEVANCE_FLOOR
        if coverage >= MOSTLY_THERE:
            return True
        support = self._dense.support(
            question, [p.id for p in self.corpus.passages if p.lang == lang])
        return support >= DENSE_SURE[lang] or (coverage >= RELEVANCE_FLOOR
                                               and support >= DENSE_FLOOR[lang])

    @cached_property
    def collection_name(self) -> str:
        key = f"{self.corpus.content_hash}\0{EMBEDDING_VERSION}\0{self._settings}"
        return COLLECTION_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]

    @property
    def _weights_path(self) -> Path:
        """The fitted embedding weights, stored beside the collection they built."""
        return self.path / f"{self.collection_name}.idf.npy"

    @cached_property
    def embedder(self) -> LexicalEmbedder:
        """The embedding, fitted on this corpus (it also ranks sentences within passages).

        Its weights are kept beside the index: reopening reads them (milliseconds) instead
        of fitting again (a second), which a first answer in a new process would wait for.
        """
        fresh = LexicalEmbedder(self._settings)
        try:
            return fresh.with_idf(np.load(self._weights_path, allow_pickle=False))
        except (OSError, ValueError):
            pass  # not there yet, or not these settings' shape: fit
        if self._root is None:
            from tools.knowledge.chroma_embedding import corpus_embedder

            return corpus_embedder(self._settings)
        return fresh.fit([passage_document(p) for p in self.corpus.passages])

    @property
    def _dense_path(self) -> Path:
        return self.path / f"{self.collection_name}.{DENSE_MODEL}.npy"

    @cached_property
    def _dense(self) -> DenseIndex:
        return DenseIndex(self._dense_path, [p.id for p in self.corpus.passages],
                          [passage_document(p) for p in self.corpus.passages])

    def _keep_weights(self) -> None:
        """Store the fitted weights for the next process; drop those of other collections."""
        keep = {self._weights_path, self._dense_path}
        for old in self.path.glob(f"{COLLECTION_PREFIX}*.npy"):
            if old not in keep:
                old.unlink(missing_ok=True)
        if self.embedder.idf is None or self._weights_path.exists():
            return
        buffer = io.BytesIO()
        np.save(buffer, self.embedder.idf, allow_pickle=False)
        with contextlib.suppress(OSError):  # a read-only copy of a workspace still answers
            write_private(self._weights_path, buffer.getvalue())

    @cached_property
    def embedding_function(self) -> KnowledgeEmbeddingFunction:
        from tools.knowledge.chroma_embedding import KnowledgeEmbeddingFunction

        return KnowledgeEmbeddingFunction(self.embedder)

    @cached_property
    def _index(self) -> ChromaIndex:
        return ChromaIndex(self.path, self.collection_name, self._shared)

    def _stored_names(self) -> list[str]:
        return self._index.stored_names(COLLECTION_PREFIX)

    def _open(self) -> Collection | None:
        if self.collection_name not in self._stored_names():
            return None
        collection = self._index.open(self.embedding_function, self.corpus.content_hash,
                                      len(self.corpus.passages))
        if collection is not None:
            self._keep_weights()  # an index built before the weights were kept
        return collection

    # ----- public API -------------------------------------------------------------

    def build(self, force: bool = False, progress: ProgressCallback | None = None
              ) -> BuildReport:
        """Embed and store every passage unless an up-to-date collection is already there.

        `progress` hears once the passages are embedded and after each batch stored.
        """
        with self._building:
            return self._build(force, progress)

    def build_in_background(self) -> threading.Thread:
        """Start `build` on a thread of its own (its errors are left for the first question
        to meet and report)."""
        def run() -> None:
            with contextlib.suppress(Exception):
                self.build()

        # Not a daemon: leaving the chat mid-build waits for it, so no half-written index.
        thread = threading.Thread(target=run, name="knowledge-index")
        thread.start()
        return thread

    def _build(self, force: bool, progress: ProgressCallback | None) -> BuildReport:
        started = time.perf_counter()
        if force:
            self._index.reset_if_unreadable()
        collection = None if force else self._open()
        rebuilt = collection is None
        if collection is None:
            for name in self._stored_names():
                self._index.client.delete_collection(name)
            collection = self._index.create(
                self.embedding_function, {"content_hash": self.corpus.content_hash,
                                          "embedding": EMBEDDING_VERSION})
            passages = list(self.corpus.passages)
            documents = [passage_document(p) for p in passages]
            vectors = self.embedder.embed(documents).astype(np.float32)
            total = len(passages) + 1  # the embedding counts as one unit of work
            report(progress, "knowledge", 1, total, f"embedded {len(passages):,} passages")
            self._index.fill(collection, passages, documents, vectors, progress)
            self._keep_weights()
        else:
            report(progress, "knowledge", 1, 1, "the stored index is up to date")
        if self.dense:
            self._dense.vectors  # noqa: B018 - embedded now, not at the first question
        if rebuilt and self._shared is not None:
            publish_index(self.path, self._shared, self.collection_name,
                          replaces=COLLECTION_PREFIX)
        return BuildReport(
            collection=self.collection_name, content_hash=self.corpus.content_hash,
            files=self.corpus.files, passages=len(self.corpus.passages),
            languages=self._language_counts(), rebuilt=rebuilt,
            seconds=round(time.perf_counter() - started, 3), path=str(self.path))

    def search(self, query: str, k: int = 3, lang: str | None = None,
               topic: str | None = None, per_document: int | None = 2) -> list[Hit]:
        """The `k` passages closest to `query`, in its language when the corpus has it.

        `topic` ("concept" or "playbook") keeps only passages of that kind;
        `per_document` caps the passages taken from one file, so the top of the list
        covers more than one document (None: no cap).
        """
        if not query.strip() or k <= 0:
            return []
        with self._building:
            collection = self._open()
            if collection is None:
                self.build()
                collection = self._open()
        assert collection is not None
        language = lang or detect_language(query)
        queries = query_forms(query, language, self._vocabulary.get(language))
        topic_filter = [{"topic": topic}] if topic else []
        in_language = [{"lang": language}] if language in self._language_counts() else []
        wanted = k if per_document is None else k * _CANDIDATES_PER_HIT
        if self.dense:  # every passage in the language is scored, dense and lexical
            wanted = self._language_counts().get(language, len(self.corpus.passages)) \
                if in_language else len(self.corpus.passages)
        hits = best_of(
            [(self._query(collection, q, wanted, where_clause(in_language + topic_filter)), weight)
             for q, weight in queries])
        if self.dense and hits:
            hits = self._dense.fused(query, hits)
        hits = cap_per_document(hits, k, per_document)
        if in_language and len(hits) < k:  # too few in the query's language: add others
            seen = {h.id for h in hits}
            others = self._query(collection, queries[0][0], k, where_clause(topic_filter))
            hits += [h for h in others if h.id not in seen][:k - len(hits)]
        return hits

    def stats(self) -> StoreStats:
        names = self._stored_names() if self.path.exists() else []
        collection = self._open() if self.collection_name in names else None
        return StoreStats(
            path=str(self.path), collection=self.collection_name,
            content_hash=self.corpus.content_hash, built=collection is not None,
            embedding=embedding_name(collection) if collection is not None else "",
            files=self.corpus.files, passages=len(self.corpus.passages),
            stored_passages=collection.count() if collection is not None else 0,
            languages=self._language_counts(),
            stale_collections=[n for n in names if n != self.collection_name])

    def passages(self, *, doc_id: str | None = None, segment: str | None = None,
                 stage: str | None = None, lang: str | None = None,
                 play: str | None = None) -> list[Passage]:
        """Passages picked by their front matter, in corpus order (no search involved)."""
        def keep(p: Passage) -> bool:
            return ((doc_id is None or p.doc_id == doc_id)
                    and (segment is None or p.segment.lower() == segment.lower())
                    and (stage is None or p.stage.lower() == stage.lower())
                    and (lang is None or p.lang == lang)
                    and (play is None or p.play == play))

        return [p for p in self.corpus.passages if keep(p)]

    # ----- helpers ----------------------------------------------------------------

    def _language_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.corpus.passages:
            counts[p.lang] = counts.get(p.lang, 0) + 1
        return dict(sorted(counts.items()))

    def _query(self, collection: Collection, query: str, k: int,
               where: dict[str, Any] | None) -> list[Hit]:
        found = query_collection(collection, self.embedding_function([query]), k, where)
        return [Hit.of(self._passages[i], 1.0 - d) for i, d in found if i in self._passages]
