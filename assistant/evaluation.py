"""`segment eval`: run plain-language cases with known answers and report accuracy.

Case format (tests/eval/README.md): id, data, turns, expect {size, ids_sha256,
jaccard_at_least?} or {clarify: true}, expect_any (further acceptable outcomes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core import Assistant, Backend
from tools.engine.dataset import CustomerData
from tools.engine.errors import DataError


@dataclass(frozen=True)
class CaseResult:
    case_id: str
    passed: bool
    expected: str
    got: str
    reply: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.case_id, "passed": self.passed, "expected": self.expected,
                "got": self.got, "reply": self.reply}


@dataclass
class EvalReport:
    results: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def accuracy(self) -> float:
        return self.passed / len(self.results) if self.results else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"cases": len(self.results), "passed": self.passed,
                "accuracy": round(self.accuracy, 4),
                "failures": [r.to_dict() for r in self.results if not r.passed]}


def ids_hash(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()


def read_cases(path: Path) -> list[dict[str, Any]]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(json.loads(line))
        except json.JSONDecodeError:
            raise DataError(f"{path.name} line {number} is not valid JSON: fix that line.") \
                from None
    return cases


def find_data(name: str, search: list[Path]) -> Path:
    for folder in search:
        if (folder / name).exists():
            return folder / name
    raise DataError(f"Data file '{name}' not found in {', '.join(map(str, search))}: "
                    "pass --data-dir.")


def _outcome_matches(expect: dict[str, Any], segment: dict[str, Any] | None,
                     ids: list[str], clarified: bool) -> bool:
    if expect.get("clarify"):
        return segment is None
    if segment is None:
        return False
    size, expected = int(segment["size"]), int(expect.get("size", -1))
    if size == expected and ids_hash(ids) == expect.get("ids_sha256"):
        return True
    # Where ties make the exact set arbitrary, only the sizes can be checked without the ids:
    # the Jaccard index of two sets is at most the ratio of their sizes.
    threshold = expect.get("jaccard_at_least")
    return threshold is not None and expected > 0 and \
        min(size, expected) / max(size, expected) >= float(threshold)


def _expected_text(expect: dict[str, Any]) -> str:
    return "clarification" if expect.get("clarify") else f"{expect.get('size')} customers"


def run_case(case: dict[str, Any], data: CustomerData, workspace: Path,
             backend_factory: Callable[[], Backend] | None) -> CaseResult:
    bot = Assistant(data, workspace=workspace,
                    backend=backend_factory() if backend_factory else None)
    turn = None
    for text in case["turns"]:
        turn = bot.ask(text)
    assert turn is not None
    ids = bot.member_ids() if turn.segment is not None else []
    outcomes = [case["expect"], *case.get("expect_any", [])]
    passed = any(_outcome_matches(o, turn.segment, ids, turn.clarification) for o in outcomes)
    got = "clarification" if turn.segment is None else f"{turn.segment['size']} customers " \
          f"({turn.segment.get('description', '')})"
    return CaseResult(case.get("id", "?"), passed, _expected_text(case["expect"]), got,
                      turn.reply)


def run_eval(cases_path: Path, *, workspace: Path, data_dirs: list[Path],
             backend_factory: Callable[[], Backend] | None = None,
             load: Callable[[Path], CustomerData] | None = None) -> EvalReport:
    from tools.engine.loading import load_customer_data

    loader = load or (lambda p: load_customer_data(p, cache_dir=workspace / "cache"))
    loaded: dict[str, CustomerData] = {}
    report = EvalReport()
    for case in read_cases(cases_path):
        name = case["data"]
        if name not in loaded:
            loaded[name] = loader(find_data(name, data_dirs))
        report.results.append(run_case(case, loaded[name], workspace, backend_factory))
    return report
