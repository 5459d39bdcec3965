"""Every dev.jsonl case (and our own extra.jsonl, same format, answers computed with
plain pandas from the intended meaning) through the built-in interpreter and the real engine.

A multi-turn case applies each define_segment call the way the toolkit does
(new replaces, refine ANDs, exclude removes), then compares the final segment's
size and the sha256 of its sorted ids with the expected answer.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.interpreter import InterpreterContext, interpret
from tools.engine.definitions import Condition, Not, SegmentDefinition, conjunction

evaluate_module = pytest.importorskip("tools.engine.evaluate")
pytest.importorskip("tools.engine.loading")

EVAL_DIR = Path(__file__).parent / "eval"
CASES = [json.loads(line) for name in ("dev.jsonl", "extra.jsonl")
         for line in (EVAL_DIR / name).read_text().splitlines() if line.strip()]
FIXTURES = {"online_retail.csv.gz": "retail", "marketing_campaign.csv": "campaign",
            "mall_customers.csv": "mall"}


def ids_sha256(ids: list[Any]) -> str:
    text = "\n".join(sorted(str(int(i)) if isinstance(i, float) and i.is_integer() else str(i)
                            for i in ids))
    return hashlib.sha256(text.encode()).hexdigest()


def run_turns(turns: list[str], data: Any) -> tuple[Condition | None, list[Any]]:
    current: Condition | None = None
    results = []
    for turn in turns:
        context = InterpreterContext(schema=data.schema, has_current_segment=current is not None,
                                     as_of=data.source.as_of)
        result = interpret(turn, context)
        results.append(result)
        for call in result.calls:
            if call.name == "reset":
                current = None
            if call.name != "define_segment":
                continue
            condition = SegmentDefinition.from_data({"condition": call.args["condition"]}).condition
            mode = call.args["mode"]
            if current is None or mode == "new":
                current = condition
            elif mode == "refine":
                current = conjunction([current, condition])
            else:
                current = conjunction([current, Not(condition=condition)])
    return current, results


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dev_case(case: dict[str, Any], request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(FIXTURES[case["data"]])
    current, results = run_turns(case["turns"], data)
    expect = case["expect"]
    if expect.get("clarify"):
        assert current is None, f"presented a segment: {current}"
        assert results[-1].clarification
        assert results[-1].options, "a clarification names real columns or values"
        return
    assert current is not None, results[-1].clarification
    mask = evaluate_module.evaluate(current, data)
    ids = list(data.customers.index[mask])
    assert len(ids) == expect["size"], (results[-1].understood, current)
    assert ids_sha256(ids) == expect["ids_sha256"]
