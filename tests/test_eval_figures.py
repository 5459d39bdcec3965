"""`segment eval` scores questions about the data by the figures in the reply.

The scorer reads numbers as replies in the three languages write them; a whole case
file of invented questions is scored through the CLI, against figures computed here
with pandas on invented data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from invented_data import garden_table
from typer.testing import CliRunner

from assistant import cli_assistant
from assistant.cli import app
from assistant.eval_figures import figure_in, figures_missing, reply_numbers


@pytest.mark.parametrize(("figure", "reply", "found"), [
    ("87", "87 customers (21.8% of 400)", True),
    ("21.8%", "87 customers (21.8% of 400)", True),
    ("2403", "average spend 2,403.47", True),
    ("2403", "средние траты 2 403,47 ₽", True),
    ("1234", "消费 ￥1,234.00", True),
    ("59.2", "Female: 59.25 (112 customers)", True),  # on the boundary: either neighbour
    ("59.2", "Female: 59.26", False),
    ("42.7%", "доля 42,7 %", True),
    ("1.234", "1,234", True),  # "1,234" is read both ways
    ("88", "888 customers", False),
    ("12", "1 234", False),
])
def test_figures_are_read_as_each_language_writes_them(figure: str, reply: str,
                                                       found: bool) -> None:
    assert figure_in(figure, reply) is found, (figure, reply, reply_numbers(reply))


def test_missing_figures_and_names_are_listed() -> None:
    case = {"expect_figures": ["10", "20.5"], "expect_names": ["Gold", "Silver"]}
    assert figures_missing(case, "Gold: 10 customers; silver: 20.5") == []
    assert figures_missing(case, "Gold: 11 customers") == ["10", "20.5", "Silver"]


def _eval(args: list[str]) -> Any:
    cli_assistant.register(app)
    return CliRunner().invoke(app, args, env={"OPENAI_API_KEY": None, "OPENAI_BASE_URL": None,
                                              "SEGMENT_MODEL": None, "COLUMNS": "150"})


def test_segment_eval_scores_a_file_of_data_questions(tmp_path: Path) -> None:
    import pandas as pd

    data = garden_table(tmp_path)
    frame = pd.read_csv(data)
    germany = int((frame["HomeCountry"] == "Germany").sum())
    mean_spend = frame.groupby("LoyaltyTier")["TotalSpent"].mean().round(1)
    cases = [
        {"id": "count", "data": data.name, "turns": ["how many customers are from Germany?"],
         "expect_figures": [str(germany)], "expect_names": []},
        {"id": "by-tier", "data": data.name, "turns": ["average spend by loyalty tier"],
         "expect_figures": [f"{v:.1f}" for v in mean_spend], "expect_names": ["Gold"]},
        {"id": "wrong", "data": data.name, "turns": ["how many customers are from Germany?"],
         "expect_figures": [str(germany + 1)], "expect_names": []},
    ]
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n", encoding="utf-8")
    result = _eval(["eval", str(path), "--data-dir", str(tmp_path),
                    "--workspace", str(tmp_path / "ws"), "--json"])
    report = json.loads(result.stdout)
    assert [r["id"] for r in report["per_case"] if r["passed"]] == ["count", "by-tier"]
    assert report["failures"][0]["got"] == f"missing {germany + 1}"


def test_a_file_of_knowledge_questions_says_which_command_scores_it(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    path.write_text(json.dumps({"id": "k", "lang": "en", "question": "What is RFM?",
                                "expect_any_terms": ["recency"]}) + "\n", encoding="utf-8")
    result = _eval(["eval", str(path), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code != 0 and "segment kb eval" in result.output
    assert "Traceback" not in result.output
