"""Matching a request's words to the loaded data's columns.

A column is known by the words of its name (CamelCase and snake_case split,
abbreviations such as Mnt or Num expanded), by the concepts those words belong
to (wine, income, kids) and by its role (a MONETARY column answers to "spend",
"revenue", "sales" whatever it is called).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.interpreter.text import stem
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.schema import ColumnInfo, DType, Role, Schema

# Roles that never take part in a condition.
_UNUSABLE = {Role.PERSONAL, Role.CONSTANT, Role.CUSTOMER_ID, Role.TEXT}
# Weight of a match through the same word, a role's concept, a name word's concept.
EXACT, ROLE, CONCEPT = 1.0, 1.0, 0.6
# Weight of naming every word of a column's name ("average order value").
COVERAGE = 0.5
# Extra weight when the word is also the concept of the column's role.
ROLE_BONUS = 0.25
_DAYS_OF_UNIT = {"day": 1, "week": 7, "month": 30, "year": 365}


@dataclass(frozen=True)
class ColumnProfile:
    info: ColumnInfo
    stems: frozenset[str]  # stems of the name's words and their expansions
    parts: tuple[frozenset[str], ...]  # per name word: its stem, expansions and concepts
    name_concepts: frozenset[str]
    role_concepts: frozenset[str]
    # How many of the values a column holds per unit the user says: 1000 for "(k$)".
    scale: float = 1.0
    # The time unit of a duration column ("day", "month"), None for other columns.
    time_unit: str | None = None

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def numeric(self) -> bool:
        return self.info.dtype in (DType.NUMBER, DType.INTEGER)

    @property
    def is_date(self) -> bool:
        return self.info.dtype == DType.DATE

    @property
    def role(self) -> Role:
        return self.info.role


def name_words(name: str) -> list[str]:
    """'NumStorePurchases' -> num, store, purchases; 'Annual Income (k$)' -> annual, income, k."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"([A-Za-z])(\d)", r"\1 \2", text)
    text = re.sub(r"(\d)([A-Za-z])", r"\1 \2", text)
    text = re.sub(r"\(\s*\d+\s*-\s*\d+\s*\)", " ", text)  # "(1-100)": a range, not words
    return [w for w in re.split(r"[^0-9a-zA-Z]+", text.lower()) if w]


def build_profiles(schema: Schema, vocab: Vocabulary) -> list[ColumnProfile]:
    profiles = []
    for info in schema.columns:
        if info.role in _UNUSABLE:
            continue
        profiles.append(profile_column(info, vocab))
    return profiles


def profile_column(info: ColumnInfo, vocab: Vocabulary) -> ColumnProfile:
    words = name_words(info.name)
    stems: set[str] = set()
    parts: list[frozenset[str]] = []
    for w in words:
        own = {stem(w)} | {stem(x) for x in vocab.abbreviations.get(w, ())}
        stems |= own
        if len(w) > 1 and not w.isdigit() and stem(w) not in _DAYS_OF_UNIT:
            part = set(own)
            for s in own:
                part |= vocab.word_concepts.get(s, frozenset())
            parts.append(frozenset(part))
    concepts: set[str] = set()
    for s in stems:
        concepts |= vocab.word_concepts.get(s, frozenset())
    role_concepts = frozenset(vocab.role_concepts.get(info.role.value, ()))
    return ColumnProfile(info=info, stems=frozenset(stems), parts=tuple(parts),
                         name_concepts=frozenset(concepts), role_concepts=role_concepts,
                         scale=_scale_of(info.name),
                         time_unit=_time_unit(info, words, frozenset(concepts)))


def _scale_of(name: str) -> float:
    low = name.lower()
    if re.search(r"\(\s*k\s*\W?\s*\)|\bk\$|\$k\b|in thousands|_k\b|\(000s?\)|'000", low):
        return 1000.0
    if re.search(r"\(\s*m\s*\W?\s*\)|\bm\$|\$m\b|in millions", low):
        return 1e6
    return 1.0


def _time_unit(info: ColumnInfo, words: Sequence[str],
               concepts: frozenset[str] = frozenset()) -> str | None:
    for w in words:
        unit = stem(w)
        if unit in _DAYS_OF_UNIT and info.dtype in (DType.NUMBER, DType.INTEGER) and (
                w != "month" or info.role in (Role.RECENCY, Role.TENURE)):
            return unit
    numeric = info.dtype in (DType.NUMBER, DType.INTEGER)
    if info.role == Role.RECENCY or (numeric and "recency" in words):
        return "day"
    if numeric and info.dtype == DType.INTEGER and ({"last", "since"} & set(words)) and (
            info.minimum is not None and info.minimum >= 0):
        return "day"  # "Last Interaction" (1-30): days since it, like days_since_last_order
    if info.role == Role.TENURE or (numeric and "tenure" in words) or (
            numeric and "membership" in words and "tenure" in concepts):
        # "Length of Membership" counts time as a member, like a tenure column.
        # A bare "tenure" column that stops near 72 counts months (telecom convention).
        if info.maximum is not None and info.maximum <= 12:
            return "year"  # bank tables count whole years (0-10)
        if info.maximum is not None and info.maximum <= 120:
            return "month"
        return "day"
    return None


def days_per_unit(unit: str) -> int:
    return _DAYS_OF_UNIT[unit]


def word_match(word: str, profile: ColumnProfile, vocab: Vocabulary) -> float:
    """How strongly one request word points at a column (0 when not at all)."""
    expansions = vocab.abbreviations.get(word, ())
    if expansions:
        # "AOV" meets avg_order_value through average, order, value.
        hits = [_one_word_match(x, profile, vocab) for x in (word, *expansions)]
        if word not in profile.stems and len([h for h in hits[1:] if h]) < len(expansions):
            return hits[0]
        return max(hits)
    return _one_word_match(word, profile, vocab)


_NOT_AMOUNTS = frozenset({"score", "rating", "rank", "index", "ratio", "rate", "percent", "pct",
                          "level", "grade", "tier", "propensity", "probability"})


def root(word: str) -> str:
    """A rougher stem for verbs and nouns alike: graduated, graduates, graduate -> graduat."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_NOUN_ENDINGS = frozenset({"", "ion", "ions", "ation", "ment", "ments", "s"})


def verb_base(word: str) -> str:
    """'opted' -> opt, 'streamed' -> stream: a past or -ing form down to a short base."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return ""


def _one_word_match(word: str, profile: ColumnProfile, vocab: Vocabulary) -> float:
    s = stem(word)
    concepts = vocab.concepts_of(word)
    if s in profile.stems or word in profile.stems:
        # "orders" names OrderCount (a frequency) before DaySinceLastOrder.
        return EXACT + ROLE_BONUS if concepts & profile.role_concepts else EXACT
    base = verb_base(word)
    if base in profile.stems:
        return CONCEPT  # "opted in" -> email_opt_in, "rated" -> rate
    for head in (base, word):
        if len(head) >= 5 and any(x.startswith(head) and x[len(head):] in _NOUN_ENDINGS
                                  for x in profile.stems):
            # "interacted" -> Last Interaction, "delayed" -> Payment Delay, "segment" ->
            # Segmentation
            return EXACT
    if len(word) >= 5 and root(word) in {root(x) for x in profile.stems if len(x) >= 5}:
        return CONCEPT  # "graduates" / "did not graduate" -> Graduated
    if not concepts:
        return 0.0
    if concepts & profile.role_concepts:
        return ROLE
    shared = concepts & profile.name_concepts
    if shared == {"money"} and profile.stems & _NOT_AMOUNTS:
        return 0.0  # "spent" is not a "Spending Score": scores and rates are not money
    if shared:
        return CONCEPT
    return 0.0


@dataclass(frozen=True)
class ColumnMatch:
    best: list[ColumnProfile]  # one column, or the tied best ones
    matched_words: frozenset[int]  # positions of the words that matched the winner
    score: float

    @property
    def column(self) -> ColumnProfile | None:
        return self.best[0] if len(self.best) == 1 else None


def match_columns(words: Sequence[tuple[int, str]], profiles: Iterable[ColumnProfile],
                  vocab: Vocabulary) -> ColumnMatch | None:
    """The column the words name best; ties are returned together for a question back."""
    candidates = list(profiles)
    if not candidates or not words:
        return None
    table = {(i, p.name): word_match(w, p, vocab) for i, w in words for p in candidates}
    # A word that fits many columns says little; one that fits a single column decides.
    spread = {i: sum(1 for p in candidates if table[(i, p.name)] > 0) for i, _ in words}
    scores: dict[str, float] = {}
    for p in candidates:
        hits = [i for i, _ in words if table[(i, p.name)]]
        if not hits:
            scores[p.name] = 0.0
            continue
        scores[p.name] = sum(table[(i, p.name)] * (1.0 + 1.0 / spread[i]) for i in hits)
        # Naming every word of a column's name beats naming part of another's.
        if _coverage(p, [w for i, w in words if i in hits], vocab) >= 1.0:
            scores[p.name] += COVERAGE
    top = max(scores.values())
    if top <= 0:
        return None
    best = [p for p in candidates if abs(scores[p.name] - top) < 1e-9]
    matched = frozenset(i for i, _ in words if table[(i, best[0].name)] > 0)
    return ColumnMatch(best=best, matched_words=matched, score=top)


def _coverage(profile: ColumnProfile, words: Sequence[str], vocab: Vocabulary) -> float:
    if not profile.parts:
        return 0.0
    keys: set[str] = set()
    for w in words:
        keys |= {w, stem(w)} | vocab.concepts_of(w)
        for x in vocab.abbreviations.get(w, ()):
            keys |= {x, stem(x)} | vocab.concepts_of(x)
    return sum(1 for part in profile.parts if part & keys) / len(profile.parts)


def by_role(profiles: Iterable[ColumnProfile], role: Role) -> ColumnProfile | None:
    """The first numeric column with a behaviour role (recency, frequency, ...)."""
    for p in profiles:
        if p.role == role and p.numeric:
            return p
    return None
