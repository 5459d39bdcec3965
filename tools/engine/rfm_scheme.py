"""RFM naming schemes as data: which (R, F) score cells carry which segment name.

A scheme is a list of rules, each naming a set of R scores and F scores; the
rules must cover the 25 R x F cells exactly once, so every customer gets one
name. It round-trips through YAML so a team can keep its own naming beside the
default (the SEMANTICS.md table, `default_scheme()`).

Scores in a rule may be written as a list (`[4, 5]`), a single score (`5`) or a
range string (`"4-5"`); they are stored as a sorted list.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from tools.engine.errors import DefinitionError, first_problem

SCORES = (1, 2, 3, 4, 5)


def _parse_scores(value: Any) -> list[int]:
    """1-5 scores from `5`, `[4, 5]` or `"4-5"`, sorted and deduplicated."""
    if isinstance(value, bool):
        raise ValueError("scores are whole numbers 1-5, not true/false")
    if isinstance(value, int):
        items: list[Any] = [value]
    elif isinstance(value, str):
        low, sep, high = value.partition("-")
        try:
            items = (list(range(int(low), int(high) + 1)) if sep else [int(low)])
        except ValueError:
            raise ValueError(f"cannot read scores {value!r}: write 5, [4, 5] or '4-5'") from None
    elif isinstance(value, list | tuple | range):
        items = list(value)
    else:
        raise ValueError(f"cannot read scores {value!r}: write 5, [4, 5] or '4-5'")
    if not items:
        raise ValueError("a rule needs at least one score")
    scores: set[int] = set()
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int) or item not in SCORES:
            raise ValueError(f"score {item!r} is not a whole number from 1 to 5")
        scores.add(item)
    return sorted(scores)


class RfmSegmentRule(BaseModel):
    """One named segment: every customer whose R score is in `r` and F score in `f`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    r: list[int]
    f: list[int]

    @field_validator("r", "f", mode="before")
    @classmethod
    def _scores(cls, value: Any) -> list[int]:
        return _parse_scores(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a segment name cannot be empty")
        return value.strip()


class RfmScheme(BaseModel):
    """Named RFM segments covering each of the 25 R x F cells exactly once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "default"
    segments: list[RfmSegmentRule]
    # "id": SEMANTICS.md's NTILE, equal values split across a bucket edge by customer id.
    # "value": equal values kept together, each run of equal values scored where it
    # begins in the NTILE order (docs/SEMANTICS.md, "RFM scores").
    ties: Literal["id", "value"] = "id"

    @model_validator(mode="after")
    def _covers_every_cell_once(self) -> RfmScheme:
        names = [rule.name for rule in self.segments]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"segment names must be unique; repeated: {', '.join(repeated)}")
        owners: dict[tuple[int, int], list[str]] = {}
        for rule in self.segments:
            for r in rule.r:
                for f in rule.f:
                    owners.setdefault((r, f), []).append(rule.name)
        gaps = [f"R{r}F{f}" for r in SCORES for f in SCORES if (r, f) not in owners]
        overlaps = [
            f"R{r}F{f} ({' and '.join(owners[(r, f)])})"
            for r in SCORES
            for f in SCORES
            if len(owners.get((r, f), [])) > 1
        ]
        problems = []
        if gaps:
            problems.append(f"cells with no segment: {', '.join(gaps)}")
        if overlaps:
            problems.append(f"cells with more than one segment: {', '.join(overlaps)}")
        if problems:
            raise ValueError("every R x F cell needs exactly one segment; " + "; ".join(problems))
        return self

    def segment_names(self) -> list[str]:
        """The segment names in scheme order."""
        return [rule.name for rule in self.segments]

    def cell_lookup(self) -> np.ndarray:
        """A 5x5 array: [r - 1, f - 1] -> position of the segment in `segments`."""
        lookup = np.full((5, 5), -1, dtype=np.int64)
        for position, rule in enumerate(self.segments):
            for r in rule.r:
                for f in rule.f:
                    lookup[r - 1, f - 1] = position
        return lookup

    def segment_of(self, r: int, f: int) -> str:
        """The name of the segment holding cell (r, f)."""
        if r not in SCORES or f not in SCORES:
            raise DefinitionError(f"RFM scores run from 1 to 5, got R={r} F={f}",
                                  options=[str(s) for s in SCORES])
        return self.segments[int(self.cell_lookup()[r - 1, f - 1])].name

    def cache_key(self) -> str:
        """A short stable key for caching results computed with this scheme."""
        text = self.model_dump_json()
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def to_yaml(self) -> str:
        data = {
            "name": self.name,
            "segments": [
                {"name": rule.name, "r": _compact(rule.r), "f": _compact(rule.f)}
                for rule in self.segments
            ],
        }
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    @classmethod
    def from_yaml(cls, text: str) -> RfmScheme:
        """Read a scheme; a malformed one raises DefinitionError with a one-line reason."""
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            message = f"the RFM scheme is not valid YAML: {exc}".replace("\n", " ")
            raise DefinitionError(message) from None
        return cls.from_data(loaded)

    @classmethod
    def from_data(cls, data: Any) -> RfmScheme:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            where, reason = first_problem(exc)
            reason = reason.removeprefix("Value error, ")
            message = f"RFM scheme: {where + ': ' if where else ''}{reason}"
            raise DefinitionError(message.replace("\n", " ")) from None


def _compact(scores: list[int]) -> int | str | list[int]:
    """Scores as a team would write them: 5, "3-5" for a run, else a list."""
    if len(scores) == 1:
        return scores[0]
    if scores == list(range(scores[0], scores[-1] + 1)):
        return f"{scores[0]}-{scores[-1]}"
    return scores


def default_scheme() -> RfmScheme:
    """The SEMANTICS.md naming of the 25 R x F cells."""
    rules = [
        ("Champions", "5", "4-5"),
        ("Loyal Customers", "3-4", "4-5"),
        ("Potential Loyalists", "4-5", "2-3"),
        ("New Customers", "5", "1"),
        ("Promising", "4", "1"),
        ("Need Attention", "3", "3"),
        ("About to Sleep", "3", "1-2"),
        ("At Risk", "1-2", "3-4"),
        ("Can't Lose Them", "1-2", "5"),
        ("Hibernating", "1-2", "1-2"),
    ]
    return RfmScheme(
        name="default",
        segments=[RfmSegmentRule.model_validate({"name": n, "r": r, "f": f}) for n, r, f in rules],
    )
