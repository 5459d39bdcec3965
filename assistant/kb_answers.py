"""Answer-level evaluation: does the reply itself answer, in the question's language, cited?

Retrieval hit rate (tools/knowledge/evaluation.py) says whether the right passage is near
the top; this says whether the person gets an answer. A case is a JSON line:

    {"id", "lang", "question", "answer_terms": [...],   # one of them must be in the reply
     "setup": ["turn", ...],     # asked first in the same session (a segment to talk about)
     "tool": "explain_segment",  # the tool the question must reach (optional)
     "data": "log" | "table",    # which dataset the session runs on (default log)
     "nothing": true}            # the reply must say nothing relevant was found, uncited

A reply passes when it holds an expected term, is written in the question's script, cites
its sources ([n] and a source list) and has a body beyond headings (never a heading or a
planted question alone); a "nothing" case passes with the terms and no sources.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.knowledge.evaluation import json_lines

if TYPE_CHECKING:
    from assistant.core import Assistant, Turn

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
# The least a reply's body (headings, sources and citations left out) holds to be an
# answer rather than a title: words for English and Russian, characters for Chinese.
MIN_BODY_WORDS = 12
MIN_BODY_CHARS_ZH = 30
# The share of letters in the question's script a reply needs; the rest may be Latin
# terms (RFM, KPI, segment names) quoted in any language.
MIN_SCRIPT_SHARE = {"zh": 0.5, "ru": 0.6, "en": 0.9}


@dataclass(frozen=True)
class AnswerCase:
    id: str
    lang: str
    question: str
    answer_terms: tuple[str, ...]
    setup: tuple[str, ...] = ()
    tool: str | None = None
    data: str = "log"
    nothing: bool = False


@dataclass
class AnswerFailure:
    id: str
    lang: str
    question: str
    problems: list[str]
    reply: str


@dataclass
class AnswerReport:
    cases: int = 0
    passed: int = 0
    skipped: int = 0
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    failures: list[AnswerFailure] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0

    def reached(self, target: float) -> bool:
        return bool(self.by_language) and all(
            row["pass_rate"] >= target for row in self.by_language.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"pass_rate": round(self.pass_rate, 4)}


def is_answer_file(path: Path) -> bool:
    """A cases file of this kind (its first case has `answer_terms`)."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                return "answer_terms" in json.loads(line)
            except json.JSONDecodeError:
                return False
    return False


def read_answer_cases(path: Path) -> list[AnswerCase]:
    cases = []
    for number, raw in json_lines(path):
        try:
            cases.append(AnswerCase(
                id=str(raw.get("id", f"line-{number}")), lang=str(raw["lang"]),
                question=str(raw["question"]),
                answer_terms=tuple(str(t) for t in raw["answer_terms"]),
                setup=tuple(str(t) for t in raw.get("setup") or ()),
                tool=raw.get("tool"), data=str(raw.get("data") or "log"),
                nothing=bool(raw.get("nothing"))))
        except (KeyError, TypeError, AttributeError):
            raise ValueError(f"{path}:{number} is not an answer case (id, lang, question, "
                             "answer_terms): fix that line") from None
    return cases


def body_of(reply: str) -> str:
    """The reply without headings, bold titles, the source list and citation marks."""
    kept = []
    for line in reply.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or re.fullmatch(r"\*\*[^*]+\*\*:?", stripped):
            continue
        if re.fullmatch(r"\d+\.\s+\S+\.md\s+§.*", stripped):  # a source line
            continue
        kept.append(re.sub(r"\[\d+\]", "", line))
    return "\n".join(kept).strip()


def script_share(text: str, lang: str) -> float:
    letters = len(_CJK.findall(text)) + len(_CYRILLIC.findall(text)) + len(
        _LATIN.findall(text))
    if not letters:
        return 0.0
    own = {"zh": _CJK, "ru": _CYRILLIC, "en": _LATIN}[lang]
    return len(own.findall(text)) / letters


def problems_of(case: AnswerCase, turn: Turn) -> list[str]:
    """What keeps a reply from answering the case (empty when it answers)."""
    reply = turn.reply
    problems = []
    if not any(term.casefold() in reply.casefold() for term in case.answer_terms):
        problems.append("no expected term")
    tools = [r.tool for r in turn.results]
    if case.tool and case.tool not in tools:
        problems.append(f"reached {tools or 'no tool'}, not {case.tool}")
    body = body_of(reply)
    if script_share(body, case.lang) < MIN_SCRIPT_SHARE.get(case.lang, 0.5):
        problems.append(f"not in {case.lang}")
    if case.nothing:
        if turn.sources:
            problems.append("quoted a passage for an unrelated question")
        return problems
    if not turn.sources or not re.search(r"\[\d+\]", reply):
        problems.append("not cited")
    size = len(_CJK.findall(body)) if case.lang == "zh" else len(body.split())
    if size < (MIN_BODY_CHARS_ZH if case.lang == "zh" else MIN_BODY_WORDS) or \
            body.rstrip().endswith((":", "：", "?", "？")):
        problems.append("a heading or a question, not an answer")
    return problems


def evaluate_answers(paths: list[Path], assistants: dict[str, Assistant]) -> AnswerReport:
    """Ask every case (its setup turns first, in the same session); tally per language.

    `assistants`: one per dataset kind ("log", "table"); cases for a missing one are
    skipped and counted as such.
    """
    report = AnswerReport()
    tallies: dict[str, list[int]] = {}
    for path in paths:
        for case in read_answer_cases(path):
            bot = assistants.get(case.data)
            if bot is None:
                report.skipped += 1
                continue
            for turn_text in case.setup:
                bot.ask(turn_text)
            turn = bot.ask(case.question)
            problems = problems_of(case, turn)
            tally = tallies.setdefault(case.lang, [0, 0])
            tally[0] += int(not problems)
            tally[1] += 1
            report.cases += 1
            report.passed += int(not problems)
            if problems:
                report.failures.append(AnswerFailure(case.id, case.lang, case.question,
                                                     problems, turn.reply[:300]))
    report.by_language = {lang: {"cases": total, "passed": ok,
                                 "pass_rate": round(ok / total, 4)}
                          for lang, (ok, total) in sorted(tallies.items())}
    return report
