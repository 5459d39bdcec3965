"""The working state of one request while extractors read it.

Each extractor claims the tokens it understood and adds a `Part` (a condition
with its position) or a `Problem` (something to ask the user). Whatever no
extractor claims is checked at the end: a content word left over means the
request says something the interpreter could not map, so it asks instead of
guessing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.interpreter.columns import ColumnProfile
from assistant.interpreter.text import Kind, Token
from assistant.interpreter.vocabulary import Vocabulary
from tools.engine.definitions import Compare, Condition
from tools.engine.schema import DType

# Words that end the phrase naming a measure ("spent over 1000 AND ...").
BOUNDARY_WORDS = frozenset({"and", "or", "but", "who", "whose", "that", "which", "where", "with",
                            "while", "whom", "plus", "also", "having", "without", "except",
                            "excluding", "yet"})


def condition_nodes(condition: Condition) -> Iterator[dict[str, Any]]:
    """Every node of a condition (and / or / not and what they hold), as dumped dicts."""
    stack: list[Any] = [condition.model_dump()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(node)


@dataclass
class Part:
    start: int
    end: int
    condition: Condition
    text: str  # short echo ("monetary > 5000")


@dataclass
class Problem:
    message: str
    options: list[str] = field(default_factory=list)


@dataclass
class Parse:
    tokens: list[Token]
    vocab: Vocabulary
    profiles: list[ColumnProfile]
    used: list[bool] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Words that are category values of the data ("men", "german"): never a measure.
    value_words: frozenset[str] = frozenset()
    # Phrase -> the category values it names (values.value_index), built once per request.
    values: dict[tuple[str, ...], list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.used:
            self.used = [False] * len(self.tokens)

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.tokens) and not self.used[i]

    def claim(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.tokens))):
            self.used[i] = True

    def add(self, start: int, end: int, condition: Condition, text: str) -> None:
        self.claim(start, end)
        self.parts.append(Part(start=start, end=end, condition=condition, text=text))

    def low(self, i: int) -> str:
        return self.tokens[i].low if 0 <= i < len(self.tokens) else ""

    def is_boundary(self, i: int) -> bool:
        tok = self.tokens[i]
        return (self.used[i] or tok.kind == Kind.PUNCT or tok.low in BOUNDARY_WORDS)

    def is_filler(self, i: int) -> bool:
        return self.tokens[i].low in self.vocab.fillers

    def matches(self, i: int, phrase: tuple[str, ...]) -> bool:
        if i < 0 or i + len(phrase) > len(self.tokens):
            return False
        return all(self.free(i + k) and self.tokens[i + k].low == w for k, w in enumerate(phrase))

    def negated_before(self, start: int, window: int = 4, claim: bool = True) -> bool:
        """A negation or exclusion word shortly before `start` (skipping fillers)."""
        i, seen = start - 1, 0
        while i >= 0 and seen < window:
            tok = self.tokens[i]
            if self.used[i] or tok.kind == Kind.PUNCT:
                return False
            if tok.low in self.vocab.exclusion_words or tok.low in self.vocab.negations:
                if tok.low == "other" and self.low(i + 1) != "than":
                    return False
                if claim:
                    self.claim(i, start)
                return True
            if tok.low in ("and", "or", "with", "who", "whose") or not self.is_filler(i):
                return False
            i -= 1
            seen += 1
        return False


def typed_value(profile: ColumnProfile, value: float) -> float | int:
    """A number as the column holds it: whole numbers stay integers."""
    if profile.info.dtype == DType.INTEGER or float(value).is_integer():
        return int(value) if float(value).is_integer() else value
    return value


def compare(profile: ColumnProfile, op: str, value: float | int | str) -> Compare:
    return Compare(column=profile.name, op=op, value=value)  # type: ignore[arg-type]


def fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
