"""The knowledge embedding as a ChromaDB embedding function.

Imported only by the store, so `import chromadb` is paid only when the knowledge base
is used. Always handed to chromadb explicitly: its default function downloads a model.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

from tools.knowledge.corpus import load_corpus
from tools.knowledge.embedding import LexicalEmbedder, LexicalSettings
from tools.knowledge.ranking import passage_document

EMBEDDING_NAME = "segment-assistant-lexical"


class KnowledgeEmbeddingFunction(EmbeddingFunction[Documents]):
    """Hashed word + character n-grams, IDF-weighted over the knowledge corpus."""

    def __init__(self, embedder: LexicalEmbedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        vectors = self._embedder.embed(list(input)).astype(np.float32)
        return list(vectors)

    @staticmethod
    def name() -> str:
        return EMBEDDING_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        settings = self._embedder.settings
        return {"word_ngrams": list(settings.word_ngrams),
                "char_ngrams": list(settings.char_ngrams),
                "char_weight": settings.char_weight,
                "word_features": settings.word_features,
                "char_features": settings.char_features,
                "cjk_words": settings.cjk_words}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> KnowledgeEmbeddingFunction:
        """Refit on the shipped corpus: the weights depend on it, not only on the config."""
        settings = LexicalSettings(
            word_ngrams=tuple(config["word_ngrams"]), char_ngrams=tuple(config["char_ngrams"]),
            char_weight=float(config["char_weight"]), word_features=int(config["word_features"]),
            char_features=int(config["char_features"]),
            cjk_words=str(config.get("cjk_words", "runs")))
        return KnowledgeEmbeddingFunction(corpus_embedder(settings))


@functools.lru_cache(maxsize=2)
def corpus_embedder(settings: LexicalSettings) -> LexicalEmbedder:
    """The embedding fitted on the shipped corpus, once per process and settings: chromadb
    rebuilds its function from the config on every add, and a fit takes a second."""
    corpus = load_corpus()
    return LexicalEmbedder(settings).fit([passage_document(p) for p in corpus.passages])
