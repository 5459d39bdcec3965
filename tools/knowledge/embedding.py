"""Offline text embeddings for English, Chinese and Russian passages.

`LexicalEmbedder`: hashed word and character n-grams weighted by inverse document
frequency over the corpus; deterministic, instant, and free of any download. Character
n-grams carry Chinese (no spaces between words) and Russian (rich word endings).

docs/RETRIEVAL.md has the measurements that chose it over a dense English model
(all-MiniLM-L6-v2) and over hybrids of the two (bench/kb_retrieval.py reproduces them).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import HashingVectorizer

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A word token: a run of Chinese characters, or a run of other letters and digits.
_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(f"[{_CJK_CHARS}]+|[^\\W{_CJK_CHARS}]+")


def detect_language(text: str, previous: str | None = None) -> str:
    """The language a text is written in, by its words: each Chinese character counts as a
    word, Latin and Cyrillic letters by the word ("клиенты из France" is Russian). When
    Latin and Cyrillic words tie ("exclude Москва", "покажи At Risk"), the conversation's
    language so far decides, else Russian (a Latin word in Russian is usually a name).
    Acronyms in capitals and names with "_" or digits count for no language ("CRM ROI KPI是啥"
    is Chinese, "сравни risky_premium и young_loyal" Russian)."""
    chinese = len(_CJK.findall(text))
    russian = len(re.findall(r"[\u0400-\u04ff]+", text))
    # an acronym (CRM, ROI, KPI) is used as such in every language: it does not count
    # nor does a name with "_" or digits (risky_premium, has_family_plan, Q3_2024): no words
    named = " ".join(w for w in re.findall(r"\w+", text) if "_" not in w and
                     not any(c.isdigit() for c in w))
    english = len([w for w in re.findall(r"[A-Za-z]{2,}", named)
                   if not (w.isupper() and len(w) <= 5)])
    runs = re.findall(f"[{_CJK_CHARS}]+", text) if chinese else []
    if len(runs) == 1 and english >= 2:
        chinese = 1  # "customers where 是否会员 is yes": one Chinese name in an English sentence
    if chinese and chinese >= english and chinese > russian:  # "тарифа 尊享 младше 30": ru
        return "zh"
    if russian > english or (russian and russian == english and previous != "en"):
        return "ru"
    if not (english or russian or chinese) and previous:
        return previous  # "2", "?": no words, the conversation's language
    return "en"


def _analyse_words(text: str, cjk_words: str, ngrams: tuple[int, int]) -> list[str]:
    return _word_ngrams(word_tokens(text, cjk_words), *ngrams)


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
    # "bigrams": a run of Chinese characters becomes its character pairs as word tokens
    # (Chinese has no spaces, so the run would otherwise be one rare token); "runs": the
    # run as one token, as before (docs/RETRIEVAL.md has both measured)
    cjk_words: str = "bigrams"


def word_tokens(text: str, cjk_words: str = "bigrams") -> list[str]:
    """Lower-case word tokens; a Chinese run gives its overlapping character pairs (a
    one-character run itself), so "客户细分的难点" meets "细分" and "难点" as words."""
    if cjk_words != "bigrams":
        return re.findall(r"(?u)\b\w+\b", text.lower())
    tokens: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if _CJK.match(token) and len(token) > 1:
            tokens.extend(token[i:i + 2] for i in range(len(token) - 1))
        else:
            tokens.append(token)
    return tokens


def _word_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    return [" ".join(tokens[i:i + n]) for n in range(low, high + 1)
            for i in range(len(tokens) - n + 1)]


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
        settings = self.settings
        words = HashingVectorizer(
            analyzer=functools.partial(_analyse_words, cjk_words=settings.cjk_words,
                                       ngrams=settings.word_ngrams),
            n_features=settings.word_features, **common)
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

    @property
    def idf(self) -> np.ndarray | None:
        """The fitted n-gram weights (None before `fit`), to store beside an index."""
        return self._idf

    def with_idf(self, idf: np.ndarray) -> LexicalEmbedder:
        """This embedder with weights fitted earlier (`idf`) instead of fitting again."""
        if idf.shape != (self.dimensions,):
            raise ValueError(f"weights for {idf.shape} features, not {self.dimensions}")
        self._idf = np.asarray(idf, dtype="float64")
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
