""""Did you mean": the nearest names to a word a person typed.

Lexical only (no synonyms): a typo ("contry" -> "Country"), a different case
("income" -> "Income") or a word inside a longer name ("income" -> "Annual
Income (k$)", "marital" -> "Marital_Status") are found; "spend" does not find
"monetary" (that is the interpreter's vocabulary, not spelling).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

# Below this similarity a candidate is not offered at all.
_CUTOFF = 0.7
# Scores from here up mean the name contains the word (or is it), not just resembles it.
_CONTAINS = 1.5
# A merely similar name is dropped when a better candidate beats it by this much
# ("contry": Country, not also monetary).
_MARGIN = 0.15

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _tokens(text: str) -> list[str]:
    spaced = _CAMEL_BOUNDARY.sub(" ", text).casefold()
    return [t for t in _NON_ALNUM.split(spaced) if t]


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def _score(word: str, candidate: str) -> float:
    """How well `candidate` answers `word`; 0 when it should not be offered.

    Bands keep the order readable: an exact match (ignoring case and
    punctuation) beats a whole-word match, which beats a substring, which
    beats a spelling-similar name.
    """
    w, c = word.casefold().strip(), candidate.casefold().strip()
    if not w or not c:
        return 0.0
    if w == c:
        return 4.0
    w_tokens, c_tokens = _tokens(word), _tokens(candidate)
    w_flat, c_flat = "".join(w_tokens), "".join(c_tokens)
    whole = _similarity(w_flat, c_flat)
    if w_flat and w_flat == c_flat:
        return 3.0 + whole
    if w_tokens and set(w_tokens) <= set(c_tokens):
        return 2.0 + whole
    if len(w_flat) >= 3 and len(c_flat) >= 3 and (w_flat in c_flat or c_flat in w_flat):
        return _CONTAINS + whole
    best_token = max((_similarity(w_flat, t) for t in c_tokens if len(t) >= 3), default=0.0)
    fuzzy = max(whole, _similarity(w, c), 0.95 * best_token)
    return fuzzy if fuzzy >= _CUTOFF else 0.0


def nearest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The up to `n` candidates closest to `word`, best first (case-insensitive).

    Ties keep the candidates' own order, so the result is deterministic.
    """
    seen: set[str] = set()
    scored: list[tuple[float, int, str]] = []
    for position, candidate in enumerate(candidates):
        text = str(candidate)
        if text in seen:
            continue
        seen.add(text)
        score = _score(word, text)
        if score > 0:
            scored.append((-score, position, text))
    scored.sort()
    best = -scored[0][0] if scored else 0.0
    kept = [text for negative, _, text in scored
            if -negative >= _CONTAINS or -negative >= best - _MARGIN]
    return kept[: max(n, 0)]
