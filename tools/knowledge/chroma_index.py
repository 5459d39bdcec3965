"""The knowledge index's ChromaDB folder in the workspace: opening it, its collections,
storing embedded passages, querying them, and clearing what ChromaDB leaves behind.

ChromaDB drops a collection's rows but leaves its vector folder (6 MB for the shipped
corpus) on disk, so such orphan folders are removed after each build and whenever the
folder is opened. What goes in a collection and how hits are ranked is `store.py`'s.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.engine.errors import EngineError
from tools.engine.progress import ProgressCallback, report
from tools.knowledge.corpus import Passage
from tools.knowledge.shared_index import seed_index
from tools.workspace_files import private_folder

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from tools.knowledge.chroma_embedding import KnowledgeEmbeddingFunction

# ChromaDB names a collection's vector folder after its segment id, a UUID.
_SEGMENT_FOLDER = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class KnowledgeIndexError(EngineError):
    """The index folder in the workspace cannot be opened (damaged, or another version)."""


class ChromaIndex:
    """The ChromaDB folder `path`, opened on first use; `shared` (shared_index.py) seeds a
    folder without an index with the collection `name`."""

    def __init__(self, path: Path, name: str, shared: Path | None = None) -> None:
        self.path = path
        self.name = name
        self._shared = shared

    @cached_property
    def client(self) -> ClientAPI:
        import chromadb
        from chromadb.config import Settings

        private_folder(self.path)
        if self._shared is not None:
            seed_index(self._shared, self.name, self.path)
        try:
            client = chromadb.PersistentClient(path=str(self.path),
                                               settings=Settings(anonymized_telemetry=False))
        except Exception as exc:
            from chromadb.api.shared_system_client import SharedSystemClient

            # chromadb caches a system per folder even when it failed to start; forget it
            # so this process can open the folder again once it is rebuilt
            SharedSystemClient._identifier_to_system.pop(str(self.path), None)
            SharedSystemClient._identifier_to_refcount.pop(str(self.path), None)
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise KnowledgeIndexError(
                f"the knowledge index in {self.path} cannot be opened ({detail}): "
                "rebuild it with `segment kb build --force`") from None
        remove_orphan_folders(self.path)  # left by builds of earlier versions
        return client

    def stored_names(self, prefix: str) -> list[str]:
        return [c.name for c in self.client.list_collections() if c.name.startswith(prefix)]

    def open(self, function: KnowledgeEmbeddingFunction, content_hash: str,
             passages: int) -> Collection | None:
        """The collection `name`, or None when it is missing or not of these passages."""
        collection = self.client.get_collection(
            self.name, embedding_function=function)  # type: ignore[arg-type]
        metadata = collection.metadata or {}
        complete = (metadata.get("content_hash") == content_hash
                    and collection.count() == passages)
        return collection if complete else None

    def create(self, function: KnowledgeEmbeddingFunction,
               metadata: dict[str, Any]) -> Collection:
        """A new, empty collection `name` (cosine distances)."""
        return self.client.create_collection(
            self.name, embedding_function=function,  # type: ignore[arg-type]
            configuration={"hnsw": {"space": "cosine"}}, metadata=metadata)

    def fill(self, collection: Collection, passages: Sequence[Passage], documents: list[str],
             vectors: np.ndarray, progress: ProgressCallback | None) -> None:
        """Store the embedded passages; `progress` hears after each batch stored, the
        embedding having been the first unit of work."""
        total = len(passages) + 1
        # few large batches: each add() has a high fixed cost in chromadb
        size = max(1, self.client.get_max_batch_size())
        for start in range(0, len(passages), size):
            end = start + size
            collection.add(ids=[p.id for p in passages[start:end]],
                           embeddings=vectors[start:end], documents=documents[start:end],
                           metadatas=[_metadata(p) for p in passages[start:end]])
            stored = min(end, len(passages))
            report(progress, "knowledge", 1 + stored, total,
                   f"stored {stored:,} of {len(passages):,} passages")
        remove_orphan_folders(self.path)  # the dropped collections' folders

    def reset_if_unreadable(self) -> None:
        """The index is derived data: a folder chromadb cannot open is cleared and rebuilt."""
        try:
            self.client  # noqa: B018 - opening is the check
        except KnowledgeIndexError:
            self.__dict__.pop("client", None)
            shutil.rmtree(self.path)


def query_collection(collection: Collection, vector: Any, k: int,
                     where: dict[str, Any] | None) -> list[tuple[str, float]]:
    """The ids of the `k` nearest passages to `vector`, each with its cosine distance."""
    result = collection.query(query_embeddings=vector, n_results=k, where=where,
                              include=["distances"])
    ids = result["ids"][0]
    distances = (result.get("distances") or [[1.0] * len(ids)])[0]
    return list(zip(ids, distances, strict=True))


def embedding_name(collection: Collection) -> str:
    # the raw JSON: reading `.configuration` would rebuild the function from chromadb's registry
    function = (collection.configuration_json or {}).get("embedding_function") or {}
    return str(function.get("name") or "")


def remove_orphan_folders(index: Path) -> list[Path]:
    """Remove the vector folders of collections that ChromaDB's catalogue no longer has.

    The folders are listed before the catalogue is read: a collection another process is
    creating has its catalogue row before its folder, so its folder is never taken for an
    orphan. A catalogue that cannot be read (another ChromaDB version) removes nothing.
    """
    folders = [p for p in index.iterdir() if p.is_dir() and _SEGMENT_FOLDER.fullmatch(p.name)
               ] if index.is_dir() else []
    catalogue = index / "chroma.sqlite3"
    if not folders or not catalogue.is_file():
        return []
    try:
        with closing(sqlite3.connect(f"{catalogue.resolve().as_uri()}?mode=ro",
                                     uri=True)) as db:
            live = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error:
        return []
    orphans = [folder for folder in folders if folder.name not in live]
    for folder in orphans:
        shutil.rmtree(folder, ignore_errors=True)
    return orphans


def _metadata(passage: Passage) -> dict[str, str]:
    return {"doc_id": passage.doc_id, "file": passage.file, "section": passage.section,
            "lang": passage.lang, "topic": passage.topic, "segment": passage.segment,
            "stage": passage.stage}
