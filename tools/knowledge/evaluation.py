"""Retrieval eval: does the top of the search hold the answer, per language?

A case is a JSON line {"id", "lang", "question", "expect_any_terms", "expect_doc"?}.
With `expect_doc` a hit means a passage of that document is among the top k; without
it, a hit means the top k passages' text contains one of the expected terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.knowledge.store import Hit, KnowledgeStore

TARGET_HIT_RATE = 0.9


@dataclass(frozen=True)
class RetrievalCase:
    id: str
    lang: str
    question: str
    expect_any_terms: tuple[str, ...] = ()
    expect_doc: str | None = None

    def is_hit(self, hits: list[Hit]) -> bool:
        if self.expect_doc:
            return any(h.doc_id == self.expect_doc for h in hits)
        text = " ".join(h.text.lower() for h in hits)
        return any(term.lower() in text for term in self.expect_any_terms)


@dataclass(frozen=True)
class RetrievalFailure:
    id: str
    lang: str
    question: str
    expected: str
    found: list[str]


@dataclass
class RetrievalReport:
    k: int
    cases: int
    hits: int
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    failures: list[RetrievalFailure] = field(default_factory=list)

    @property
    def hit_rate(self) -> float:
        return self.hits / self.cases if self.cases else 0.0

    def passed(self, target: float = TARGET_HIT_RATE) -> bool:
        """Every language reaches the target hit rate."""
        return bool(self.by_language) and all(
            row["hit_rate"] >= target for row in self.by_language.values())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hit_rate"] = round(self.hit_rate, 4)
        data["passed"] = self.passed()
        return data


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) of each non-blank line; a line that is not JSON is a
    one-line ValueError naming it."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError:
            raise ValueError(f"{path}:{number} is not a JSON object: fix that line") from None


def read_cases(path: Path) -> list[RetrievalCase]:
    """Cases from a JSON-lines file; blank lines are skipped."""
    cases = []
    for number, raw in json_lines(path):
        cases.append(RetrievalCase(
            id=str(raw.get("id", f"line-{number}")), lang=str(raw.get("lang", "")),
            question=str(raw["question"]),
            expect_any_terms=tuple(str(t) for t in raw.get("expect_any_terms") or []),
            expect_doc=raw.get("expect_doc") or None))
    return cases


def evaluate_retrieval(store: KnowledgeStore, cases_path: Path | list[Path],
                       k: int = 3) -> RetrievalReport:
    """Hit rate at k per language over one or more case files."""
    paths = cases_path if isinstance(cases_path, list) else [cases_path]
    cases = [case for path in paths for case in read_cases(path)]
    report = RetrievalReport(k=k, cases=len(cases), hits=0)
    tallies: dict[str, list[int]] = {}
    for case in cases:
        hits = store.search(case.question, k=k)
        hit = case.is_hit(hits)
        tally = tallies.setdefault(case.lang or "?", [0, 0])
        tally[0] += int(hit)
        tally[1] += 1
        report.hits += int(hit)
        if not hit:
            expected = case.expect_doc or " | ".join(case.expect_any_terms)
            report.failures.append(RetrievalFailure(
                case.id, case.lang, case.question, expected,
                [f"{h.file} § {h.section}" for h in hits]))
    report.by_language = {
        lang: {"cases": total, "hits": hit, "hit_rate": round(hit / total, 4)}
        for lang, (hit, total) in sorted(tallies.items())}
    return report
