"""`segment eval`: run plain-language cases with known answers and report accuracy.

Case format (tests/eval/README.md): id, data, turns, expect {size, ids_sha256,
jaccard_at_least?} or {clarify: true}, expect_any (further acceptable outcomes).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core import Assistant, Backend
from assistant.eval_figures import figures_missing
from tools.engine.dataset import CustomerData
from tools.engine.errors import DataError
from tools.engine.loading import load_customer_data


@dataclass(frozen=True)
class CaseResult:
    case_id: str
    passed: bool
    expected: str
    got: str
    reply: str = ""
    seconds: float = 0.0  # all the case's turns, data loading excluded
    backend: str = ""
    # With a model: the tokens the server counted, and the cost when prices are set.
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.case_id, "passed": self.passed,
                               "expected": self.expected, "got": self.got,
                               "reply": self.reply, "seconds": round(self.seconds, 3),
                               "backend": self.backend}
        if self.input_tokens is not None:
            out.update(input_tokens=self.input_tokens, output_tokens=self.output_tokens)
        if self.cost is not None:
            out["cost"] = round(self.cost, 6)
        return out


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
        out: dict[str, Any] = {"cases": len(self.results), "passed": self.passed,
                               "accuracy": round(self.accuracy, 4),
                               "failures": [r.to_dict() for r in self.results if not r.passed],
                               "per_case": [r.to_dict() for r in self.results]}
        costs = [r.cost for r in self.results if r.cost is not None]
        if costs:
            out["cost"] = round(sum(costs), 6)
        return out


def report_lines(report: EvalReport) -> list[str]:
    """The report for a terminal: accuracy, then one line per case when a model answered
    (tokens, seconds, cost), then what failed."""
    lines = [f"{report.passed}/{len(report.results)} cases right "
             f"({100 * report.accuracy:.1f}%)"]
    measured = [r for r in report.results if r.input_tokens is not None]
    for r in measured:
        cost = f"  cost {r.cost:.6f}" if r.cost is not None else ""
        lines.append(f"  {r.case_id}: {'right' if r.passed else 'WRONG'}  "
                     f"{r.input_tokens} in / {r.output_tokens} out tokens  "
                     f"{r.seconds:.2f} s{cost}")
    if measured:
        costs = [r.cost for r in measured if r.cost is not None]
        total = f", cost {sum(costs):.6f}" if costs else " (no price set: input_price and " \
            "output_price in settings.yaml, per million tokens)"
        lines.append(f"Tokens {sum(r.input_tokens or 0 for r in measured)} in / "
                     f"{sum(r.output_tokens or 0 for r in measured)} out, mean "
                     f"{sum(r.seconds for r in measured) / len(measured):.2f} s a case{total}")
    lines += [f"- {r.case_id}: expected {r.expected}, got {r.got}"
              for r in report.results if not r.passed]
    return lines


def ids_hash(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()


def read_cases(path: Path) -> list[dict[str, Any]]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError:
            raise DataError(f"{path.name} line {number} is not valid JSON: fix that line.") \
                from None
        if not isinstance(case, dict) or "turns" not in case or "data" not in case or not (
                "expect" in case or "expect_figures" in case):
            hint = (" It holds knowledge questions: score them with `segment kb eval "
                    f"{path}`." if isinstance(case, dict) and "question" in case else
                    " Each line needs 'data', 'turns' and 'expect' (or "
                    "'expect_figures').")
            raise DataError(f"{path.name} line {number} is not a segment case.{hint}")
        cases.append(case)
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
    backend = backend_factory() if backend_factory else None
    bot = Assistant(data, workspace=workspace, backend=backend)
    turn = None
    tokens: dict[str, int] = {}
    fell_back = ""
    start = time.perf_counter()
    for text in case["turns"]:
        turn = bot.ask(text)
        for key, count in getattr(backend, "usage", {}).items():
            tokens[key] = tokens.get(key, 0) + int(count)
        if backend is not None and turn.backend != backend.name and not fell_back:
            fell_back = turn.notice or "the model did not answer"
    seconds = time.perf_counter() - start
    assert turn is not None
    if "expect_figures" in case:  # a question about the data: the figures in the reply
        missing = figures_missing(case, turn.reply)
        wanted = ", ".join(map(str, [*case["expect_figures"], *case.get("expect_names", [])]))
        return CaseResult(case.get("id", "?"), not missing and not fell_back, wanted,
                          f"missing {', '.join(missing)}" if missing else "all stated",
                          turn.reply, seconds=seconds, backend=turn.backend)
    ids = bot.member_ids() if turn.segment is not None else []
    outcomes = [case["expect"], *case.get("expect_any", [])]
    # Measuring a model: a turn the built-in interpreter answered instead does not count.
    passed = not fell_back and any(_outcome_matches(o, turn.segment, ids, turn.clarification)
                                   for o in outcomes)
    got = "clarification" if turn.segment is None else f"{turn.segment['size']} customers " \
          f"({turn.segment.get('description', '')})"
    if fell_back:
        got = f"no answer from the model ({fell_back})"
    measured = backend is not None and hasattr(backend, "usage")
    return CaseResult(case.get("id", "?"), passed, _expected_text(case["expect"]), got,
                      turn.reply, seconds=seconds, backend=turn.backend,
                      input_tokens=tokens.get("input_tokens", 0) if measured else None,
                      output_tokens=tokens.get("output_tokens", 0) if measured else None,
                      cost=_cost(tokens, getattr(backend, "prices", None)))


def _cost(tokens: dict[str, int], prices: tuple[float | None, float | None] | None
          ) -> float | None:
    if not prices or prices[0] is None or prices[1] is None:
        return None
    return (tokens.get("input_tokens", 0) * prices[0]
            + tokens.get("output_tokens", 0) * prices[1]) / 1_000_000


def run_eval(cases_path: Path, *, workspace: Path, data_dirs: list[Path],
             backend_factory: Callable[[], Backend] | None = None,
             load: Callable[[Path], CustomerData] | None = None) -> EvalReport:
    loader = load or (lambda p: load_customer_data(p, cache_dir=workspace / "cache"))
    loaded: dict[str, CustomerData] = {}
    report = EvalReport()
    for case in read_cases(cases_path):
        name = case["data"]
        if name not in loaded:
            loaded[name] = loader(find_data(name, data_dirs))
        report.results.append(run_case(case, loaded[name], workspace, backend_factory))
    return report
